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

#include "actors/command_journal.h"
#include "actors/errors.h"
#include "actors/incident.h"
#include "actors/nation_actor.h"
#include "actors/publisher.h"
#include "actors/war_actor.h"

namespace hegemon {
namespace {

struct game_state {
  GameSupervisorConfig config;  // to start a coordinator again
  caf::actor core;     // supervises persistence
  caf::actor nations;  // supervises nation actors
  caf::actor wars;     // supervises war actors
  caf::actor coordinator;
  caf::actor publisher;  // committed ticks to watching clients
  std::shared_ptr<const World> world;

  // The coordinator is supervised here, with the same intensity as the rest.
  uint64_t coordinator_generation = 1;
  int32_t coordinator_restarts = 0;
  // Every incarnation started after a crash or on request, of any actor, for
  // the life of the game (the server's process): the status' `restarts` and
  // the counter hegemon_actor_restarts_total. Counted here, not by the
  // coordinator or per child: a new coordinator (after its crash or a live
  // rollback) starts from zero, and a supervisor forgets a retired child's
  // restarts, so a sum of theirs goes down; a Prometheus counter must not.
  int32_t restarts_total = 0;
  RestartBudget coordinator_budget;
  std::string coordinator_last_crash;
  Tick coordinator_last_crash_tick = -1;
  int32_t speed = kDefaultSpeed;  // the speed last asked for, for a new coordinator
  // The last speed the game ran at or was asked to run at: where "resume"
  // goes back to, also in a new coordinator (after a rollback, which pauses).
  int32_t resume_speed = kDefaultSpeed;
  // Requests for the coordinator that arrived while it was being restarted;
  // sent to the new incarnation as soon as it runs.
  std::vector<std::function<void()>> awaiting_coordinator;
  bool coordinator_down = false;
  bool rolling_back = false;  // a live rollback is under way

  // Accepted commands whose tick is not committed yet, for a new coordinator.
  CommandJournal commands{{}, 0};

  // Incidents go to the current persistence incarnation; while it is down
  // they wait here.
  caf::actor persistence;
  std::vector<std::tuple<Tick, std::string, std::string>> pending_incidents;

  static const char* name;
};

const char* game_state::name = "game";

using game_ptr = caf::stateful_actor<game_state>*;

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
      return caf::actor_cast<caf::actor>(self->spawn<caf::detached>(persistence_actor_impl, config));
    return caf::actor_cast<caf::actor>(self->spawn(persistence_actor_impl, config));
  };
}

bool receiver_down(const caf::error& err) {
  return err == caf::sec::request_receiver_down;
}

// Asks the coordinator on a client's behalf. A request that meets a crashed
// coordinator waits for its next incarnation instead of failing, so clients
// (the status line, the admin API) ride through a restart.
// `on_result` sees a successful answer before the client does.
template <class R, class... Ts>
void ask_coordinator(game_ptr self, std::shared_ptr<caf::typed_response_promise<R>> rp,
                     std::tuple<Ts...> request,
                     std::function<void(R&)> on_result = nullptr) {
  auto& st = self->state;
  std::function<void()> retry = [self, rp, request, on_result] {
    ask_coordinator<R>(self, rp, request, on_result);
  };
  if (st.coordinator_down) {
    st.awaiting_coordinator.push_back(std::move(retry));
    return;
  }
  auto handle = std::apply(
      [&](const Ts&... xs) { return self->request(st.coordinator, caf::infinite, xs...); }, request);
  handle.then([rp, on_result](R& result) {
                if (on_result) on_result(result);
                rp->deliver(std::move(result));
              },
              [self, rp, retry](caf::error& err) {
                if (receiver_down(err) && self->state.coordinator_down) {
                  self->state.awaiting_coordinator.push_back(retry);
                } else if (receiver_down(err)) {
                  retry();  // a former incarnation bounced it; a new one runs already
                } else {
                  rp->deliver(std::move(err));
                }
              });
}

