#include "apps/actor_replay.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/errors.h"
#include "actors/game.h"
#include "persistence/save_file.h"

namespace hegemon {
namespace {

// The replayed game's save: the one asked for, or a temporary one that is
// removed (with its WAL) when the replay is done.
class OutSave {
 public:
  explicit OutSave(const std::string& wanted)
      : path_(wanted.empty() ? (std::filesystem::temp_directory_path() /
                                ("hegemon-replay-" + std::to_string(::getpid()) + ".db"))
                                   .string()
                             : wanted),
        temporary_(wanted.empty()) {}
  ~OutSave() {
    if (!temporary_) return;
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_ + suffix, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool temporary_;
};

}  // namespace

Result<ReplayReport> replay_on_actors(const std::string& save_path, const ReplayOptions& options) {
  const auto began = std::chrono::steady_clock::now();
  auto plan = plan_replay(save_path, options.to_tick, options.from_snapshot);
  if (!plan) return plan.status();
  OutSave out(options.out_path);
  if (std::filesystem::exists(out.path()))
    return Status::error(out.path() + " exists; replay writes only to a new save");
  {
    auto created = SaveFile::open(out.path(), SaveOptions{});
    if (!created) return created.status();
    if (Status ok = (*created)->create_world(plan->start, plan->mods); !ok.ok()) return ok;
  }

  ReplayReport report;
  for (const ModFileContent& m : plan->mods) report.mod_sha256.push_back(m.sha256_hex);
  report.start_tick = plan->start.meta.tick;
  report.end_tick = plan->end;
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  GameOptions game_options;
  game_options.save_path = out.path();
  game_options.coordinator.speed = kMaxSpeed;
  game_options.coordinator.pending_commands = plan->commands;
  game_options.coordinator.snapshot_every = options.snapshot_every;
  game_options.run_ticks = plan->end - report.start_tick;
  if (game_options.run_ticks > 0) {
    auto game = start_game(sys, game_options);
    if (!game) return game.status();
    caf::scoped_actor self{sys};
    Status failed;
    for (bool finished = false; !finished && failed.ok();) {
      self->request(game->root, std::chrono::seconds(30), status_atom::value)
          .receive(
              [&](const GameStatus& s) {
                finished = s.finished;
                if (!s.last_error.empty())
                  failed = Status::error("the game paused: " + s.last_error);
                if (options.progress) options.progress(s.committed_tick, plan->end);
              },
              [&](caf::error& err) { failed = Status::error(describe(err)); });
      if (!finished) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    self->request(game->root, std::chrono::seconds(60), stop_atom::value)
        .receive([](Tick) {}, [](caf::error&) {});
    caf::anon_send_exit(game->root, caf::exit_reason::user_shutdown);
    if (!failed.ok()) return failed;
  }

  auto divergence = compare_saves(save_path, out.path(), report.start_tick + 1, plan->end);
  if (!divergence) return divergence.status();
  report.divergence = std::move(*divergence);
  auto replayed = SaveFile::open(out.path(), SaveOptions{});
  if (!replayed) return replayed.status();
  auto world = (*replayed)->load_world();
  if (!world) return world.status();
  report.final_state = std::move(*world);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  return report;
}

}  // namespace hegemon
