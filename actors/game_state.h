// The game supervisor's state and the helpers its parts share: the
// supervision tree and coordinator restarts (game_supervisor.cc) and the
// admin API, one handler per request (game_admin.cc). Private to those two
// files; everyone else talks to the game supervisor through its messages
// (game_supervisor.h).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/command_journal.h"
#include "actors/game_supervisor.h"
#include "actors/restart_budget.h"

namespace hegemon {
namespace game_tree {

struct game_state {
  GameSupervisorConfig config;  // to start a coordinator again
  caf::actor core;              // supervises persistence
  caf::actor nations;           // supervises nation actors
  caf::actor wars;              // supervises war actors
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

using game_ptr = caf::stateful_actor<game_state>*;

// ---- game_supervisor.cc ----
void log_incident(game_ptr self, Tick tick, std::string type, std::string data);
const caf::actor& supervisor_for(game_ptr self, ActorKind kind);
caf::typed_response_promise<Command> submit_command(game_ptr self, Command command);
void roll_back(game_ptr self, Tick tick, caf::typed_response_promise<Tick> rp);

// ---- game_admin.cc: the admin API's handlers ----
caf::typed_response_promise<std::vector<ActorInfo>> list_actors(game_ptr self);
caf::typed_response_promise<GameStatus> game_status(game_ptr self);
caf::typed_response_promise<caf::ok_atom> pause_game(game_ptr self);
caf::typed_response_promise<caf::ok_atom> resume_game(game_ptr self);
caf::typed_response_promise<caf::ok_atom> change_speed(game_ptr self, int32_t speed);
caf::result<Tick> request_rollback(game_ptr self, Tick tick);
caf::typed_response_promise<int64_t> issue_token(game_ptr self, const std::string& role,
                                                 NationId nation, const std::string& hash);
caf::result<caf::actor> get_actor(game_ptr self, const ActorKey& key);

// ---- asking the coordinator and persistence on a client's behalf ----

inline bool receiver_down(const caf::error& err) { return err == caf::sec::request_receiver_down; }

// Asks the coordinator on a client's behalf. A request that meets a crashed
// coordinator waits for its next incarnation instead of failing, so clients
// (the status line, the admin API) ride through a restart.
// `on_result` sees a successful answer before the client does.
template <class R, class... Ts>
void ask_coordinator(game_ptr self, std::shared_ptr<caf::typed_response_promise<R>> rp,
                     std::tuple<Ts...> request, std::function<void(R&)> on_result = nullptr) {
  auto& st = self->state;
  std::function<void()> retry = [self, rp, request, on_result] {
    ask_coordinator<R>(self, rp, request, on_result);
  };
  if (st.coordinator_down) {
    st.awaiting_coordinator.push_back(std::move(retry));
    return;
  }
  auto handle = std::apply(
      [&](const Ts&... xs) { return self->request(st.coordinator, caf::infinite, xs...); },
      request);
  handle.then(
      [rp, on_result](R& result) {
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
    std::apply(
        [&](const Ts&... args) { return self->request(persistence, caf::infinite, args...); },
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

}  // namespace game_tree
}  // namespace hegemon
