// The actors on CAF's deterministic test scheduler: one tick's message flow,
// merge order, war actors coming and going, commit failures and stopping.
#define CAF_SUITE actors
#define FAIL(msg) CAF_FAIL(msg)  // CAF 0.17.6's dsl.hpp uses FAIL without defining it
#include <caf/test/dsl.hpp>

#include <sqlite3.h>

#include "actors/errors.h"
#include "actors/game.h"
#include "persistence/save_reader.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "test_support.h"

using namespace hegemon;

namespace {

// Runs a statement on its own connection, as an operator with sqlite3 would.
void exec_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  CAF_REQUIRE_EQUAL(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* msg = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) CAF_FAIL("sql failed: " << (msg ? msg : "?"));
  sqlite3_free(msg);
  sqlite3_close(db);
}

int64_t query_int(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  CAF_REQUIRE_EQUAL(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  CAF_REQUIRE_EQUAL(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
  CAF_REQUIRE_EQUAL(sqlite3_step(stmt), SQLITE_ROW);
  const int64_t v = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return v;
}

struct fixture : test_coordinator_fixture<> {
  test::TempDir dir;
  std::string save_path = dir.file("game.db");
  Game game;

  void start(int32_t speed, Tick run_ticks, WorldParams params = test::small_world()) {
    GameOptions options;
    options.save_path = save_path;
    options.new_world = params;
    options.coordinator.speed = speed;
    options.coordinator.run_ticks = run_ticks;
    options.detached_persistence = false;
    auto started = start_game(sys, options);
    CAF_REQUIRE(started.ok());
    game = *started;
  }

  GameStatus status() { return request<GameStatus>(game.coordinator, status_atom::value); }

  ~fixture() override {
    caf::anon_send_exit(game.coordinator, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(game.persistence, caf::exit_reason::user_shutdown);
    run();
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(actors_tests, fixture)

CAF_TEST(one tick plans every nation then merges and commits) {
  start(kPausedSpeed, 1);
  const auto nations = game.world->living_nations();
  run();
  const GameStatus paused = status();
  CAF_CHECK_EQUAL(paused.tick, 0);  // paused: nothing happens

  self->send(game.coordinator, speed_atom::value, kMaxSpeed);
  expect((speed_atom, int32_t), from(self).to(game.coordinator).with(_, kMaxSpeed));
  expect((next_atom, uint64_t), from(game.coordinator).to(game.coordinator));
  // The coordinator asks every living nation for its plan at once: one job
  // per nation actor is ready, and each of them plans.
  CAF_CHECK_EQUAL(sched.jobs.size(), nations.size());
  for (size_t i = 0; i < nations.size(); ++i) CAF_CHECK(sched.try_run_once());
  // It collects the replies, merges, and hands the change set to persistence.
  for (size_t i = 0; i < nations.size(); ++i)
    expect((NationProposal), from(_).to(game.coordinator));
  expect((commit_atom, ChangeSetPtr), from(game.coordinator).to(game.persistence));
  expect((Tick, int64_t), from(game.persistence).to(game.coordinator).with(1, _));
  run();

  const GameStatus s = status();
  CAF_CHECK_EQUAL(s.tick, 1);
  CAF_CHECK_EQUAL(s.committed_tick, 1);
  CAF_CHECK(s.finished);
  CAF_CHECK_EQUAL(s.state_hash, game.world->recompute_hash());
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT tick FROM game"), 1);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT count(*) FROM ticks"), 2);  // ticks 0 and 1
}

CAF_TEST(reply order does not change the result) {
  // Reference: the same ticks run sequentially on a fresh copy of the world.
  const Tick ticks = 40;
  World reference(generate_world(test::small_world()));
  for (Tick t = 0; t < ticks; ++t) run_tick_sequential(reference);

  start(kMaxSpeed, ticks);
  // Run the actor with the most recently scheduled job first: replies arrive
  // in reverse order of the requests.
  while (sched.try_run_once_lifo()) {
  }
  run();
  const GameStatus s = status();
  CAF_REQUIRE_EQUAL(s.tick, ticks);
  CAF_CHECK_EQUAL(s.state_hash, reference.meta().state_hash);
}

CAF_TEST(war actors are spawned at declaration and stopped at peace) {
  // Run until the first war is declared, then until it ends, counting actors.
  start(kMaxSpeed, 3000);
  const size_t base = sys.registry().running();
  size_t max_running = base;
  Tick war_seen_at = -1;
  while (sched.try_run_once() || sched.trigger_timeout()) {
    max_running = std::max(max_running, sys.registry().running());
    if (war_seen_at < 0 && !game.world->active_wars().empty()) war_seen_at = game.world->meta().tick;
  }
  const GameStatus s = status();
  CAF_REQUIRE(war_seen_at > 0);
  CAF_CHECK_GREATER(max_running, base);  // war actors existed at some point
  const int64_t ended = query_int(save_path, "SELECT count(*) FROM wars WHERE end_tick IS NOT NULL");
  CAF_CHECK_GREATER(ended, 0);
  // Running actors now: one per living nation and active war, plus the
  // coordinator, persistence and the test's own actor.
  const size_t expected = static_cast<size_t>(s.living_nations + s.active_wars) + 3;
  CAF_CHECK_EQUAL(sys.registry().running(), expected);
}

CAF_TEST(a failed commit pauses the game and resume retries it) {
  start(kPausedSpeed, 6);
  exec_sql(save_path,
           "CREATE TRIGGER fail_tick BEFORE INSERT ON ticks WHEN NEW.tick = 3 "
           "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
  self->send(game.coordinator, speed_atom::value, kMaxSpeed);
  run();
  GameStatus s = status();
  CAF_CHECK_EQUAL(s.committed_tick, 2);
  CAF_CHECK_EQUAL(s.speed, kPausedSpeed);
  CAF_CHECK(s.last_error.find("injected failure") != std::string::npos);
  CAF_CHECK(s.last_error.find("tick 3") != std::string::npos);
  CAF_CHECK_GREATER_OR_EQUAL(s.uncommitted, 1);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT tick FROM game"), 2);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT count(*) FROM ticks WHERE tick >= 3"), 0);

  exec_sql(save_path, "DROP TRIGGER fail_tick;");
  self->send(game.coordinator, resume_atom::value);
  run();
  s = status();
  CAF_CHECK(s.last_error.empty());
  CAF_CHECK_EQUAL(s.committed_tick, 6);
  CAF_CHECK(s.finished);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT count(*) FROM ticks WHERE tick BETWEEN 1 AND 6"), 6);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT tick FROM game"), 6);
}

