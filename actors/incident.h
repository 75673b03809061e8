// Incidents: operational events (actor_crashed, actor_restarted,
// supervisor_escalated, game_paused, game_resumed, save_restored) written to
// audit_log (the server's own record, which no rollback truncates) as they
// happen, outside any tick, so the log tells what happened
// even to a tick that was never committed. One the disk refuses is written
// once it takes writes again (persistence_actor.h).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

namespace hegemon {

// A JSON object with the given integer fields, then the given string fields.
std::string incident_json(std::initializer_list<std::pair<const char*, int64_t>> numbers,
                          std::initializer_list<std::pair<const char*, std::string>> texts);

}  // namespace hegemon
