#include "actors/coordinator.h"

#include <chrono>
#include <deque>
#include <map>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>
#include <spdlog/spdlog.h>

#include "actors/errors.h"
#include "actors/nation_actor.h"
#include "actors/phase_collector.h"
#include "actors/war_actor.h"
#include "rules/phases.h"
#include "state/change_recorder.h"
#include "state/game_date.h"

namespace hegemon {
namespace {

using Clock = caf::actor_clock;

struct coordinator_state {
  std::shared_ptr<World> world;
  persistence_actor persistence;
  CoordinatorOptions options;

  std::map<NationId, nation_actor> nations;
  std::map<WarId, war_actor> wars;

  // Speed and the timer for the next tick. A timer carries the epoch it was
  // armed in; one from an older epoch (speed changed, paused) is ignored.
  int32_t speed = kDefaultSpeed;
  int32_t resume_speed = kDefaultSpeed;
  uint64_t timer_epoch = 0;
  bool timer_armed = false;
  Clock::time_point next_due;

  // The tick in flight.
  bool in_tick = false;
  std::unique_ptr<ChangeRecorder> recorder;
  PhaseCollector<NationProposal> nation_phase;
  PhaseCollector<WarProposal> war_phase;
  bool phase_failed = false;
  std::chrono::steady_clock::time_point tick_started;

  // Change sets handed to persistence and not yet acknowledged, oldest first.
  std::deque<ChangeSetPtr> uncommitted;
  Tick committed_tick = 0;
  uint64_t commit_epoch = 0;  // bumped on resume; errors from older epochs are stale
  bool commit_failed = false;

  Tick stop_at = -1;  // no tick beyond this one starts; -1: no limit
  bool stopping = false;
  std::vector<caf::typed_response_promise<Tick>> stop_waiters;

  std::deque<std::chrono::steady_clock::time_point> recent_ticks;  // last second
  double commit_ms = 0;
  std::string last_error;