template <class R, class... Ts>
caf::typed_response_promise<R> ask(game_ptr self, Ts... xs) {
  auto rp = std::make_shared<caf::typed_response_promise<R>>(self->make_response_promise<R>());
  ask_coordinator<R>(self, rp, std::make_tuple(xs...));
  return *rp;
}

// Asks the current persistence incarnation; before the first one is known
// (start-up) its supervisor is asked for it.
template <class R, class... Ts>
// `on_result` (may be null) sees a successful answer before the client does.
caf::typed_response_promise<R> ask_persistence_then(game_ptr self,
                                                    std::function<void(const R&)> on_result,
                                                    Ts... xs) {
  auto rp = std::make_shared<caf::typed_response_promise<R>>(self->make_response_promise<R>());
  auto request = std::make_tuple(xs...);
  auto go = [self, rp, request, on_result](const caf::actor& persistence) {
    std::apply([&](const Ts&... args) { return self->request(persistence, caf::infinite, args...); },
               request)
        .then(
            [rp, on_result](R& result) {
              if (on_result) on_result(result);
              rp->deliver(std::move(result));
            },
            [rp](caf::error& err) { rp->deliver(std::move(err)); });
  };
  if (self->state.persistence) {
    go(self->state.persistence);
  } else {
    self->request(self->state.core, caf::infinite, spawn_kid_atom::value,
                  ActorKey{ActorKind::persistence, 0})
        .then([go](caf::actor& handle, uint64_t) { go(handle); },
              [rp](caf::error& err) { rp->deliver(std::move(err)); });
  }
  return *rp;
}

