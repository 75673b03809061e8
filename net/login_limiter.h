// A limit on failed logins, per peer address and for the whole gateway, so
// that tokens cannot be guessed at the rate limit's pace (200 requests a
// second on each of 256 connections). Each failure takes one token from its
// address's bucket and one from the global bucket; buckets refill at a fixed
// rate up to their burst. While either bucket is empty, logins from that
// address (or from anyone, for the global one) are refused at once, without
// the token being checked, with the time to wait. Successful logins and
// spectators cost nothing.
//
// Memory is bounded: an address is forgotten once its bucket is full again,
// and at most `global.burst` + `global.per_second` x refill time addresses
// can have a failure pending, since every failure also takes a global token.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace hegemon::net {

struct LoginLimits {
  struct Bucket {
    double per_second;  // failures forgiven per second
    double burst;       // failures allowed at once
  };
  // One address: 10 guesses, then one every 2 s.
  Bucket per_address{0.5, 10};
  // Everyone together: 100 guesses, then 20 a second.
  Bucket global{20, 100};
};

class LoginLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LoginLimiter(LoginLimits limits) : limits_(limits) {}

  // Why a login from `address` is refused now (nullopt: it may be checked).
  std::optional<std::string> refusal(const std::string& address, Clock::time_point now);
  // A login from `address` failed.
  void failed(const std::string& address, Clock::time_point now);

 private:
  struct Level {
    double tokens;
    Clock::time_point at;
  };
  static double refill(Level& level, const LoginLimits::Bucket& b, Clock::time_point now);
  static double wait_seconds(const Level& level, const LoginLimits::Bucket& b);

  std::mutex mutex_;  // connections may run on more than one thread
  LoginLimits limits_;
  Level global_{limits_.global.burst, Clock::time_point{}};
  std::unordered_map<std::string, Level> by_address_;
};

}  // namespace hegemon::net
