#include "actors/tick_clock.h"

namespace hegemon {

void TickClock::set_speed(int32_t speed, TimePoint now) {
  ++epoch_;  // cancels a timer armed for the old speed
  armed_ = false;
  speed_ = speed;
  if (speed != kPausedSpeed) resume_speed_ = speed;
  next_due_ = now;
}

void TickClock::pause() {
  if (speed_ != kPausedSpeed) resume_speed_ = speed_;
  speed_ = kPausedSpeed;
  ++epoch_;
  armed_ = false;
}

TickClock::Timer TickClock::arm(TimePoint now) {
  armed_ = true;
  const TimePoint when = speed_ == kMaxSpeed ? now : next_due_;
  return Timer{when, epoch_, when <= now};
}

bool TickClock::fire(uint64_t epoch) {
  if (epoch != epoch_) return false;  // from before a pause or speed change
  armed_ = false;
  return true;
}

void TickClock::advance(TimePoint now) {
  if (speed_ == kMaxSpeed) return;
  const auto interval = tick_interval(speed_);
  next_due_ = (now - next_due_ > std::chrono::seconds(1)) ? now + interval : next_due_ + interval;
}

}  // namespace hegemon
