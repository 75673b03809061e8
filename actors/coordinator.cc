#include "actors/coordinator.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>
#include <spdlog/spdlog.h>

#include "actors/errors.h"
#include "actors/incident.h"
#include "actors/phase_collector.h"
#include "rules/commands.h"
#include "rules/phases.h"
#include "state/change_recorder.h"
#include "state/game_date.h"
#include "state/world_check.h"

namespace hegemon {
namespace {

using Clock = caf::actor_clock;

// The current incarnation of a supervised collaborator. A null handle means
// it is down and a new incarnation is awaited.
template <class Handle>
struct ChildRef {
  Handle handle;
  uint64_t generation = 0;
};

struct coordinator_state {
  std::shared_ptr<World> world;
  CoordinatorLinks links;
  CoordinatorOptions options;
  FaultPlanPtr faults;

  ChildRef<persistence_actor> persistence;
  std::map<NationId, ChildRef<nation_actor>> nations;
  std::map<WarId, ChildRef<war_actor>> wars;
  size_t pending_spawns = 0;         // spawn requests not yet answered
  std::set<ActorKey> given_up;       // children whose supervisor escalated

  // Speed and the timer for the next tick. A timer carries the epoch it was
  // armed in; one from an older epoch (speed changed, paused) is ignored.
  int32_t speed = kDefaultSpeed;
  int32_t resume_speed = kDefaultSpeed;
  uint64_t timer_epoch = 0;
  bool timer_armed = false;
  Clock::time_point next_due;

  // Accepted commands by the tick they apply at, and those of the tick in flight.
  std::map<Tick, std::vector<Command>> scheduled;
  std::vector<Command> tick_commands;  // sorted by command_order

  // The tick in flight.
  bool in_tick = false;
  std::unique_ptr<ChangeRecorder> recorder;
  PhaseCollector<NationProposal> nation_phase;
  PhaseCollector<WarProposal> war_phase;

  // Change sets handed to persistence and not yet acknowledged, oldest first.
  std::deque<ChangeSetPtr> uncommitted;
  Tick committed_tick = 0;
  uint64_t commit_epoch = 0;  // bumped on resume; errors from older epochs are stale
  bool commit_failed = false;

  // Paused by an I/O fault: the uncommitted change sets are sent again after
  // io_retry_delay (doubling up to options.io_retry_max) until one commits.
  bool io_paused = false;
  int32_t io_resume_speed = kPausedSpeed;  // the speed to resume at (paused: stay paused)
  int32_t io_retries = 0;                  // failed retries since the fault
  std::chrono::milliseconds io_retry_delay{0};
  uint64_t retry_epoch = 0;  // a retry timer from an older epoch is stale
  std::chrono::steady_clock::time_point io_paused_since;

  Tick stop_at = -1;  // no tick beyond this one starts; -1: no limit
  bool stopping = false;
  std::vector<caf::typed_response_promise<Tick>> stop_waiters;

  std::deque<std::chrono::steady_clock::time_point> recent_ticks;  // last second
  std::chrono::steady_clock::time_point lap_start;  // of the phase in flight
  double nation_phase_ms = 0, war_phase_ms = 0, finish_phase_ms = 0;  // last tick's
  GameStatus totals;  // only its cumulative fields are used
  double commit_ms = 0;
  std::string last_error;

