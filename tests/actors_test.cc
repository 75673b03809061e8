// The actors on CAF's deterministic test scheduler: one tick's message flow,
// merge order, war actors coming and going, commit failures and stopping.
#define CAF_SUITE actors
#include "game_fixture.h"  // includes caf/test/dsl.hpp

#include "actors/errors.h"
#include "actors/game.h"
#include "persistence/save_reader.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "command_builders.h"
#include "rules/commands.h"
#include "rules/phases.h"
#include "state/command_json.h"
#include "state/world_limits.h"
#include "test_support.h"

using namespace hegemon;

using test::exec_sql;
using test::query_int;
using game_fixture = test::game_fixture;

CAF_TEST_FIXTURE_SCOPE(actors_tests, game_fixture)

CAF_TEST(one tick plans every nation with work then merges and commits) {
  start(1);
  // On an ordinary day of a fresh world every nation is idle
  // (nation_idle_today): it would propose nothing and is not asked. Nations
  // with a command for the tick have work.
  for (NationId id : game.world->living_nations())
    CAF_REQUIRE(nation_idle_today(*game.world, *game.world->nation(id), 1, {}));
  const std::vector<NationId> busy{3, 7, 9};
  for (NationId id : busy) request<Command>(game.root, command_atom::value, test::set_tax(id, 4));
  const GameStatus paused = status();
  CAF_CHECK_EQUAL(paused.tick, 0);  // paused: nothing happens

  set_speed(kMaxSpeed);
  expect((speed_atom, int32_t), from(self).to(game.root).with(_, kMaxSpeed));
  expect((speed_atom, int32_t), from(game.root).to(coordinator).with(_, kMaxSpeed));
  expect((next_atom, uint64_t), from(coordinator).to(coordinator));
  expect((caf::ok_atom), from(coordinator).to(game.root));  // the speed request's answer
  // The coordinator asks every nation with work for its plan at once: one job
  // per nation actor is ready, and each of them plans.
  CAF_CHECK_EQUAL(sched.jobs.size(), busy.size());
  for (size_t i = 0; i < busy.size(); ++i) CAF_CHECK(sched.try_run_once());
  // It collects the replies, merges, and hands the change set to persistence.
  for (size_t i = 0; i < busy.size(); ++i) expect((NationProposal), from(_).to(coordinator));
  expect((commit_atom, ChangeSetPtr), from(coordinator).to(persistence));
  // Persistence writes the commits waiting when its flush comes up (group commit).
  expect((flush_atom), from(persistence).to(persistence));
  expect((Tick, int64_t), from(persistence).to(coordinator).with(1, _));
  run();

  const GameStatus s = status();
  CAF_CHECK_EQUAL(s.tick, 1);
  CAF_CHECK_EQUAL(s.committed_tick, 1);
  CAF_CHECK(s.finished);
  CAF_CHECK_EQUAL(s.state_hash, game.world->recompute_hash());
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT tick FROM game"), 1);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT count(*) FROM ticks"), 2);  // ticks 0 and 1
  for (NationId id : busy) {  // their commands took effect
    CAF_CHECK_EQUAL(
        query_int(save_path, "SELECT tax_level FROM nations WHERE id = " + std::to_string(id)), 4);
  }
}

CAF_TEST(reply order does not change the result) {
  // Reference: the same ticks run sequentially on a fresh copy of the world.
  const Tick ticks = 40;
  World reference(generate_world(test::small_world()));
  for (Tick t = 0; t < ticks; ++t) run_tick_sequential(reference);

  start(ticks);
  set_speed(kMaxSpeed);
  // Run the actor with the most recently scheduled job first: replies arrive
  // in reverse order of the requests.
  while (sched.try_run_once_lifo()) {}
  run();
  const GameStatus s = status();
  CAF_REQUIRE_EQUAL(s.tick, ticks);
  CAF_CHECK_EQUAL(s.state_hash, reference.meta().state_hash);
}

CAF_TEST(war actors are spawned at declaration and stopped at peace) {
  // Run until the first war is declared, then until it ends, counting actors.
  start(3000);
  set_speed(kMaxSpeed);
  const size_t base = sys.registry().running();
  size_t max_running = base;
  Tick war_seen_at = -1;
  while (sched.try_run_once() || sched.trigger_timeout()) {
    max_running = std::max(max_running, sys.registry().running());
    if (war_seen_at < 0 && !game.world->active_wars().empty())
      war_seen_at = game.world->meta().tick;
  }
  const GameStatus s = status();
  CAF_REQUIRE(war_seen_at > 0);
  CAF_CHECK_GREATER(max_running, base);  // war actors existed at some point
  const int64_t ended =
      query_int(save_path, "SELECT count(*) FROM wars WHERE end_tick IS NOT NULL");
  CAF_CHECK_GREATER(ended, 0);
  // Running actors now: one per living nation and active war, plus the game
  // supervisor, its three supervisors, the coordinator, the publisher, persistence and the
  // test's own actor.
  const size_t expected = static_cast<size_t>(s.living_nations + s.active_wars) + 8;
  CAF_CHECK_EQUAL(sys.registry().running(), expected);
  // Wars that ended at peace were retired, not restarted.
  int wars_listed = 0;
  for (const auto& a : actors()) {
    CAF_CHECK_EQUAL(a.restarts, 0);
    if (a.kind == "war") ++wars_listed;
  }
  CAF_CHECK_EQUAL(wars_listed, s.active_wars);
  CAF_CHECK_EQUAL(
      query_int(save_path, "SELECT count(*) FROM audit_log WHERE event_type = 'actor_restarted'"),
      0);
}

