#include "net/request_table.h"

#include <algorithm>

#include "net/session.h"

namespace hegemon::net {
namespace {

using S = Session;
constexpr auto kSession = RequestGroup::session;
constexpr auto kQuery = RequestGroup::query;
constexpr auto kCommand = RequestGroup::command;
constexpr auto kAdmin = RequestGroup::admin;
// Every game command may name the nation it is for (an admin's must).
const FieldSpec kNationOpt{"nation", "id", false};

std::vector<RequestSpec> build() {
  return {
      {"hello",
       kAnyone,
       Reads::nothing,
       kSession,
       {{"version", "int", true}, {"encoding", "string", false}},
       "",
       "",
       "the handshake: protocol version and encoding",
       &S::hello},
      {"login",
       kAnyone,
       Reads::nothing,
       kSession,
       {{"role", "string", true}, {"token", "string", false}},
       "",
       "",
       "log in as admin, player (with a token) or spectator",
       &S::login},
      {"status",
       kLoggedIn,
       Reads::world,
       kQuery,
       {},
       "status",
       "status",
       "date, tick, speed, nations, wars, commit latency, restarts",
       &S::status},
      {"province",
       kLoggedIn,
       Reads::world,
       kQuery,
       {{"province", "id", true}},
       "province ID",
       "province 1",
       "one province",
       &S::lookup},
      {"nation",
       kLoggedIn,
       Reads::world,
       kQuery,
       {{"nation", "id", true}},
       "nation ID",
       "nation 1",
       "one nation",
       &S::lookup},
      {"army",
       kLoggedIn,
       Reads::world,
       kQuery,
       {{"army", "id", true}},
       "army ID",
       "army 1",
       "one army",
       &S::lookup},
      {"war",
       kLoggedIn,
       Reads::world,
       kQuery,
       {{"war", "id", true}},
       "war ID",
       "war 1",
       "one war, active or ended",
       &S::lookup},
      {"map",
       kLoggedIn,
       Reads::world,
       kQuery,
       {},
       "map",
       "map",
       "owner and controller of every province",
       &S::from_cache},
      {"geometry",
       kLoggedIn,
       Reads::world,
       kQuery,
       {},
       "",
       "",
       "the map's fixed shape: hex-grid position and terrain of every province",
       &S::from_cache},
      {"provinces_of",
       kLoggedIn,
       Reads::world,
       kQuery,
       {{"nation", "id", true}},
       "provinces-of NATION",
       "provinces-of 1",
       "the provinces a nation owns",
       &S::from_cache},
      {"wars_of",
       kLoggedIn,
       Reads::world,
       kQuery,
       {{"nation", "id", true}},
       "wars-of NATION",
       "wars-of 1",
       "every war a nation fought or fights",
       &S::from_save},
      {"province_at",
       kLoggedIn,
       Reads::world,
       kQuery,
       {{"province", "id", true}, {"tick", "int", true}},
       "province-at ID TICK",
       "province-at 1 10",
       "who held a province after a tick",
       &S::from_save},
      {"events",
       kLoggedIn,
       Reads::world,
       kQuery,
       {{"from", "int", false}, {"to", "int", false}},
       "events [FROM TO]",
       "events 1 10",
       "game events of those ticks (default: the last 30 days)",
       &S::from_save},
      {"watch",
       kLoggedIn,
       Reads::world,
       kQuery,
       {},
       "watch [N]",
       "watch 3",
       "one line per committed tick (N ticks, or until interrupted)",
       &S::watch},
      {"declare_war",
       kCommanders,
       Reads::nothing,
       kCommand,
       {{"target", "id", true}, kNationOpt},
       "declare-war NATION",
       "declare-war 2",
       "declare war on a nation",
       &S::game_command},
      {"offer_peace",
       kCommanders,
       Reads::nothing,
       kCommand,
       {{"terms", "string", true}, kNationOpt},
       "offer-peace white|win|concede",
       "offer-peace white",
       "win: you annex what you occupy; concede: they do",
       &S::game_command},
      {"accept_peace",
       kCommanders,
       Reads::nothing,
       kCommand,
       {kNationOpt},
       "accept-peace",
       "accept-peace",
       "the enemy's standing offer",
       &S::game_command},
      {"recruit",
       kCommanders,
       Reads::nothing,
       kCommand,
       {{"province", "id", true}, kNationOpt},
       "recruit PROVINCE",
       "recruit 3",
       "a regiment, in a province you hold",
       &S::game_command},
      {"move_army",
       kCommanders,
       Reads::nothing,
       kCommand,
       {{"army", "id", true}, {"path", "ids", true}, kNationOpt},
       "move-army ARMY P1 [P2...]",
       "move-army 1 2 3",
       "march along adjacent provinces",
       &S::game_command},
      {"set_tax",
       kCommanders,
       Reads::nothing,
       kCommand,
       {{"level", "int", true}, kNationOpt},
       "set-tax 0..4",
       "set-tax 2",
       "higher taxes: more income, more unrest",
       &S::game_command},
      {"set_player",
       kAdminOnly,
       Reads::nothing,
       kCommand,
       {{"player", "bool", true}, kNationOpt},
       "set-player on|off",
       "set-player on",
       "hand the nation to a player or back to the AI",
       &S::game_command},
      {"actors",
       kAdminOnly,
       Reads::nothing,
       kAdmin,
       {},
       "actors",
       "actors",
       "every supervised actor",
       &S::list_actors},
      {"pause", kAdminOnly, Reads::nothing, kAdmin, {}, "pause", "pause", "pause the game", &S::simple_admin},
      {"resume",
       kAdminOnly,
       Reads::nothing,
       kAdmin,
       {},
       "resume",
       "resume",
       "resume at the speed before",
       &S::simple_admin},
      {"speed",
       kAdminOnly,
       Reads::nothing,
       kAdmin,
       {{"speed", "string", true}},
       "speed 0..5|max",
       "speed max",
       "the game's speed",
       &S::set_speed},
      {"save", kAdminOnly, Reads::nothing, kAdmin, {}, "save", "save", "checkpoint the save", &S::simple_admin},
      {"save_as",
       kAdminOnly,
       Reads::nothing,
       kAdmin,
       {{"path", "string", true}},
       "save-as PATH",
       "save-as x.db",
       "consistent copy of the live save, on the server's disk",
       &S::save_as},
      {"kill",
       kAdminOnly,
       Reads::nothing,
       kAdmin,
       {{"kind", "string", true}, {"actor", "id", false}},
       "kill KIND [ID]",
       "kill nation 1",
       "crash an actor: nation ID, war ID or persistence",
       &S::kill_or_restart},
      {"restart",
       kAdminOnly,
       Reads::nothing,
       kAdmin,
       {{"kind", "string", true}, {"actor", "id", false}},
       "restart KIND [ID]",
       "restart persistence",
       "start a new incarnation of an actor",
       &S::kill_or_restart},
      {"shutdown",
       kAdminOnly,
       Reads::nothing,
       kAdmin,
       {},
       "shutdown",
       "shutdown",
       "commit everything, checkpoint and stop the server",
       &S::shutdown},
      {"clients",
       kAdminOnly,
       Reads::nothing,
       kAdmin,
       {},
       "clients",
       "clients",
       "who is connected",
       &S::manage_clients},
      {"kick",
       kAdminOnly,
       Reads::nothing,
       kAdmin,
       {{"client", "int", true}},
       "kick CLIENT",
       "kick 1",
       "disconnect a client, by the id `clients` shows",
       &S::manage_clients},
      {"sql",
       kAdminOnly,
       Reads::nothing,
       kAdmin,
       {{"sql", "string", true}, {"params", "object", false}, {"max_rows", "int", false}},
       "sql QUERY",
       "sql \"SELECT count(*) FROM provinces\"",
       "a read-only SQL query on the live save (limits: 2 s, max_rows, 1 MiB)",
       &S::sql},
      {"download_save",
       kCommanders,
       Reads::nothing,
       kAdmin,
       {},
       "download-save OUT",
       "download-save x.db",
       "a consistent copy of the live save, to a file here (players: see --player-downloads)",
       &S::download_save},
      {"rollback",
       kAdminOnly,
       Reads::nothing,
       kAdmin,
       {{"tick", "int", true}},
       "rollback TICK",
       "rollback 5",
       "back to an earlier tick, live; the game stays paused",
       &S::rollback},
      {"token_issue",
       kAdminOnly,
       Reads::nothing,
       kAdmin,
       {{"role", "string", true}, {"nation", "id", false}},
       "token issue player NATION | token issue admin",
       "token issue player 1",
       "a new token, shown once",
       &S::issue_token},
      {"token_revoke",
       kAdminOnly,
       Reads::nothing,
       kAdmin,
       {{"token_id", "int", true}},
       "token revoke ID",
       "token revoke 1",
       "revoke a token: its sessions end",
       &S::revoke_token},
      {"tokens",
       kAdminOnly,
       Reads::nothing,
       kAdmin,
       {},
       "token list",
       "token list",
       "every token (never the secret)",
       &S::list_tokens},
  };
}

const char* group_name(RequestGroup g) {
  switch (g) {
    case RequestGroup::session: return "session";
    case RequestGroup::query: return "query";
    case RequestGroup::command: return "command";
    default: return "admin";
  }
}

}  // namespace

const std::vector<RequestSpec>& request_table() {
  static const std::vector<RequestSpec> table = build();
  return table;
}

const RequestSpec* find_request(std::string_view type) {
  const auto& table = request_table();
  auto it = std::find_if(table.begin(), table.end(),
                         [&](const RequestSpec& s) { return type == s.type; });
  return it == table.end() ? nullptr : &*it;
}

nlohmann::json request_table_json() {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : request_table()) {
    nlohmann::json roles = nlohmann::json::array();
    for (Role r : {Role::none, Role::spectator, Role::player, Role::admin})
      if (allows(s.roles, r)) roles.push_back(role_name(r));
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& f : s.fields)
      fields.push_back({{"name", f.name}, {"type", f.type}, {"required", f.required}});
    out.push_back({{"type", s.type},
                   {"roles", roles},
                   {"reads", s.reads == Reads::world ? "world" : "nothing"},
                   {"group", group_name(s.group)},
                   {"fields", fields},
                   {"cli", s.cli},
                   {"cli_example", s.cli_example},
                   {"summary", s.summary}});
  }
  return out;
}

std::string client_usage_text() {
  struct Heading {
    RequestGroup group;
    const char* text;
  };
  const Heading headings[] = {
      {kQuery, "Queries:"},
      {kCommand,
       "Commands for your nation (a player's own; an admin names it with --nation N).\n"
       "Each applies at the next tick; its outcome shows in that tick's events:"},
      {kAdmin, "Administration:"},
  };
  std::string out;
  for (const auto& h : headings) {
    out += h.text;
    out += "\n";
    for (const auto& s : request_table()) {
      if (s.group != h.group || *s.cli == '\0') continue;
      std::string line = "  " + std::string(s.cli);
      line.resize(std::max<size_t>(line.size() + 2, 34), ' ');
      line += s.summary;
      if (s.roles == kAdminOnly) line += " (admin)";
      out += line + "\n";
    }
    out += "\n";
  }
  return out;
}

}  // namespace hegemon::net
