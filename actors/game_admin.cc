// The game supervisor's admin API: one handler per request (the behaviour in
// game_supervisor.cc routes each message to one of these).
#include <caf/event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/errors.h"
#include "actors/game_state.h"

namespace hegemon {
namespace game_tree {

// The coordinator (supervised here) and every child of the three supervisors.
caf::typed_response_promise<std::vector<ActorInfo>> list_actors(game_ptr self) {
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
  for (const auto& h : {st.core, st.nations, st.wars}) {
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
}

// The coordinator's status, with the restarts counted here for the game's life.
caf::typed_response_promise<GameStatus> game_status(game_ptr self) {
  auto rp = std::make_shared<caf::typed_response_promise<GameStatus>>(
      self->make_response_promise<GameStatus>());
  // A live rollback stops the coordinator to restart it at the earlier tick:
  // that stop is not the game's. Reported as `stopping`, `hegemon serve`'s
  // status poll took it for an admin's shutdown and stopped the server
  // (download_test's rollback hit it about once in twenty runs).
  ask_coordinator<GameStatus>(self, rp, std::make_tuple(status_atom::value), [self](GameStatus& s) {
    s.restarts = self->state.restarts_total;
    if (self->state.rolling_back) s.stopping = false;
  });
  return *rp;
}

// Speed changes are remembered here too, for a new coordinator.
caf::typed_response_promise<caf::ok_atom> pause_game(game_ptr self) {
  self->state.speed = kPausedSpeed;
  return ask<caf::ok_atom>(self, pause_atom::value);
}

caf::typed_response_promise<caf::ok_atom> resume_game(game_ptr self) {
  if (self->state.speed == kPausedSpeed) self->state.speed = self->state.resume_speed;
  return ask<caf::ok_atom>(self, resume_atom::value);
}

caf::typed_response_promise<caf::ok_atom> change_speed(game_ptr self, int32_t speed) {
  if (speed >= kPausedSpeed && speed <= kMaxSpeed) self->state.speed = speed;
  if (speed > kPausedSpeed && speed <= kMaxSpeed) self->state.resume_speed = speed;
  return ask<caf::ok_atom>(self, speed_atom::value, speed);
}

caf::result<Tick> request_rollback(game_ptr self, Tick tick) {
  auto& st = self->state;
  const Tick now = st.world->meta().tick;
  if (tick < 0 || tick > now)
    return make_error(Errc::invalid_request, "the game is at tick " + std::to_string(now) +
                                                 "; roll back to 0.." + std::to_string(now));
  if (st.rolling_back) return make_error(Errc::invalid_request, "a rollback is under way already");
  if (st.coordinator_down || !st.persistence)
    return make_error(Errc::invalid_request, "the game is restarting; try again");
  auto rp = self->make_response_promise<Tick>();
  roll_back(self, tick, rp);
  return rp;
}

// Gateway tokens live in the save: persistence's business. Once a player's
// token is stored (not before: a refused request changes nothing), the
// nation goes to its player.
caf::typed_response_promise<int64_t> issue_token(game_ptr self, const std::string& role,
                                                 NationId nation, const std::string& hash) {
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
  return ask_persistence_then<int64_t>(self, hand_over, token_atom::value, role, nation, hash);
}

// The current incarnation of an actor (tests and debugging tools).
caf::result<caf::actor> get_actor(game_ptr self, const ActorKey& key) {
  auto& st = self->state;
  if (key.kind == ActorKind::coordinator) return st.coordinator;
  if (key.kind == ActorKind::supervisor)  // 0: core, 1: nations, 2: wars
    return key.id == 1 ? st.nations : key.id == 2 ? st.wars : st.core;
  auto rp = self->make_response_promise<caf::actor>();
  self->request(supervisor_for(self, key.kind), caf::infinite, spawn_kid_atom::value, key)
      .then([=](caf::actor& h, uint64_t) mutable { rp.deliver(h); },
            [=](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

}  // namespace game_tree
}  // namespace hegemon
