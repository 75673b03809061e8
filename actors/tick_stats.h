// The coordinator's measurements for the status line, the admin API and
// `hegemon bench`: how long the last tick's phases took (nation, war,
// finish), sums over every tick since this coordinator started (for
// averages), the last commit's duration and the ticks completed in the last
// second.
//
// Plain values: the caller passes `now` at each phase boundary.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>

#include "actors/game_status.h"

namespace hegemon {

class TickStats {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // A tick's first phase begins.
  void tick_started(TimePoint now) { lap_start_ = now; }
  // The nation phase asks `n` nations (idle ones are not asked).
  void nations_asked(int64_t n) { s_.total_nations_asked += n; }
  void nation_phase_done(TimePoint now);
  void war_phase_done(TimePoint now);
  // The tick is sealed and handed on: it counts as run, and completed at `now`.
  void finish_phase_done(TimePoint now);
  // A commit went through; `micros` is its share of the transaction.
  void committed(int64_t micros);
  // Ticks completed within the second before `now`.
  double ticks_per_second(TimePoint now);
  // Sets the timing fields of `status` (phases, sums, commits, rate).
  void fill(GameStatus& status, TimePoint now);

 private:
  double lap(TimePoint now);  // milliseconds since the last phase boundary

  TimePoint lap_start_;
  std::deque<TimePoint> recent_;  // ticks completed, last second
  GameStatus s_;                  // only its timing fields are used
};

}  // namespace hegemon
