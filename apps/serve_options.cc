#include "apps/serve_options.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "actors/game_speed.h"
#include "apps/cli.h"
#include "apps/config_file.h"
#include "rules/world_gen.h"

namespace hegemon {
namespace {

const char* const kDescription =
    "Runs the game server: opens the save (creating it with a new world when it\n"
    "has none), ticks the world, commits every tick to the save and prints a\n"
    "status line every second. SIGINT/SIGTERM finish the tick in flight, commit,\n"
    "checkpoint and exit 0. Options may also come from a config file, read only\n"
    "when named with --config-file (default: none; see config/hegemon.ini); the\n"
    "command line overrides it.\n"
    "Exit codes: 0 ok, 1 the server could not start or stopped uncleanly, 2 bad usage.";

std::string short_token_problem(size_t length) {
  return "an admin token needs at least " + std::to_string(kMinAdminTokenChars) +
         " characters (this one has " + std::to_string(length) + "): a short one can be guessed";
}

CLI::Validator admin_token_length() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        return text.empty() || text.size() >= kMinAdminTokenChars
                   ? std::string()
                   : short_token_problem(text.size());
      },
      "at least " + std::to_string(kMinAdminTokenChars) + " characters");
}

CLI::Validator speed_value() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        return parse_speed(text) ? std::string() : "'" + text + "' is not 0..5 or max";
      },
      "0..5 or max");
}

int fail(const std::string& message) {
  std::cerr << "hegemon serve: " << message << "\n";
  return cli::kUsageError;
}

// "--port: 'x' is not ..." -> "'x' is not ...", for messages that name the key already.
std::string without_option_prefix(const std::string& what, const std::string& key) {
  const std::string prefix = "--" + key + ": ";
  return what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what;
}

// Keys a config file may not set: they are about reading the command line.
bool command_line_only(const std::string& key) {
  return key == "config-file" || key == "help" || key == "version";
}

}  // namespace