  static const char* name;
};

const char* coordinator_state::name = "coordinator";

using self_ptr = coordinator_actor::stateful_pointer<coordinator_state>;

void maybe_start_tick(self_ptr self);
void finish_tick(self_ptr self);

void pause_with_error(self_ptr self, const std::string& reason);
void set_speed(self_ptr self, int32_t speed);

// Milliseconds since the last lap (the start of the phase that just ended).
double lap(coordinator_state& st) {
  const auto now = std::chrono::steady_clock::now();
  const double ms = std::chrono::duration<double, std::milli>(now - st.lap_start).count();
  st.lap_start = now;
  return ms;
}

// ---- supervised collaborators ---------------------------------------------

const caf::actor& supervisor_of(self_ptr self, ActorKind kind) {
  auto& links = self->state.links;
  return kind == ActorKind::nation ? links.nations : kind == ActorKind::war ? links.wars : links.core;
}

void on_new_incarnation(self_ptr self, const ActorKey& key);

// Adopts an incarnation if it is newer than the one known. Returns whether it was.
bool adopt(self_ptr self, const ActorKey& key, uint64_t generation, const caf::actor& handle) {
  auto& st = self->state;
  auto take = [&](auto& ref) {
    if (generation <= ref.generation) return false;  // stale: a former incarnation
    ref.generation = generation;
    ref.handle = caf::actor_cast<decltype(ref.handle)>(handle);
    return true;
  };
  bool fresh = false;
  switch (key.kind) {
    case ActorKind::persistence: fresh = take(st.persistence); break;
    case ActorKind::nation: fresh = take(st.nations[key.id]); break;
    case ActorKind::war: fresh = take(st.wars[key.id]); break;
    default: break;
  }
  if (fresh) st.given_up.erase(key);
  return fresh;
}

void maybe_start_tick(self_ptr self);

// Asks the right supervisor for a child (started if not running); `then` runs
// once every outstanding spawn request has been answered.
void request_spawn(self_ptr self, const ActorKey& key, std::function<void()> then) {
  ++self->state.pending_spawns;
  self->request(supervisor_of(self, key.kind), caf::infinite, spawn_kid_atom::value, key)
      .then(
          [=](caf::actor& handle, uint64_t generation) {
            if (adopt(self, key, generation, handle)) on_new_incarnation(self, key);
            if (--self->state.pending_spawns == 0 && then) then();
          },
          [=](caf::error& err) {
            --self->state.pending_spawns;
            pause_with_error(self, "cannot start " + key.to_string() + ": " + describe(err));
          });
}

// Stops the actor of `id`, if it has one (a war that ended, a nation that died).
template <class Ref>
void retire(self_ptr self, ActorKind kind, std::map<int32_t, Ref>& actors, int32_t id) {
  const auto it = actors.find(id);
  if (it == actors.end()) return;
  caf::anon_send(supervisor_of(self, kind), retire_atom::value, ActorKey{kind, id});
  actors.erase(it);
}

// Stops the actors of wars that ended and nations that died in the tick that
// `changes` sealed. Both leave the game only through a change of their own,
// so the change set names every one; this keeps the end of a tick from
// reading all the nations of the world.
void retire_gone(self_ptr self, const ChangeSet& changes) {
  for (const War& w : changes.wars)
    if (!w.active()) retire(self, ActorKind::war, self->state.wars, w.id);
  for (const Nation& n : changes.nations)
    if (!n.alive) retire(self, ActorKind::nation, self->state.nations, n.id);
}

// ---- pausing on failure --------------------------------------------------

void pause_with_error(self_ptr self, const std::string& reason) {
  auto& st = self->state;
  if (st.last_error.empty()) {
    const Tick tick = st.world->meta().tick + (st.in_tick ? 1 : 0);
    spdlog::error("game paused at tick {}: {}", tick, reason);
    st.last_error = reason;
    if (st.persistence.handle) {
      self->send(st.persistence.handle, incident_atom::value, tick, std::string("game_paused"),
                 incident_json({{"tick", tick}}, {{"reason", reason}}));
    }
  }
  if (st.speed != kPausedSpeed) st.resume_speed = st.speed;
  st.speed = kPausedSpeed;
  ++st.timer_epoch;
  st.timer_armed = false;
}

// ---- I/O faults: pause, retry with backoff, resume -------------------------
// The failed transaction left the save at its last whole tick, and the change
// sets stay here (at most max_uncommitted, never published): nothing is lost
// while the disk refuses, so the game pauses and keeps trying by itself.

void arm_io_retry(self_ptr self) {
  auto& st = self->state;
  ++st.retry_epoch;
  self->delayed_send(self, st.io_retry_delay, retry_atom::value, st.retry_epoch);
}

void on_io_fault(self_ptr self, Tick tick, const caf::error& err) {
  auto& st = self->state;
  const std::string what = "commit of tick " + std::to_string(tick) + " failed";
  if (!st.io_paused) {
    st.io_paused = true;
    st.io_resume_speed = st.speed;  // paused already (an admin's pause): it stays paused
    st.io_retries = 0;
    st.io_retry_delay = st.options.io_retry_initial;
    st.io_paused_since = std::chrono::steady_clock::now();
    pause_with_error(self, what + " (retrying by itself): " + describe(err));
    spdlog::warn("the save refused tick {}; every uncommitted tick is kept and retried in {} ms, "
                 "then at growing intervals up to {} ms",
                 tick, st.io_retry_delay.count(), st.options.io_retry_max.count());
  } else {
    ++st.io_retries;
    st.io_retry_delay = std::min(st.io_retry_delay * 2, st.options.io_retry_max);
    spdlog::warn("retry {} of the commit of tick {} failed: {}; next retry in {} ms",
                 st.io_retries, tick, describe(err), st.io_retry_delay.count());
    // A manual resume may have cleared the reason meanwhile.
    if (st.last_error.empty()) pause_with_error(self, what + " (retrying by itself): " + describe(err));
  }
  arm_io_retry(self);
}

void resend_uncommitted(self_ptr self);

void on_io_retry(self_ptr self, uint64_t epoch) {
  auto& st = self->state;
  if (epoch != st.retry_epoch || !st.io_paused || !st.commit_failed) return;
  spdlog::info("retrying the commit of {} uncommitted tick(s)", st.uncommitted.size());
  resend_uncommitted(self);
}

// A commit went through while paused by an I/O fault: the disk works again.
void on_io_recovered(self_ptr self, Tick tick) {
  auto& st = self->state;
  st.io_paused = false;
  ++st.retry_epoch;  // a pending retry is not needed any more
  const auto paused_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - st.io_paused_since)
                             .count();
  // A child given up on meanwhile keeps the game paused with its own reason.
  const bool resume = st.given_up.empty() && st.io_resume_speed != kPausedSpeed;
  spdlog::info("the save is writable again: tick {} committed after {} failed retr{} ({} ms); {}",
               tick, st.io_retries, st.io_retries == 1 ? "y" : "ies", paused_ms,
               resume ? "resuming at speed " + speed_name(st.io_resume_speed) : "staying paused");
  if (st.persistence.handle) {
    self->send(st.persistence.handle, incident_atom::value, tick, std::string("game_resumed"),
               incident_json({{"tick", tick},
                              {"retries", st.io_retries},
                              {"paused_ms", static_cast<int64_t>(paused_ms)}},
                             {{"reason", "the save is writable again"}}));
  }
  if (!st.given_up.empty()) return;
  st.last_error.clear();
  if (st.speed == kPausedSpeed && st.io_resume_speed != kPausedSpeed)
    set_speed(self, st.io_resume_speed);
}

// ---- the two phases --------------------------------------------------------

void on_phase_reply(self_ptr self, Tick tick, size_t slot, NationProposal proposal);
void on_phase_reply(self_ptr self, Tick tick, size_t slot, WarProposal proposal);

// A phase request failed: its actor crashed. Its supervisor either restarts it
// (on_new_incarnation asks the new one) or gives up (the game pauses), so there
// is nothing to do here but wait.
void on_phase_error(self_ptr self, Tick tick, const ActorKey& key, const caf::error& err) {
  spdlog::debug("{} failed tick {}: {}; awaiting its supervisor", key.to_string(), tick,
                describe(err));
}

// Asks the current incarnation of the actor behind `slot` of a phase for its
// proposal. A reply counts only if that incarnation is still the current one.
template <class Proposal, class Ref, class Atom>
void request_slot(self_ptr self, std::map<int32_t, Ref> coordinator_state::*refs,
                  PhaseCollector<Proposal> coordinator_state::*phase, ActorKind kind, Atom atom,
                  size_t slot, std::vector<Command> commands) {
  auto& st = self->state;
  const Tick tick = st.recorder->tick();
  const int32_t id = (st.*phase).ids()[slot];
  const auto& ref = (st.*refs)[id];
  if (!ref.handle) return;  // down: asked again when a new incarnation starts
  const uint64_t generation = ref.generation;
  self->request(ref.handle, caf::infinite, atom, tick, std::move(commands))
      .then(
          [=](Proposal& p) {
            if ((self->state.*refs)[id].generation != generation) return;  // stale
            on_phase_reply(self, tick, slot, std::move(p));
          },
          [=](caf::error& err) { on_phase_error(self, tick, {kind, id}, err); });
}

void request_nation(self_ptr self, size_t slot) {
  auto& st = self->state;
  const NationId id = st.nation_phase.ids()[slot];
  request_slot(self, &coordinator_state::nations, &coordinator_state::nation_phase,
               ActorKind::nation, plan_atom::value, slot,
               commands_of_nation(st.tick_commands, id));
}

void request_war(self_ptr self, size_t slot) {
  auto& st = self->state;
  const WarId id = st.war_phase.ids()[slot];
  const std::optional<War> war = st.world->war(id);
  request_slot(self, &coordinator_state::wars, &coordinator_state::war_phase, ActorKind::war,
               resolve_atom::value, slot,
               war ? commands_of_war(*st.world, st.tick_commands, *war) : std::vector<Command>{});
}

void start_war_phase(self_ptr self) {
  auto& st = self->state;
  // Wars declared in the nation merge need their actors first.
  const auto wars = st.world->active_wars();
  bool spawning = false;
  for (WarId id : wars) {
    if (st.wars.count(id) == 0) {
      spawning = true;
      request_spawn(self, {ActorKind::war, id}, [self] { start_war_phase(self); });
    }
  }
  if (spawning || st.pending_spawns > 0) return;
  st.war_phase.start(wars);
  if (st.war_phase.complete()) return finish_tick(self);
  for (size_t i = 0; i < st.war_phase.ids().size(); ++i) request_war(self, i);
}

void on_phase_reply(self_ptr self, Tick tick, size_t slot, NationProposal proposal) {
  auto& st = self->state;
  if (!st.in_tick || st.recorder->tick() != tick) return;
  if (!st.nation_phase.store(slot, std::move(proposal)) || !st.nation_phase.complete()) return;
  merge_nation_phase(*st.recorder, st.nation_phase.take());
  st.nation_phase_ms = lap(st);
  st.totals.total_nation_ms += st.nation_phase_ms;
  start_war_phase(self);
}

void on_phase_reply(self_ptr self, Tick tick, size_t slot, WarProposal proposal) {
  auto& st = self->state;
  if (!st.in_tick || st.recorder->tick() != tick) return;
  if (!st.war_phase.store(slot, std::move(proposal)) || !st.war_phase.complete()) return;
  merge_war_phase(*st.recorder, st.war_phase.take());
  finish_tick(self);
}

// A new incarnation of `key` runs: ask it for whatever the tick in flight
// still misses from it; a new persistence gets every unacknowledged change set.
void resend_uncommitted(self_ptr self);
void check_stop_waiters(self_ptr self);

void on_new_incarnation(self_ptr self, const ActorKey& key) {
  auto& st = self->state;
  if (key.kind == ActorKind::persistence) {
    if (!st.uncommitted.empty()) resend_uncommitted(self);
    check_stop_waiters(self);  // a stop may have waited for persistence
    return;
  }
  if (!st.in_tick) return;
  auto& nations = st.nation_phase;
  for (size_t i = 0; i < nations.ids().size(); ++i)
    if (key.kind == ActorKind::nation && nations.ids()[i] == key.id && !nations.filled(i))
      request_nation(self, i);
  auto& wars = st.war_phase;
  for (size_t i = 0; i < wars.ids().size(); ++i)
    if (key.kind == ActorKind::war && wars.ids()[i] == key.id && !wars.filled(i))
      request_war(self, i);
}

// Asks the supervisors to bring back every child they gave up on.
void restart_given_up(self_ptr self) {
  auto& st = self->state;
  for (const ActorKey& key : st.given_up) {
    self->request(supervisor_of(self, key.kind), caf::infinite, restart_atom::value, key)
        .then(
            [=](caf::actor& handle, uint64_t generation) {
              if (adopt(self, key, generation, handle)) on_new_incarnation(self, key);
            },
            [=](caf::error& err) {
              pause_with_error(self, "cannot restart " + key.to_string() + ": " + describe(err));
            });
  }
}

// ---- commits ---------------------------------------------------------------

void check_stop_waiters(self_ptr self);

void send_commit(self_ptr self, const ChangeSetPtr& changes) {
  auto& st = self->state;
  if (!st.persistence.handle) return;  // down: resent to the next incarnation
  const uint64_t epoch = st.commit_epoch;
  const uint64_t generation = st.persistence.generation;
  self->request(st.persistence.handle, caf::infinite, commit_atom::value, changes)
      .then(
          [=](Tick tick, int64_t micros) {
            auto& st = self->state;
            while (!st.uncommitted.empty() && st.uncommitted.front()->tick() <= tick) {
              if (st.links.publisher)
                caf::anon_send(st.links.publisher, delta_atom::value, st.uncommitted.front());
              st.uncommitted.pop_front();
            }
            st.committed_tick = std::max(st.committed_tick, tick);
            st.commit_ms = static_cast<double>(micros) / 1000.0;
            ++st.totals.commits;
            st.totals.total_commit_ms += st.commit_ms;
            if (st.io_paused) on_io_recovered(self, tick);
            check_stop_waiters(self);
            maybe_start_tick(self);
          },
          [=](caf::error& err) {
            auto& st = self->state;
            if (epoch != st.commit_epoch || generation != st.persistence.generation) return;
            const bool ours = err.category() == caf::atom("hegemon");
            const bool io = ours && err.code() == static_cast<uint8_t>(Errc::io_fault);
            if (!io && (!ours || err.code() != static_cast<uint8_t>(Errc::persistence_failed))) {
              // Persistence crashed: its supervisor restarts it (and we resend)
              // or gives up (and the game pauses).
              spdlog::debug("commit of tick {} lost with persistence: {}", changes->tick(),
                            describe(err));
              return;
            }
            // The later ticks of the same round fail because the first one did
            // ("ticks would be missing"): the first failure says what happened.
            if (st.commit_failed) return;
            st.commit_failed = true;
            if (io) {
              on_io_fault(self, changes->tick(), err);
            } else {
              pause_with_error(self, "commit of tick " + std::to_string(changes->tick()) +
                                         " failed: " + describe(err));
            }
            check_stop_waiters(self);
          });
}

void resend_uncommitted(self_ptr self) {
  auto& st = self->state;
  st.commit_failed = false;
  ++st.commit_epoch;
  for (const auto& changes : st.uncommitted) send_commit(self, changes);
}

// ---- stopping --------------------------------------------------------------

void check_stop_waiters(self_ptr self) {
  auto& st = self->state;
  if (!st.stopping || st.stop_waiters.empty()) return;
  if (st.commit_failed || !st.given_up.empty()) {
    const size_t lost = st.uncommitted.size() + (st.in_tick ? 1 : 0);
    auto err = make_error(Errc::cannot_stop_cleanly,
                          std::to_string(lost) + " tick(s) not committed: " + st.last_error);
    for (auto& rp : st.stop_waiters) rp.deliver(err);
    st.stop_waiters.clear();
    st.stopping = false;  // the stop did not happen: the game stays, paused, as it was
    return;
  }
  if (st.in_tick || !st.uncommitted.empty() || !st.persistence.handle) return;  // not yet
  auto waiters = std::move(st.stop_waiters);
  st.stop_waiters.clear();
  const Tick committed = st.committed_tick;
  self->request(st.persistence.handle, caf::infinite, checkpt_atom::value)
      .then(
          [=](caf::ok_atom) mutable {
            for (auto& rp : waiters) rp.deliver(committed);
          },
          [=](caf::error& err) mutable {
            for (auto& rp : waiters) rp.deliver(err);
          });
}

// ---- the tick loop -----------------------------------------------------------

void arm_timer(self_ptr self, Clock::time_point when) {
  auto& st = self->state;
  st.timer_armed = true;
  if (when <= self->clock().now()) {
    self->send(self, next_atom::value, st.timer_epoch);
  } else {
    self->scheduled_send(self, when, next_atom::value, st.timer_epoch);
  }
}

// The living nations the nation phase must ask: an idle one would propose
// nothing (nation_idle_today), and at about 5 us a round trip, asking every
// nation every day cost more than the rules themselves. A nation an injected
// fault names for this tick is asked anyway, or the crash would not happen.
std::vector<int32_t> nations_with_work(const World& world, Tick tick,
                                       const std::vector<Command>& commands,
                                       const FaultPlan* faults) {
  std::vector<int32_t> ids;
  // One read per nation: living_nations() and then nation() would read each twice.
  for (NationId id = 1; id <= world.map().nation_count(); ++id) {
    const std::optional<Nation> nation = world.nation(id);
    if (!nation || !nation->alive) continue;
    if (!nation_idle_today(world, *nation, tick, commands) ||
        (faults && faults->targets({ActorKind::nation, id}, tick)))
      ids.push_back(id);
  }
  return ids;
}

bool may_start_tick(self_ptr self) {
  auto& st = self->state;
  return !st.in_tick && st.pending_spawns == 0 && st.persistence.handle &&
         st.speed != kPausedSpeed && !st.stopping &&
         (st.stop_at < 0 || st.world->meta().tick < st.stop_at) &&
         static_cast<int32_t>(st.uncommitted.size()) < st.options.max_uncommitted;
}

void start_tick(self_ptr self) {
  auto& st = self->state;
  // A tick that could carry the tick or an id counter past what a load
  // accepts is not started: the save stays one that opens (issue #13).
  if (Status room = check_room_for_next_tick(st.world->meta(), st.world->map().nation_count());
      !room.ok())
    return pause_with_error(self, room.message());
  if (st.faults) st.faults->maybe_crash({ActorKind::coordinator, 0}, st.world->meta().tick + 1);
  st.in_tick = true;
  lap(st);
  st.recorder = std::make_unique<ChangeRecorder>(*st.world, st.world->meta().tick + 1);
  st.tick_commands.clear();
  if (auto due = st.scheduled.find(st.recorder->tick()); due != st.scheduled.end()) {
    st.tick_commands = std::move(due->second);
    st.scheduled.erase(due);
    std::sort(st.tick_commands.begin(), st.tick_commands.end(), command_order);
  }
  record_commands(*st.recorder, st.tick_commands);
  st.nation_phase.start(
      nations_with_work(*st.world, st.recorder->tick(), st.tick_commands, st.faults.get()));
  st.totals.total_nations_asked += static_cast<int64_t>(st.nation_phase.ids().size());
  st.war_phase.start({});
  if (st.nation_phase.complete()) {  // no nation left: nothing to plan
    merge_nation_phase(*st.recorder, st.nation_phase.take());
    st.nation_phase_ms = lap(st);
    st.totals.total_nation_ms += st.nation_phase_ms;
    return start_war_phase(self);
  }
  for (size_t i = 0; i < st.nation_phase.ids().size(); ++i) request_nation(self, i);
}

void maybe_start_tick(self_ptr self) {
  auto& st = self->state;
  if (st.timer_armed || !may_start_tick(self)) return;
  if (st.speed == kMaxSpeed) return arm_timer(self, self->clock().now());
  arm_timer(self, st.next_due);
}

void on_timer(self_ptr self, uint64_t epoch) {
  auto& st = self->state;
  if (epoch != st.timer_epoch) return;  // from before a pause or speed change
  st.timer_armed = false;
  if (!may_start_tick(self)) return;
  const auto now = self->clock().now();
  if (st.speed != kMaxSpeed) {
    // Ideal-time schedule: the next start is one interval after this one was
    // due. After falling more than a second behind, start afresh from now
    // instead of bursting to catch up.
    const auto interval = tick_interval(st.speed);
    st.next_due = (now - st.next_due > std::chrono::seconds(1)) ? now + interval
                                                                 : st.next_due + interval;
  }
  start_tick(self);
}

void finish_tick(self_ptr self) {
  auto& st = self->state;
  st.war_phase_ms = lap(st);
  st.totals.total_war_ms += st.war_phase_ms;
  end_of_tick(*st.recorder);
  ChangeSet sealed = st.recorder->finish();
  if (snapshot_due(sealed.tick(), st.options.snapshot_every))
    sealed.snapshot = std::make_shared<const WorldSnapshot>(st.world->snapshot());
  auto changes = std::make_shared<const ChangeSet>(std::move(sealed));
  st.recorder.reset();
  st.in_tick = false;
  st.tick_commands.clear();

  retire_gone(self, *changes);

  const auto now = std::chrono::steady_clock::now();
  st.recent_ticks.push_back(now);
  while (now - st.recent_ticks.front() > std::chrono::seconds(1)) st.recent_ticks.pop_front();

  if (!st.options.persist) {
    st.committed_tick = changes->tick();
    if (st.links.publisher) caf::anon_send(st.links.publisher, delta_atom::value, changes);
  } else {
    st.uncommitted.push_back(changes);
    if (!st.commit_failed) send_commit(self, changes);
  }
  st.finish_phase_ms = lap(st);
  st.totals.total_finish_ms += st.finish_phase_ms;
  ++st.totals.ticks_run;
  check_stop_waiters(self);
  maybe_start_tick(self);
}

// ---- control -----------------------------------------------------------------

void set_speed(self_ptr self, int32_t speed) {
  auto& st = self->state;
  ++st.timer_epoch;  // cancels a timer armed for the old speed
  st.timer_armed = false;
  st.speed = speed;
  if (speed != kPausedSpeed) st.resume_speed = speed;
  st.next_due = self->clock().now();
  maybe_start_tick(self);
}

void resume(self_ptr self) {
  auto& st = self->state;
  if (!st.last_error.empty()) spdlog::info("resuming after: {}", st.last_error);
  st.last_error.clear();
  ++st.retry_epoch;  // retried now; a failure arms a new retry
  if (st.commit_failed) resend_uncommitted(self);
  restart_given_up(self);
  set_speed(self, st.resume_speed);
}

// On receipt: checked against the world as it is now (between phases, the
// cache holds the last merge), then scheduled for the next tick to start.
caf::result<Command> accept_command(self_ptr self, Command command) {
  auto& st = self->state;
  if (st.stopping)  // no tick will start to apply it
    return make_error(Errc::command_refused, "the game is stopping");
  if (Status ok = check_command(*st.world, command); !ok.ok())
    return make_error(Errc::command_refused, ok.message());
  command.tick = st.world->meta().tick + (st.in_tick ? 2 : 1);
  st.scheduled[command.tick].push_back(command);
  return command;
}

GameStatus make_status(self_ptr self) {
  auto& st = self->state;
  const GameMeta meta = st.world->meta();
  GameStatus s;
  s.tick = meta.tick;
  s.committed_tick = st.committed_tick;
  s.date = date_of_tick(meta.tick).to_string();
  s.speed = st.speed;
  s.living_nations = static_cast<int32_t>(st.world->living_nations().size());
  s.active_wars = static_cast<int32_t>(st.world->active_wars().size());
  s.armies = static_cast<int32_t>(st.world->army_count());
  s.uncommitted = static_cast<int32_t>(st.uncommitted.size());
  const auto now = std::chrono::steady_clock::now();
  while (!st.recent_ticks.empty() && now - st.recent_ticks.front() > std::chrono::seconds(1))
    st.recent_ticks.pop_front();
  s.ticks_per_second = static_cast<double>(st.recent_ticks.size());
  s.commit_ms = st.commit_ms;
  s.nation_phase_ms = st.nation_phase_ms;
  s.war_phase_ms = st.war_phase_ms;
  s.finish_phase_ms = st.finish_phase_ms;
  s.ticks_run = st.totals.ticks_run;
  s.total_nation_ms = st.totals.total_nation_ms;
  s.total_war_ms = st.totals.total_war_ms;
  s.total_finish_ms = st.totals.total_finish_ms;
  s.total_nations_asked = st.totals.total_nations_asked;
  s.commits = st.totals.commits;
  s.total_commit_ms = st.totals.total_commit_ms;
  s.state_hash = meta.state_hash;
  // s.restarts: counted for the life of the game by the game supervisor.
  s.last_error = st.last_error;
  s.stopping = st.stopping;
  s.finished = st.stop_at >= 0 && meta.tick >= st.stop_at && !st.in_tick &&
               st.uncommitted.empty();
  return s;
}

coordinator_actor::behavior_type coordinator_impl(self_ptr self, std::shared_ptr<World> world,
                                                  CoordinatorLinks links,
                                                  CoordinatorOptions options,
                                                  FaultPlanPtr faults) {
  self->set_exception_handler(exception_to_error);
  auto& st = self->state;
  st.faults = std::move(faults);
  st.world = std::move(world);
  st.links = std::move(links);
  st.options = options;
  st.committed_tick = st.world->meta().tick;
  st.stop_at = options.stop_at;
  for (const Command& c : options.pending_commands)
    if (c.tick > st.committed_tick) st.scheduled[c.tick].push_back(c);
  // Collaborators come from the supervisors; ticking starts once all are here.
  auto ready = [self] { maybe_start_tick(self); };
  request_spawn(self, {ActorKind::persistence, 0}, ready);
  for (NationId id : st.world->living_nations()) request_spawn(self, {ActorKind::nation, id}, ready);
  for (WarId id : st.world->active_wars()) request_spawn(self, {ActorKind::war, id}, ready);

  st.resume_speed = options.resume_speed;  // set_speed() overrides it with a running speed
  set_speed(self, options.speed);
  if (!options.paused_because.empty()) pause_with_error(self, options.paused_because);
  return {
      [=](next_atom, uint64_t epoch) { on_timer(self, epoch); },
      [=](retry_atom, uint64_t epoch) { on_io_retry(self, epoch); },
      [=](kid_started_atom, const ActorKey& key, uint64_t generation, const caf::actor& handle,
          const std::string&) {
        if (adopt(self, key, generation, handle)) on_new_incarnation(self, key);
      },
      [=](escalate_atom, const ActorKey& key, const std::string& reason, Tick tick) {
        self->state.given_up.insert(key);
        pause_with_error(self, key.to_string() + " keeps crashing (tick " + std::to_string(tick) +
                                   "): " + reason);
        check_stop_waiters(self);
      },
      [=](status_atom) { return make_status(self); },
      [=](command_atom, Command& command) { return accept_command(self, std::move(command)); },
      [=](pause_atom) {
        set_speed(self, kPausedSpeed);
        self->state.io_resume_speed = kPausedSpeed;  // an admin's pause outlasts an I/O fault
        return caf::ok_atom::value;
      },
      [=](resume_atom) {
        resume(self);
        return caf::ok_atom::value;
      },
      [=](speed_atom, int32_t speed) -> caf::result<caf::ok_atom> {
        if (speed < kPausedSpeed || speed > kMaxSpeed)
          return make_error(Errc::invalid_request,
                            "speed must be 0..5 or max, got " + std::to_string(speed));
        if (speed == kPausedSpeed) {
          set_speed(self, kPausedSpeed);
          self->state.io_resume_speed = kPausedSpeed;  // as pause_atom
        } else {
          self->state.resume_speed = speed;
          resume(self);
        }
        return caf::ok_atom::value;
      },
      [=](checkpt_atom) -> caf::result<caf::ok_atom> {
        if (!self->state.persistence.handle)
          return make_error(Errc::persistence_failed, "persistence is not running yet");
        return self->delegate(self->state.persistence.handle, checkpt_atom::value);
      },
      [=](save_as_atom, std::string& path) -> caf::result<caf::ok_atom> {
        if (!self->state.persistence.handle)
          return make_error(Errc::persistence_failed, "persistence is not running yet");
        return self->delegate(self->state.persistence.handle, save_as_atom::value,
                              std::move(path));
      },
      [=](stop_atom) {
        auto rp = self->make_response_promise<Tick>();
        auto& st = self->state;
        st.stopping = true;
        st.stop_waiters.push_back(rp);
        // Paused by an I/O fault: one last try now rather than giving up at once.
        if (st.io_paused && st.commit_failed) resend_uncommitted(self);
        check_stop_waiters(self);
        return rp;
      },
  };
}

}  // namespace

coordinator_actor spawn_coordinator(caf::local_actor* parent, std::shared_ptr<World> world,
                                    CoordinatorLinks links, CoordinatorOptions options,
                                    FaultPlanPtr faults) {
  return parent->spawn(coordinator_impl, std::move(world), std::move(links), std::move(options),
                       std::move(faults));
}

}  // namespace hegemon
