// JSON read from a save, bounded. A save is untrusted input: its author
// controls every byte of event_log.event_data, army paths and game.params,
// CHECK(json_valid(...)) included. nlohmann's DOM parser recurses once per
// nesting level, so 400,000 nested arrays overflow the stack; every parse of
// JSON from a save goes through here, where the text is first walked with a
// SAX handler that counts depth (no recursion, no allocation per value) and
// refused beyond the limits before any value is built.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "state/status.h"

namespace hegemon {

struct JsonLimits {
  size_t max_bytes;
  int max_depth;  // 1: a flat array or object; 0: a scalar only
};

// event_log.event_data: what the rules write (rules/events.h) is a flat
// object; a command's path nests one array in it; incidents add short texts.
constexpr JsonLimits kEventDataLimits{64 * 1024, 2};
// game.params: {"seed":..,"provinces":..,"nations":..}.
constexpr JsonLimits kParamsLimits{1024, 1};

// Ok if `text` is one well-formed JSON value within `limits`; else an error
// saying which limit it breaks (or where it stops being JSON).
Status check_json(std::string_view text, const JsonLimits& limits);

// The value of `text`, if check_json() accepts it.
Result<nlohmann::json> parse_json(std::string_view text, const JsonLimits& limits);

// For views that show what they can: the value, or null if it is refused.
nlohmann::json parse_json_or_null(std::string_view text, const JsonLimits& limits);

}  // namespace hegemon
