// The coordinator's state and what its two files share. Private to
// coordinator.cc (the behaviour: collaborators, commits, the tick loop,
// control) and coordinator_phases.cc (the tick's nation and war phases).
//
// The state is the coordinator's plain parts, each with its contract in its
// own header and tested without actors (tests/coordinator_parts_test.cc):
//   TickClock        speed and when the next tick is due     tick_clock.h
//   CommandSchedule  accepted commands by tick               command_journal.h
//   CommitPipeline   ticks in flight to persistence, retries commit_pipeline.h
//   ChildRegistry    collaborators' incarnations             child_registry.h
//   TickStats        timings for the status                  tick_stats.h
// plus the tick in flight (its recorder, commands and phase collectors) and
// the stop requests.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/child_registry.h"
#include "actors/command_journal.h"
#include "actors/commit_pipeline.h"
#include "actors/coordinator.h"
#include "actors/phase_collector.h"
#include "actors/tick_clock.h"
#include "actors/tick_stats.h"
#include "state/change_recorder.h"

namespace hegemon {
namespace coordinator_detail {

inline const ActorKey kPersistence{ActorKind::persistence, 0};

struct coordinator_state {
  std::shared_ptr<World> world;
  CoordinatorLinks links;
  CoordinatorOptions options;
  FaultPlanPtr faults;

  ChildRegistry<caf::actor> children;
  TickClock clock;
  CommandSchedule scheduled;
  CommitPipeline commits{CoordinatorOptions::kDefaultMaxUncommitted,
                         std::chrono::milliseconds(1000), std::chrono::milliseconds(30000), 0};

  // The tick in flight, and its commands (sorted by command_order).
  bool in_tick = false;
  std::unique_ptr<ChangeRecorder> recorder;
  std::vector<Command> tick_commands;
  PhaseCollector<NationProposal> nation_phase;
  PhaseCollector<WarProposal> war_phase;

  Tick stop_at = -1;  // no tick beyond this one starts; -1: no limit
  bool stopping = false;
  std::vector<caf::typed_response_promise<Tick>> stop_waiters;

  TickStats stats;
  std::string last_error;  // why the game paused; empty while it runs

  static const char* name;
};

using self_ptr = coordinator_actor::stateful_pointer<coordinator_state>;

inline std::chrono::steady_clock::time_point wall_now() { return std::chrono::steady_clock::now(); }

inline persistence_actor persistence(self_ptr self) {
  return caf::actor_cast<persistence_actor>(self->state.children.handle(kPersistence));
}

// ---- coordinator.cc ----
// Asks the right supervisor for a child (started if not running); `then` runs
// once every outstanding spawn request has been answered.
void request_spawn(self_ptr self, const ActorKey& key, std::function<void()> then);
// Seals the tick in flight and hands it to persistence.
void finish_tick(self_ptr self);

// ---- coordinator_phases.cc ----
// Starts the next tick: its commands, then the nation phase.
void start_tick(self_ptr self);
// Pauses the game with `reason` as its last error (the first reason stays).
void pause_with_error(self_ptr self, const std::string& reason);
// A new incarnation of `key` runs: ask it for whatever the tick in flight
// still misses from it.
void ask_again(self_ptr self, const ActorKey& key);

}  // namespace coordinator_detail
}  // namespace hegemon
