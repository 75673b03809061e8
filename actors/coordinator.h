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
// the rate does not drift.
//
// Commands: a player command is checked on receipt (rules/commands.h) and
// scheduled for the next tick to start; at that tick it is recorded as the
// tick's first events and handed to its nation's (or for peace, its war's)
// actor with the phase request.
//
// Failures: a nation or war actor that crashes mid-phase is restarted by its
// supervisor; the coordinator hears of the new incarnation and asks it for the
// same phase again (replies from a former incarnation are ignored by their
// generation). A restarted persistence actor gets every unacknowledged change
// set again, in order. When a supervisor gives up on a child, or SQLite refuses
// a commit, the game pauses with the reason in its status; resume restarts what
// was given up on and retries exactly what failed. A commit refused by the disk
// (an I/O fault: I/O error, disk full, save file gone) is also retried by
// itself, with backoff, and the game resumes once it commits.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/fault_plan.h"
#include "actors/game_speed.h"
#include "actors/interfaces.h"
#include "state/world.h"

namespace hegemon {

// The supervisors the coordinator gets its collaborators from: persistence
// from `core`, nation actors from `nations`, war actors from `wars`.
struct CoordinatorLinks {
  caf::actor core;
  caf::actor nations;
  caf::actor wars;
  caf::actor publisher;  // gets every committed change set; may be null
};

struct CoordinatorOptions {
  int32_t speed = kDefaultSpeed;         // kPausedSpeed: start paused
  int32_t resume_speed = kDefaultSpeed;  // where "resume" goes when started paused
  Tick stop_at = -1;                     // no tick after this one starts; -1: no limit
  // Change sets in flight to persistence at most. Deep enough that, when
  // ticks outrun the disk (max speed), persistence's group commit finds many
  // waiting and pays a transaction's fixed cost and the pages ticks share
  // once per group: EU4-sized world at max speed, 4 -> 32 took 700 to about
  // 1,000 ticks/s (docs/BENCHMARKS.md). At game speeds the disk keeps up and
  // the pipeline stays near empty, so this costs no latency; it bounds the
  // memory of uncommitted ticks and how far the cache may run ahead of the
  // save while a failing disk is retried.
  static constexpr int32_t kDefaultMaxUncommitted = 32;
  int32_t max_uncommitted = kDefaultMaxUncommitted;
  Tick snapshot_every = kDefaultSnapshotEvery;  // a full snapshot with every Nth tick; 0: never
  // false: ticks are not committed at all (benchmarks of the simulation
  // alone); the save stays where it was. Never for a real game.
  bool persist = true;
  // Non-empty: start paused with this as the reason (a restart that gave up).
  std::string paused_because;
  // Commands accepted by a former incarnation for ticks not yet committed;
  // each applies at the tick it was given, as if nothing had happened.
  std::vector<Command> pending_commands;
  // A commit the disk refuses (Errc::io_fault) pauses the game, and every
  // uncommitted change set is sent again after io_retry_initial, then after
  // twice as long each time, at most io_retry_max, until one commits; then
  // the game resumes at the speed it had.
  std::chrono::milliseconds io_retry_initial{1000};
  std::chrono::milliseconds io_retry_max{30000};
};

// Spawns the coordinator as a child of `parent`. It asks the supervisors for
// persistence and one actor per living nation and active war, and starts
// ticking once it has them all.
coordinator_actor spawn_coordinator(caf::local_actor* parent, std::shared_ptr<World> world,
                                    CoordinatorLinks links, CoordinatorOptions options,
                                    FaultPlanPtr faults);

}  // namespace hegemon
