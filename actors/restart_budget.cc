#include "actors/restart_budget.h"

namespace hegemon {

bool RestartBudget::admit(const RestartIntensity& intensity, TimePoint now) {
  while (!recent_.empty() && now - recent_.front() > intensity.window) recent_.pop_front();
  if (static_cast<int32_t>(recent_.size()) >= intensity.max_restarts) return false;
  recent_.push_back(now);
  return true;
}

}  // namespace hegemon
