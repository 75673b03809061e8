// The options of `hegemon serve`: one list, read from the command line and
// from a config file named with --config-file (apps/config_file.h), with one
// set of checks for both. Covered by tests/cli_test.cc and tests/serve_test.cc.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "actors/coordinator.h"
#include "actors/game.h"
#include "net/gateway.h"
#include "state/status.h"

namespace hegemon {

// Shorter admin tokens are refused: they are guessed (the gateway's own
// tokens are 32 hex digits).
constexpr size_t kMinAdminTokenChars = 16;
// Where an admin token may come from besides --admin-token (which `ps` shows).
constexpr const char* kAdminTokenEnv = "HEGEMON_ADMIN_TOKEN";
// The default save; its folder is created on a first run, any other is not.
constexpr const char* kDefaultSave = "saves/default.db";

struct ServeSettings {
  std::string config_file;
  std::string save = kDefaultSave;
  std::vector<std::string> mods;  // --mod, in load order (new games only)
  int64_t seed = 1444;
  int32_t provinces = 2000;
  int32_t nations = 150;
  std::string speed = "3";
  int64_t ticks = 0;
  int32_t threads = 0;
  std::string synchronous = "normal";
  int32_t max_uncommitted = CoordinatorOptions::kDefaultMaxUncommitted;
  int64_t snapshot_every = kDefaultSnapshotEvery;
  std::string log_level = "info";
  std::string log_file;
  std::string inject_crash;
  std::string host = "127.0.0.1";
  int32_t port = 4242;
  int32_t metrics_port = -1;
  int32_t http_port = -1;   // WebSocket clients and the pages; -1: off
  std::string http_origin;  // allowed Origin of browser WebSockets; empty: same origin
  std::string spectators = "full";  // full (or on) | delayed:N | off
  std::string admin_token;
  std::string admin_token_file;
  int64_t max_outbox_bytes = static_cast<int64_t>(net::kDefaultMaxOutboxBytes);
  int32_t max_connections = 256;  // TCP and WebSocket clients together
  int32_t max_restarts = 3;
  int64_t restart_window_ms = 5000;
  bool player_downloads = false;  // players may download a paused or ended game's save
};

// A CLI11 App for `hegemon serve` whose options write into `s`.
std::unique_ptr<CLI::App> make_serve_app(ServeSettings& s);

// Reads `s` from the command line and, when it names one, a config file
// (command line first, file second: the command line wins). nullopt: go on;
// otherwise the exit code, the reason printed (apps/cli.h).
std::optional<int> read_serve_settings(const std::vector<std::string>& args, ServeSettings& s);

// Turns checked settings into the game's options; an error for values no
// single option can judge (--provinces against --nations, --inject-crash).
Status to_game_options(const ServeSettings& s, GameOptions& options);

// The configured admin token: --admin-token, --admin-token-file or
// $HEGEMON_ADMIN_TOKEN (in that order); "" when none. Errors for a file that
// cannot be read and for a token under kMinAdminTokenChars.
Result<std::string> configured_admin_token(const ServeSettings& s);

// True for 127.0.0.0/8, ::1 and "localhost": only this machine can connect.
bool is_loopback_host(const std::string& host);

// `--spectators`: full (or its old name on) -> 0, delayed:N -> N (1..365),
// off -> -1; nothing for anything else.
std::optional<int32_t> parse_spectators(const std::string& text);

}  // namespace hegemon