  static const char* name;
};

const char* coordinator_state::name = "coordinator";

using self_ptr = coordinator_actor::stateful_pointer<coordinator_state>;

void maybe_start_tick(self_ptr self);
void finish_tick(self_ptr self);

// ---- actors per nation and war -------------------------------------------

std::shared_ptr<const World> world_view(self_ptr self) { return self->state.world; }

nation_actor ensure_nation_actor(self_ptr self, NationId id) {
  auto& slot = self->state.nations[id];
  if (!slot) {
    slot = self->spawn(nation_actor_impl, id, world_view(self));
    self->monitor(slot);
  }
  return slot;
}

war_actor ensure_war_actor(self_ptr self, WarId id) {
  auto& slot = self->state.wars[id];
  if (!slot) {
    slot = self->spawn(war_actor_impl, id, world_view(self));
    self->monitor(slot);
  }
  return slot;
}

// Stops the actors of wars that ended and nations that died this tick.
template <class Handle>
void stop_retired(self_ptr self, std::map<int32_t, Handle>& actors,
                  const std::vector<int32_t>& live_ids) {
  for (auto it = actors.begin(); it != actors.end();) {
    if (std::binary_search(live_ids.begin(), live_ids.end(), it->first)) {
      ++it;
      continue;
    }
    if (it->second) {
      self->demonitor(it->second.address());
      self->send_exit(it->second, caf::exit_reason::user_shutdown);
    }
    it = actors.erase(it);
  }
}

// ---- pausing on failure --------------------------------------------------

void pause_with_error(self_ptr self, const std::string& reason) {
  auto& st = self->state;
  if (st.last_error.empty()) {
    spdlog::error("game paused at tick {}: {}", st.world->meta().tick, reason);
    st.last_error = reason;
  }
  if (st.speed != kPausedSpeed) st.resume_speed = st.speed;
  st.speed = kPausedSpeed;
  ++st.timer_epoch;
  st.timer_armed = false;
}

// ---- the two phases --------------------------------------------------------

void on_phase_reply(self_ptr self, Tick tick, size_t slot, NationProposal proposal);
void on_phase_reply(self_ptr self, Tick tick, size_t slot, WarProposal proposal);

void on_phase_error(self_ptr self, Tick tick, const char* phase, int32_t id,
                    const caf::error& err) {
  auto& st = self->state;
  if (!st.in_tick || st.recorder->tick() != tick) return;  // stale
  st.phase_failed = true;
  pause_with_error(self, std::string(phase) + " " + std::to_string(id) + " failed at tick " +
                             std::to_string(tick) + ": " + describe(err));
}

void request_nation(self_ptr self, size_t slot) {
  const Tick tick = self->state.recorder->tick();
  const NationId id = self->state.nation_phase.ids()[slot];
  self->request(ensure_nation_actor(self, id), caf::infinite, plan_atom::value, tick)
      .then([=](NationProposal& p) { on_phase_reply(self, tick, slot, std::move(p)); },
            [=](caf::error& err) { on_phase_error(self, tick, "nation", id, err); });
}

void request_war(self_ptr self, size_t slot) {
  const Tick tick = self->state.recorder->tick();
  const WarId id = self->state.war_phase.ids()[slot];
  self->request(ensure_war_actor(self, id), caf::infinite, resolve_atom::value, tick)
      .then([=](WarProposal& p) { on_phase_reply(self, tick, slot, std::move(p)); },
            [=](caf::error& err) { on_phase_error(self, tick, "war", id, err); });
}

void start_war_phase(self_ptr self) {
  auto& st = self->state;
  st.war_phase.start(st.world->active_wars());
  if (st.war_phase.complete()) return finish_tick(self);
  for (size_t i = 0; i < st.war_phase.ids().size(); ++i) request_war(self, i);
}

void on_phase_reply(self_ptr self, Tick tick, size_t slot, NationProposal proposal) {
  auto& st = self->state;
  if (!st.in_tick || st.recorder->tick() != tick) return;
  if (!st.nation_phase.store(slot, std::move(proposal)) || !st.nation_phase.complete()) return;
  merge_nation_phase(*st.recorder, st.nation_phase.take());
  start_war_phase(self);
}

void on_phase_reply(self_ptr self, Tick tick, size_t slot, WarProposal proposal) {
  auto& st = self->state;
  if (!st.in_tick || st.recorder->tick() != tick) return;
  if (!st.war_phase.store(slot, std::move(proposal)) || !st.war_phase.complete()) return;
  merge_war_phase(*st.recorder, st.war_phase.take());
  finish_tick(self);
}

// Re-asks exactly the actors whose replies a failure left missing (restarting
// dead ones), so the tick in flight completes as if nothing had happened.
void retry_failed_phase(self_ptr self) {
  auto& st = self->state;
  st.phase_failed = false;
  auto& nations = st.nation_phase;
  for (size_t i = 0; i < nations.ids().size(); ++i)
    if (!nations.filled(i)) request_nation(self, i);
  auto& wars = st.war_phase;
  for (size_t i = 0; i < wars.ids().size(); ++i)
    if (!wars.filled(i)) request_war(self, i);
}

// ---- commits ---------------------------------------------------------------

void check_stop_waiters(self_ptr self);

void send_commit(self_ptr self, const ChangeSetPtr& changes) {
  const uint64_t epoch = self->state.commit_epoch;
  self->request(self->state.persistence, caf::infinite, commit_atom::value, changes)
      .then(
          [=](Tick tick, int64_t micros) {
            auto& st = self->state;
            while (!st.uncommitted.empty() && st.uncommitted.front()->tick() <= tick)
              st.uncommitted.pop_front();
            st.committed_tick = std::max(st.committed_tick, tick);
            st.commit_ms = static_cast<double>(micros) / 1000.0;
            check_stop_waiters(self);
            maybe_start_tick(self);
          },
          [=](caf::error& err) {
            auto& st = self->state;
            if (epoch != st.commit_epoch) return;  // superseded by a resend
            st.commit_failed = true;
            pause_with_error(self, "commit of tick " + std::to_string(changes->tick()) +
                                       " failed: " + describe(err));
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
  if (st.commit_failed || st.phase_failed) {
    auto err = make_error(Errc::cannot_stop_cleanly,
                          std::to_string(st.uncommitted.size()) +
                              " tick(s) not committed: " + st.last_error);
    for (auto& rp : st.stop_waiters) rp.deliver(err);
    st.stop_waiters.clear();
    return;
  }
  if (st.in_tick || !st.uncommitted.empty()) return;  // not yet
  auto waiters = std::move(st.stop_waiters);
  st.stop_waiters.clear();
  const Tick committed = st.committed_tick;
  self->request(st.persistence, caf::infinite, checkpt_atom::value)
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

bool may_start_tick(self_ptr self) {
  auto& st = self->state;
  return !st.in_tick && st.speed != kPausedSpeed && !st.stopping &&
         (st.stop_at < 0 || st.world->meta().tick < st.stop_at) &&
         static_cast<int32_t>(st.uncommitted.size()) < st.options.max_uncommitted;
}

void start_tick(self_ptr self) {
  auto& st = self->state;
  st.in_tick = true;
  st.tick_started = std::chrono::steady_clock::now();
  st.recorder = std::make_unique<ChangeRecorder>(*st.world, st.world->meta().tick + 1);
  st.nation_phase.start(st.world->living_nations());
  st.war_phase.start({});
  if (st.nation_phase.complete()) {  // no nation left: nothing to plan
    merge_nation_phase(*st.recorder, st.nation_phase.take());
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
  end_of_tick(*st.recorder);
  auto changes = std::make_shared<const ChangeSet>(st.recorder->finish());
  st.recorder.reset();
  st.in_tick = false;

  stop_retired(self, st.wars, st.world->active_wars());
  stop_retired(self, st.nations, st.world->living_nations());

  const auto now = std::chrono::steady_clock::now();
  st.recent_ticks.push_back(now);
  while (now - st.recent_ticks.front() > std::chrono::seconds(1)) st.recent_ticks.pop_front();

  st.uncommitted.push_back(changes);
  if (!st.commit_failed) send_commit(self, changes);
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
  if (st.commit_failed) resend_uncommitted(self);
  if (st.phase_failed) retry_failed_phase(self);
  set_speed(self, st.resume_speed);
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
  s.state_hash = meta.state_hash;
  s.last_error = st.last_error;
  s.finished = st.stop_at >= 0 && meta.tick >= st.stop_at && !st.in_tick &&
               st.uncommitted.empty();
  return s;
}

coordinator_actor::behavior_type coordinator_impl(self_ptr self, std::shared_ptr<World> world,
                                                  persistence_actor persistence,
                                                  CoordinatorOptions options) {
  auto& st = self->state;
  st.world = std::move(world);
  st.persistence = std::move(persistence);
  st.options = options;
  st.committed_tick = st.world->meta().tick;
  if (options.run_ticks > 0) st.stop_at = st.committed_tick + options.run_ticks;
  for (NationId id : st.world->living_nations()) ensure_nation_actor(self, id);
  for (WarId id : st.world->active_wars()) ensure_war_actor(self, id);
  self->monitor(st.persistence);

  self->set_down_handler([=](caf::down_msg& dm) {
    auto& st = self->state;
    if (dm.source == st.persistence.address()) {
      st.commit_failed = true;
      pause_with_error(self, "persistence actor stopped: " + describe(dm.reason));
      return;
    }
    // A nation or war actor died. Forget it: the next request spawns a fresh
    // incarnation, which rebuilds from the cache. A phase request it left
    // unanswered fails and pauses the game until resumed.
    auto forget = [&](auto& actors) {
      for (auto it = actors.begin(); it != actors.end(); ++it) {
        if (it->second.address() == dm.source) {
          spdlog::warn("actor for id {} stopped: {}", it->first, describe(dm.reason));
          actors.erase(it);
          return;
        }
      }
    };
    forget(st.nations);
    forget(st.wars);
  });

  // The coordinator owns its nation and war actors: when it is told to exit,
  // they go with it (they are monitored, not linked, so that one crashing
  // child cannot take the coordinator down).
  self->set_exit_handler([=](caf::exit_msg& msg) {
    for (auto& [id, h] : self->state.nations) self->send_exit(h, msg.reason);
    for (auto& [id, h] : self->state.wars) self->send_exit(h, msg.reason);
    self->quit(msg.reason);
  });

  set_speed(self, options.speed);
  return {
      [=](next_atom, uint64_t epoch) { on_timer(self, epoch); },
      [=](status_atom) { return make_status(self); },
      [=](pause_atom) {
        set_speed(self, kPausedSpeed);
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
        } else {
          self->state.resume_speed = speed;
          resume(self);
        }
        return caf::ok_atom::value;
      },
      [=](checkpt_atom) { return self->delegate(self->state.persistence, checkpt_atom::value); },
      [=](save_as_atom, std::string& path) {
        return self->delegate(self->state.persistence, save_as_atom::value, std::move(path));
      },
      [=](stop_atom) {
        auto rp = self->make_response_promise<Tick>();
        self->state.stopping = true;
        self->state.stop_waiters.push_back(rp);
        check_stop_waiters(self);
        return rp;
      },
  };
}

}  // namespace

coordinator_actor spawn_coordinator(caf::actor_system& sys, std::shared_ptr<World> world,
                                    persistence_actor persistence, CoordinatorOptions options) {
  return sys.spawn(coordinator_impl, std::move(world), std::move(persistence), options);
}

}  // namespace hegemon
