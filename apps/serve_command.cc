#include "apps/serve_command.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/errors.h"
#include "actors/game.h"
#include "apps/cli.h"
#include "apps/logging.h"
#include "apps/port_check.h"
#include "apps/serve_options.h"
#include "net/gateway.h"
#include "net/metrics.h"
#include "persistence/connection_guard.h"
#include "persistence/save_lock.h"
#include "persistence/save_reader.h"
#include "persistence/token_store.h"
#include "tools/mod_set.h"
#include "tools/replay.h"

namespace hegemon {
namespace {

std::atomic<int> g_signal{0};
// A second signal while stopping also stops every SQLite statement running
// now, so a stop never waits on one (the first finishes the tick in flight).
extern "C" void on_signal(int sig) {
  if (g_signal.exchange(sig) != 0) interrupt_running_statements();
}

// "SIGTERM" rather than "15" in the log.
std::string signal_name(int sig) {
  switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "signal " + std::to_string(sig);
  }
}

// The save's folder: the default one (saves/) is created so that a first run
// just works; any other must exist, since a typo in --save would otherwise
// silently grow a tree of folders.
Status check_save_directory(const std::string& save) {
  const auto parent = std::filesystem::path(save).parent_path();
  if (parent.empty()) return Status();
  std::error_code ec;
  if (std::filesystem::is_directory(parent, ec)) return Status();
  if (save != kDefaultSave)
    return Status::error("--save " + save + ": the directory " + parent.string() +
                         " does not exist (create it first)");
  if (!std::filesystem::create_directories(parent, ec))
    return Status::error("cannot create the directory " + parent.string() +
                         " for the default save: " + ec.message());
  return Status();
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
  spdlog::info("received {}: finishing the tick in flight", signal_name(g_signal.load()));
  return true;
}

// The admin token: the configured one, or on a save without any, a new one
// stored (as a hash) in the save and printed once. Empty when the save already
// has admin tokens and none is configured.
Result<std::string> bootstrap_admin_token(const GameOptions& options,
                                          const std::string& configured) {
  auto save = SaveFile::open(options.save_path, options.save);
  if (!save) return save.status();
  // Opening for writing drops the tokens this host did not seal for this save
  // (persistence/token_origin.h); the operator must know why logins that
  // came with the save no longer work.
  if (const int64_t dropped = (*save)->foreign_tokens_dropped(); dropped > 0) {
    const std::string note = std::to_string(dropped) +
                             " access token(s) in the save were not issued by this host for this "
                             "save (a save from elsewhere, edited, or from before this build "
                             "sealed its tokens) and were dropped; issue new ones";
    spdlog::warn("{}", note);
    std::cerr << "hegemon serve: " << note << "\n";
  }
  if (!configured.empty()) return configured;
  auto has = (*save)->has_admin_token();
  if (!has) return has.status();
  if (*has) return std::string();
  const std::string token = random_token();
  auto id = (*save)->issue_token("admin", kNoNation, token_hash(token));
  if (!id) return id.status();
  return token;
}

// Finishes the tick in flight, waits for every commit and checkpoints. A game
// paused on an actor that keeps crashing cannot finish its tick in flight; if
// every completed tick is committed all the same, nothing is lost (that tick
// was never complete) and a checkpoint makes the stop clean. Only ticks
// computed but not committed (a failing disk) make it unclean.
bool stop_game(caf::actor_system& sys, const Game& game) {
  caf::scoped_actor self{sys};
  bool ok = false;
  std::string why;
  self->request(game.root, std::chrono::minutes(5), stop_atom::value)
      .receive(
          [&](Tick tick) {
            spdlog::info("stopped at tick {}; every tick committed, save checkpointed", tick);
            ok = true;
          },
          [&](const caf::error& err) { why = describe(err); });
  if (!ok) {
    bool all_committed = false;
    Tick committed = 0;
    self->request(game.root, std::chrono::seconds(10), status_atom::value)
        .receive(
            [&](const GameStatus& s) {
              all_committed = s.tick == s.committed_tick && s.uncommitted == 0;
              committed = s.committed_tick;
            },
            [&](const caf::error&) {});
    if (all_committed) {
      self->request(game.root, std::chrono::minutes(5), checkpt_atom::value)
          .receive(
              [&](caf::ok_atom) {
                spdlog::warn(
                    "stopped at tick {}; every completed tick committed, save checkpointed; "
                    "the tick in flight was abandoned: {}",
                    committed, why);
                ok = true;
              },
              [&](const caf::error& err) { why = describe(err); });
    }
    if (!ok) spdlog::error("unclean stop: {}", why);
  }
  caf::anon_send_exit(game.root, caf::exit_reason::user_shutdown);
  return ok;
}

}  // namespace

