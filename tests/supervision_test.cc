// Supervision on CAF's deterministic test scheduler: crashed actors come back
// live, and no tick is lost or changed.
#include "game_fixture.h"  // includes caf/test/dsl.hpp

#include <caf/system_messages.hpp>

#include "actors/fault_plan.h"
#include "command_builders.h"
#include "rules/tick.h"
#include "rules/world_gen.h"

using namespace hegemon;
using test::faults;
using test::query_int;
using test::query_text;

namespace {

bool throws_injected(const FaultPlan& plan, const ActorKey& key, Tick tick) {
  try {
    plan.maybe_crash(key, tick);
  } catch (const InjectedCrash&) {
    return true;
  }
  return false;
}

// The hash after `ticks` ticks of the same world with no actors and no crashes.
uint64_t reference_hash(Tick ticks) {
  World reference(generate_world(test::small_world()));
  for (Tick t = 0; t < ticks; ++t) run_tick_sequential(reference);
  return reference.meta().state_hash;
}

struct supervision_fixture : test::game_fixture {
  GameStatus play_to_end() {
    set_speed(kMaxSpeed);
    run();
    return status();
  }
};

}  // namespace

CAF_TEST(crash specs parse and bad ones are refused with the reason) {
  auto ok = FaultPlan::parse("nation:12@500");
  CAF_REQUIRE(ok.ok());
  CAF_CHECK(ok->target == (ActorKey{ActorKind::nation, 12}));
  CAF_CHECK_EQUAL(ok->tick, 500);
  CAF_CHECK(!ok->poison);
  auto poison = FaultPlan::parse("war:3@8:poison");
  CAF_REQUIRE(poison.ok());
  CAF_CHECK(poison->poison);
  auto persistence = FaultPlan::parse("persistence@7");
  CAF_REQUIRE(persistence.ok());
  CAF_CHECK(persistence->target == (ActorKey{ActorKind::persistence, 0}));
  for (const char* bad : {"nation@5", "nation:x@5", "nation:1@", "nation:1@0", "king:1@5",
                          "persistence:1@5", "nation:1", "coordinator:1@5", "supervisor@5"}) {
    auto r = FaultPlan::parse(bad);
    CAF_CHECK(!r.ok());
    if (!r.ok()) CAF_CHECK(r.status().message().find(bad) != std::string::npos);
  }
  // A "once" fault fires once across incarnations; poison every time.
  FaultPlan plan;
  plan.add(*ok);
  plan.add(*poison);
  CAF_CHECK(throws_injected(plan, {ActorKind::nation, 12}, 500));
  CAF_CHECK(!throws_injected(plan, {ActorKind::nation, 12}, 500));  // once only
  for (int i = 0; i < 3; ++i) CAF_CHECK(throws_injected(plan, {ActorKind::war, 3}, 8));
  CAF_CHECK(!throws_injected(plan, {ActorKind::nation, 11}, 500));
}

CAF_TEST_FIXTURE_SCOPE(supervision_tests, supervision_fixture)

CAF_TEST(a nation crashing mid - tick is restarted and the tick ends the same) {
  start(20, faults({"nation:3@5"}));
  const GameStatus s = play_to_end();
  CAF_CHECK_EQUAL(s.tick, 20);
  CAF_CHECK_EQUAL(s.committed_tick, 20);
  CAF_CHECK(s.last_error.empty());
  CAF_CHECK_EQUAL(s.restarts, 1);
  CAF_CHECK_EQUAL(s.state_hash, reference_hash(20));
  const ActorInfo nation3 = info(ActorKind::nation, 3);
  CAF_CHECK_EQUAL(nation3.generation, 2u);
  CAF_CHECK_EQUAL(nation3.restarts, 1);
  CAF_CHECK(nation3.running);
  CAF_CHECK_EQUAL(nation3.last_crash_tick, 5);
  CAF_CHECK(nation3.last_crash.find("injected crash") != std::string::npos);
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "actor_crashed"), 1);
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "actor_restarted"), 1);
  CAF_CHECK_EQUAL(query_text(save_path,
                             "SELECT json_extract(event_data, '$.kind') || ' ' || "
                             "json_extract(event_data, '$.id') FROM audit_log "
                             "WHERE event_type = 'actor_crashed'"),
                  "nation 3");
}

