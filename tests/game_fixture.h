// A whole game on CAF's deterministic test scheduler: the real supervision
// tree, coordinator, nation and war actors, and persistence on a real save in
// a temporary directory. Persistence runs on the test scheduler too (not
// detached), so every message is under the test's control.
#pragma once

#define FAIL(msg) CAF_FAIL(msg)  // CAF 0.17.6's dsl.hpp uses FAIL without defining it
#include <caf/test/dsl.hpp>

#include <memory>
#include <string>
#include <vector>

#include "actors/errors.h"
#include "actors/fault_plan.h"
#include "actors/game.h"
#include "test_support.h"
#include "tools/replay.h"

namespace hegemon::test {

// A fault plan from `--inject-crash` specs ("nation:3@400", "coordinator@9").
inline std::shared_ptr<FaultPlan> faults(std::initializer_list<const char*> specs) {
  auto plan = std::make_shared<FaultPlan>();
  for (const char* spec : specs) {
    auto fault = FaultPlan::parse(spec);
    CAF_REQUIRE(fault.ok());
    plan->add(*fault);
  }
  return plan;
}

struct game_fixture : test_coordinator_fixture<> {
  test::TempDir dir;
  std::string save_path = dir.file("game.db");
  Game game;
  caf::actor coordinator;
  caf::actor persistence;

  // Starts a game, paused, that stops after `run_ticks` ticks (0: never).
  void start(Tick run_ticks, std::shared_ptr<FaultPlan> faults = nullptr) {
    GameOptions options;
    options.save_path = save_path;
    options.new_world = test::small_world();
    options.coordinator.speed = kPausedSpeed;
    options.run_ticks = run_ticks;
    options.detached_persistence = false;
    options.faults = faults;
    options.rebuild_state = state_at;  // live rollbacks, as the server does
    auto started = start_game(sys, options);
    CAF_REQUIRE(started.ok());
    game = *started;
    coordinator = handle_of(ActorKind::coordinator, 0);
    persistence = handle_of(ActorKind::persistence, 0);
  }

  void set_speed(int32_t speed) { self->send(game.root, speed_atom::value, speed); }

  GameStatus status() { return request<GameStatus>(game.root, status_atom::value); }
  std::vector<ActorInfo> actors() {
    return request<std::vector<ActorInfo>>(game.root, list_atom::value);
  }
  ActorInfo info(ActorKind kind, int32_t id) {
    for (const auto& a : actors())
      if (a.kind == kind_name(kind) && a.id == id) return a;
    return ActorInfo{};
  }
  caf::actor handle_of(ActorKind kind, int32_t id) {
    return request<caf::actor>(game.root, caf::get_atom::value, ActorKey{kind, id});
  }

  ~game_fixture() override {
    caf::anon_send_exit(game.root, caf::exit_reason::user_shutdown);
    run();
  }
};

}  // namespace hegemon::test
