// A game event as it is written to event_log: a type name and a flat JSON
// object of integer fields, so `json_extract(event_data, '$.war')` works in SQL.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include "state/ids.h"

namespace hegemon {

struct Event {
  Tick tick = 0;
  std::string type;  // e.g. "war_declared"; the catalogue is rules/events.h
  std::string data;  // a JSON object, e.g. {"war":3,"attacker":5,"defender":9}
};

// Builds an Event whose data holds the given integer fields in the given order.
Event make_event(Tick tick, std::string type,
                 std::initializer_list<std::pair<const char*, int64_t>> fields);

inline bool operator==(const Event& a, const Event& b) {
  return a.tick == b.tick && a.type == b.type && a.data == b.data;
}

}  // namespace hegemon
