#include "actors/game_speed.h"

namespace hegemon {
namespace {
constexpr int32_t kTicksPerSecond[] = {0, 1, 2, 5, 15, 60, 0};
}

int32_t ticks_per_second(int32_t speed) {
  return speed >= 0 && speed <= kMaxSpeed ? kTicksPerSecond[speed] : 0;
}

std::chrono::nanoseconds tick_interval(int32_t speed) {
  const int32_t tps = ticks_per_second(speed);
  return tps > 0 ? std::chrono::nanoseconds(std::chrono::seconds(1)) / tps
                 : std::chrono::nanoseconds(0);
}

std::optional<int32_t> parse_speed(const std::string& text) {
  if (text == "max") return kMaxSpeed;
  if (text.size() == 1 && text[0] >= '0' && text[0] <= '5') return text[0] - '0';
  return std::nullopt;
}

std::string speed_name(int32_t speed) {
  if (speed == kPausedSpeed) return "paused";
  if (speed == kMaxSpeed) return "max";
  return std::to_string(speed);
}

}  // namespace hegemon