template <class R, class... Ts>
caf::typed_response_promise<R> ask_persistence(game_ptr self, Ts... xs) {
  return ask_persistence_then<R>(self, nullptr, xs...);
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
  ask_coordinator<Command>(self, rp, std::make_tuple(command_atom::value, command),
                           [self](const Command& scheduled) {
                             self->state.commands.record(scheduled);
                           });
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
  st.coordinator = caf::actor_cast<caf::actor>(
      spawn_coordinator(self, st.config.world,
                        CoordinatorLinks{st.core, st.nations, st.wars, st.publisher},
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
    spdlog::warn("coordinator (generation {}) crashed at tick {}: {}; restarting from the last "
                 "committed tick",
                 st.coordinator_generation, tick, st.coordinator_last_crash);
  }
  caf::anon_send(st.nations, retire_atom::value);
  caf::anon_send(st.wars, retire_atom::value);
  if (!st.persistence) {
    spdlog::critical("game: cannot restart the coordinator while persistence is down");
    return shut_down(self, reason);
  }
  self->request(caf::actor_cast<persistence_actor>(st.persistence), caf::infinite,
                load_atom::value)
      .then(
          [=](WorldSnapshotPtr& committed) {
            auto& st = self->state;
            st.config.world->reset(*committed);
            ++st.coordinator_generation;
            ++st.coordinator_restarts;
            ++st.restarts_total;
            start_coordinator(self, paused_because);
            log_incident(self, committed->meta.tick + 1, "actor_restarted",
                         incident_json({{"id", 0},
                                        {"generation",
                                         static_cast<int64_t>(st.coordinator_generation)}},
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

caf::behavior game_supervisor(game_ptr self, GameSupervisorConfig config) {
  auto& st = self->state;
  st.config = config;
  st.world = config.world;
  st.speed = config.coordinator.speed;
  if (st.speed != kPausedSpeed) st.resume_speed = st.speed;
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

  // A crashed coordinator is restarted from the last committed tick. The
  // supervisors do not crash (no game code runs in them); should one die
  // anyway, the game shuts down and the save keeps every committed tick.
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& st = self->state;
    const bool orderly = dm.reason == caf::exit_reason::normal ||
                         dm.reason == caf::exit_reason::user_shutdown;
    if (dm.source == st.coordinator.address() && !orderly) return restart_coordinator(self, dm.reason);
    if (dm.source == st.coordinator.address()) return;
    spdlog::critical("game: a supervisor stopped ({}); shutting the game down", describe(dm.reason));
    shut_down(self, dm.reason ? dm.reason : caf::error(caf::exit_reason::user_shutdown));
  });
  // Told to exit (the server stops), the whole tree goes with it.
  self->set_exit_handler([=](caf::exit_msg& msg) { shut_down(self, msg.reason); });

  return {
      // ---- from the supervisors ----
      [=](kid_started_atom, const ActorKey& key, uint64_t generation, const caf::actor& handle,
          const std::string& reason) {
        auto& st = self->state;
        if (key.kind == ActorKind::persistence) st.persistence = handle;
        self->send(st.coordinator, kid_started_atom::value, key, generation, handle, reason);
        if (!reason.empty()) {  // a restart, not a first start
          ++st.restarts_total;
          log_incident(self, st.world->meta().tick + 1, "actor_restarted",
                       incident_json({{"id", key.id}, {"generation", static_cast<int64_t>(generation)}},
                                     {{"kind", kind_name(key.kind)}}));
        } else {
          flush_incidents(self);
        }
      },
      [=](kid_crashed_atom, const ActorKey& key, uint64_t generation, const std::string& reason,
          Tick tick) {
        auto& st = self->state;
        if (key.kind == ActorKind::persistence) st.persistence = nullptr;
        log_incident(self, tick, "actor_crashed",
                     incident_json({{"id", key.id},
                                    {"generation", static_cast<int64_t>(generation)},
                                    {"tick", tick}},
                                   {{"kind", kind_name(key.kind)}, {"reason", reason}}));
      },
      [=](escalate_atom, const ActorKey& key, const std::string& reason, Tick tick) {
        log_incident(self, tick, "supervisor_escalated",
                     incident_json({{"id", key.id}, {"tick", tick}},
                                   {{"kind", kind_name(key.kind)}, {"reason", reason}}));
        self->send(self->state.coordinator, escalate_atom::value, key, reason, tick);
      },
      // ---- admin API ----
      [=](list_atom) {
        auto rp = self->make_response_promise<std::vector<ActorInfo>>();
        auto all = std::make_shared<std::vector<ActorInfo>>();
        const auto& st = self->state;
        ActorInfo coordinator;
        coordinator.kind = kind_name(ActorKind::coordinator);
        coordinator.supervisor = "game";
        coordinator.generation = st.coordinator_generation;
        coordinator.restarts = st.coordinator_restarts;
        coordinator.running = true;
        coordinator.last_crash = st.coordinator_last_crash;
        coordinator.last_crash_tick = st.coordinator_last_crash_tick;
        all->push_back(coordinator);
        auto remaining = std::make_shared<int>(3);
        for (const auto& h : {self->state.core, self->state.nations, self->state.wars}) {
          self->request(h, caf::infinite, list_atom::value)
              .then(
                  [=](std::vector<ActorInfo>& part) mutable {
                    all->insert(all->end(), part.begin(), part.end());
                    if (--*remaining == 0) rp.deliver(*all);
                  },
                  [=](caf::error& err) mutable {
                    if (--*remaining >= 0) rp.deliver(err);
                    *remaining = -1;
                  });
        }
        return rp;
      },
      [=](kill_atom atom, const ActorKey& key, const std::string& reason) {
        spdlog::warn("admin: kill {} ({})", key.to_string(), reason);
        return self->delegate(supervisor_for(self, key.kind), atom, key, reason);
      },
      [=](restart_atom atom, const ActorKey& key) {
        return self->delegate(supervisor_for(self, key.kind), atom, key);
      },
      [=](status_atom atom) {
        auto rp = std::make_shared<caf::typed_response_promise<GameStatus>>(
            self->make_response_promise<GameStatus>());
        ask_coordinator<GameStatus>(self, rp, std::make_tuple(atom), [self](GameStatus& s) {
          s.restarts = self->state.restarts_total;
        });
        return *rp;
      },
      [=](pause_atom atom) {
        self->state.speed = kPausedSpeed;
        return ask<caf::ok_atom>(self, atom);
      },
      [=](resume_atom atom) {
        if (self->state.speed == kPausedSpeed) self->state.speed = self->state.resume_speed;
        return ask<caf::ok_atom>(self, atom);
      },
      [=](speed_atom atom, int32_t speed) {
        if (speed >= kPausedSpeed && speed <= kMaxSpeed) self->state.speed = speed;
        if (speed > kPausedSpeed && speed <= kMaxSpeed) self->state.resume_speed = speed;
        return ask<caf::ok_atom>(self, atom, speed);
      },
      [=](checkpt_atom atom) { return ask<caf::ok_atom>(self, atom); },
      [=](save_as_atom atom, const std::string& path) { return ask<caf::ok_atom>(self, atom, path); },
      [=](stop_atom atom) { return ask<Tick>(self, atom); },
      [=](subscribe_atom atom, const caf::actor& who) { self->send(self->state.publisher, atom, who); },
      [=](delta_atom, const ChangeSetPtr& committed) {
        self->state.commands.forget_committed(committed->tick());
      },
      [=](rewound_atom, Tick) {},  // our own rollback, back from the publisher
      [=](command_atom, const Command& command) { return submit_command(self, command); },
      [=](rollback_atom, Tick tick) -> caf::result<Tick> {
        auto& st = self->state;
        const Tick now = st.world->meta().tick;
        if (tick < 0 || tick > now)
          return make_error(Errc::invalid_request, "the game is at tick " + std::to_string(now) +
                                                       "; roll back to 0.." + std::to_string(now));
        if (st.rolling_back)
          return make_error(Errc::invalid_request, "a rollback is under way already");
        if (st.coordinator_down || !st.persistence)
          return make_error(Errc::invalid_request, "the game is restarting; try again");
        auto rp = self->make_response_promise<Tick>();
        roll_back(self, tick, rp);
        return rp;
      },
      // Gateway tokens live in the save: persistence's business.
      [=](token_atom atom, const std::string& role, NationId nation, const std::string& hash) {
        // Once the token is stored (not before: a refused request changes
        // nothing), the nation goes to its player.
        std::function<void(const int64_t&)> hand_over;
        if (role == "player") {
          hand_over = [self, nation](const int64_t&) {
            Command c;
            c.kind = CommandKind::set_player;
            c.nation = nation;
            c.player = true;
            self->request(caf::actor_cast<caf::actor>(self), caf::infinite, command_atom::value, c)
                .then([](const Command&) {},
                      [nation](caf::error& err) {
                        spdlog::warn("game: nation {} stays with the AI: {}", nation, describe(err));
                      });
          };
        }
        return ask_persistence_then<int64_t>(self, hand_over, atom, role, nation, hash);
      },
      [=](revoke_atom atom, int64_t id) { return ask_persistence<caf::ok_atom>(self, atom, id); },
      [=](tokens_atom atom) { return ask_persistence<std::vector<TokenRecord>>(self, atom); },
      // The current incarnation of an actor (tests and debugging tools).
      [=](caf::get_atom, const ActorKey& key) -> caf::result<caf::actor> {
        if (key.kind == ActorKind::coordinator) return self->state.coordinator;
        if (key.kind == ActorKind::supervisor)  // 0: core, 1: nations, 2: wars
          return key.id == 1 ? self->state.nations : key.id == 2 ? self->state.wars : self->state.core;
        auto rp = self->make_response_promise<caf::actor>();
        self->request(supervisor_for(self, key.kind), caf::infinite, spawn_kid_atom::value, key)
            .then([=](caf::actor& h, uint64_t) mutable { rp.deliver(h); },
                  [=](caf::error& err) mutable { rp.deliver(err); });
        return rp;
      },
  };
}

}  // namespace

caf::actor spawn_game_supervisor(caf::actor_system& sys, GameSupervisorConfig config) {
  return sys.spawn(game_supervisor, std::move(config));
}

}  // namespace hegemon
