// A connection's rate limit: a bucket of `per_second` requests, refilled
// continuously, with a burst of as many. A request takes one, which pays for
// a reply of up to kReplyBytesPerRequest bytes; a bigger reply takes one more
// for every further kReplyBytesPerRequest bytes, and may take the bucket
// below one, even below zero: the connection's next requests then wait (they
// are not refused) until it is back to one. Without this a request was a
// request: a spectator looping `map` or `watch` (each reply the whole world,
// built and encoded on the middleman's one I/O thread) cost the server
// hundreds of times what a `status` costs, and 12 of them took everyone's
// `status` from 1 ms to 0.7 s. Priced by size, a connection gets at most
// per_second x kReplyBytesPerRequest bytes of replies a second (800 KiB with
// the defaults), whatever it asks for. Cheap requests beyond the rate are
// refused, as before.
//
// The debt a big reply leaves is capped at one second's refill, so that a
// legitimate tool that asks for one snapshot of a very large world waits at
// most a second or two, not minutes.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace hegemon::net {

constexpr size_t kReplyBytesPerRequest = 4096;

class RequestBudget {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RequestBudget(int32_t per_second) : rate_(per_second), credit_(per_second) {}

  // One request, arrived at `now`: whether it may be handled.
  bool take(Clock::time_point now) {
    refill(now);
    if (credit_ < 1.0) return false;
    credit_ -= 1.0;
    return true;
  }

  // How long requests must wait for what big replies cost to be paid off:
  // until the bucket is back to one request (zero if no reply is owed).
  std::chrono::microseconds debt_wait(Clock::time_point now) {
    refill(now);
    if (owed_ && credit_ >= 1.0) owed_ = false;
    if (!owed_) return std::chrono::microseconds(0);
    return std::chrono::microseconds(static_cast<int64_t>((1.0 - credit_) / rate_ * 1e6) + 1);
  }

  // A reply of `bytes` was sent. Its request's token paid for the first
  // kReplyBytesPerRequest bytes, so ordinary replies cost nothing more and a
  // flood of cheap requests is refused as before rather than made to wait.
  void charge_reply(size_t bytes) {
    if (bytes <= kReplyBytesPerRequest) return;
    const double extra = static_cast<double>(bytes - kReplyBytesPerRequest) / kReplyBytesPerRequest;
    credit_ = std::max(-rate_, credit_ - extra);
    owed_ = credit_ < 1.0;
  }

 private:
  void refill(Clock::time_point now) {
    const double elapsed = std::chrono::duration<double>(now - refilled_).count();
    if (elapsed > 0) credit_ = std::min(rate_, credit_ + elapsed * rate_);
    refilled_ = std::max(refilled_, now);
  }

  double rate_;
  double credit_;
  bool owed_ = false;  // big replies took the bucket below one: requests wait
  Clock::time_point refilled_ = Clock::now();
};

}  // namespace hegemon::net