CAF_TEST(stop commits everything and checkpoints) {
  start(kMaxSpeed, 0);  // no limit: only stop ends it
  for (int i = 0; i < 500 && sched.try_run_once(); ++i) {
  }
  auto rh = self->request(game.coordinator, caf::infinite, stop_atom::value);
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
  start(kMaxSpeed, 25);
  run();
  const std::string copy = dir.file("copy.db");
  auto rh = self->request(game.coordinator, caf::infinite, save_as_atom::value, copy);
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
  auto ck = self->request(game.coordinator, caf::infinite, checkpt_atom::value);
  run();
  bool checkpointed = false;
  ck.receive([&](caf::ok_atom) { checkpointed = true; },
             [&](caf::error& err) { CAF_FAIL("save failed: " << describe(err)); });
  CAF_CHECK(checkpointed);
}

CAF_TEST(speed requests are validated) {
  start(kPausedSpeed, 1);
  auto rh = self->request(game.coordinator, caf::infinite, speed_atom::value, int32_t{9});
  run();
  bool refused = false;
  rh.receive([](caf::ok_atom) {}, [&](caf::error& err) {
    refused = describe(err).find("speed") != std::string::npos;
  });
  CAF_CHECK(refused);
  const GameStatus s = status();
  CAF_CHECK_EQUAL(s.speed, kPausedSpeed);
}

CAF_TEST_FIXTURE_SCOPE_END()