int run_serve(const std::vector<std::string>& args) {
  ServeSettings cfg;
  if (auto code = read_serve_settings(args, cfg)) return *code;
  auto usage = [](const std::string& message) {
    std::cerr << "hegemon serve: " << message << "\n";
    return cli::kUsageError;
  };
  GameOptions options;
  if (Status st = to_game_options(cfg, options); !st.ok()) return usage(st.message());
  options.rebuild_state = state_at;  // live rollbacks replay the save (tools/replay.h)
  auto configured_token = configured_admin_token(cfg);
  if (!configured_token) return usage(configured_token.status().message());
  if (Status st = check_save_directory(options.save_path); !st.ok()) return usage(st.message());
  if (auto st = init_logging(cfg.log_level, cfg.log_file); !st.ok()) return usage(st.message());
  if (!cfg.config_file.empty()) spdlog::info("options read from config file {}", cfg.config_file);
  if (!is_loopback_host(cfg.host)) {
    const std::string warning = "--host " + cfg.host +
                                " is not a loopback address: the gateway is reachable from the "
                                "network (use TLS in front of it, docs/PROTOCOL.md)";
    spdlog::warn("{}", warning);
    std::cerr << "hegemon serve: WARNING: " << warning << "\n";
  }
  // Before anything is created: a busy port found after a new save was
  // written would leave that save behind.
  for (Status st :
       {check_port_free(cfg.host, static_cast<uint16_t>(cfg.port), "--port"),
        cfg.metrics_port > 0
            ? check_port_free(cfg.host, static_cast<uint16_t>(cfg.metrics_port), "--metrics-port")
            : Status()}) {
    if (!st.ok()) {
      spdlog::critical("cannot start: {}; nothing was created", st.message());
      return 1;
    }
  }
  // Mods are read and checked before anything is created: a bad one (or a
  // save that already holds a game, whose content is fixed) exits 2 and
  // leaves no save behind.
  if (!cfg.mods.empty()) {
    std::error_code ec;
    if (std::filesystem::exists(options.save_path, ec)) {
      return usage(options.save_path +
                   " exists; --mod applies only to a new game (a game's content is fixed when "
                   "it is created). Name a new save.");
    }
    auto mods = load_mods(cfg.mods);
    if (!mods) return usage(mods.status().message() + "; nothing was created");
    for (const ModConflict& c : mods->conflicts) {
      spdlog::warn("mod load order: {} set by {} and {}; {} wins ({})", c.what, c.earlier,
                   c.later, c.later, c.detail);
    }
    spdlog::info("{} mod(s), content {}", mods->content.mods.size(),
                 mods->content.content_checksum_hex);
    options.mods = std::make_shared<const ModContent>(std::move(mods->content));
  }
  // The actor system from the parsed values only: no file or argv of CAF's
  // own is read. CAF's default of max(cores, 4) threads oversubscribes small
  // machines: on 2 cores, a 5,000-province world ran slower with 4 threads
  // than with 2 (measured in docs/BENCHMARKS.md); one per core is the better
  // default.
  caf::actor_system_config caf_cfg;
  caf_cfg.load<caf::io::middleman>();
  const size_t threads = cfg.threads > 0 ? static_cast<size_t>(cfg.threads)
                                         : std::max<size_t>(1, std::thread::hardware_concurrency());
  caf_cfg.set("scheduler.max-threads", threads);

  // A file-size limit (ulimit -f) would kill the server with SIGXFSZ in the
  // middle of a write; ignored, the write fails with EFBIG instead, which
  // SQLite reports and the game treats as any other I/O fault.
  std::signal(SIGXFSZ, SIG_IGN);
  // The save is this process's from here to exit: bootstrap_admin_token and
  // start_game each open it to write, and without one lock held across both
  // another process could take the save in between (the lock is shared
  // within a process, so their own acquisitions succeed).
  auto save_lock = SaveLock::acquire(options.save_path);
  if (!save_lock) {
    spdlog::critical("cannot start: {}", save_lock.status().message());
    return 1;
  }
  auto admin_token = bootstrap_admin_token(options, *configured_token);
  if (!admin_token) {
    spdlog::critical("cannot start: {}", admin_token.status().message());
    return 1;
  }
  caf::actor_system sys{caf_cfg};
  auto game = start_game(sys, options);
  if (!game) {
    spdlog::critical("cannot start: {}", game.status().message());
    return 1;
  }
  net::GatewayOptions gateway_options;
  gateway_options.host = cfg.host;
  gateway_options.port = static_cast<uint16_t>(cfg.port);
  gateway_options.http_port = cfg.http_port;
  gateway_options.http_origin = cfg.http_origin;
  gateway_options.admin_token = *configured_token;  // besides the tokens in the save
  const int32_t spectators = parse_spectators(cfg.spectators).value_or(-1);  // checked by the CLI
  gateway_options.allow_spectators = spectators >= 0;
  gateway_options.spectator_delay = std::max(spectators, 0);
  gateway_options.max_outbox_bytes = static_cast<size_t>(cfg.max_outbox_bytes);
  gateway_options.content = game->content;
  gateway_options.max_connections = static_cast<size_t>(cfg.max_connections);
  gateway_options.player_downloads = cfg.player_downloads;
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
  if (gateway->http_port >= 0)
    spdlog::info("websocket listening on ws://{}:{}/ws; map at http://{}:{}/, console at /admin",
                 cfg.host, gateway->http_port, cfg.host, gateway->http_port);
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
  // On the terminal, whatever the log level, and never in a log file (which
  // outlives the moment and may be read by others).
  if (configured_token->empty() && !admin_token->empty())
    std::cerr << "hegemon serve: new admin token for " << options.save_path
              << ", stored only as a hash, shown this once: " << *admin_token << std::endl;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  spdlog::info("serving {} (speed {}, {} scheduler threads, spectators {})", options.save_path,
               speed_name(options.coordinator.speed), sys.scheduler().num_workers(),
               cfg.spectators);
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