CAF_TEST(a war crashing mid - tick is restarted and the game ends the same) {
  // Find the first war of this world and when it is fought.
  World reference(generate_world(test::small_world()));
  while (reference.active_wars().empty() && reference.meta().tick < 3000)
    run_tick_sequential(reference);
  CAF_REQUIRE(!reference.active_wars().empty());
  const WarId war = reference.active_wars().front();
  const Tick declared = reference.meta().tick;
  const std::string spec1 = "war:" + std::to_string(war) + "@" + std::to_string(declared + 2);
  const std::string spec2 = "war:" + std::to_string(war) + "@" + std::to_string(declared + 3);
  start(declared + 20, faults({spec1.c_str(), spec2.c_str()}));
  const GameStatus s = play_to_end();
  CAF_CHECK_EQUAL(s.committed_tick, declared + 20);
  CAF_CHECK(s.last_error.empty());
  CAF_CHECK_EQUAL(s.state_hash, reference_hash(declared + 20));
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "actor_crashed"), 2);
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "actor_restarted"), 2);
}

CAF_TEST(messages from a former incarnation are ignored) {
  start(30, faults({"nation:4@3"}));
  const caf::actor first = handle_of(ActorKind::nation, 4);
  const caf::actor nations_sup = handle_of(ActorKind::supervisor, 1);
  set_speed(kMaxSpeed);
  run();
  const caf::actor second = handle_of(ActorKind::nation, 4);
  CAF_REQUIRE(first != second);
  const ActorInfo before = info(ActorKind::nation, 4);
  CAF_REQUIRE_EQUAL(before.generation, 2u);
  // A late down message about the first incarnation: the supervisor must not
  // restart (or forget) the current one.
  self->send(nations_sup, caf::down_msg{first.address(), make_error(Errc::killed, "late")});
  // A late "started" for the first incarnation: the coordinator must keep
  // talking to the second one.
  self->send(coordinator, kid_started_atom::value, ActorKey{ActorKind::nation, 4}, uint64_t{1},
             first, std::string());
  run();
  const ActorInfo after = info(ActorKind::nation, 4);
  CAF_CHECK_EQUAL(after.generation, 2u);
  CAF_CHECK_EQUAL(after.restarts, 1);
  CAF_CHECK(after.running);
  // The game goes on with the current incarnation (the first one is dead: had
  // the coordinator adopted it, the next tick could not complete).
  self->send(game.root, stop_atom::value);
  run();
  GameStatus s = status();
  CAF_CHECK_EQUAL(s.committed_tick, 30);
  CAF_CHECK(s.last_error.empty());
  CAF_CHECK_EQUAL(s.state_hash, reference_hash(30));
}

CAF_TEST(a poison tick exhausts the restart intensity and pauses the game) {
  start(10, faults({"nation:2@6:poison"}));
  GameStatus s = play_to_end();
  CAF_CHECK_EQUAL(s.committed_tick, 5);  // tick 6 never commits
  CAF_CHECK_EQUAL(s.speed, kPausedSpeed);
  CAF_CHECK(s.last_error.find("nation 2") != std::string::npos);
  CAF_CHECK(s.last_error.find("tick 6") != std::string::npos);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT count(*) FROM ticks WHERE tick >= 6"), 0);
  // The reason reached the record (audit_log) although tick 6 is not committed.
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "supervisor_escalated"), 1);
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "game_paused"), 1);
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "actor_crashed"), 4);  // 1 + 3 restarts
  const ActorInfo nation2 = info(ActorKind::nation, 2);
  CAF_CHECK(!nation2.running);
  // Resume tries again: still poison, so it pauses again, still at tick 5.
  self->send(game.root, resume_atom::value);
  run();
  s = status();
  CAF_CHECK_EQUAL(s.committed_tick, 5);
  CAF_CHECK(!s.last_error.empty());
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "supervisor_escalated"), 2);
}