CAF_TEST(a failed commit pauses the game and resume retries it) {
  start(6);
  exec_sql(save_path,
           "CREATE TRIGGER fail_tick BEFORE INSERT ON ticks WHEN NEW.tick = 3 "
           "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
  set_speed(kMaxSpeed);
  run();
  GameStatus s = status();
  // Ticks that queued up together go to the save in one transaction (group
  // commit). When the save refuses one of them, the ticks before it are
  // committed one by one: the save ends at tick 2, as without grouping, and
  // holds nothing of tick 3 or later.
  CAF_CHECK_EQUAL(s.committed_tick, 2);
  CAF_CHECK_EQUAL(s.speed, kPausedSpeed);
  CAF_CHECK(s.last_error.find("injected failure") != std::string::npos);
  CAF_CHECK(s.last_error.find("tick 3") != std::string::npos);
  CAF_CHECK_GREATER_OR_EQUAL(s.uncommitted, 1);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT tick FROM game"), s.committed_tick);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT count(*) FROM ticks WHERE tick >= 3"), 0);

  exec_sql(save_path, "DROP TRIGGER fail_tick;");
  self->send(game.root, resume_atom::value);
  run();
  s = status();
  CAF_CHECK(s.last_error.empty());
  CAF_CHECK_EQUAL(s.committed_tick, 6);
  CAF_CHECK(s.finished);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT count(*) FROM ticks WHERE tick BETWEEN 1 AND 6"), 6);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT tick FROM game"), 6);
}

CAF_TEST(stop commits everything and checkpoints) {
  start(0);  // no limit: only stop ends it
  set_speed(kMaxSpeed);
  for (int i = 0; i < 500 && sched.try_run_once(); ++i) {}
  auto rh = self->request(game.root, caf::infinite, stop_atom::value);
  run();
  Tick stopped_at = -1;
  rh.receive([&](Tick t) { stopped_at = t; },
             [&](caf::error& err) { CAF_FAIL("stop failed: " << describe(err)); });
  CAF_CHECK_GREATER(stopped_at, 0);
  const GameStatus s = status();
  CAF_CHECK_EQUAL(s.tick, stopped_at);
  CAF_CHECK_EQUAL(s.committed_tick, stopped_at);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT tick FROM game"), stopped_at);
}

CAF_TEST(save as writes a consistent copy that opens at the committed tick) {
  start(25);
  set_speed(kMaxSpeed);
  run();
  const std::string copy = dir.file("copy.db");
  auto rh = self->request(game.root, caf::infinite, save_as_atom::value, copy);
  run();
  bool saved = false;
  rh.receive([&](caf::ok_atom) { saved = true; },
             [&](caf::error& err) { CAF_FAIL("save as failed: " << describe(err)); });
  CAF_REQUIRE(saved);
  auto reopened = SaveFile::open(copy, SaveOptions{});
  CAF_REQUIRE(reopened.ok());
  auto world = (*reopened)->load_world();
  CAF_REQUIRE(world.ok());
  const Tick copy_tick = world->meta.tick;
  CAF_CHECK_EQUAL(copy_tick, 25);
  const uint64_t copy_hash = World(*world).meta().state_hash;
  CAF_CHECK_EQUAL(copy_hash, game.world->meta().state_hash);
  // "save" is a checkpoint of the live file.
  auto ck = self->request(game.root, caf::infinite, checkpt_atom::value);
  run();
  bool checkpointed = false;
  ck.receive([&](caf::ok_atom) { checkpointed = true; },
             [&](caf::error& err) { CAF_FAIL("save failed: " << describe(err)); });
  CAF_CHECK(checkpointed);
}

// A save whose counters are near the limits a load accepts (a hand-edited
// save may be, issue #13): the game must pause before a tick could carry
// them past, or the save would be refused by its own next load.
namespace {
void create_save_near_limits(const std::string& path, Tick tick, ArmyId next_army_id) {
  WorldSnapshot near = generate_world(test::small_world());
  near.meta.tick = tick;
  near.meta.next_army_id = next_army_id;
  World w(near);
  auto save = SaveFile::open(path, SaveOptions{});
  CAF_REQUIRE(save.ok());
  CAF_REQUIRE((*save)->create_world(w.snapshot()).ok());
}

bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}
}  // namespace

