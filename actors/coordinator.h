// The tick coordinator: runs the game loop. For each tick it
//   1. asks every nation actor for its proposal (concurrently) and merges them
//      in ascending nation id;
//   2. spawns actors for wars declared in that merge, asks every war actor for
//      its proposal and merges them in ascending war id;
//   3. runs end-of-tick bookkeeping, stops the actors of ended wars and dead
//      nations, seals the tick's change set (clock, hash) and hands it to the
//      persistence actor without waiting: tick N commits while N+1 computes, up
//      to `max_uncommitted` change sets in flight, each kept until acknowledged.
// Ticks start at ideal times (start + n * interval), not "now + interval", so
// the rate does not drift. A failed phase or commit pauses the game with the
// reason in its status; resume retries exactly what failed.
#pragma once

#include <cstdint>
#include <memory>

#include <caf/fwd.hpp>

#include "actors/game_speed.h"
#include "actors/interfaces.h"
#include "state/world.h"

namespace hegemon {

struct CoordinatorOptions {
  int32_t speed = kDefaultSpeed;  // kPausedSpeed: start paused
  Tick run_ticks = 0;             // stop ticking after this many ticks; 0: never
  int32_t max_uncommitted = 4;    // change sets in flight to persistence at most
};

coordinator_actor spawn_coordinator(caf::actor_system& sys, std::shared_ptr<World> world,
                                    persistence_actor persistence, CoordinatorOptions options);

}  // namespace hegemon
