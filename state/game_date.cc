#include "state/game_date.h"

#include <cstdio>

namespace hegemon {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days: exact integer calendar
// arithmetic with no time zones or libc involved, so every platform agrees.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

GameDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return GameDate{static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

const int64_t kStartDay = days_from_civil(1444, 11, 11);

}  // namespace

std::string GameDate::to_string() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

GameDate date_of_tick(Tick tick) { return civil_from_days(kStartDay + tick); }

Tick tick_of_date(const GameDate& date) {
  return days_from_civil(date.year, static_cast<unsigned>(date.month),
                         static_cast<unsigned>(date.day)) -
         kStartDay;
}

}  // namespace hegemon
