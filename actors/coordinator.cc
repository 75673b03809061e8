#include "actors/coordinator.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>
#include <spdlog/spdlog.h>

#include "actors/coordinator_state.h"
#include "actors/errors.h"
#include "actors/incident.h"
#include "rules/commands.h"
#include "rules/phases.h"
#include "state/game_date.h"

// The coordinator is the behaviour that wires its plain parts (see
// coordinator_state.h). Here: collaborators, commits, I/O faults, stopping,
// the tick loop, control and the status; the tick's two phases are in
// coordinator_phases.cc.
namespace hegemon {
namespace coordinator_detail {

const char* coordinator_state::name = "coordinator";

// The pieces reach each other in cycles (a commit's answer may start the
// next tick, a new persistence gets the uncommitted ticks again, ...).
void maybe_start_tick(self_ptr self);
void resend_uncommitted(self_ptr self);
void check_stop_waiters(self_ptr self);
void set_speed(self_ptr self, int32_t speed);

// ---- supervised collaborators ---------------------------------------------

const caf::actor& supervisor_of(self_ptr self, ActorKind kind) {
  auto& links = self->state.links;
  return kind == ActorKind::nation ? links.nations
         : kind == ActorKind::war  ? links.wars
                                   : links.core;
}

void pause_with_error(self_ptr self, const std::string& reason) {
  auto& st = self->state;
  if (st.last_error.empty()) {
    const Tick tick = st.world->meta().tick + (st.in_tick ? 1 : 0);
    spdlog::error("game paused at tick {}: {}", tick, reason);
    st.last_error = reason;
    if (auto p = persistence(self)) {
      self->send(p, incident_atom::value, tick, std::string("game_paused"),
                 incident_json({{"tick", tick}}, {{"reason", reason}}));
    }
  }
  st.clock.pause();
}

// A new incarnation of `key` runs: ask it for whatever the tick in flight
// still misses from it; a new persistence gets every unacknowledged change set.
void on_new_incarnation(self_ptr self, const ActorKey& key) {
  auto& st = self->state;
  if (key.kind == ActorKind::persistence) {
    if (!st.commits.empty()) resend_uncommitted(self);
    check_stop_waiters(self);  // a stop may have waited for persistence
    return;
  }
  ask_again(self, key);
}

void adopt(self_ptr self, const ActorKey& key, uint64_t generation, const caf::actor& handle) {
  if (self->state.children.adopt(key, generation, handle)) on_new_incarnation(self, key);
}

// Asks the right supervisor for a child (started if not running); `then` runs
// once every outstanding spawn request has been answered.
void request_spawn(self_ptr self, const ActorKey& key, std::function<void()> then) {
  self->state.children.begin_spawn();
  self->request(supervisor_of(self, key.kind), caf::infinite, spawn_kid_atom::value, key)
      .then(
          [=](caf::actor& handle, uint64_t generation) {
            adopt(self, key, generation, handle);
            if (self->state.children.end_spawn() && then) then();
          },
          [=](caf::error& err) {
            self->state.children.end_spawn();
            pause_with_error(self, "cannot start " + key.to_string() + ": " + describe(err));
          });
}

// Asks the supervisors to bring back every child they gave up on.
void restart_given_up(self_ptr self) {
  for (const ActorKey& key : self->state.children.given_up()) {
    self->request(supervisor_of(self, key.kind), caf::infinite, restart_atom::value, key)
        .then(
            [=](caf::actor& handle, uint64_t generation) { adopt(self, key, generation, handle); },
            [=](caf::error& err) {
              pause_with_error(self, "cannot restart " + key.to_string() + ": " + describe(err));
            });
  }
}

// Stops the actors of wars that ended and nations that died in the tick that
// `changes` sealed. Both leave the game only through a change of their own,
// so the change set names every one; this keeps the end of a tick from
// reading all the nations of the world.
void retire_gone(self_ptr self, const ChangeSet& changes) {
  auto retire = [&](ActorKind kind, int32_t id) {
    const ActorKey key{kind, id};
    if (self->state.children.retire(key))
      caf::anon_send(supervisor_of(self, kind), retire_atom::value, key);
  };
  for (const War& w : changes.wars)
    if (!w.active()) retire(ActorKind::war, w.id);
  for (const Nation& n : changes.nations)
    if (!n.alive) retire(ActorKind::nation, n.id);
}

// ---- I/O faults: pause, retry with backoff, resume -------------------------
// The failed transaction left the save at its last whole tick, and the change
// sets stay here (at most max_uncommitted, never published): nothing is lost
// while the disk refuses, so the game pauses and keeps trying by itself.

void on_io_fault(self_ptr self, Tick tick, const caf::error& err) {
  auto& st = self->state;
  const std::string what = "commit of tick " + std::to_string(tick) + " failed";
  const CommitPipeline::Retry retry = st.commits.io_fault(st.clock.speed(), wall_now());
  if (retry.first) {
    pause_with_error(self, what + " (retrying by itself): " + describe(err));
    spdlog::warn(
        "the save refused tick {}; every uncommitted tick is kept and retried in {} ms, "
        "then at growing intervals up to {} ms",
        tick, retry.delay.count(), st.options.io_retry_max.count());
  } else {
    spdlog::warn("retry {} of the commit of tick {} failed: {}; next retry in {} ms",
                 st.commits.retries(), tick, describe(err), retry.delay.count());
    // A manual resume may have cleared the reason meanwhile.
    if (st.last_error.empty())
      pause_with_error(self, what + " (retrying by itself): " + describe(err));
  }
  self->delayed_send(self, retry.delay, retry_atom::value, retry.epoch);
}

void on_io_retry(self_ptr self, uint64_t epoch) {
  auto& st = self->state;
  if (!st.commits.retry_due(epoch)) return;
  spdlog::info("retrying the commit of {} uncommitted tick(s)", st.commits.size());
  resend_uncommitted(self);
}

// A commit went through while paused by an I/O fault: the disk works again.
void on_io_recovered(self_ptr self, Tick tick) {
  auto& st = self->state;
  const CommitPipeline::Recovery r = st.commits.recover(wall_now());
  // A child given up on meanwhile keeps the game paused with its own reason.
  const bool resume = !st.children.any_given_up() && r.resume_speed != kPausedSpeed;
  spdlog::info("the save is writable again: tick {} committed after {} failed retr{} ({} ms); {}",
               tick, r.retries, r.retries == 1 ? "y" : "ies", r.paused.count(),
               resume ? "resuming at speed " + speed_name(r.resume_speed) : "staying paused");
  if (auto p = persistence(self)) {
    self->send(p, incident_atom::value, tick, std::string("game_resumed"),
               incident_json({{"tick", tick},
                              {"retries", r.retries},
                              {"paused_ms", static_cast<int64_t>(r.paused.count())}},
                             {{"reason", "the save is writable again"}}));
  }
  if (st.children.any_given_up()) return;
  st.last_error.clear();
  if (st.clock.paused() && r.resume_speed != kPausedSpeed) set_speed(self, r.resume_speed);
}

// ---- commits ---------------------------------------------------------------

void on_committed(self_ptr self, Tick tick, int64_t micros) {
  auto& st = self->state;
  for (const ChangeSetPtr& done : st.commits.acknowledge(tick))
    if (st.links.publisher) caf::anon_send(st.links.publisher, delta_atom::value, done);
  st.stats.committed(micros);
  if (st.commits.io_paused()) on_io_recovered(self, tick);
  check_stop_waiters(self);
  maybe_start_tick(self);
}

void on_commit_error(self_ptr self, Tick tick, const caf::error& err) {
  auto& st = self->state;
  const bool ours = err.category() == caf::atom("hegemon");
  const bool io = ours && err.code() == static_cast<uint8_t>(Errc::io_fault);
  if (!io && (!ours || err.code() != static_cast<uint8_t>(Errc::persistence_failed))) {
    // Persistence crashed: its supervisor restarts it (and we resend)
    // or gives up (and the game pauses).
    spdlog::debug("commit of tick {} lost with persistence: {}", tick, describe(err));
    return;
  }
  // The later ticks of the same round fail because the first one did
  // ("ticks would be missing"): the first failure says what happened.
  if (!st.commits.fail()) return;
  if (io) {
    on_io_fault(self, tick, err);
  } else {
    pause_with_error(self, "commit of tick " + std::to_string(tick) + " failed: " + describe(err));
  }
  check_stop_waiters(self);
}

void send_commit(self_ptr self, const ChangeSetPtr& changes) {
  auto& st = self->state;
  const auto handle = persistence(self);
  if (!handle) return;  // down: resent to the next incarnation
  const uint64_t epoch = st.commits.epoch();
  const uint64_t generation = st.children.generation(kPersistence);
  self->request(handle, caf::infinite, commit_atom::value, changes)
      .then([=](Tick tick, int64_t micros) { on_committed(self, tick, micros); },
            [=](caf::error& err) {
              auto& st = self->state;
              if (st.commits.stale(epoch) || !st.children.current(kPersistence, generation)) return;
              on_commit_error(self, changes->tick(), err);
            });
}

void resend_uncommitted(self_ptr self) {
  for (const auto& changes : self->state.commits.resend()) send_commit(self, changes);
}

// ---- stopping --------------------------------------------------------------

void check_stop_waiters(self_ptr self) {
  auto& st = self->state;
  if (!st.stopping || st.stop_waiters.empty()) return;
  if (st.commits.failed() || st.children.any_given_up()) {
    const size_t lost = st.commits.size() + (st.in_tick ? 1 : 0);
    auto err = make_error(Errc::cannot_stop_cleanly,
                          std::to_string(lost) + " tick(s) not committed: " + st.last_error);
    for (auto& rp : st.stop_waiters) rp.deliver(err);
    st.stop_waiters.clear();
    st.stopping = false;  // the stop did not happen: the game stays, paused, as it was
    return;
  }
  const auto handle = persistence(self);
  if (st.in_tick || !st.commits.empty() || !handle) return;  // not yet
  auto waiters = std::move(st.stop_waiters);
  st.stop_waiters.clear();
  const Tick committed = st.commits.committed_tick();
  self->request(handle, caf::infinite, checkpt_atom::value)
      .then(
          [=](caf::ok_atom) mutable {
            for (auto& rp : waiters) rp.deliver(committed);
          },
          [=](caf::error& err) mutable {
            for (auto& rp : waiters) rp.deliver(err);
          });
}

// ---- the tick loop -----------------------------------------------------------

bool may_start_tick(self_ptr self) {
  auto& st = self->state;
  return !st.in_tick && !st.children.spawning() && persistence(self) && !st.clock.paused() &&
         !st.stopping && (st.stop_at < 0 || st.world->meta().tick < st.stop_at) &&
         st.commits.has_room();
}

void maybe_start_tick(self_ptr self) {
  auto& st = self->state;
  if (st.clock.armed() || !may_start_tick(self)) return;
  const TickClock::Timer timer = st.clock.arm(self->clock().now());
  if (timer.immediate) {
    self->send(self, next_atom::value, timer.epoch);
  } else {
    self->scheduled_send(self, timer.when, next_atom::value, timer.epoch);
  }
}

void on_timer(self_ptr self, uint64_t epoch) {
  auto& st = self->state;
  if (!st.clock.fire(epoch)) return;  // from before a pause or speed change
  if (!may_start_tick(self)) return;
  st.clock.advance(self->clock().now());
  start_tick(self);
}

void finish_tick(self_ptr self) {
  auto& st = self->state;
  st.stats.war_phase_done(wall_now());
  end_of_tick(*st.recorder);
  ChangeSet sealed = st.recorder->finish();
  if (snapshot_due(sealed.tick(), st.options.snapshot_every))
    sealed.snapshot = std::make_shared<const WorldSnapshot>(st.world->snapshot());
  auto changes = std::make_shared<const ChangeSet>(std::move(sealed));
  st.recorder.reset();
  st.in_tick = false;
  st.tick_commands.clear();

  retire_gone(self, *changes);

  if (!st.options.persist) {
    st.commits.skip(changes->tick());
    if (st.links.publisher) caf::anon_send(st.links.publisher, delta_atom::value, changes);
  } else if (st.commits.push(changes)) {
    send_commit(self, changes);
  }
  st.stats.finish_phase_done(wall_now());
  check_stop_waiters(self);
  maybe_start_tick(self);
}

// ---- control -----------------------------------------------------------------

void set_speed(self_ptr self, int32_t speed) {
  self->state.clock.set_speed(speed, self->clock().now());
  maybe_start_tick(self);
}

// An admin's pause, which outlasts an I/O fault.
void pause(self_ptr self) {
  set_speed(self, kPausedSpeed);
  self->state.commits.stay_paused();
}

void resume(self_ptr self) {
  auto& st = self->state;
  if (!st.last_error.empty()) spdlog::info("resuming after: {}", st.last_error);
  st.last_error.clear();
  st.commits.cancel_retry();  // retried now; a failure arms a new retry
  if (st.commits.failed()) resend_uncommitted(self);
  restart_given_up(self);
  set_speed(self, st.clock.resume_speed());
}

caf::result<caf::ok_atom> change_speed(self_ptr self, int32_t speed) {
  if (speed < kPausedSpeed || speed > kMaxSpeed)
    return make_error(Errc::invalid_request,
                      "speed must be 0..5 or max, got " + std::to_string(speed));
  if (speed == kPausedSpeed) {
    pause(self);
  } else {
    self->state.clock.set_resume_speed(speed);
    resume(self);
  }
  return caf::ok_atom::value;
}

// On receipt: checked against the world as it is now (between phases, the
// cache holds the last merge), then scheduled for the next tick to start.
caf::result<Command> accept_command(self_ptr self, Command command) {
  auto& st = self->state;
  if (st.stopping)  // no tick will start to apply it
    return make_error(Errc::command_refused, "the game is stopping");
  if (Status ok = check_command(*st.world, command); !ok.ok())
    return make_error(Errc::command_refused, ok.message());
  st.scheduled.schedule(command, st.world->meta().tick, st.in_tick);
  return command;
}

caf::typed_response_promise<Tick> stop(self_ptr self) {
  auto rp = self->make_response_promise<Tick>();
  auto& st = self->state;
  st.stopping = true;
  st.stop_waiters.push_back(rp);
  // Paused by an I/O fault: one last try now rather than giving up at once.
  if (st.commits.io_paused() && st.commits.failed()) resend_uncommitted(self);
  check_stop_waiters(self);
  return rp;
}

void on_escalated(self_ptr self, const ActorKey& key, const std::string& reason, Tick tick) {
  self->state.children.give_up(key);
  pause_with_error(
      self, key.to_string() + " keeps crashing (tick " + std::to_string(tick) + "): " + reason);
  check_stop_waiters(self);
}

GameStatus make_status(self_ptr self) {
  auto& st = self->state;
  const GameMeta meta = st.world->meta();
  GameStatus s;
  s.tick = meta.tick;
  s.committed_tick = st.commits.committed_tick();
  s.date = date_of_tick(meta.tick).to_string();
  s.speed = st.clock.speed();
  s.living_nations = static_cast<int32_t>(st.world->living_nations().size());
  s.active_wars = static_cast<int32_t>(st.world->active_wars().size());
  s.armies = static_cast<int32_t>(st.world->army_count());
  s.uncommitted = static_cast<int32_t>(st.commits.size());
  st.stats.fill(s, wall_now());
  s.state_hash = meta.state_hash;
  // s.restarts: counted for the life of the game by the game supervisor.
  s.last_error = st.last_error;
  s.stopping = st.stopping;
  s.finished = st.stop_at >= 0 && meta.tick >= st.stop_at && !st.in_tick && st.commits.empty();
  return s;
}

// Hands a request on to the current persistence incarnation.
template <class... Ts>
caf::result<caf::ok_atom> to_persistence(self_ptr self, Ts... xs) {
  const auto handle = persistence(self);
  if (!handle) return make_error(Errc::persistence_failed, "persistence is not running yet");
  return self->delegate(handle, std::move(xs)...);
}

coordinator_actor::behavior_type coordinator_impl(self_ptr self, std::shared_ptr<World> world,
                                                  CoordinatorLinks links,
                                                  CoordinatorOptions options, FaultPlanPtr faults) {
  self->set_exception_handler(exception_to_error);
  auto& st = self->state;
  st.faults = std::move(faults);
  st.world = std::move(world);
  st.links = std::move(links);
  st.options = options;
  st.commits = CommitPipeline(options.max_uncommitted, options.io_retry_initial,
                              options.io_retry_max, st.world->meta().tick);
  st.stop_at = options.stop_at;
  st.scheduled.restore(options.pending_commands, st.commits.committed_tick());
  // Collaborators come from the supervisors; ticking starts once all are here.
  auto ready = [self] { maybe_start_tick(self); };
  request_spawn(self, kPersistence, ready);
  for (NationId id : st.world->living_nations())
    request_spawn(self, {ActorKind::nation, id}, ready);
  for (WarId id : st.world->active_wars()) request_spawn(self, {ActorKind::war, id}, ready);

  st.clock.set_resume_speed(options.resume_speed);  // set_speed() overrides it with a running speed
  set_speed(self, options.speed);
  if (!options.paused_because.empty()) pause_with_error(self, options.paused_because);
  return {
      [=](next_atom, uint64_t epoch) { on_timer(self, epoch); },
      [=](retry_atom, uint64_t epoch) { on_io_retry(self, epoch); },
      [=](kid_started_atom, const ActorKey& key, uint64_t generation, const caf::actor& handle,
          const std::string&) { adopt(self, key, generation, handle); },
      [=](escalate_atom, const ActorKey& key, const std::string& reason, Tick tick) {
        on_escalated(self, key, reason, tick);
      },
      [=](status_atom) { return make_status(self); },
      [=](command_atom, Command& command) { return accept_command(self, std::move(command)); },
      [=](pause_atom) {
        pause(self);
        return caf::ok_atom::value;
      },
      [=](resume_atom) {
        resume(self);
        return caf::ok_atom::value;
      },
      [=](speed_atom, int32_t speed) { return change_speed(self, speed); },
      [=](checkpt_atom atom) { return to_persistence(self, atom); },
      [=](save_as_atom atom, std::string& path) {
        return to_persistence(self, atom, std::move(path));
      },
      [=](stop_atom) { return stop(self); },
  };
}

}  // namespace coordinator_detail

coordinator_actor spawn_coordinator(caf::local_actor* parent, std::shared_ptr<World> world,
                                    CoordinatorLinks links, CoordinatorOptions options,
                                    FaultPlanPtr faults) {
  return parent->spawn(coordinator_detail::coordinator_impl, std::move(world), std::move(links),
                       std::move(options), std::move(faults));
}

}  // namespace hegemon
