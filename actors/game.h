// Starting a game: open (or create) a save, rebuild the hot cache from it, and
// spawn the supervision tree (game_supervisor.h): persistence, the
// coordinator, one actor per living nation and per active war.
#pragma once

#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/coordinator.h"
#include "actors/fault_plan.h"
#include "actors/interfaces.h"
#include "actors/persistence_actor.h"
#include "actors/supervisor.h"
#include "persistence/save_file.h"
#include "persistence/save_lock.h"
#include "state/mod_content.h"
#include "state/status.h"
#include "state/world.h"

namespace hegemon {

struct GameOptions {
  std::string save_path = "saves/default.db";
  SaveOptions save;
  WorldParams new_world;           // used only when the save holds no world yet
  // The mods a new game is made with (tools/mod_set.h), checked already; null:
  // none. Their tuning is the game's balance, their scenario (if any) its
  // world, and their files are kept in the save. A save that already holds a
  // world refuses mods: a game's content is fixed at its creation.
  std::shared_ptr<const ModContent> mods;
  CoordinatorOptions coordinator;  // its stop_at is set from run_ticks
  Tick run_ticks = 0;              // stop ticking after this many ticks; 0: never
  // Persistence blocks on disk I/O, so it normally gets its own thread. Tests
  // on CAF's deterministic test scheduler turn this off.
  bool detached_persistence = true;
  RestartIntensity intensity;  // per supervisor and child
  FaultPlanPtr faults;         // injected crashes; may be null
  // For live rollbacks (actors/persistence_actor.h); the server passes
  // tools/replay.h's state_at. Empty: rollback requests are refused.
  RebuildState rebuild_state;
};

struct Game {
  std::shared_ptr<World> world;
  caf::actor root;       // the game supervisor: the admin API and the way in (game_supervisor.h)
  bool created = false;  // a new world was generated into the save
  GameContent content;   // the mods the save was created with (state/mod_content.h)
  // The save is this process's for the game's life (persistence/save_lock.h),
  // across every SaveFile opened and closed on it meanwhile; keep the Game
  // until the game is over.
  std::shared_ptr<SaveLock> save_lock;
};

// Errors (unreadable save, newer schema, not a Hegemon save, inconsistent
// tables) come back with context and leave the file untouched.
Result<Game> start_game(caf::actor_system& sys, const GameOptions& options);

}  // namespace hegemon
