// The server's own record (schema/009_audit_log.sql): incidents go to
// audit_log, never to the game's event_log; a rollback keeps them; a save
// from before version 9 has its incidents moved there, in order.
#define CAF_SUITE audit_log

#include <caf/test/unit_test.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "persistence/save_file.h"
#include "rules/events.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "schema/migrations.h"
#include "state/world.h"
#include "test_support.h"

using namespace hegemon;

namespace {

// A save of a small world played to tick 30, with its snapshot at tick 10.
std::string played(const test::TempDir& dir, WorldSnapshot* at10) {
  const std::string path = dir.file("game.db");
  auto save = SaveFile::open(path);
  CAF_REQUIRE(save.ok());
  World w(generate_world(test::small_world(7)));
  CAF_REQUIRE((*save)->create_world(w.snapshot()).ok());
  for (int t = 1; t <= 30; ++t) {
    CAF_REQUIRE((*save)->commit(run_tick_sequential(w)).ok());
    if (t == 10) *at10 = w.snapshot();
  }
  return path;
}

}  // namespace

CAF_TEST(incidents go to audit_log and a rollback keeps them) {
  test::TempDir dir;
  WorldSnapshot at10;
  const std::string path = played(dir, &at10);
  const int64_t game_events = test::query_int(path, "SELECT count(*) FROM event_log");
  {
    auto save = SaveFile::open(path);
    CAF_REQUIRE(save.ok());
    CAF_REQUIRE((*save)->log_incident(Event{25, "actor_crashed", "{\"id\":3}"}).ok());
    CAF_REQUIRE((*save)->log_incident(Event{31, "game_paused", "{\"tick\":31}"}).ok());
    CAF_REQUIRE((*save)->rollback_to(at10).ok());
  }
  CAF_CHECK_EQUAL(test::query_int(path, "SELECT tick FROM game"), 10);
  // The game's history after tick 10 is gone ...
  CAF_CHECK_EQUAL(test::query_int(path, "SELECT count(*) FROM event_log WHERE tick > 10"), 0);
  CAF_CHECK_LESS(test::query_int(path, "SELECT count(*) FROM event_log"), game_events);
  // ... and the incidents of ticks 25 and 31 are not.
  CAF_CHECK_EQUAL(test::count_incidents(path, "actor_crashed"), 1);
  CAF_CHECK_EQUAL(test::count_incidents(path, "game_paused"), 1);
  CAF_CHECK_EQUAL(test::query_int(path, "SELECT count(*) FROM event_log WHERE event_type IN "
                                        "('actor_crashed', 'game_paused')"),
                  0);
}

CAF_TEST(a save from before version 9 has its incidents moved in order) {
  CAF_REQUIRE_EQUAL(latest_schema_version(), 9);  // a new migration: extend the downgrade
  test::TempDir dir;
  WorldSnapshot at10;
  const std::string path = played(dir, &at10);
  // Version 8's shape: no audit_log, incidents among the game's events.
  test::exec_sql(path,
                 "DROP TABLE audit_log; PRAGMA user_version = 8;"
                 " INSERT INTO event_log (tick, event_type, event_data) VALUES"
                 " (5, 'actor_crashed', '{\"id\":1}'), (6, 'actor_restarted', '{\"id\":1}'),"
                 " (40, 'game_paused', '{\"tick\":40}')");
  const int64_t before = test::query_int(path, "SELECT count(*) FROM event_log");
  {
    auto save = SaveFile::open(path);  // migrates
    CAF_REQUIRE(save.ok());
    CAF_REQUIRE((*save)->load_world().ok());
  }
  CAF_CHECK_EQUAL(test::query_int(path, "PRAGMA user_version"), 9);
  CAF_CHECK_EQUAL(test::query_int(path, "SELECT count(*) FROM event_log"), before - 3);
  CAF_CHECK_EQUAL(test::query_text(path, "SELECT group_concat(event_type || '@' || tick) FROM "
                                         "(SELECT * FROM audit_log ORDER BY id)"),
                  "actor_crashed@5,actor_restarted@6,game_paused@40");
}

CAF_TEST(docs / EVENTS.md documents exactly the event types the code writes) {
  std::ifstream in(std::string(HEGEMON_SOURCE_DIR) + "/docs/EVENTS.md");
  CAF_REQUIRE(in.good());
  std::set<std::string> documented;
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("### ", 0) == 0) documented.insert(line.substr(4));
  std::set<std::string> written;
  for (const char* t : events::kGameEvents) written.insert(t);
  for (const char* t : events::kIncidents) written.insert(t);
  for (const char* t : events::kOperatorActions) written.insert(t);
  for (const std::string& t : written)
    if (!documented.count(t)) CAF_FAIL("docs/EVENTS.md does not document " << t);
  for (const std::string& t : documented)
    if (!written.count(t)) CAF_FAIL("docs/EVENTS.md documents " << t << ", which nothing writes");
  CAF_CHECK_EQUAL(documented.size(), written.size());
}