CAF_TEST(a game paused by escalation resumes once the fault is gone) {
  // Four crashes of one actor on one tick exceed the default intensity (3).
  start(12, faults({"nation:5@4", "nation:5@4", "nation:5@4", "nation:5@4"}));
  GameStatus s = play_to_end();
  CAF_CHECK_EQUAL(s.committed_tick, 3);
  CAF_CHECK(!s.last_error.empty());
  self->send(game.root, resume_atom::value);
  run();
  s = status();
  CAF_CHECK(s.last_error.empty());
  CAF_CHECK_EQUAL(s.committed_tick, 12);
  CAF_CHECK_EQUAL(s.state_hash, reference_hash(12));
}

CAF_TEST(a persistence crash mid - transaction loses and duplicates nothing) {
  start(15, faults({"persistence@5"}));
  const GameStatus s = play_to_end();
  CAF_CHECK_EQUAL(s.committed_tick, 15);
  CAF_CHECK(s.last_error.empty());
  CAF_CHECK_EQUAL(s.state_hash, reference_hash(15));
  // Every tick exactly once, each with the hash the game computed.
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT count(*) FROM ticks"), 16);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT count(DISTINCT tick) FROM ticks"), 16);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT max(tick) FROM ticks"), 15);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT tick FROM game"), 15);
  // No event of tick 5 was written twice: the crashed transaction rolled back.
  const int64_t tick5_events = query_int(
      save_path, "SELECT count(*) FROM event_log WHERE tick = 5 AND event_type NOT LIKE 'actor_%'");
  const int64_t distinct5 =
      query_int(save_path,
                "SELECT count(*) FROM (SELECT DISTINCT event_type, event_data FROM event_log "
                "WHERE tick = 5 AND event_type NOT LIKE 'actor_%')");
  CAF_CHECK_EQUAL(tick5_events, distinct5);
  const ActorInfo p = info(ActorKind::persistence, 0);
  CAF_CHECK_EQUAL(p.generation, 2u);
  CAF_CHECK_EQUAL(query_text(save_path,
                             "SELECT json_extract(event_data, '$.kind') FROM audit_log "
                             "WHERE event_type = 'actor_crashed'"),
                  "persistence");
  auto reopened = SaveFile::open(save_path, SaveOptions{});
  CAF_REQUIRE(reopened.ok());
  CAF_CHECK((*reopened)->load_world().ok());  // tables hash to the recorded hash
}

CAF_TEST(a coordinator crash restarts the game from the last committed tick) {
  start(20, faults({"coordinator@8", "nation:2@9"}));
  const GameStatus s = play_to_end();
  CAF_CHECK_EQUAL(s.committed_tick, 20);
  CAF_CHECK(s.last_error.empty());
  CAF_CHECK_EQUAL(s.state_hash, reference_hash(20));
  CAF_CHECK_EQUAL(game.world->recompute_hash(), s.state_hash);
  const ActorInfo c = info(ActorKind::coordinator, 0);
  CAF_CHECK_EQUAL(c.generation, 2u);
  CAF_CHECK_EQUAL(c.restarts, 1);
  CAF_CHECK_EQUAL(c.last_crash_tick, 8);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT count(*) FROM ticks"), 21);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT count(DISTINCT tick) FROM ticks"), 21);
  CAF_CHECK_EQUAL(query_text(save_path,
                             "SELECT group_concat(json_extract(event_data, '$.kind')) FROM "
                             "(SELECT event_data FROM audit_log WHERE event_type = 'actor_crashed' "
                             "ORDER BY id)"),
                  "coordinator,nation");
  // Every living nation has exactly one actor again.
  int nations = 0;
  for (const auto& a : actors()) nations += a.kind == "nation" && a.running;
  CAF_CHECK_EQUAL(nations, s.living_nations);
}