CAF_TEST(a game pauses at the last tick a save can hold and its save still opens) {
  create_save_near_limits(save_path, kMaxTick - 3, 100);
  start(0);
  set_speed(kMaxSpeed);
  run();
  GameStatus s = status();
  CAF_CHECK_EQUAL(s.committed_tick, kMaxTick);
  CAF_CHECK_EQUAL(s.speed, kPausedSpeed);
  CAF_CHECK(mentions(s.last_error, "the limit a save can hold: the tick"));
  // Resuming cannot get past it either.
  self->send(game.root, resume_atom::value);
  run();
  s = status();
  CAF_CHECK_EQUAL(s.committed_tick, kMaxTick);
  CAF_CHECK_EQUAL(s.speed, kPausedSpeed);
  CAF_CHECK(mentions(s.last_error, "the limit a save can hold"));
  auto reader = SaveReader::open(save_path);
  CAF_REQUIRE(reader.ok());
  auto loaded = (*reader)->load_world();
  CAF_REQUIRE(loaded.ok());
  CAF_CHECK_EQUAL(loaded->meta.tick, kMaxTick);
}

CAF_TEST(a game pauses before a tick could take army ids past the limit) {
  const int64_t nations = test::small_world().nations;
  create_save_near_limits(save_path, 0,
                          static_cast<ArmyId>(kMaxEntityId - max_new_armies_per_tick(nations) + 1));
  start(0);
  set_speed(kMaxSpeed);
  run();
  const GameStatus s = status();
  CAF_CHECK_EQUAL(s.committed_tick, 0);
  CAF_CHECK_EQUAL(s.speed, kPausedSpeed);
  CAF_CHECK(mentions(s.last_error, "next_army_id"));
  auto reader = SaveReader::open(save_path);
  CAF_REQUIRE(reader.ok());
  CAF_CHECK((*reader)->load_world().ok());
}

CAF_TEST(speed requests are validated) {
  start(1);
  auto rh = self->request(game.root, caf::infinite, speed_atom::value, int32_t{9});
  run();
  bool refused = false;
  rh.receive([](caf::ok_atom) {},
             [&](caf::error& err) { refused = describe(err).find("speed") != std::string::npos; });
  CAF_CHECK(refused);
  const GameStatus s = status();
  CAF_CHECK_EQUAL(s.speed, kPausedSpeed);
}

CAF_TEST(commands through the in - process API apply at the next tick and are logged) {
  start(5);
  const Command first = request<Command>(game.root, command_atom::value, test::set_player(2));
  const Command second = request<Command>(game.root, command_atom::value, test::set_tax(2, 0));
  CAF_CHECK_EQUAL(first.tick, 1);  // paused at tick 0: the next tick to start
  CAF_CHECK_EQUAL(second.tick, 1);
  CAF_CHECK_EQUAL(second.seq, first.seq + 1);

  // A command that cannot apply is refused with the reason and changes nothing.
  auto rh =
      self->request(game.root, caf::infinite, command_atom::value, test::move_army(2, 99999, {1}));
  run();
  std::string reason;
  rh.receive([](Command&) {}, [&](caf::error& err) { reason = describe(err); });
  CAF_CHECK(reason.find("army 99999 is not an army of nation 2") != std::string::npos);

  set_speed(kMaxSpeed);
  run();
  const GameStatus s = status();
  CAF_REQUIRE_EQUAL(s.committed_tick, 5);
  const Nation n2 = *game.world->nation(2);
  CAF_CHECK(n2.player);
  CAF_CHECK_EQUAL(n2.tax_level, 0);  // the AI no longer sets it
  CAF_CHECK_EQUAL(query_int(save_path,
                            "SELECT count(*) FROM event_log WHERE event_type = 'command'"
                            " AND tick = 1"),
                  2);
  CAF_CHECK_EQUAL(
      query_int(save_path, "SELECT count(*) FROM event_log WHERE event_type = 'command'"), 2);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT player FROM nations WHERE id = 2"), 1);

  // The reference: the same commands at the same tick, without actors.
  World reference(generate_world(test::small_world()));
  auto read = SaveReader::open(save_path);
  CAF_REQUIRE(read.ok());
  auto logged = (*read)->commands_between(0, 5);
  CAF_REQUIRE(logged.ok());
  CAF_REQUIRE_EQUAL(logged->size(), 2u);
  CAF_CHECK((*logged)[0] == first);
  CAF_CHECK((*logged)[1] == second);
  auto last_seq = (*read)->last_command_seq();
  CAF_REQUIRE(last_seq.ok());
  CAF_CHECK_EQUAL(*last_seq, second.seq);
  for (Tick t = 1; t <= 5; ++t)
    run_tick_sequential(reference, t == 1 ? *logged : std::vector<Command>{});
  CAF_CHECK_EQUAL(s.state_hash, reference.meta().state_hash);
}

CAF_TEST_FIXTURE_SCOPE_END()
