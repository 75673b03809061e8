// A limit on how often one kind of log line is written. Some lines are
// caused by clients: a client that fails to log in 200 times a second (the
// rate limit) on each of 256 connections would write 51,200 warnings a
// second, filling the disk as fast as it likes (tests/reliability/
// bad_clients.py wrote 3,570 in 10 s from two connections). At most
// `per_second` lines a second get through; the next one that does says how
// many were held back, so the log still tells how bad it was. The window is a
// second unless given (the audit trail's refused logins: one row a minute).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace hegemon::net {

class LogThrottle {
 public:
  explicit LogThrottle(int per_second,
                       std::chrono::steady_clock::duration window = std::chrono::seconds(1))
      : per_second_(per_second), window_(window) {}

  // Whether to write the line now (any thread); if so, `held_back` is how
  // many were not written since the last one that was.
  bool allow(uint64_t& held_back) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (now - window_start_ >= window_) {
      window_start_ = now;
      in_window_ = 0;
    }
    if (in_window_ >= per_second_) {
      ++held_back_;
      return false;
    }
    ++in_window_;
    held_back = held_back_;
    held_back_ = 0;
    return true;
  }

 private:
  std::mutex mutex_;
  const int per_second_;  // per window
  const std::chrono::steady_clock::duration window_;
  std::chrono::steady_clock::time_point window_start_{};
  int in_window_ = 0;
  uint64_t held_back_ = 0;
};

}  // namespace hegemon::net
