// A one_for_one supervisor in the manner of Erlang/OTP, which CAF 0.17 lacks.
//
// It starts children on request through a factory, monitors them and, when
// one dies abnormally, starts a new incarnation with the next generation
// number. A child that exits normally, or that the supervisor was asked to
// retire, is not restarted (wars that end at peace, nations eliminated).
// More than `intensity.max_restarts` restarts of one child within
// `intensity.window` and the supervisor gives up on that child and escalates:
// the child stays down until someone asks to restart it.
//
// What happens is reported through a SupervisorListener (run inside the
// supervisor): a child started or restarted (with its generation and handle),
// a child crashed, the supervisor escalated. A down message from anything but
// a child's current incarnation is stale and ignored.
//
// Protocol (all requests; the key's kind must be the supervisor's):
//   (spawn_kid, ActorKey)         -> (actor, generation)  start if not running
//   (retire, ActorKey)            -> ok                   stop for good
//   (retire)                      -> ok                   stop every child for good
//   (kill, ActorKey, reason)      -> ok                   crash it (admin, tests)
//   (restart, ActorKey)           -> (actor, generation)  new incarnation now;
//                                                         resets its intensity
//   (list)                        -> std::vector<ActorInfo>
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/actor_key.h"
#include "actors/atoms.h"
#include "actors/restart_budget.h"
#include "state/world.h"

namespace hegemon {

using ChildFactory =
    std::function<caf::actor(caf::local_actor* self, const ActorKey& key, uint64_t generation)>;

struct SupervisorListener {
  // A child incarnation is running: first start (reason empty) or restart.
  std::function<void(const ActorKey&, uint64_t generation, const caf::actor&,
                     const std::string& crash_reason)>
      started;
  // A child crashed (called before it is restarted or given up on).
  std::function<void(const ActorKey&, uint64_t generation, const std::string& reason, Tick tick)>
      crashed;
  // Restart intensity exceeded: the child stays down.
  std::function<void(const ActorKey&, const std::string& reason, Tick tick)> escalated;
};

struct SupervisorConfig {
  std::string name;  // "nations", "wars", "game": shown in logs and listings
  RestartIntensity intensity;
  ChildFactory factory;
  std::shared_ptr<const World> world;  // only to name the tick in flight at a crash
};

// The supervisor's behavior, for composing into an actor of one's own (the
// game supervisor adds its admin API with or_else). Call once, from the
// actor's initialisation.
caf::behavior supervisor_behavior(caf::event_based_actor* self, SupervisorConfig config,
                                  SupervisorListener listener);

// A stand-alone supervisor reporting to `parent` with the messages
//   (kid_started, ActorKey, generation, actor, reason)
//   (kid_crashed, ActorKey, generation, reason, Tick)
//   (escalate, ActorKey, reason, Tick)
caf::actor spawn_supervisor(caf::local_actor* parent, SupervisorConfig config);

}  // namespace hegemon
