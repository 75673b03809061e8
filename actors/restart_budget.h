// How often a supervised actor may be restarted: at most `max_restarts`
// restarts within any `window`. One budget per child; both the one_for_one
// supervisors (supervisor.h) and the game supervisor's own coordinator use it,
// so the two agree on what "keeps crashing" means.
//
// Plain values, no actors: the caller passes the time of each crash, so the
// rule is testable without a clock. A restart older than `window` no longer
// counts. A crash the budget refuses is not recorded: the caller gives up (and
// escalates) and decides whether the budget starts afresh (reset()).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>

namespace hegemon {

struct RestartIntensity {
  int32_t max_restarts = 3;
  std::chrono::milliseconds window{5000};
};

class RestartBudget {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Whether one more restart at `now` stays within `intensity`; records it if so.
  bool admit(const RestartIntensity& intensity, TimePoint now);
  // Forgets every recorded restart (a restart on request, or after giving up).
  void reset() { recent_.clear(); }
  // Restarts recorded within the window as of the last admit().
  size_t recent() const { return recent_.size(); }

 private:
  std::deque<TimePoint> recent_;  // oldest first
};

}  // namespace hegemon
