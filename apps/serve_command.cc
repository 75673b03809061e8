#include "apps/serve_command.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/config_option_adder.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/errors.h"
#include "actors/game.h"
#include "apps/cli_args.h"
#include "apps/logging.h"
#include "net/gateway.h"
#include "net/metrics.h"
#include "persistence/connection_guard.h"
#include "persistence/save_reader.h"
#include "persistence/token_store.h"
#include "rules/world_gen.h"

namespace hegemon {
namespace {

std::atomic<int> g_signal{0};
// A second signal while stopping also stops every SQLite statement running
// now, so a stop never waits on one (the first finishes the tick in flight).
extern "C" void on_signal(int sig) {
  if (g_signal.exchange(sig) != 0) interrupt_running_statements();
}

class ServeConfig : public caf::actor_system_config {
 public:
  std::string save = "saves/default.db";
  int64_t seed = 1444;
  int32_t provinces = 2000;
  int32_t nations = 150;
  std::string speed = "3";
  int64_t ticks = 0;
  size_t threads = 0;
  std::string synchronous = "normal";
  int32_t max_uncommitted = CoordinatorOptions::kDefaultMaxUncommitted;
  int64_t snapshot_every = kDefaultSnapshotEvery;
  std::string log_level = "info";
  std::string log_file;
  std::string inject_crash;
  std::string host = "127.0.0.1";
  int32_t port = 4242;
  int32_t metrics_port = -1;
  std::string admin_token;
  int64_t max_outbox_bytes = static_cast<int64_t>(net::kDefaultMaxOutboxBytes);
  int32_t max_restarts = 3;
  int64_t restart_window_ms = 5000;

