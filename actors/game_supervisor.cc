#include "actors/game_supervisor.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <tuple>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/errors.h"
#include "actors/game_state.h"
#include "actors/incident.h"
#include "actors/nation_actor.h"
#include "actors/publisher.h"
#include "actors/war_actor.h"
#include "rules/events.h"

namespace hegemon {
namespace game_tree {

const char* game_state::name = "game";

void flush_incidents(game_ptr self) {
  auto& st = self->state;
  if (!st.persistence) return;
  for (auto& [tick, type, data] : st.pending_incidents)
    self->send(st.persistence, incident_atom::value, tick, std::move(type), std::move(data));
  st.pending_incidents.clear();
}

void log_incident(game_ptr self, Tick tick, std::string type, std::string data) {
  self->state.pending_incidents.emplace_back(tick, std::move(type), std::move(data));
  flush_incidents(self);
}

const caf::actor& supervisor_for(game_ptr self, ActorKind kind) {
  auto& st = self->state;
  return kind == ActorKind::nation ? st.nations : kind == ActorKind::war ? st.wars : st.core;
}

ChildFactory nation_factory(std::shared_ptr<const World> world, FaultPlanPtr faults) {
  return [=](caf::local_actor* self, const ActorKey& key, uint64_t) {
    return caf::actor_cast<caf::actor>(self->spawn(nation_actor_impl, key.id, world, faults));
  };
}

ChildFactory war_factory(std::shared_ptr<const World> world, FaultPlanPtr faults) {
  return [=](caf::local_actor* self, const ActorKey& key, uint64_t) {
    return caf::actor_cast<caf::actor>(self->spawn(war_actor_impl, key.id, world, faults));
  };
}

ChildFactory persistence_factory(PersistenceConfig config, bool detached) {
  return [=](caf::local_actor* self, const ActorKey&, uint64_t) {
    if (detached)
      return caf::actor_cast<caf::actor>(
          self->spawn<caf::detached>(persistence_actor_impl, config));
    return caf::actor_cast<caf::actor>(self->spawn(persistence_actor_impl, config));
  };
}

// Stops the whole tree (children are monitored, not linked) and then itself.
void shut_down(game_ptr self, const caf::error& reason) {
  auto& st = self->state;
  for (const auto& h : {st.coordinator, st.nations, st.wars, st.core, st.publisher})
    if (h) self->send_exit(h, caf::exit_reason::user_shutdown);
  self->quit(reason);
}

// A command gets its number here, where numbering survives coordinator
// crashes, and enters the journal once the coordinator has scheduled it.
caf::typed_response_promise<Command> submit_command(game_ptr self, Command command) {
  self->state.commands.number(command);
  auto rp = std::make_shared<caf::typed_response_promise<Command>>(
      self->make_response_promise<Command>());
  ask_coordinator<Command>(
      self, rp, std::make_tuple(command_atom::value, command),
      [self](const Command& scheduled) { self->state.commands.record(scheduled); });
  return *rp;
}

// Hands every nation with a valid player token back to its player: a
// rollback to before a token was issued undid its set_player command, but
// the token (kept outside the game's history) still logs the player in.
// Also at start-up: a token is stored at once, but its set_player command
// only with its tick, so a server killed in between (found by the crash
// loop, tests/reliability/crash_loop.py) left a save whose player logs in to
// a nation the AI keeps playing, restart after restart. `when` is for the log.
void restore_players(game_ptr self, const char* when) {
  auto ask_tokens = [self, when](const caf::actor& persistence) {
    self->request(caf::actor_cast<persistence_actor>(persistence), caf::infinite,
                  tokens_atom::value)
        .then(
            [self](std::vector<TokenRecord>& tokens) {
              for (const TokenRecord& t : tokens) {
                if (t.role != "player" || t.revoked_at != 0) continue;
                const std::optional<Nation> n = self->state.world->nation(t.nation);
                if (!n || !n->alive || n->player) continue;
                Command c;
                c.kind = CommandKind::set_player;
                c.nation = t.nation;
                c.player = true;
                self->request(caf::actor_cast<caf::actor>(self), caf::infinite, command_atom::value,
                              c)
                    .then([](const Command&) {},
                          [c](caf::error& err) {
                            spdlog::warn("game: nation {} stays with the AI: {}", c.nation,
                                         describe(err));
                          });
              }
            },
            [when](caf::error& err) {
              spdlog::warn("game: {}, player nations not restored: {}", when, describe(err));
            });
  };
  // At start-up the persistence incarnation is not known yet: ask its
  // supervisor for it (the coordinator's request for it starts the same one).
  if (self->state.persistence) return ask_tokens(self->state.persistence);
  self->request(self->state.core, caf::infinite, spawn_kid_atom::value,
                ActorKey{ActorKind::persistence, 0})
      .then([ask_tokens](caf::actor& persistence, uint64_t) { ask_tokens(persistence); },
            [when](caf::error& err) {
              spdlog::warn("game: {}, player nations not restored: {}", when, describe(err));
            });
}

void start_coordinator(game_ptr self, const std::string& paused_because) {
  auto& st = self->state;
  CoordinatorOptions options = st.config.coordinator;
  options.speed = paused_because.empty() ? st.speed : kPausedSpeed;
  options.resume_speed = st.resume_speed;
  options.paused_because = paused_because;
  st.commands.forget_committed(st.config.world->meta().tick);
  options.pending_commands = st.commands.uncommitted();
  st.coordinator = caf::actor_cast<caf::actor>(spawn_coordinator(
      self, st.config.world, CoordinatorLinks{st.core, st.nations, st.wars, st.publisher},
      std::move(options), st.config.faults));
  self->monitor(st.coordinator);
  st.coordinator_down = false;
  auto waiting = std::move(st.awaiting_coordinator);
  st.awaiting_coordinator.clear();
  for (auto& retry : waiting) retry();
}

// The coordinator died mid-game. Its cache may be half-way through a tick, so
// the dependent part restarts from the last committed tick (one_for_all over
// coordinator, nations and wars): retire every nation and war actor, let
// persistence finish the commits already sent to it and read the world back,
// reset the cache to it, and start a new coordinator, which asks for fresh
// nation and war actors. Deterministic rules recompute the lost ticks exactly.
void restart_coordinator(game_ptr self, const caf::error& reason) {
  auto& st = self->state;
  st.coordinator_down = true;
  const Tick tick = st.world->meta().tick + 1;
  st.coordinator_last_crash = describe(reason);
  st.coordinator_last_crash_tick = tick;
  log_incident(self, tick, "actor_crashed",
               incident_json({{"id", 0},
                              {"generation", static_cast<int64_t>(st.coordinator_generation)},
                              {"tick", tick}},
                             {{"kind", "coordinator"}, {"reason", st.coordinator_last_crash}}));
  // Beyond the intensity, the new coordinator starts paused with the reason.
  std::string paused_because;
  if (!st.coordinator_budget.admit(st.config.intensity, std::chrono::steady_clock::now())) {
    paused_because = "coordinator keeps crashing (tick " + std::to_string(tick) +
                     "): " + st.coordinator_last_crash;
    spdlog::error("game: {}; restarting it paused", paused_because);
    log_incident(self, tick, "supervisor_escalated",
                 incident_json({{"id", 0}, {"tick", tick}},
                               {{"kind", "coordinator"}, {"reason", st.coordinator_last_crash}}));
    st.coordinator_budget.reset();
  } else {
    spdlog::warn(
        "coordinator (generation {}) crashed at tick {}: {}; restarting from the last "
        "committed tick",
        st.coordinator_generation, tick, st.coordinator_last_crash);
  }
  caf::anon_send(st.nations, retire_atom::value);
  caf::anon_send(st.wars, retire_atom::value);
  if (!st.persistence) {
    spdlog::critical("game: cannot restart the coordinator while persistence is down");
    return shut_down(self, reason);
  }
  self->request(caf::actor_cast<persistence_actor>(st.persistence), caf::infinite, load_atom::value)
      .then(
          [=](WorldSnapshotPtr& committed) {
            auto& st = self->state;
            st.config.world->reset(*committed);
            ++st.coordinator_generation;
            ++st.coordinator_restarts;
            ++st.restarts_total;
            start_coordinator(self, paused_because);
            log_incident(
                self, committed->meta.tick + 1, "actor_restarted",
                incident_json(
                    {{"id", 0}, {"generation", static_cast<int64_t>(st.coordinator_generation)}},
                    {{"kind", "coordinator"}}));
          },
          [=](caf::error& err) {
            spdlog::critical("game: cannot reload the world to restart the coordinator: {}",
                             describe(err));
            shut_down(self, err);
          });
}

// The admin's live rollback: stop the coordinator once every tick is
// committed, roll the save back (persistence), reset the cache to the world
// of `tick`, and start a new coordinator, paused, with fresh nation and war
// actors. Watching clients get a fresh snapshot. If the rollback fails the
// save is unchanged (one transaction) and the game continues, paused, where it
// was, with the reason.
void roll_back(game_ptr self, Tick tick, caf::typed_response_promise<Tick> rp) {
  auto& st = self->state;
  st.rolling_back = true;
  self->request(st.coordinator, caf::infinite, stop_atom::value)
      .then(
          [=](Tick committed) mutable {
            auto& st = self->state;
            st.coordinator_down = true;
            self->demonitor(st.coordinator);  // its end is ours, not a crash
            self->send_exit(st.coordinator, caf::exit_reason::user_shutdown);
            caf::anon_send(st.nations, retire_atom::value);
            caf::anon_send(st.wars, retire_atom::value);
            st.speed = kPausedSpeed;
            self->request(caf::actor_cast<persistence_actor>(st.persistence), caf::infinite,
                          rollback_atom::value, tick)
                .then(
                    [=](WorldSnapshotPtr& world) mutable {
                      auto& st = self->state;
                      st.config.world->reset(*world);
                      st.commands.clear();  // their ticks are undone
                      start_coordinator(self, "");
                      self->send(st.publisher, rewound_atom::value, tick);
                      spdlog::warn("game: rolled back from tick {} to tick {} by an admin; paused",
                                   committed, tick);
                      // At the tick it is about: the game's tick now.
                      log_incident(self, tick, "rolled_back",
                                   incident_json({{"from", committed}, {"to", tick}}, {}));
                      st.rolling_back = false;
                      restore_players(self, "after the rollback");
                      rp.deliver(tick);
                    },
                    [=](caf::error& err) mutable {
                      spdlog::error("game: rollback to tick {} failed: {}", tick, describe(err));
                      start_coordinator(self, "rollback to tick " + std::to_string(tick) +
                                                  " failed: " + describe(err));
                      self->state.rolling_back = false;
                      rp.deliver(err);
                    });
          },
          [=](caf::error& err) mutable {
            self->state.rolling_back = false;  // the coordinator did not stop: it goes on
            rp.deliver(err);
          });
}

// ---- the tree --------------------------------------------------------------

// Starts the supervisors, the publisher and the first coordinator.
void start_tree(game_ptr self, const GameSupervisorConfig& config) {
  auto& st = self->state;
  auto sup = [&](std::string name, ChildFactory factory) {
    SupervisorConfig c{std::move(name), config.intensity, std::move(factory), config.world};
    auto h = spawn_supervisor(self, std::move(c));
    self->monitor(h);
    return h;
  };
  st.core = sup("game", persistence_factory(config.persistence, config.detached_persistence));
  st.nations = sup("nations", nation_factory(config.world, config.faults));
  st.wars = sup("wars", war_factory(config.world, config.faults));
  st.publisher = spawn_publisher(self);
  self->monitor(st.publisher);
  // Commands handed in from outside (a rolled-back game continuing with the
  // commands it had) are journaled like any accepted one.
  st.commands = CommandJournal(config.coordinator.pending_commands, config.last_command_seq);
  self->send(st.publisher, subscribe_atom::value, caf::actor_cast<caf::actor>(self));
  start_coordinator(self, "");
  restore_players(self, "at start-up");
}

// A crashed coordinator is restarted from the last committed tick. The
// supervisors do not crash (no game code runs in them); should one die
// anyway, the game shuts down and the save keeps every committed tick.
void on_down(game_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  const bool orderly =
      dm.reason == caf::exit_reason::normal || dm.reason == caf::exit_reason::user_shutdown;
  if (dm.source == st.coordinator.address() && !orderly)
    return restart_coordinator(self, dm.reason);
  if (dm.source == st.coordinator.address()) return;
  spdlog::critical("game: a supervisor stopped ({}); shutting the game down", describe(dm.reason));
  shut_down(self, dm.reason ? dm.reason : caf::error(caf::exit_reason::user_shutdown));
}

// ---- from the supervisors ----------------------------------------------------

void on_kid_started(game_ptr self, const ActorKey& key, uint64_t generation,
                    const caf::actor& handle, const std::string& reason) {
  auto& st = self->state;
  if (key.kind == ActorKind::persistence) st.persistence = handle;
  self->send(st.coordinator, kid_started_atom::value, key, generation, handle, reason);
  if (reason.empty()) return flush_incidents(self);  // a first start, not a restart
  ++st.restarts_total;
  log_incident(self, st.world->meta().tick + 1, "actor_restarted",
               incident_json({{"id", key.id}, {"generation", static_cast<int64_t>(generation)}},
                             {{"kind", kind_name(key.kind)}}));
}

void on_kid_crashed(game_ptr self, const ActorKey& key, uint64_t generation,
                    const std::string& reason, Tick tick) {
  if (key.kind == ActorKind::persistence) self->state.persistence = nullptr;
  log_incident(
      self, tick, "actor_crashed",
      incident_json(
          {{"id", key.id}, {"generation", static_cast<int64_t>(generation)}, {"tick", tick}},
          {{"kind", kind_name(key.kind)}, {"reason", reason}}));
}

void on_escalated(game_ptr self, const ActorKey& key, const std::string& reason, Tick tick) {
  log_incident(self, tick, "supervisor_escalated",
               incident_json({{"id", key.id}, {"tick", tick}},
                             {{"kind", kind_name(key.kind)}, {"reason", reason}}));
  self->send(self->state.coordinator, escalate_atom::value, key, reason, tick);
}

caf::behavior game_supervisor(game_ptr self, GameSupervisorConfig config) {
  auto& st = self->state;
  st.config = config;
  st.world = config.world;
  st.speed = config.coordinator.speed;
  if (st.speed != kPausedSpeed) st.resume_speed = st.speed;
  start_tree(self, config);
  self->set_down_handler([=](caf::down_msg& dm) { on_down(self, dm); });
  // Told to exit (the server stops), the whole tree goes with it.
  self->set_exit_handler([=](caf::exit_msg& msg) { shut_down(self, msg.reason); });
  return {
      // ---- from the supervisors ----
      [=](kid_started_atom, const ActorKey& key, uint64_t generation, const caf::actor& handle,
          const std::string& reason) { on_kid_started(self, key, generation, handle, reason); },
      [=](kid_crashed_atom, const ActorKey& key, uint64_t generation, const std::string& reason,
          Tick tick) { on_kid_crashed(self, key, generation, reason, tick); },
      [=](escalate_atom, const ActorKey& key, const std::string& reason, Tick tick) {
        on_escalated(self, key, reason, tick);
      },
      // ---- admin API ----
      [=](list_atom) { return list_actors(self); },
      [=](kill_atom atom, const ActorKey& key, const std::string& reason) {
        spdlog::warn("admin: kill {} ({})", key.to_string(), reason);
        return self->delegate(supervisor_for(self, key.kind), atom, key, reason);
      },
      [=](restart_atom atom, const ActorKey& key) {
        return self->delegate(supervisor_for(self, key.kind), atom, key);
      },
      [=](status_atom) { return game_status(self); },
      [=](pause_atom) { return pause_game(self); },
      [=](resume_atom) { return resume_game(self); },
      [=](speed_atom, int32_t speed) { return change_speed(self, speed); },
      [=](checkpt_atom atom) { return ask<caf::ok_atom>(self, atom); },
      [=](save_as_atom atom, const std::string& path) {
        return ask<caf::ok_atom>(self, atom, path);
      },
      [=](stop_atom atom) { return ask<Tick>(self, atom); },
      [=](subscribe_atom atom, const caf::actor& who) {
        self->send(self->state.publisher, atom, who);
      },
      [=](delta_atom, const ChangeSetPtr& committed) {
        self->state.commands.forget_committed(committed->tick());
      },
      [=](rewound_atom, Tick) {},  // our own rollback, back from the publisher
      [=](command_atom, const Command& command) { return submit_command(self, command); },
      [=](rollback_atom, Tick tick) { return request_rollback(self, tick); },
      [=](token_atom, const std::string& role, NationId nation, const std::string& hash) {
        return issue_token(self, role, nation, hash);
      },
      [=](revoke_atom atom, int64_t id) { return ask_persistence<caf::ok_atom>(self, atom, id); },
      [=](tokens_atom atom) { return ask_persistence<std::vector<TokenRecord>>(self, atom); },
      [=](caf::get_atom, const ActorKey& key) { return get_actor(self, key); },
      // An operator's action, from the gateway (rules/events.h kOperatorActions).
      [=](incident_atom, std::string& type, std::string& data) {
        if (!events::is_operator_action(type)) {
          spdlog::error("game: '{}' is not an operator action; not recorded", type);
          return;
        }
        log_incident(self, self->state.world->meta().tick, std::move(type), std::move(data));
      },
  };
}

}  // namespace game_tree

caf::actor spawn_game_supervisor(caf::actor_system& sys, GameSupervisorConfig config) {
  return sys.spawn(game_tree::game_supervisor, std::move(config));
}

}  // namespace hegemon
