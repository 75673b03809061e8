// The coordinator's clock: the game speed, the speed "resume" returns to, and
// when the next tick is due.
//
// Ticks start at ideal times (start + n * interval), not "now + interval", so
// the rate does not drift; after falling more than a second behind the
// schedule starts afresh from now instead of bursting to catch up. At
// kMaxSpeed the next tick starts as soon as the last one is done.
//
// Timers carry the epoch they were armed in: a speed change or a pause starts
// a new epoch, and a timer of an older one is stale (fire() says so). At most
// one timer is armed at a time.
//
// Plain values: the caller passes `now` and sends the timer message itself.
#pragma once

#include <chrono>
#include <cstdint>

#include "actors/game_speed.h"

namespace hegemon {

class TickClock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // A timer to arm: deliver (epoch) at `when`, or at once if `immediate`.
  struct Timer {
    TimePoint when;
    uint64_t epoch = 0;
    bool immediate = false;
  };

  explicit TickClock(int32_t resume_speed = kDefaultSpeed) : resume_speed_(resume_speed) {}

  int32_t speed() const { return speed_; }
  bool paused() const { return speed_ == kPausedSpeed; }
  // Where "resume" goes: the last running speed (or the one set by set_resume_speed).
  int32_t resume_speed() const { return resume_speed_; }
  void set_resume_speed(int32_t speed) { resume_speed_ = speed; }
  bool armed() const { return armed_; }
  uint64_t epoch() const { return epoch_; }
  TimePoint next_due() const { return next_due_; }

  // Runs at `speed` from `now` (the next tick is due at once); cancels the
  // armed timer. A running speed also becomes the resume speed.
  void set_speed(int32_t speed, TimePoint now);
  // Pauses, remembering the running speed to resume at; cancels the timer.
  void pause();
  // Arms the timer for the next tick. Precondition: !armed().
  Timer arm(TimePoint now);
  // A timer of `epoch` went off: true if it is the armed one (now disarmed),
  // false if stale.
  bool fire(uint64_t epoch);
  // A tick starts at `now`: the next one is due one interval after this one was.
  void advance(TimePoint now);

 private:
  int32_t speed_ = kPausedSpeed;
  int32_t resume_speed_;
  uint64_t epoch_ = 0;
  bool armed_ = false;
  TimePoint next_due_;
};

}  // namespace hegemon