std::unique_ptr<CLI::App> make_serve_app(ServeSettings& s) {
  using cli::whole_number;
  auto app = cli::make_app("serve", kDescription);
  app->add_option("--config-file", s.config_file,
                  "read options from this file too (key = value lines; none by default)");
  app->add_option("--save", s.save, "save file; created with a new world if it has none")
      ->check(
          CLI::Validator([](std::string& t) { return t.empty() ? "must not be empty" : ""; }, ""));
  app->add_option("--mod", s.mods,
                  "a mod (.db, or its .sql) for a new game; repeat for a load order, later ones "
                  "overriding earlier ones (docs/MODDING.md)");
  app->add_option("--seed", s.seed, "world seed (new world only)")
      ->check(whole_number(0, INT64_MAX));
  app->add_option("--provinces", s.provinces, "number of provinces (new world only)")
      ->check(whole_number(kMinProvinces, kMaxProvinces));
  app->add_option("--nations", s.nations, "number of nations (new world only)")
      ->check(whole_number(kMinNations, kMaxNations));
  app->add_option("--speed", s.speed, "0 (paused), 1..5 (1, 2, 5, 15, 60 ticks/s) or max")
      ->check(speed_value());
  app->add_option("--ticks", s.ticks,
                  "run this many ticks, commit, checkpoint and exit; 0: run until signalled")
      ->check(whole_number(0, INT64_MAX / 2));
  app->add_option("--threads", s.threads, "scheduler threads; 0: one per core")
      ->check(whole_number(0, 1024));
  app->add_option("--synchronous", s.synchronous, "SQLite synchronous mode: normal or full")
      ->check(cli::one_of({"normal", "full"}));
  app->add_option("--max-uncommitted", s.max_uncommitted,
                  "ticks computed ahead of the last commit, at most")
      ->check(whole_number(1, 1 << 20));
  app->add_option(
         "--snapshot-every", s.snapshot_every,
         "store a full snapshot of the world every N ticks (0: never); replays start from them")
      ->check(whole_number(0, INT64_MAX / 2));
  app->add_option("--log-level", s.log_level, "trace, debug, info, warn, error, critical or off")
      ->check(cli::one_of({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app->add_option("--log-file", s.log_file, "also log to this file (created mode 0600)");
  app->add_option(
      "--host", s.host,
      "address the client gateway listens on (127.0.0.1: this machine only; any other is "
      "reachable from the network and is warned about)");
  app->add_option("--port", s.port, "client gateway port; 0 picks a free one (the log says which)")
      ->check(whole_number(0, 65535));
  app->add_option("--metrics-port", s.metrics_port,
                  "serve Prometheus metrics at http://HOST:PORT/metrics; -1: off, 0: any free port")
      ->check(whole_number(-1, 65535));
  app->add_option("--http-port", s.http_port,
                  "the map (/), the console (/admin) and WebSocket clients (ws://HOST:PORT/ws); "
                  "-1: off, 0: any free port")
      ->check(whole_number(-1, 65535));
  app->add_option("--http-origin", s.http_origin,
                  "the only Origin allowed to open a browser WebSocket (e.g. "
                  "https://game.example.com); default: the pages' own origin");
  app->add_option("--spectators", s.spectators,
                  "full (or on): clients without a token may watch the live game (read "
                  "only); delayed:N: they see it N ticks late (1..365); off: refused")
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            return parse_spectators(v) ? "" : "must be full, on, off or delayed:N with N in 1..365";
          },
          "full|delayed:N|off"));
  app->add_flag("--player-downloads", s.player_downloads,
                "players may download the save (`hegemon client download-save`) while the game "
                "is paused or ended; admins always may");
  app->add_option("--max-connections", s.max_connections,
                  "clients connected at once, TCP and WebSocket together; beyond it a new "
                  "connection gets an error and is closed (each holds a file descriptor)")
      ->check(whole_number(1, 65536));
  app->add_option(
         "--max-outbox-bytes", s.max_outbox_bytes,
         "bytes a client may leave unread; beyond it a watcher's deltas are dropped until it "
         "catches up (then a fresh snapshot) and its requests wait")
      ->check(whole_number(1024, INT64_MAX / 2));
  app->add_option(
         "--admin-token", s.admin_token,
         "an admin token (besides those in the save), at least 16 characters; visible to "
         "`ps`: prefer --admin-token-file or $HEGEMON_ADMIN_TOKEN. Without any, a save with "
         "no admin token gets a new one, printed once on stderr")
      ->check(admin_token_length());
  app->add_option("--admin-token-file", s.admin_token_file,
                  "read the admin token from this file (its first line)");
  app->add_option("--max-restarts", s.max_restarts,
                  "restarts of one actor within --restart-window before its supervisor gives up")
      ->check(whole_number(0, 1 << 20));
  app->add_option("--restart-window", s.restart_window_ms,
                  "restart intensity window in milliseconds")
      ->check(whole_number(1, INT64_MAX / 2));
  app->add_option("--inject-crash", s.inject_crash,
                  "crash actors on purpose: KIND[:ID]@TICK[:poison], comma-separated "
                  "(e.g. nation:12@500,persistence@800)");
  return app;
}

