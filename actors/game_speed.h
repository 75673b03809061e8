// Game speed: paused, levels 1..5 (1, 2, 5, 15 and 60 ticks per second, like
// the genre's five speeds) and an unthrottled maximum.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace hegemon {

constexpr int32_t kPausedSpeed = 0;
constexpr int32_t kMaxSpeed = 6;      // unthrottled: the next tick starts when the last is done
constexpr int32_t kDefaultSpeed = 3;  // what "resume" returns to after starting paused

// Ticks per second at a level 1..5; 0 for kMaxSpeed.
int32_t ticks_per_second(int32_t speed);
// The ideal interval between tick starts at a level 1..5.
std::chrono::nanoseconds tick_interval(int32_t speed);
// Parses "0".."5" or "max"; nullopt if it is neither.
std::optional<int32_t> parse_speed(const std::string& text);
// "paused", "1".."5" or "max".
std::string speed_name(int32_t speed);

}  // namespace hegemon