CAF_TEST(commands accepted before a coordinator crash apply at their tick all the same) {
  // The coordinator crashes as tick 1 starts, after accepting commands for it.
  start(10, faults({"coordinator@1"}));
  const Command a = request<Command>(game.root, command_atom::value, test::set_player(4));
  const Command b = request<Command>(game.root, command_atom::value, test::set_tax(4, 4));
  CAF_REQUIRE_EQUAL(b.tick, 1);
  const GameStatus s = play_to_end();
  CAF_CHECK_EQUAL(s.committed_tick, 10);
  CAF_CHECK_EQUAL(info(ActorKind::coordinator, 0).restarts, 1);
  // Applied once, at tick 1, as if nothing had happened.
  CAF_CHECK_EQUAL(
      query_int(save_path, "SELECT count(*) FROM event_log WHERE event_type = 'command'"), 2);
  CAF_CHECK_EQUAL(
      query_int(save_path, "SELECT min(tick) FROM event_log WHERE event_type = 'command'"), 1);
  World reference(generate_world(test::small_world()));
  for (Tick t = 1; t <= 10; ++t)
    run_tick_sequential(reference, t == 1 ? std::vector<Command>{a, b} : std::vector<Command>{});
  CAF_CHECK_EQUAL(s.state_hash, reference.meta().state_hash);
  const Nation n4 = *game.world->nation(4);
  CAF_CHECK_EQUAL(n4.tax_level, 4);
}

CAF_TEST(a coordinator that keeps crashing comes back paused) {
  start(10, faults({"coordinator@4:poison"}));
  GameStatus s = play_to_end();
  CAF_CHECK_EQUAL(s.committed_tick, 3);
  CAF_CHECK_EQUAL(s.speed, kPausedSpeed);
  CAF_CHECK(s.last_error.find("coordinator keeps crashing") != std::string::npos);
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "supervisor_escalated"), 1);
  CAF_CHECK_EQUAL(info(ActorKind::coordinator, 0).restarts, 4);
}

CAF_TEST(admin kill and restart bring actors back without changing the game) {
  start(25);
  set_speed(kMaxSpeed);
  for (int i = 0; i < 150 && sched.try_run_once(); ++i) {}
  self->send(game.root, kill_atom::value, ActorKey{ActorKind::nation, 6},
             std::string("admin test"));
  self->send(game.root, restart_atom::value, ActorKey{ActorKind::nation, 7});
  run();
  const GameStatus s = status();
  CAF_CHECK_EQUAL(s.committed_tick, 25);
  CAF_CHECK(s.last_error.empty());
  CAF_CHECK_EQUAL(s.state_hash, reference_hash(25));
  const ActorInfo six = info(ActorKind::nation, 6);
  const ActorInfo seven = info(ActorKind::nation, 7);
  CAF_CHECK_EQUAL(six.generation, 2u);
  CAF_CHECK(six.last_crash.find("admin test") != std::string::npos);
  CAF_CHECK_EQUAL(seven.generation, 2u);
  // Unknown actors are refused.
  auto rh = self->request(game.root, caf::infinite, kill_atom::value,
                          ActorKey{ActorKind::nation, 999}, std::string("nope"));
  run();
  bool refused = false;
  rh.receive([](caf::ok_atom) {}, [&](caf::error&) { refused = true; });
  CAF_CHECK(refused);
}

CAF_TEST(the admin API lists every supervised actor) {
  start(1);
  const auto list = actors();
  int nations = 0, persistence = 0, coordinator = 0;
  for (const auto& a : list) {
    nations += a.kind == "nation";
    persistence += a.kind == "persistence";
    coordinator += a.kind == "coordinator";
    CAF_CHECK(a.running);
    CAF_CHECK_EQUAL(a.generation, 1u);
  }
  CAF_CHECK_EQUAL(nations, 12);
  CAF_CHECK_EQUAL(persistence, 1);
  CAF_CHECK_EQUAL(coordinator, 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
