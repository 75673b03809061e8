// The root of a game's supervision tree, and its admin API.
//
//   game (this actor: routing, incidents, escalation policy)
//   +-- core supervisor "game"    one_for_one: persistence (permanent)
//   +-- supervisor "nations"      one_for_one: one actor per living nation (permanent)
//   +-- supervisor "wars"         one_for_one: one actor per active war (transient:
//   |                             retired at peace, never restarted then)
//   +-- coordinator
//   +-- publisher                 committed ticks to watching clients
//
// A crashed nation, war or persistence actor is restarted by its supervisor
// (at most `intensity` restarts per child per window); the coordinator is told
// of every new incarnation and asks it for the work it missed. Beyond the
// intensity a supervisor escalates here, and the game pauses with the reason
// (which actor, which tick, why) instead of crash-looping; `resume` restarts
// the child and tries again. Every crash, restart, escalation and pause is
// logged once and written to event_log.
//
// Admin API (requests to this actor):
//   (list)                       -> std::vector<ActorInfo>
//   (kill, ActorKey, reason)     -> ok        crash a nation, war or persistence actor
//   (restart, ActorKey)          -> (actor, generation)
//   (status) (pause) (resume) (speed, int32) (checkpt) (save_as, path) (stop)
//                                -> as the coordinator answers them
//   (rollback, Tick)             -> Tick     back to that tick, live: every commit
//                                             finishes, the save is rolled back,
//                                             the game restarts from it paused
//   (subscribe, actor)           the actor receives (delta, ChangeSetPtr) per committed tick
//   (command, Command)           -> Command   a player command, numbered here and
//                                             scheduled by the coordinator (its
//                                             tick set); Errc::command_refused if
//                                             it cannot apply
//   (token, "player", nation, hash) also hands the nation to its player (a
//                                set_player command), so its AI stands aside
//
// Commands survive a coordinator crash: every accepted command stays in this
// actor's journal until its tick is committed, and a new coordinator gets the
// journal's uncommitted part, to apply each command at the tick it was given.
//   (incident, type, data_json)  an operator's action (the gateway's): written to
//                                audit_log at the current tick (rules/events.h)
//   (get, ActorKey)              -> actor     the current incarnation (tests, tools);
//                                             supervisor 0/1/2: core, nations, wars
#pragma once

#include <memory>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/coordinator.h"
#include "actors/fault_plan.h"
#include "actors/persistence_actor.h"
#include "actors/supervisor.h"
#include "state/world.h"

namespace hegemon {

struct GameSupervisorConfig {
  std::shared_ptr<World> world;
  PersistenceConfig persistence;
  bool detached_persistence = true;  // see GameOptions
  CoordinatorOptions coordinator;
  RestartIntensity intensity;
  FaultPlanPtr faults;           // may be null
  int64_t last_command_seq = 0;  // the save's highest; new commands number on from it
};

caf::actor spawn_game_supervisor(caf::actor_system& sys, GameSupervisorConfig config);

}  // namespace hegemon
