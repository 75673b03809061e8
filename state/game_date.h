// The in-game calendar. Tick 0 is 11 November 1444 (the genre's classic start);
// every tick is one day of the proleptic Gregorian calendar.
#pragma once

#include <string>

#include "state/ids.h"

namespace hegemon {

struct GameDate {
  int year = 1444;
  int month = 11;  // 1..12
  int day = 11;    // 1..31

  std::string to_string() const;  // "1444-11-11"
  bool first_of_month() const { return day == 1; }
};

GameDate date_of_tick(Tick tick);
Tick tick_of_date(const GameDate& date);

inline bool operator==(const GameDate& a, const GameDate& b) {
  return a.year == b.year && a.month == b.month && a.day == b.day;
}

}  // namespace hegemon