  ServeConfig() {
    load<caf::io::middleman>();
    opt_group{custom_options_, "global"}
        .add(save, "save", "save file; created with a new world if it has none")
        .add(seed, "seed", "world seed (new world only)")
        .add(provinces, "provinces", "number of provinces (new world only)")
        .add(nations, "nations", "number of nations (new world only)")
        .add(speed, "speed", "0 (paused), 1..5 (1, 2, 5, 15, 60 ticks/s) or max")
        .add(ticks, "ticks", "run this many ticks, commit, checkpoint and exit; 0: run until signalled")
        .add(threads, "threads", "scheduler threads; 0: one per core")
        .add(synchronous, "synchronous", "SQLite synchronous mode: normal or full")
        .add(max_uncommitted, "max-uncommitted", "ticks computed ahead of the last commit, at most")
        .add(snapshot_every, "snapshot-every",
             "store a full snapshot of the world every N ticks (0: never); replays start from them")
        .add(log_level, "log-level", "trace, debug, info, warn, error, critical or off")
        .add(log_file, "log-file", "also log to this file")
        .add(host, "host", "address the client gateway listens on (127.0.0.1: this machine only)")
        .add(port, "port", "client gateway port; 0 picks a free one (the log says which)")
        .add(metrics_port, "metrics-port",
             "serve Prometheus metrics at http://HOST:PORT/metrics; -1: off, 0: any free port")
        .add(max_outbox_bytes, "max-outbox-bytes",
             "bytes a client may leave unread; beyond it a watcher's deltas are dropped until it "
             "catches up (then a fresh snapshot) and its requests wait")
        .add(admin_token, "admin-token",
             "an admin token (besides those in the save); without one, a save with no admin "
             "token gets a new one, printed once")
        .add(max_restarts, "max-restarts",
             "restarts of one actor within --restart-window before its supervisor gives up")
        .add(restart_window_ms, "restart-window", "restart intensity window in milliseconds")
        .add(inject_crash, "inject-crash",
             "crash actors on purpose: KIND[:ID]@TICK[:poison], comma-separated "
             "(e.g. nation:12@500,persistence@800)");
  }
  const caf::config_option_set& options() const { return custom_options_; }
};

const char* const kUsage =
    "Usage: hegemon serve [options]\n"
    "\n"
    "Runs the game server: opens the save (creating it with a new world when it\n"
    "has none), ticks the world, commits every tick to the save and prints a\n"
    "status line every second. SIGINT/SIGTERM finish the tick in flight, commit,\n"
    "checkpoint and exit 0. Options may also come from a config file\n"
    "(--config-file=PATH; ./hegemon.ini when present; see config/hegemon.ini).\n"
    "\n";

bool wants_help(const std::vector<std::string>& args) {
  for (const auto& a : args)
    if (a == "-h" || a == "-?" || a == "--help" || a == "--long-help") return true;
  return false;
}

// Checks values CAF's parser cannot; fills `options`. Empty string: all good.
std::string build_options(const ServeConfig& cfg, GameOptions& options) {
  auto speed = parse_speed(cfg.speed);
  if (!speed) return "--speed must be 0..5 or max, got '" + cfg.speed + "'";
  if (cfg.synchronous == "normal") {
    options.save.synchronous = Synchronous::normal;
  } else if (cfg.synchronous == "full") {
    options.save.synchronous = Synchronous::full;
  } else {
    return "--synchronous must be normal or full, got '" + cfg.synchronous + "'";
  }
  if (cfg.ticks < 0) return "--ticks must be >= 0";
  if (cfg.max_uncommitted < 1) return "--max-uncommitted must be >= 1";
  if (cfg.snapshot_every < 0) return "--snapshot-every must be >= 0";
  if (cfg.provinces < kMinProvinces || cfg.provinces > kMaxProvinces)
    return "--provinces must be in " + std::to_string(kMinProvinces) + ".." +
           std::to_string(kMaxProvinces);
  if (cfg.nations < kMinNations || cfg.nations > kMaxNations)
    return "--nations must be in " + std::to_string(kMinNations) + ".." +
           std::to_string(kMaxNations);
  if (cfg.provinces < 4 * cfg.nations) return "--provinces must be at least 4 x --nations";
  if (cfg.save.empty()) return "--save must not be empty";
  if (cfg.max_restarts < 0) return "--max-restarts must be >= 0";
  if (cfg.port < 0 || cfg.port > 65535) return "--port must be in 0..65535";
  if (cfg.metrics_port < -1 || cfg.metrics_port > 65535) return "--metrics-port must be in -1..65535";
  if (cfg.max_outbox_bytes < 1024) return "--max-outbox-bytes must be >= 1024";
  if (cfg.restart_window_ms < 1) return "--restart-window must be >= 1 ms";
  options.intensity.max_restarts = cfg.max_restarts;
  options.intensity.window = std::chrono::milliseconds(cfg.restart_window_ms);
  if (!cfg.inject_crash.empty()) {
    auto plan = std::make_shared<FaultPlan>();
    size_t begin = 0;
    while (begin <= cfg.inject_crash.size()) {
      const size_t comma = std::min(cfg.inject_crash.find(',', begin), cfg.inject_crash.size());
      auto fault = FaultPlan::parse(cfg.inject_crash.substr(begin, comma - begin));
      if (!fault) return fault.status().message();
      plan->add(*fault);
      begin = comma + 1;
    }
    options.faults = plan;
  }
  options.save_path = cfg.save;
  options.new_world = WorldParams{static_cast<uint64_t>(cfg.seed), cfg.provinces, cfg.nations};
  options.coordinator.speed = *speed;
  options.run_ticks = cfg.ticks;
  options.coordinator.max_uncommitted = cfg.max_uncommitted;
  options.coordinator.snapshot_every = cfg.snapshot_every;
  return {};
}

void log_status(const GameStatus& s) {
  std::string line = s.date + "  tick " + std::to_string(s.tick) + "  " +
                     fmt::format("{:.0f} ticks/s", s.ticks_per_second) + "  " +
                     std::to_string(s.living_nations) + " nations, " +
                     std::to_string(s.active_wars) + " wars, " + std::to_string(s.armies) +
                     " armies  " + fmt::format("commit {:.2f} ms", s.commit_ms) +
                     (s.uncommitted > 1 ? "  uncommitted " + std::to_string(s.uncommitted) : "") +
                     (s.restarts > 0 ? "  restarts " + std::to_string(s.restarts) : "") +
                     "  speed " + speed_name(s.speed);
  if (!s.last_error.empty()) line += "  PAUSED: " + s.last_error;
  spdlog::info("{}", line);
}

// Polls the coordinator once a second until the run is finished or a signal
// arrives. Returns false if the coordinator stopped answering.
bool supervise(caf::actor_system& sys, const Game& game) {
  caf::scoped_actor self{sys};
  auto next_status = std::chrono::steady_clock::now();
  while (g_signal == 0) {
    if (std::chrono::steady_clock::now() >= next_status) {
      next_status += std::chrono::seconds(1);
      bool ok = true, finished = false;
      self->request(game.root, std::chrono::seconds(10), status_atom::value)
          .receive(
              [&](const GameStatus& s) {
                log_status(s);
                finished = s.finished || s.stopping;
                if (s.stopping) spdlog::info("shutdown requested by an admin");
              },
              [&](const caf::error& err) {
                spdlog::critical("coordinator does not answer: {}", describe(err));
                ok = false;
              });
      if (!ok) return false;
      if (finished) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  spdlog::info("received signal {}: finishing the tick in flight", g_signal.load());
  return true;
}

// The admin token: the configured one, or on a save without any, a new one
// stored (as a hash) in the save and printed once. Empty when the save already
// has admin tokens and none is configured.
Result<std::string> bootstrap_admin_token(const GameOptions& options, const std::string& configured) {
  if (!configured.empty()) return configured;
  auto save = SaveFile::open(options.save_path, options.save);
  if (!save) return save.status();
  auto has = (*save)->has_admin_token();
  if (!has) return has.status();
  if (*has) return std::string();
  const std::string token = random_token();
  auto id = (*save)->issue_token("admin", kNoNation, token_hash(token));
  if (!id) return id.status();
  return token;
}

// Finishes the tick in flight, waits for every commit and checkpoints.
bool stop_game(caf::actor_system& sys, const Game& game) {
  caf::scoped_actor self{sys};
  bool ok = false;
  self->request(game.root, std::chrono::minutes(5), stop_atom::value)
      .receive(
          [&](Tick tick) {
            spdlog::info("stopped at tick {}; every tick committed, save checkpointed", tick);
            ok = true;
          },
          [&](const caf::error& err) { spdlog::error("unclean stop: {}", describe(err)); });
  caf::anon_send_exit(game.root, caf::exit_reason::user_shutdown);
  return ok;
}

}  // namespace

int run_serve(const std::vector<std::string>& args) {
  ServeConfig cfg;
  if (wants_help(args)) std::cerr << kUsage;
  if (auto err = cfg.parse(normalize_long_options(cfg.options(), args), "hegemon.ini")) {
    std::cerr << "hegemon serve: " << describe_parse_error(err)
              << "\nRun 'hegemon serve --help' for the options.\n";
    return 2;
  }
  if (cfg.cli_helptext_printed) return 0;
  if (!cfg.remainder.empty()) {
    std::cerr << "hegemon serve: unexpected argument '" << cfg.remainder.front() << "'\n";
    return 2;
  }
  GameOptions options;
  if (auto problem = build_options(cfg, options); !problem.empty()) {
    std::cerr << "hegemon serve: " << problem << "\n";
    return 2;
  }
  if (auto st = init_logging(cfg.log_level, cfg.log_file); !st.ok()) {
    std::cerr << "hegemon serve: " << st.message() << "\n";
    return 2;
  }
  // The default save lives in saves/; create its folder so a first run just works.
  const auto parent = std::filesystem::path(options.save_path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
  }
  // CAF's default of max(cores, 4) oversubscribes small machines: on 2 cores,
  // a 5,000-province world ran slower with 4 threads than with 2 (measured in
  // docs/BENCHMARKS.md); one thread per core is the better default.
  const size_t threads =
      cfg.threads > 0 ? cfg.threads : std::max<size_t>(1, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", threads);

  // A file-size limit (ulimit -f) would kill the server with SIGXFSZ in the
  // middle of a write; ignored, the write fails with EFBIG instead, which
  // SQLite reports and the game treats as any other I/O fault.
  std::signal(SIGXFSZ, SIG_IGN);
  auto admin_token = bootstrap_admin_token(options, cfg.admin_token);
  if (!admin_token) {
    spdlog::critical("cannot start: {}", admin_token.status().message());
    return 1;
  }
  caf::actor_system sys{cfg};
  auto game = start_game(sys, options);
  if (!game) {
    spdlog::critical("cannot start: {}", game.status().message());
    return 1;
  }
  net::GatewayOptions gateway_options;
  gateway_options.host = cfg.host;
  gateway_options.port = static_cast<uint16_t>(cfg.port);
  gateway_options.admin_token = cfg.admin_token;  // besides the tokens in the save
  gateway_options.max_outbox_bytes = static_cast<size_t>(cfg.max_outbox_bytes);
  auto tokens = SaveReader::open(options.save_path);
  if (!tokens) {
    spdlog::critical("cannot start the client gateway: {}", tokens.status().message());
    caf::anon_send_exit(game->root, caf::exit_reason::user_shutdown);
    return 1;
  }
  auto gateway = net::start_gateway(sys, game->root, game->world, *tokens, gateway_options);
  if (!gateway) {
    spdlog::critical("cannot start the client gateway: {}", gateway.status().message());
    caf::anon_send_exit(game->root, caf::exit_reason::user_shutdown);
    return 1;
  }
  spdlog::info("gateway listening on {}:{}", cfg.host, gateway->port);
  caf::actor metrics;
  if (cfg.metrics_port >= 0) {
    auto endpoint = net::start_metrics(sys, game->root, gateway->acceptor, cfg.host,
                                       static_cast<uint16_t>(cfg.metrics_port));
    if (!endpoint) {
      spdlog::critical("cannot start the metrics endpoint: {}", endpoint.status().message());
      caf::anon_send_exit(gateway->acceptor, caf::exit_reason::user_shutdown);
      caf::anon_send_exit(game->root, caf::exit_reason::user_shutdown);
      return 1;
    }
    metrics = endpoint->acceptor;
    spdlog::info("metrics at http://{}:{}/metrics", cfg.host, endpoint->port);
  }
  if (cfg.admin_token.empty() && !admin_token->empty())
    spdlog::warn("new admin token, stored only as a hash, shown this once: {}", *admin_token);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  spdlog::info("serving {} (speed {}, {} scheduler threads)", options.save_path,
               speed_name(options.coordinator.speed),
               sys.scheduler().num_workers());
  const bool ran = supervise(sys, *game);
  // The game first: an admin's `shutdown` is answered once every tick is
  // committed, over a connection still open. Then the gateway tells every
  // client "server shutting down" and closes its connection.
  const bool stopped = stop_game(sys, *game);
  caf::anon_send_exit(gateway->acceptor, caf::exit_reason::user_shutdown);
  if (metrics) caf::anon_send_exit(metrics, caf::exit_reason::user_shutdown);
  // Flushed, not shut down: actors still run (and may log) until `sys` is
  // destroyed on return, and spdlog::shutdown() drops the default logger,
  // which they would then dereference. (After an unclean stop, persistence's
  // retries went on logging and crashed the exit with SIGSEGV.) spdlog's
  // registry outlives this function and flushes again at exit.
  spdlog::default_logger()->flush();
  return ran && stopped ? 0 : 1;
}

}  // namespace hegemon
