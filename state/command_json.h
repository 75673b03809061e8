// Commands as JSON, one encoding for both places they are written: the
// client protocol (a request {"type": "move_army", "army": 7, "path": [3, 4]})
// and event_log (a `command` event whose data is the whole command with its
// "seq", "nation" and "kind"), so a replay reads back exactly what was applied.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "state/command.h"
#include "state/status.h"

namespace hegemon {

const char* command_kind_name(CommandKind kind);  // "move_army"
std::optional<CommandKind> command_kind_from_name(std::string_view name);
const char* peace_terms_name(PeaceTerms terms);  // "white", "win", "concede"

// {"seq":..,"nation":..,"kind":"..", then the kind's own fields}. The tick is
// not included: it is the event's (or the reply's) own.
nlohmann::json command_to_json(const Command& command);

// Reads the fields of a command of `kind` from `fields` (other members are
// ignored). "seq" and "nation" are read when present. Errors name the field
// and what it should have been; nothing is checked against the world here.
Result<Command> command_from_json(CommandKind kind, const nlohmann::json& fields);

// The event_log form: kind taken from fields["kind"].
Result<Command> command_from_event_data(const std::string& data);

}  // namespace hegemon
