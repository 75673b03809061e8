// The one table of the gateway's requests: every request type a client may
// send, the roles allowed to send it, its argument fields, how `hegemon
// client` spells it, and the session's handler for it. The session dispatches
// through it (net/session.cc); `hegemon client --help` is written from it and
// `hegemon client --requests` prints it as JSON, which
// tests/clients/request_table_test.py compares with docs/PROTOCOL.md and the
// Python client, so none of them can drift from what the server answers.
// Adding a request is one row here and its handler.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "net/protocol.h"

namespace hegemon::net {

class Session;

// Roles, as bits of a set. `none` is a connection that has not logged in.
enum class Role : uint8_t { none = 1, spectator = 2, player = 4, admin = 8 };

inline const char* role_name(Role r) {
  switch (r) {
    case Role::admin: return "admin";
    case Role::player: return "player";
    case Role::spectator: return "spectator";
    default: return "none";
  }
}

using RoleSet = uint8_t;
constexpr RoleSet kAnyone = 1 | 2 | 4 | 8;  // hello, login
constexpr RoleSet kLoggedIn = 2 | 4 | 8;    // reads: "any" in docs/PROTOCOL.md
constexpr RoleSet kCommanders = 4 | 8;      // game commands
constexpr RoleSet kAdminOnly = 8;
inline bool allows(RoleSet set, Role r) { return (set & static_cast<uint8_t>(r)) != 0; }

// How a session group's requests are presented (`hegemon client --help`).
enum class RequestGroup { session, query, command, admin };

// One argument field of a request. `type` is one of: id (a 32-bit integer), object (a JSON object),
// int, string, bool, ids (an array of ids). The handler validates it and
// names the field in its error.
struct FieldSpec {
  const char* name;
  const char* type;
  bool required;
};

using RequestHandler = void (Session::*)(const Request&);

// Whether a request's reply shows game state, and so what each viewer may
// see of it (docs/PROTOCOL.md, "Fog of war"). A `world` request's handler
// reads only through the session's View (net/session.h): a player's is cut to
// its sight from the committed tick (net/fog.h), a delayed spectator's is the
// world N ticks ago, an admin's and a live spectator's the hot cache. Every
// row says which it is, and tests/clients/fog_test.py walks every row as a
// player.
enum class Reads {
  nothing,  // no game state: the handshake, commands (their own echo), admin requests
  world,    // game state, through the View
};

struct RequestSpec {
  const char* type;  // on the wire
  RoleSet roles;
  Reads reads;
  RequestGroup group;
  std::vector<FieldSpec> fields;
  // `hegemon client` usage ("province-at ID TICK"), and arguments that it
  // accepts ("province-at 3 10"); both empty if the client has no command.
  const char* cli;
  const char* cli_example;
  const char* summary;  // one line for --help
  RequestHandler handler;
};

// Every request, in the order of --help and docs/PROTOCOL.md.
const std::vector<RequestSpec>& request_table();

// The row of a request type, or nullptr.
const RequestSpec* find_request(std::string_view type);

// The table without its handlers, for `hegemon client --requests`:
// [{"type", "roles": [...], "group", "fields": [{"name","type","required"}],
//   "cli", "cli_example", "summary"}].
nlohmann::json request_table_json();

// The "COMMAND" part of `hegemon client --help`, written from the table.
std::string client_usage_text();

}  // namespace hegemon::net
