#include "actors/game.h"

#include <caf/actor_system.hpp>
#include <spdlog/spdlog.h>

#include "actors/game_supervisor.h"
#include "persistence/save_reader.h"
#include "rules/scenario.h"
#include "rules/world_gen.h"
#include "state/game_date.h"

namespace hegemon {

Result<Game> start_game(caf::actor_system& sys, const GameOptions& options) {
  // Create or load the world here, on the caller's thread, so that a bad save
  // is reported before anything is spawned. The persistence actor then opens
  // the save for itself.
  auto opened = SaveFile::open(options.save_path, options.save);
  if (!opened) return opened.status();
  std::unique_ptr<SaveFile> save = std::move(*opened);

  Game game;
  auto lock = SaveLock::acquire(options.save_path);  // shares the SaveFile's: never refused
  if (!lock) return lock.status();
  game.save_lock = std::make_shared<SaveLock>(std::move(*lock));
  if (save->has_world() && options.mods && !options.mods->mods.empty()) {
    return Status::error(options.save_path +
                         " already holds a game; mods apply only to a new game (its content is "
                         "fixed when it is created)");
  }
  if (!save->has_world()) {
    WorldSnapshot fresh;
    const Tuning tuning = options.mods ? options.mods->tuning : Tuning{};
    if (options.mods && options.mods->scenario) {
      // A hand-made world: the scenario fixes the map, --seed the game's RNG.
      auto built = build_world(*options.mods->scenario, tuning, options.new_world.seed);
      if (!built) return built.status().with_context("cannot build the scenario's world");
      fresh = std::move(*built);
    } else {
      NameLists names;
      if (options.mods) names = {options.mods->nation_names, options.mods->province_names};
      try {
        fresh = generate_world(options.new_world, tuning, names);
      } catch (const std::invalid_argument& e) {
        return Status::error(std::string("cannot generate world: ") + e.what());
      }
    }
    static const std::vector<ModFileContent> kNoMods;
    const std::vector<ModFileContent>& mods = options.mods ? options.mods->mods : kNoMods;
    if (auto st = save->create_world(fresh, mods); !st.ok()) return st;
    game.created = true;
    spdlog::info("created a new world in {}: seed {}, {} provinces, {} nations", options.save_path,
                 fresh.map->params().seed, fresh.map->params().provinces,
                 fresh.map->params().nations);
  }
  auto loaded = save->load_world();
  if (!loaded) return loaded.status();
  auto content = save->content();
  if (!content) return content.status();
  game.content = std::move(*content);
  game.world = std::make_shared<World>(*loaded);
  if (!game.created) {
    const GameMeta meta = game.world->meta();
    spdlog::info("resumed {} at tick {} ({})", options.save_path, meta.tick,
                 date_of_tick(meta.tick).to_string());
  }
  auto reader = SaveReader::open(options.save_path);
  if (!reader) return reader.status();
  auto last_seq = (*reader)->last_command_seq();
  if (!last_seq) return last_seq.status();
  game.world->set_cold_store(std::shared_ptr<SaveReader>(std::move(*reader)));
  save.reset();

  GameSupervisorConfig config;
  config.world = game.world;
  config.persistence =
      PersistenceConfig{options.save_path, options.save, options.faults, options.rebuild_state};
  config.detached_persistence = options.detached_persistence;
  config.coordinator = options.coordinator;
  if (options.run_ticks > 0)
    config.coordinator.stop_at = game.world->meta().tick + options.run_ticks;
  config.intensity = options.intensity;
  config.faults = options.faults;
  config.last_command_seq = *last_seq;
  game.root = spawn_game_supervisor(sys, std::move(config));
  return game;
}

}  // namespace hegemon