std::optional<int> read_serve_settings(const std::vector<std::string>& args, ServeSettings& s) {
  {
    auto app = make_serve_app(s);
    if (auto code = cli::parse(*app, args)) return code;
  }
  if (s.config_file.empty()) return std::nullopt;
  const std::string path = s.config_file;
  auto entries = read_config_file(path);
  if (!entries) return fail(entries.status().message());
  // Each entry is checked alone, on an App of its own, so that its error can
  // name file, line and key; then all of them go before the command line
  // (where a later value wins) through the same App as the command line.
  std::vector<std::string> merged;
  for (const ConfigEntry& e : *entries) {
    const std::string where = path + ":" + std::to_string(e.line) + ": ";
    ServeSettings scratch;
    auto probe = make_serve_app(scratch);
    if (command_line_only(e.key) || probe->get_option_no_throw("--" + e.key) == nullptr)
      return fail(where + "unknown key '" + e.key + "'");
    // `--key=value`, or `--key ""` for an empty value (CLI11 would take the
    // next argument as the value of `--key=`).
    std::vector<std::string> arg{"--" + e.key + "=" + e.value};
    if (e.value.empty()) arg = {"--" + e.key, ""};
    try {
      probe->parse(std::vector<std::string>(arg.rbegin(), arg.rend()));
    } catch (const CLI::ParseError& err) {
      return fail(where + "key '" + e.key + "': " + without_option_prefix(err.what(), e.key));
    }
    merged.insert(merged.end(), arg.begin(), arg.end());
  }
  merged.insert(merged.end(), args.begin(), args.end());
  s = ServeSettings{};
  auto app = make_serve_app(s);
  for (CLI::Option* opt : app->get_options())
    opt->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  return cli::parse(*app, merged);
}

Status to_game_options(const ServeSettings& s, GameOptions& options) {
  if (s.provinces < 4 * s.nations)
    return Status::error("--provinces must be at least 4 x --nations");
  options.save.synchronous = s.synchronous == "full" ? Synchronous::full : Synchronous::normal;
  options.intensity.max_restarts = s.max_restarts;
  options.intensity.window = std::chrono::milliseconds(s.restart_window_ms);
  if (!s.inject_crash.empty()) {
    auto plan = std::make_shared<FaultPlan>();
    size_t begin = 0;
    while (begin <= s.inject_crash.size()) {
      const size_t comma = std::min(s.inject_crash.find(',', begin), s.inject_crash.size());
      auto fault = FaultPlan::parse(s.inject_crash.substr(begin, comma - begin));
      if (!fault) return Status::error("--inject-crash: " + fault.status().message());
      plan->add(*fault);
      begin = comma + 1;
    }
    options.faults = plan;
  }
  options.save_path = s.save;
  options.new_world = WorldParams{static_cast<uint64_t>(s.seed), s.provinces, s.nations};
  options.coordinator.speed = *parse_speed(s.speed);
  options.run_ticks = s.ticks;
  options.coordinator.max_uncommitted = s.max_uncommitted;
  options.coordinator.snapshot_every = s.snapshot_every;
  return Status();
}

Result<std::string> configured_admin_token(const ServeSettings& s) {
  if (!s.admin_token.empty() && !s.admin_token_file.empty())
    return Status::error("--admin-token and --admin-token-file: give one, not both");
  std::string token, from;
  if (!s.admin_token.empty()) {
    token = s.admin_token, from = "--admin-token";
  } else if (!s.admin_token_file.empty()) {
    std::ifstream in(s.admin_token_file);
    if (!in) return Status::error("--admin-token-file: cannot read " + s.admin_token_file);
    std::getline(in, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ' || token.back() == '\t'))
      token.pop_back();
    if (token.empty())
      return Status::error("--admin-token-file: " + s.admin_token_file +
                           " has no token on its first line");
    from = "--admin-token-file " + s.admin_token_file;
  } else if (const char* env = std::getenv(kAdminTokenEnv); env != nullptr && *env != '\0') {
    token = env, from = std::string("$") + kAdminTokenEnv;
  }
  if (!token.empty() && token.size() < kMinAdminTokenChars)
    return Status::error(from + ": " + short_token_problem(token.size()));
  return token;
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

std::optional<int32_t> parse_spectators(const std::string& text) {
  if (text == "full" || text == "on") return 0;
  if (text == "off") return -1;
  const std::string prefix = "delayed:";
  if (text.size() <= prefix.size() || text.size() > prefix.size() + 3 ||
      text.compare(0, prefix.size(), prefix) != 0)
    return std::nullopt;
  int32_t n = 0;
  for (size_t i = prefix.size(); i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    n = n * 10 + (text[i] - '0');
  }
  if (n < 1 || n > 365) return std::nullopt;
  return n;
}

}  // namespace hegemon
