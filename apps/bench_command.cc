#include "apps/bench_command.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "actors/errors.h"
#include "actors/game.h"
#include "apps/logging.h"
#include "apps/cli.h"
#include "persistence/save_file.h"
#include "rules/world_gen.h"

namespace hegemon {
namespace {

const char* const kUsage =
    "Usage: hegemon bench [--size default|eu4|huge] [--ticks N] [--persistence normal|full|off]\n"
    "                     [--threads K] [--json]\n"
    "       hegemon bench --matrix [--dir DIR]\n"
    "\n"
    "Runs N ticks at max speed on the real actors on a fresh world in a temporary save and\n"
    "reports ticks/s, the average time of each phase, the commit time, peak memory (VmHWM)\n"
    "and resident bytes per province. --matrix runs every size x persistence x threads\n"
    "combination, each in its own process, and prints a Markdown table.\n"
    "\n"
    "Sizes: default 2,000 provinces / 150 nations (1,000 ticks), eu4 5,000 / 500 (500 ticks),\n"
    "huge 50,000 / 2,000 (100 ticks).";

// kWorldSizes (rules/world_gen.h), each with the ticks a run measures.
struct Size {
  const NamedWorldSize& world;
  Tick ticks;
};
constexpr Size kSizes[] = {{kWorldSizes[0], 1000}, {kWorldSizes[1], 500}, {kWorldSizes[2], 100}};

// Resident memory from /proc/self/status, in bytes ("VmRSS", "VmHWM").
int64_t proc_memory(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field, 0) == 0) return std::stoll(line.substr(line.find(':') + 1)) * 1024;
  return 0;
}

// A save holding a fresh world of `size`, made in a child process so that
// generating it leaves no trace in this process's memory figures.
Status make_save(const std::string& path, const Size& size) {
  const pid_t pid = fork();
  if (pid == 0) {
    auto save = SaveFile::open(path, SaveOptions{});
    const bool ok = save.ok() && (*save)->create_world(generate_world(size.world.params)).ok();
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return Status::error("cannot create " + path);
  return Status();
}

Result<nlohmann::json> bench_once(const Size& size, Tick ticks, const std::string& persistence,
                                  int threads, const std::string& dir) {
  const std::string path =
      dir + "/bench-" + size.world.name + "-" + std::to_string(::getpid()) + ".db";
  struct RemoveOnExit {  // the save is scratch, whatever happens
    const std::string& path;
    ~RemoveOnExit() {
      std::error_code ignored;
      for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(path + suffix, ignored);
    }
  } scratch{path};
  if (Status ok = make_save(path, size); !ok.ok()) return ok;

  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", threads);
  caf::actor_system sys{cfg};
  // From here on: the world, its cache, its actors and the save's connections.
  const int64_t rss_before = proc_memory("VmRSS");
  GameOptions options;
  options.save_path = path;
  options.save.synchronous = persistence == "full" ? Synchronous::full : Synchronous::normal;
  options.coordinator.persist = persistence != "off";
  options.coordinator.speed = kPausedSpeed;
  options.coordinator.snapshot_every = 0;  // measured separately
  options.run_ticks = ticks;
  auto game = start_game(sys, options);
  if (!game) return game.status();
  const int64_t rss_loaded = proc_memory("VmRSS");

  caf::scoped_actor self{sys};
  auto status = [&]() {
    GameStatus out;
    self->request(game->root, std::chrono::seconds(60), status_atom::value)
        .receive([&](GameStatus& s) { out = s; }, [](caf::error&) {});
    return out;
  };
  const auto began = std::chrono::steady_clock::now();
  self->request(game->root, std::chrono::seconds(60), speed_atom::value, kMaxSpeed)
      .receive([](caf::ok_atom) {}, [](caf::error&) {});
  GameStatus s;
  for (s = status(); !s.finished && s.last_error.empty(); s = status())
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  caf::anon_send_exit(game->root, caf::exit_reason::user_shutdown);
  if (!s.last_error.empty()) return Status::error(s.last_error);

  const double per_tick = s.ticks_run > 0 ? 1.0 / static_cast<double>(s.ticks_run) : 0;
  return nlohmann::json{
      {"size", size.world.name},
      {"provinces", size.world.params.provinces},
      {"nations", size.world.params.nations},
      {"persistence", persistence},
      {"threads", threads},
      {"ticks", s.ticks_run},
      {"seconds", seconds},
      {"ticks_per_second", static_cast<double>(s.ticks_run) / seconds},
      {"nation_ms", s.total_nation_ms * per_tick},
      {"nations_asked_per_tick", static_cast<double>(s.total_nations_asked) * per_tick},
      {"war_ms", s.total_war_ms * per_tick},
      {"finish_ms", s.total_finish_ms * per_tick},
      {"commit_ms", s.commits > 0 ? s.total_commit_ms / static_cast<double>(s.commits) : 0.0},
      {"peak_rss_mb", static_cast<double>(proc_memory("VmHWM")) / (1 << 20)},
      {"game_bytes_per_province", static_cast<double>(rss_loaded - rss_before) /
                                      static_cast<double>(size.world.params.provinces)}};
}

// Runs this binary again for one configuration and reads its JSON line.
Result<nlohmann::json> bench_child(const Size& size, const std::string& persistence, int threads,
                                   const std::string& dir) {
  char self_path[4096] = {0};
  const ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
  if (n <= 0) return Status::error("cannot find my own binary");
  const std::string cmd =
      fmt::format("'{}' bench --size {} --persistence {} --threads {} --dir '{}' --json", self_path,
                  size.world.name, persistence, threads, dir);
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return Status::error("cannot run " + cmd);
  std::string out;
  char buf[4096];
  while (fgets(buf, sizeof buf, pipe)) out += buf;
  const int rc = pclose(pipe);
  auto parsed = nlohmann::json::parse(out, nullptr, false);
  if (rc != 0 || !parsed.is_object()) return Status::error(cmd + " failed: " + out);
  return parsed;
}

int run_matrix(const std::string& dir) {
  std::cout << "| size | persistence | threads | ticks/s | nation ms | nations asked | war ms | "
               "finish ms | commit ms | peak RSS MB | game B/province |\n"
            << "|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const Size& size : kSizes) {
    for (const char* persistence : {"normal", "full", "off"}) {
      for (int threads : {1, 2}) {
        auto r = bench_child(size, persistence, threads, dir);
        if (!r) {
          std::cerr << "hegemon bench: " << r.status().message() << "\n";
          return 1;
        }
        const auto& j = *r;
        std::cout << fmt::format(
            "| {} | {} | {} | {:.0f} | {:.2f} | {:.0f} | {:.2f} | {:.2f} | {:.2f} | {:.0f} | "
            "{:.0f} |\n",
            size.world.name, persistence, threads, j["ticks_per_second"].get<double>(),
            j["nation_ms"].get<double>(), j["nations_asked_per_tick"].get<double>(),
            j["war_ms"].get<double>(), j["finish_ms"].get<double>(), j["commit_ms"].get<double>(),
            j["peak_rss_mb"].get<double>(), j["game_bytes_per_province"].get<double>());
        std::cout.flush();
      }
    }
  }
  return 0;
}

}  // namespace

