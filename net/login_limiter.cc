#include "net/login_limiter.h"

#include <algorithm>
#include <cmath>

namespace hegemon::net {

double LoginLimiter::refill(Level& level, const LoginLimits::Bucket& b, Clock::time_point now) {
  if (now > level.at) {
    const double elapsed = std::chrono::duration<double>(now - level.at).count();
    level.tokens = std::min(b.burst, level.tokens + elapsed * b.per_second);
  }
  level.at = std::max(level.at, now);
  return level.tokens;
}

double LoginLimiter::wait_seconds(const Level& level, const LoginLimits::Bucket& b) {
  return b.per_second > 0 ? std::ceil((1.0 - level.tokens) / b.per_second) : 0;
}

std::optional<std::string> LoginLimiter::refusal(const std::string& address,
                                                 Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = by_address_.find(address); it != by_address_.end()) {
    if (refill(it->second, limits_.per_address, now) < 1.0)
      return "too many failed logins from " + address + "; try again in " +
             std::to_string(static_cast<int64_t>(wait_seconds(it->second, limits_.per_address))) +
             " s";
    if (it->second.tokens >= limits_.per_address.burst) by_address_.erase(it);  // forgiven
  }
  if (refill(global_, limits_.global, now) < 1.0)
    return "too many failed logins on this server; try again in " +
           std::to_string(static_cast<int64_t>(wait_seconds(global_, limits_.global))) + " s";
  return std::nullopt;
}

void LoginLimiter::failed(const std::string& address, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Addresses whose bucket is full again hold nothing worth keeping; dropping
  // them keeps the table as small as the failures of the last refill period.
  if (by_address_.size() >= 1024) {
    for (auto it = by_address_.begin(); it != by_address_.end();) {
      if (refill(it->second, limits_.per_address, now) >= limits_.per_address.burst)
        it = by_address_.erase(it);
      else
        ++it;
    }
  }
  auto [it, fresh] = by_address_.try_emplace(address, Level{limits_.per_address.burst, now});
  refill(it->second, limits_.per_address, now);
  it->second.tokens = std::max(0.0, it->second.tokens - 1.0);
  refill(global_, limits_.global, now);
  global_.tokens = std::max(0.0, global_.tokens - 1.0);
}

}  // namespace hegemon::net
