#include "actors/tick_stats.h"

namespace hegemon {

double TickStats::lap(TimePoint now) {
  const double ms = std::chrono::duration<double, std::milli>(now - lap_start_).count();
  lap_start_ = now;
  return ms;
}

void TickStats::nation_phase_done(TimePoint now) {
  s_.nation_phase_ms = lap(now);
  s_.total_nation_ms += s_.nation_phase_ms;
}

void TickStats::war_phase_done(TimePoint now) {
  s_.war_phase_ms = lap(now);
  s_.total_war_ms += s_.war_phase_ms;
}

void TickStats::finish_phase_done(TimePoint now) {
  s_.finish_phase_ms = lap(now);
  s_.total_finish_ms += s_.finish_phase_ms;
  ++s_.ticks_run;
  recent_.push_back(now);
  ticks_per_second(now);
}

void TickStats::committed(int64_t micros) {
  s_.commit_ms = static_cast<double>(micros) / 1000.0;
  ++s_.commits;
  s_.total_commit_ms += s_.commit_ms;
}

double TickStats::ticks_per_second(TimePoint now) {
  while (!recent_.empty() && now - recent_.front() > std::chrono::seconds(1)) recent_.pop_front();
  return static_cast<double>(recent_.size());
}

void TickStats::fill(GameStatus& status, TimePoint now) {
  status.ticks_per_second = ticks_per_second(now);
  status.commit_ms = s_.commit_ms;
  status.nation_phase_ms = s_.nation_phase_ms;
  status.war_phase_ms = s_.war_phase_ms;
  status.finish_phase_ms = s_.finish_phase_ms;
  status.ticks_run = s_.ticks_run;
  status.total_nation_ms = s_.total_nation_ms;
  status.total_war_ms = s_.total_war_ms;
  status.total_finish_ms = s_.total_finish_ms;
  status.total_nations_asked = s_.total_nations_asked;
  status.commits = s_.commits;
  status.total_commit_ms = s_.total_commit_ms;
}

}  // namespace hegemon