int run_bench(const std::vector<std::string>& args) {
  std::string size_name = "default", persistence = "normal";
  std::string dir = std::filesystem::temp_directory_path().string();
  int64_t ticks = 0, threads = 2;
  bool as_json = false, matrix = false;
  auto app = cli::make_app("bench", kUsage);
  app->add_option("--size", size_name, "world size")
      ->check(cli::one_of({"default", "eu4", "huge"}));
  auto* ticks_opt = app->add_option("--ticks", ticks, "ticks to measure (default: by size)")
                        ->check(cli::whole_number(0, INT64_MAX / 2));
  app->add_option("--persistence", persistence, "SQLite synchronous mode, or off")
      ->check(cli::one_of({"normal", "full", "off"}));
  app->add_option("--threads", threads, "scheduler threads")->check(cli::whole_number(1, 1024));
  app->add_option("--dir", dir, "where the temporary saves go");
  app->add_flag("--json", as_json, "print the result as JSON");
  app->add_flag("--matrix", matrix, "every size x persistence x threads, as a Markdown table");
  if (auto code = cli::parse(*app, args)) return *code;
  (void)init_logging("warn", "");
  if (matrix) return run_matrix(dir);
  const Size* size = nullptr;
  for (const Size& s : kSizes)
    if (size_name == s.world.name) size = &s;
  const int thread_count = static_cast<int>(threads);
  auto result =
      bench_once(*size, ticks_opt->count() ? ticks : size->ticks, persistence, thread_count, dir);
  if (!result) {
    std::cerr << "hegemon bench: " << result.status().message() << "\n";
    return 1;
  }
  if (as_json) {
    std::cout << result->dump() << "\n";
  } else {
    for (const auto& [k, v] : result->items()) std::cout << k << ": " << v.dump() << "\n";
  }
  return 0;
}

}  // namespace hegemon
