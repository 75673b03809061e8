#define CAF_SUITE persistence
#include <caf/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "state/hash_hex.h"
#include "persistence/migrate.h"
#include "persistence/save_file.h"
#include "persistence/save_reader.h"
#include "persistence/sqlite.h"
#include "schema/migrations.h"
#include "state/change_recorder.h"
#include "state/state_hash.h"
#include "state/world.h"
#include "line_world.h"
#include "test_support.h"

using namespace hegemon;

namespace {

// ---- assertions on errors-as-values ----

Status status_of(const Status& s) { return s; }
template <class T>
Status status_of(const Result<T>& r) {
  return r.status();
}

// Fails the test with the error's own message (Status::message() is "ok" when ok).
#define REQUIRE_OK(expr)                                              \
  do {                                                                \
    const std::string require_ok_message = status_of(expr).message(); \
    CAF_REQUIRE_EQUAL(require_ok_message, std::string("ok"));         \
  } while (false)

using hegemon::test::contains;

// ---- worlds ----

// A hand-built world that exercises every column encoding: 5 provinces in a
// row (one unowned, one occupied, mixed terrain), 3 nations (one dead, two at
// war), 2 armies (one marching), 1 active war.
WorldSnapshot tiny_world() {
  std::vector<ProvinceInfo> pinfo = test::line_provinces(5);
  for (ProvinceInfo& info : pinfo) {
    info.name = "Province " + std::to_string(info.id);
    info.terrain = static_cast<Terrain>(info.id % kTerrainCount);
    info.y = info.id / 3;
  }
  std::vector<NationInfo> ninfo{
      {1, "Aragon", 0xff0000, 70}, {2, "Bohemia", 0x00a0ff, 30}, {3, "Cyprus", 0x0000ff, 50}};
  WorldSnapshot s;
  s.map = std::make_shared<WorldMap>(WorldParams{0xfedcba9876543210ull, 5, 3}, pinfo, ninfo);
  s.provinces = {
      Province{1, 1, 1, 3, 1, 0},
      Province{2, 1, 1, 2, 2, 0},
      Province{3, 2, 2, 5, 3, 0},
      Province{4, 2, 1, 1, 4, 6},  // occupied by nation 1 after a 6-day siege
      Province{5, kNoNation, kNoNation, 1, 0, 0},
  };
  s.nations = {
      Nation{1, true, 1, 150, 1, 1000, 2, 1, -1},
      Nation{2, true, 3, -20, -1, 800, 3, 1, -1, true},  // a player's
      Nation{3, false, 0, 0, -3, 0, 0, 0, 0},
  };
  s.armies = {Army{1, 1, 1, 1000, 90, 2, {2, 3}}, Army{2, 2, 4, 800, 100, 0, {}}};
  s.wars = {War{1, 1, 2, 0, -1, 5, 2, 2, kNoNation, 0}};  // Bohemia offers white peace
  s.meta.next_army_id = 3;
  s.meta.next_war_id = 2;
  s.meta.state_hash = full_state_hash(s);
  return s;
}

// Plays one scripted tick on `w` and returns its change set. Ticks 1-3 touch
// every kind of row; later ticks wear an army down and stir some unrest.
ChangeSet play_tick(World& w) {
  const Tick t = w.meta().tick + 1;
  ChangeRecorder rec(w, t);
  if (t == 1) {  // Bohemia takes province 2; Aragon's army marches on
    Province p = *w.province(2);
    p.owner = p.controller = 2;
    rec.put(p);
    Army a = *w.army(1);
    a.location = 2;
    a.path = {3};
    a.move_progress = 0;
    rec.put(a);
    rec.add(make_event(t, "province_conquered", {{"province", 2}, {"by", 2}}));
  } else if (t == 2) {  // peace; Bohemia disbands one army and raises another
    War war = *w.war(1);
    war.end_tick = t;
    war.clear_peace_offer();
    rec.put(war);
    for (NationId id : {1, 2}) {
      Nation n = *w.nation(id);
      n.war = 0;
      n.last_peace_tick = t;
      rec.put(n);
    }
    rec.remove_army(2);
    rec.put(Army{rec.allocate_army_id(), 2, 3, 500, 100, 0, {}});
    rec.add(make_event(t, "peace", {{"war", 1}}));
  } else if (t == 3) {  // development and unrest; a new war
    Province p = *w.province(3);
    p.development += 1;
    rec.put(p);
    Province q = *w.province(1);
    q.unrest = 7;
    rec.put(q);
    const WarId id = rec.allocate_war_id();
    rec.put(War{id, 2, 1, t, -1, 0, 0});
    for (NationId n_id : {1, 2}) {
      Nation n = *w.nation(n_id);
      n.war = id;
      rec.put(n);
    }
    rec.add(make_event(t, "war_declared", {{"war", id}, {"attacker", 2}, {"defender", 1}}));
  } else {
    Army a = *w.army(1);
    a.strength -= 10;
    rec.put(a);
    Province p = *w.province(5);
    p.unrest = static_cast<int32_t>(t % 100);
    rec.put(p);
    rec.add(make_event(t, "attrition", {{"army", 1}, {"losses", 10}}));
  }
  return rec.finish();
}

bool same_map(const WorldMap& a, const WorldMap& b) {
  if (a.params().seed != b.params().seed || a.params().provinces != b.params().provinces ||
      a.params().nations != b.params().nations) {
    return false;
  }
  if (a.provinces().size() != b.provinces().size() || a.nations().size() != b.nations().size()) {
    return false;
  }
  for (size_t i = 0; i < a.provinces().size(); ++i) {
    const ProvinceInfo& x = a.provinces()[i];
    const ProvinceInfo& y = b.provinces()[i];
    if (x.id != y.id || x.name != y.name || x.terrain != y.terrain || x.x != y.x || x.y != y.y ||
        x.neighbors != y.neighbors) {
      return false;
    }
  }
  for (size_t i = 0; i < a.nations().size(); ++i) {
    const NationInfo& x = a.nations()[i];
    const NationInfo& y = b.nations()[i];
    if (x.id != y.id || x.name != y.name || x.color != y.color || x.aggression != y.aggression) {
      return false;
    }
  }
  return true;
}

void check_same_world(const WorldSnapshot& loaded, const WorldSnapshot& expected) {
  CAF_REQUIRE(loaded.map != nullptr);
  CAF_CHECK(same_map(*loaded.map, *expected.map));
  CAF_CHECK(loaded.meta == expected.meta);
  CAF_CHECK(loaded.provinces == expected.provinces);
  CAF_CHECK(loaded.nations == expected.nations);
  CAF_CHECK(loaded.armies == expected.armies);
  CAF_CHECK(loaded.wars == expected.wars);
  const uint64_t recomputed = full_state_hash(loaded);
  const uint64_t stored = loaded.meta.state_hash;
  CAF_CHECK_EQUAL(recomputed, stored);
}

// ---- looking into a save from the side, through a connection of our own ----

Database connect(const std::string& path) {
  Result<Database> db = Database::open(path, test::kOpenReadWrite);
  REQUIRE_OK(db);
  // A read-write connection parses Hegemon's schema only trusted (sqlite.h).
  REQUIRE_OK(db->trust_schema());
  return std::move(*db);
}

int64_t sql_int(const std::string& path, const std::string& sql) {
  Database db = connect(path);
  Result<int64_t> v = db.query_int64(sql);
  REQUIRE_OK(v);
  return *v;
}

std::string sql_text(const std::string& path, const std::string& sql) {
  Database db = connect(path);
  Result<std::string> v = db.query_text(sql);
  REQUIRE_OK(v);
  return *v;
}

// As the operator's sqlite3 would: Hegemon's own connections refuse to
// create triggers (persistence/connection_guard.h).
void sql_exec(const std::string& path, const std::string& sql) { test::exec_sql(path, sql); }

// Every row of every table, as text: two dumps are equal iff the data is.
std::string dump_tables(const std::string& path) {
  Database db = connect(path);
  std::vector<std::string> tables;
  {
    Result<Statement> s =
        db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    REQUIRE_OK(s);
    for (Result<bool> row = s->step(); row.ok() && *row; row = s->step()) {
      tables.push_back(s->column_text(0));
    }
  }
  std::string out;
  for (const std::string& table : tables) {
    out += "== " + table + "\n";
    Result<Statement> s = db.prepare("SELECT * FROM \"" + table + "\" ORDER BY 1, 2");
    REQUIRE_OK(s);
    for (Result<bool> row = s->step(); row.ok() && *row; row = s->step()) {
      for (int c = 0; c < s->column_count(); ++c) {
        out += s->column_is_null(c) ? "NULL" : s->column_text(c);
        out += '|';
      }
      out += '\n';
    }
  }
  return out;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::unique_ptr<SaveFile> open_save(const std::string& path, const SaveOptions& options = {}) {
  Result<std::unique_ptr<SaveFile>> save = SaveFile::open(path, options);
  REQUIRE_OK(save);
  return std::move(*save);
}

// A save holding tiny_world() plus `ticks` committed ticks, and the live World
// that produced them.
struct PlayedSave {
  std::unique_ptr<SaveFile> save;
  std::unique_ptr<World> world;
  std::vector<ChangeSet> committed;  // committed[i] is tick i + 1
};

PlayedSave played_save(const std::string& path, int ticks) {
  PlayedSave p;
  p.save = open_save(path);
  p.world = std::make_unique<World>(tiny_world());
  REQUIRE_OK(p.save->create_world(p.world->snapshot()));
  for (int i = 0; i < ticks; ++i) {
    p.committed.push_back(play_tick(*p.world));
    Result<CommitOutcome> outcome = p.save->commit(p.committed.back());
    REQUIRE_OK(outcome);
    CAF_REQUIRE(*outcome == CommitOutcome::committed);
  }
  return p;
}

}  // namespace

CAF_TEST(hash hex is 16 lowercase digits and round trips) {
  CAF_CHECK_EQUAL(hash_to_hex(0), "0000000000000000");
  CAF_CHECK_EQUAL(hash_to_hex(0xfedcba9876543210ull), "fedcba9876543210");
  for (uint64_t h : {0ull, 1ull, 0x8000000000000000ull, ~0ull, 0x0123456789abcdefull}) {
    const std::optional<uint64_t> back = hash_from_hex(hash_to_hex(h));
    CAF_REQUIRE(back.has_value());
    CAF_CHECK_EQUAL(*back, h);
  }
  CAF_CHECK(!hash_from_hex("FEDCBA9876543210"));  // uppercase
  CAF_CHECK(!hash_from_hex("fedcba987654321"));   // 15 digits
  CAF_CHECK(!hash_from_hex("fedcba98765432100"));
  CAF_CHECK(!hash_from_hex("-edcba9876543210"));
}

CAF_TEST(embedded migrations are numbered from one) {
  const auto& all = schema_migrations();
  CAF_REQUIRE(!all.empty());
  for (size_t i = 0; i < all.size(); ++i) {
    const int version = all[i].version;
    CAF_CHECK_EQUAL(version, static_cast<int>(i + 1));
  }
  CAF_CHECK_EQUAL(latest_schema_version(), static_cast<int>(all.size()));
  CAF_CHECK(contains(all[0].sql, "CREATE TABLE province_history"));
}

CAF_TEST(a new save has the schema version and application id) {
  test::TempDir dir;
  const std::string path = dir.file("new.db");
  auto save = open_save(path);
  CAF_CHECK(!save->has_world());
  CAF_CHECK_EQUAL(save->last_tick(), -1);
  CAF_CHECK_EQUAL(sql_int(path, "PRAGMA user_version"), latest_schema_version());
  CAF_CHECK_EQUAL(sql_int(path, "PRAGMA application_id"), kHegemonApplicationId);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'event_log'"), 1);
  // Reopening an up-to-date save changes nothing.
  save.reset();
  auto again = open_save(path);
  CAF_CHECK_EQUAL(sql_int(path, "PRAGMA user_version"), latest_schema_version());
}

CAF_TEST(an older Hegemon save is migrated forward) {
  test::TempDir dir;
  const std::string path = dir.file("old.db");
  {
    // Version 0: what a Hegemon build before the first migration would leave.
    Result<Database> db = Database::open(path, test::kOpenReadWrite | test::kOpenCreate);
    REQUIRE_OK(db);
    REQUIRE_OK(db->exec("PRAGMA application_id = " + std::to_string(kHegemonApplicationId)));
  }
  CAF_CHECK(contains(SaveReader::open(path).status().message(), "open it for writing once"));
  auto save = open_save(path);
  CAF_CHECK_EQUAL(sql_int(path, "PRAGMA user_version"), latest_schema_version());
  REQUIRE_OK(save->create_world(tiny_world()));
  REQUIRE_OK(SaveReader::open(path));
}

CAF_TEST(create_world then load_world round trips every field) {
  test::TempDir dir;
  const std::string path = dir.file("world.db");
  const WorldSnapshot world = tiny_world();
  {
    auto save = open_save(path);
    REQUIRE_OK(save->create_world(world));
    CAF_CHECK(save->has_world());
    CAF_CHECK_EQUAL(save->last_tick(), 0);
    Result<WorldSnapshot> loaded = save->load_world();
    REQUIRE_OK(loaded);
    check_same_world(*loaded, world);
    // A second world in the same save is refused.
    const Status again = save->create_world(world);
    CAF_CHECK(contains(again.message(), "already holds a world"));
  }
  auto reopened = open_save(path);
  CAF_CHECK(reopened->has_world());
  Result<WorldSnapshot> loaded = reopened->load_world();
  REQUIRE_OK(loaded);
  check_same_world(*loaded, world);

  // The encodings, as SQL sees them.
  CAF_CHECK_EQUAL(sql_text(path, "SELECT state_hash FROM game"),
                  hash_to_hex(world.meta.state_hash));
  CAF_CHECK_EQUAL(sql_text(path, "SELECT date FROM game"), "1444-11-11");
  CAF_CHECK_EQUAL(sql_text(path, "SELECT params FROM game"),
                  "{\"seed\":18364758544493064720,\"provinces\":5,\"nations\":3}");
  CAF_CHECK_EQUAL(sql_int(path, "SELECT seed FROM game"),
                  static_cast<int64_t>(0xfedcba9876543210ull));
  CAF_CHECK_EQUAL(sql_text(path, "SELECT state_hash FROM ticks WHERE tick = 0"),
                  hash_to_hex(world.meta.state_hash));
  CAF_CHECK_EQUAL(sql_int(path, "SELECT count(*) FROM province_history WHERE tick = 0"), 5);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT count(*) FROM adjacency"), 8);  // 4 edges, both ways
  CAF_CHECK_EQUAL(sql_int(path, "SELECT owner_id IS NULL FROM provinces WHERE id = 5"), 1);
  CAF_CHECK_EQUAL(
      sql_int(path, "SELECT capital_id IS NULL AND war_id IS NULL FROM nations WHERE id = 3"), 1);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT last_peace_tick IS NULL FROM nations WHERE id = 1"), 1);
  CAF_CHECK_EQUAL(sql_text(path, "SELECT color FROM nations WHERE id = 2"), "#00a0ff");
  CAF_CHECK_EQUAL(sql_text(path, "SELECT terrain FROM provinces WHERE id = 3"), "mountains");
  CAF_CHECK_EQUAL(sql_text(path, "SELECT path FROM armies WHERE id = 1"), "[2,3]");
  CAF_CHECK_EQUAL(sql_int(path, "SELECT end_tick IS NULL FROM wars WHERE id = 1"), 1);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT player FROM nations WHERE id = 2"), 1);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT peace_offer_by FROM wars WHERE id = 1"), 2);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT peace_offer_winner IS NULL FROM wars WHERE id = 1"), 1);
}

CAF_TEST(create_world rejects a snapshot that does not match its map) {
  test::TempDir dir;
  auto save = open_save(dir.file("bad.db"));
  WorldSnapshot world = tiny_world();
  world.provinces.pop_back();
  const Status missing = save->create_world(world);
  CAF_CHECK(contains(missing.message(), "4 provinces but its map has 5"));
  WorldSnapshot ended_war = tiny_world();
  ended_war.wars[0].end_tick = 0;
  CAF_CHECK(contains(save->create_world(ended_war).message(), "active wars only"));
  WorldSnapshot twin_armies = tiny_world();
  twin_armies.armies[1].id = 1;
  CAF_CHECK(contains(save->create_world(twin_armies).message(), "unique id"));
  CAF_CHECK(!save->has_world());
  CAF_CHECK_EQUAL(sql_int(save->path(), "SELECT count(*) FROM provinces"), 0);
}

CAF_TEST(load_world detects a save whose tables do not match its hash) {
  test::TempDir dir;
  const std::string path = dir.file("tampered.db");
  {
    auto save = open_save(path);
    REQUIRE_OK(save->create_world(tiny_world()));
  }
  sql_exec(path, "UPDATE provinces SET unrest = 42 WHERE id = 1");
  auto save = open_save(path);
  const Status status = save->load_world().status();
  CAF_CHECK(contains(status.message(), "save is inconsistent at tick 0"));
  // The hash the tampered tables have is not told: it is all an attacker
  // would need to copy into game.state_hash.
  auto reader = SaveReader::open(path);
  REQUIRE_OK(reader);
  auto tables = (*reader)->load_world(/*verify_hash=*/false);
  REQUIRE_OK(tables);
  CAF_CHECK(!contains(status.message(), hash_to_hex(full_state_hash(*tables))));
}

CAF_TEST(committed ticks are in the tables and load back as the live world) {
  test::TempDir dir;
  const std::string path = dir.file("game.db");
  PlayedSave p = played_save(path, 5);
  CAF_CHECK_EQUAL(p.save->last_tick(), 5);

  // Rows as the change sets left them.
  CAF_CHECK_EQUAL(sql_int(path, "SELECT tick FROM game"), 5);
  CAF_CHECK_EQUAL(sql_text(path, "SELECT date FROM game"), "1444-11-16");
  CAF_CHECK_EQUAL(sql_int(path, "SELECT next_army_id FROM game"), 4);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT next_war_id FROM game"), 3);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT owner_id FROM provinces WHERE id = 2"), 2);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT development FROM provinces WHERE id = 3"), 6);
  CAF_CHECK_EQUAL(sql_text(path, "SELECT name FROM provinces WHERE id = 3"), "Province 3");
  CAF_CHECK_EQUAL(sql_text(path, "SELECT path FROM armies WHERE id = 1"), "[3]");
  CAF_CHECK_EQUAL(sql_int(path, "SELECT strength FROM armies WHERE id = 1"), 980);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT count(*) FROM armies WHERE id = 2"), 0);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT province_id FROM armies WHERE id = 3"), 3);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT count(*) FROM wars"), 2);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT end_tick FROM wars WHERE id = 1"), 2);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT war_id FROM nations WHERE id = 1"), 2);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT last_peace_tick FROM nations WHERE id = 2"), 2);
  CAF_CHECK_EQUAL(sql_text(path, "SELECT name || color FROM nations WHERE id = 1"),
                  "Aragon#ff0000");
  // Rows that kept their owner were written without touching the owner
  // indexes (ChangeSet::provinces_same_owner, armies_same_owner): the indexes
  // still agree with the tables.
  CAF_CHECK_EQUAL(sql_text(path, "PRAGMA integrity_check"), "ok");
  struct OwnerIndex {
    std::string table, index, column;
  };
  for (const OwnerIndex& o : {OwnerIndex{"provinces", "idx_provinces_owner", "owner_id"},
                              OwnerIndex{"armies", "idx_armies_nation", "nation_id"}}) {
    for (int owner : {1, 2}) {
      const std::string where = " WHERE " + o.column + " = " + std::to_string(owner);
      CAF_CHECK_EQUAL(
          sql_int(path, "SELECT count(*) FROM " + o.table + " INDEXED BY " + o.index + where),
          sql_int(path, "SELECT count(*) FROM " + o.table + " NOT INDEXED" + where));
    }
  }

  // One ticks row per tick, with the hash the tick was sealed with.
  CAF_CHECK_EQUAL(sql_int(path, "SELECT count(*) FROM ticks"), 6);
  for (const ChangeSet& cs : p.committed) {
    const std::string stored =
        sql_text(path, "SELECT state_hash FROM ticks WHERE tick = " + std::to_string(cs.tick()));
    CAF_CHECK_EQUAL(stored, hash_to_hex(cs.meta.state_hash));
    const std::string date =
        sql_text(path, "SELECT date FROM ticks WHERE tick = " + std::to_string(cs.tick()));
    CAF_CHECK_EQUAL(date, cs.date);
  }

  // Events, queryable as JSON.
  CAF_CHECK_EQUAL(sql_int(path, "SELECT count(*) FROM event_log"), 5);
  CAF_CHECK_EQUAL(sql_int(path,
                          "SELECT json_extract(event_data, '$.by') FROM event_log"
                          " WHERE event_type = 'province_conquered'"),
                  2);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT tick FROM event_log WHERE event_type = 'war_declared'"), 3);

  // History: 5 rows at tick 0, province 2 (owner) at tick 1, province 3
  // (development) at tick 3; unrest alone makes no history.
  CAF_CHECK_EQUAL(sql_int(path, "SELECT count(*) FROM province_history"), 7);
  const std::string owner_at =
      "SELECT owner_id FROM province_history WHERE province_id = 2 AND tick <= ";
  CAF_CHECK_EQUAL(sql_int(path, owner_at + "0 ORDER BY tick DESC LIMIT 1"), 1);
  CAF_CHECK_EQUAL(sql_int(path, owner_at + "4 ORDER BY tick DESC LIMIT 1"), 2);

  // The save loads back as the live world, in this and in a fresh connection.
  const WorldSnapshot live = p.world->snapshot();
  Result<WorldSnapshot> loaded = p.save->load_world();
  REQUIRE_OK(loaded);
  check_same_world(*loaded, live);
  p.save.reset();
  auto reopened = open_save(path);
  CAF_CHECK_EQUAL(reopened->last_tick(), 5);
  Result<WorldSnapshot> reloaded = reopened->load_world();
  REQUIRE_OK(reloaded);
  check_same_world(*reloaded, live);
  const uint64_t live_hash = p.world->meta().state_hash;
  const uint64_t loaded_hash = reloaded->meta.state_hash;
  CAF_CHECK_EQUAL(loaded_hash, live_hash);

  // A World rebuilt from the save carries on exactly like the original.
  World resumed(*reloaded);
  const ChangeSet next_live = play_tick(*p.world);
  const ChangeSet next_resumed = play_tick(resumed);
  CAF_CHECK_EQUAL(next_resumed.meta.state_hash, next_live.meta.state_hash);
  Result<CommitOutcome> outcome = reopened->commit(next_resumed);
  REQUIRE_OK(outcome);
}

CAF_TEST(a resent tick is acknowledged without writing and a gap is refused) {
  test::TempDir dir;
  const std::string path = dir.file("resend.db");
  PlayedSave p = played_save(path, 2);
  const std::string before = dump_tables(path);

  for (const ChangeSet& cs : p.committed) {
    Result<CommitOutcome> outcome = p.save->commit(cs);
    REQUIRE_OK(outcome);
    CAF_CHECK(*outcome == CommitOutcome::already_committed);
  }
  CAF_CHECK_EQUAL(dump_tables(path), before);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT count(*) FROM event_log"), 2);

  ChangeSet tick3 = play_tick(*p.world);
  ChangeSet tick4 = play_tick(*p.world);
  const Status gap = p.save->commit(tick4).status();
  CAF_CHECK(!gap.ok());
  CAF_CHECK(contains(gap.message(), "commit tick 4"));
  CAF_CHECK(contains(gap.message(), "missing"));
  CAF_CHECK_EQUAL(p.save->last_tick(), 2);
  CAF_CHECK_EQUAL(dump_tables(path), before);

  REQUIRE_OK(p.save->commit(tick3));
  REQUIRE_OK(p.save->commit(tick4));
  CAF_CHECK_EQUAL(p.save->last_tick(), 4);
}

CAF_TEST(a failure inside a commit leaves the save exactly at the previous tick) {
  test::TempDir dir;
  const std::string path = dir.file("rollback.db");
  PlayedSave p = played_save(path, 2);
  // Fires after the provinces, nations, armies and wars of tick 3 are written.
  sql_exec(path,
           "CREATE TRIGGER fail_tick BEFORE INSERT ON event_log WHEN NEW.tick = 3"
           " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  const std::string before = dump_tables(path);

  const ChangeSet tick3 = play_tick(*p.world);
  CAF_REQUIRE(!tick3.provinces.empty());
  CAF_REQUIRE(!tick3.events.empty());
  CAF_REQUIRE(!tick3.history.empty());
  const Status failed = p.save->commit(tick3).status();
  CAF_CHECK(!failed.ok());
  CAF_CHECK(contains(failed.message(), "injected failure"));
  CAF_CHECK(contains(failed.message(), "commit tick 3: insert event 'war_declared'"));

  CAF_CHECK_EQUAL(p.save->last_tick(), 2);
  CAF_CHECK_EQUAL(dump_tables(path), before);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT tick FROM game"), 2);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT count(*) FROM ticks WHERE tick = 3"), 0);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT count(*) FROM province_history WHERE tick = 3"), 0);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT development FROM provinces WHERE id = 3"), 5);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT count(*) FROM wars"), 1);

  // The transaction is over: the same change set goes through once the fault is gone.
  sql_exec(path, "DROP TRIGGER fail_tick");
  Result<CommitOutcome> retried = p.save->commit(tick3);
  REQUIRE_OK(retried);
  CAF_CHECK(*retried == CommitOutcome::committed);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT count(*) FROM ticks WHERE tick = 3"), 1);
  Result<WorldSnapshot> loaded = p.save->load_world();
  REQUIRE_OK(loaded);
  check_same_world(*loaded, p.world->snapshot());
}

// Group commit (several ticks queued behind the disk): one transaction, each
// tick whole, and a failure anywhere in it leaves none of the group.
CAF_TEST(a group of ticks commits in one transaction or not at all) {
  using Group = std::vector<const ChangeSet*>;
  test::TempDir dir;
  const std::string path = dir.file("group.db");
  PlayedSave p = played_save(path, 1);
  ChangeSet tick2 = play_tick(*p.world), tick3 = play_tick(*p.world), tick4 = play_tick(*p.world);
  const std::string before = dump_tables(path);

  // Tick 4 fails to write: ticks 2 and 3, written first, are rolled back too.
  sql_exec(path,
           "CREATE TRIGGER fail_tick BEFORE INSERT ON ticks WHEN NEW.tick = 4"
           " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  const Status failed = p.save->commit(Group{&tick2, &tick3, &tick4}).status();
  CAF_CHECK(!failed.ok());
  CAF_CHECK(contains(failed.message(), "commit ticks 2..4: tick 4"));
  CAF_CHECK_EQUAL(p.save->last_tick(), 1);
  CAF_CHECK_EQUAL(dump_tables(path), before);
  sql_exec(path, "DROP TRIGGER fail_tick");

  // A gap inside the group is refused before anything is written.
  const Status gap = p.save->commit(Group{&tick2, &tick4}).status();
  CAF_CHECK(contains(gap.message(), "ticks 3..3 would be missing"));
  CAF_CHECK_EQUAL(dump_tables(path), before);

  // Repeats and ticks already committed are skipped (resends after a fault).
  REQUIRE_OK(p.save->commit(tick2));
  Result<CommitOutcome> group = p.save->commit(Group{&tick2, &tick3, &tick3, &tick4});
  REQUIRE_OK(group);
  CAF_CHECK(*group == CommitOutcome::committed);
  CAF_CHECK_EQUAL(p.save->last_tick(), 4);
  CAF_CHECK_EQUAL(sql_int(path, "SELECT count(*) FROM ticks"), 5);  // ticks 0..4
  Result<WorldSnapshot> loaded = p.save->load_world();
  REQUIRE_OK(loaded);
  check_same_world(*loaded, p.world->snapshot());
  Result<CommitOutcome> again = p.save->commit(Group{&tick3, &tick4});
  REQUIRE_OK(again);
  CAF_CHECK(*again == CommitOutcome::already_committed);
}

CAF_TEST(a row said to keep its owner must already be in the save) {
  test::TempDir dir;
  const std::string path = dir.file("same_owner.db");
  PlayedSave p = played_save(path, 1);
  ChangeSet next = play_tick(*p.world);
  const std::string before = dump_tables(path);
  // An army the save has never seen, listed as keeping its owner: the UPDATE
  // meant for it matches no row, which must fail the tick, not drop the army.
  next.armies.push_back(Army{99, 1, 1, 100, 100, 0, {}});
  next.armies_same_owner.push_back(99);
  const Status failed = p.save->commit(next).status();
  CAF_CHECK(contains(failed.message(), "update army 99: no such army in the save"));
  CAF_CHECK_EQUAL(p.save->last_tick(), 1);
  CAF_CHECK_EQUAL(dump_tables(path), before);
}

CAF_TEST(files that are not current Hegemon saves are refused untouched) {
  test::TempDir dir;
  // A save from a newer build.
  const std::string newer = dir.file("newer.db");
  {
    Result<Database> db = Database::open(newer, test::kOpenReadWrite | test::kOpenCreate);
    REQUIRE_OK(db);
    REQUIRE_OK(
        db->exec("CREATE TABLE game (id INTEGER PRIMARY KEY);"
                 "PRAGMA application_id = " +
                 std::to_string(kHegemonApplicationId) + "; PRAGMA user_version = 99"));
  }
  // Another application's database.
  const std::string foreign = dir.file("foreign.db");
  {
    Result<Database> db = Database::open(foreign, test::kOpenReadWrite | test::kOpenCreate);
    REQUIRE_OK(db);
    REQUIRE_OK(
        db->exec("CREATE TABLE recipes (name TEXT, stars INTEGER);"
                 "INSERT INTO recipes VALUES ('paella', 5)"));
  }
  // Not a database at all.
  const std::string junk = dir.file("junk.db");
  {
    std::string bytes(4096, '\0');
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (char& c : bytes) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      c = static_cast<char>(x);
    }
    std::ofstream(junk, std::ios::binary) << bytes;
  }

  const std::string newer_bytes = file_bytes(newer);
  const std::string foreign_bytes = file_bytes(foreign);
  const std::string junk_bytes = file_bytes(junk);
  CAF_REQUIRE(!newer_bytes.empty() && !foreign_bytes.empty());

  const std::string newer_error = SaveFile::open(newer).status().message();
  CAF_CHECK(contains(newer_error,
                     "save was written by a newer Hegemon (schema version 99; "
                     "this build reads up to " +
                         std::to_string(latest_schema_version()) + ")"));
  const std::string foreign_error = SaveFile::open(foreign).status().message();
  CAF_CHECK_EQUAL(foreign_error, foreign + " is an SQLite database but not a Hegemon save");
  const std::string junk_error = SaveFile::open(junk).status().message();
  CAF_CHECK(contains(junk_error, junk));
  CAF_CHECK(contains(junk_error, "file is not a database"));

  // Readers refuse them too.
  CAF_CHECK(contains(SaveReader::open(newer).status().message(), "newer Hegemon"));
  CAF_CHECK(contains(SaveReader::open(foreign).status().message(), "not a Hegemon save"));
  CAF_CHECK(contains(SaveReader::open(junk).status().message(), "file is not a database"));

  CAF_CHECK(file_bytes(newer) == newer_bytes);
  CAF_CHECK(file_bytes(foreign) == foreign_bytes);
  CAF_CHECK(file_bytes(junk) == junk_bytes);
  for (const std::string& path : {newer, foreign, junk}) {
    CAF_CHECK(!std::filesystem::exists(path + "-wal"));
    CAF_CHECK(!std::filesystem::exists(path + "-journal"));
  }
}

CAF_TEST(open reports missing files and directories clearly) {
  test::TempDir dir;
  const std::string no_dir = dir.file("nowhere/save.db");
  CAF_CHECK(contains(SaveFile::open(no_dir).status().message(), "does not exist"));
  SaveOptions existing_only;
  existing_only.create_if_missing = false;
  const std::string missing = dir.file("missing.db");
  CAF_CHECK(contains(SaveFile::open(missing, existing_only).status().message(), "no such file"));
  CAF_CHECK(!std::filesystem::exists(missing));
  CAF_CHECK(contains(SaveReader::open(missing).status().message(), missing));
}

CAF_TEST(synchronous option and wal mode are applied) {
  test::TempDir dir;
  SaveOptions full;
  full.synchronous = Synchronous::full;
  auto strict = open_save(dir.file("full.db"), full);
  Result<std::string> sync = strict->pragma("synchronous");
  REQUIRE_OK(sync);
  CAF_CHECK_EQUAL(*sync, "2");
  Result<std::string> mode = strict->pragma("journal_mode");
  REQUIRE_OK(mode);
  CAF_CHECK_EQUAL(*mode, "wal");
  Result<std::string> fk = strict->pragma("foreign_keys");
  REQUIRE_OK(fk);
  CAF_CHECK_EQUAL(*fk, "0");

  auto relaxed = open_save(dir.file("normal.db"));
  Result<std::string> normal = relaxed->pragma("synchronous");
  REQUIRE_OK(normal);
  CAF_CHECK_EQUAL(*normal, "1");
  CAF_CHECK(!relaxed->pragma("synchronous; DROP TABLE game").ok());
}

CAF_TEST(backup_to copies a consistent save while the source stays open) {
  test::TempDir dir;
  const std::string path = dir.file("live.db");
  PlayedSave p = played_save(path, 4);
  const std::string copy = dir.file("backup.db");
  REQUIRE_OK(p.save->backup_to(copy));

  // The source keeps going; the copy is frozen at tick 4.
  REQUIRE_OK(p.save->commit(play_tick(*p.world)));
  REQUIRE_OK(p.save->checkpoint());
  CAF_CHECK_EQUAL(std::filesystem::file_size(path + "-wal"), 0u);  // TRUNCATE emptied it
  {
    auto restored = open_save(copy);
    CAF_CHECK_EQUAL(restored->last_tick(), 4);
    Result<WorldSnapshot> loaded = restored->load_world();
    REQUIRE_OK(loaded);
    const uint64_t copy_hash = loaded->meta.state_hash;
    const uint64_t tick4_hash = p.committed.back().meta.state_hash;
    CAF_CHECK_EQUAL(copy_hash, tick4_hash);
  }
  // A second backup replaces the first.
  REQUIRE_OK(p.save->backup_to(copy));
  CAF_CHECK_EQUAL(sql_int(copy, "SELECT tick FROM game"), 5);

  const Status self = p.save->backup_to(path);
  CAF_CHECK(contains(self.message(), "live save itself"));
  const std::string foreign = dir.file("foreign.db");
  {
    Result<Database> db = Database::open(foreign, test::kOpenReadWrite | test::kOpenCreate);
    REQUIRE_OK(db);
    REQUIRE_OK(db->exec("CREATE TABLE precious (x)"));
  }
  CAF_CHECK(contains(p.save->backup_to(foreign).message(), "not a Hegemon save"));
  CAF_CHECK_EQUAL(sql_int(foreign, "SELECT count(*) FROM sqlite_schema WHERE name = 'precious'"),
                  1);
  CAF_CHECK_EQUAL(p.save->last_tick(), 5);
}

// ---- SaveReader ----

namespace {

// What the reader saw from inside the writer's transaction (see below).
struct MidCommitView {
  SaveReader* reader = nullptr;
  int calls = 0;
  Tick last_tick = -2;
  bool tick_hash_present = true;
  int64_t events = -1;
};
MidCommitView g_view;

// SQL function observe_reader(tick): called by a trigger inside the writer's
// commit, it queries the save through the reader's own connection.
void observe_reader(Tick tick) {
  if (g_view.reader != nullptr) {
    ++g_view.calls;
    Result<Tick> last = g_view.reader->last_tick();
    g_view.last_tick = last.ok() ? *last : -3;
    Result<std::optional<uint64_t>> hash = g_view.reader->tick_hash(tick);
    g_view.tick_hash_present = !hash.ok() || hash->has_value();
    Result<int64_t> events = g_view.reader->count_events();
    g_view.events = events.ok() ? *events : -3;
  }
}

}  // namespace

CAF_TEST(a reader sees committed ticks only while the writer is mid commit) {
  test::TempDir dir;
  const std::string path = dir.file("shared.db");
  struct Reset {
    ~Reset() { g_view = MidCommitView{}; }
  } reset;
  // Known to every connection, so the SaveFile's own (which the test cannot
  // reach) knows observe_reader() too.
  test::ScopedSqlFunction observer("observe_reader", observe_reader);
  CAF_REQUIRE(observer.ok());

  PlayedSave p = played_save(path, 2);
  Result<std::shared_ptr<SaveReader>> reader = SaveReader::open(path);
  REQUIRE_OK(reader);
  g_view.reader = reader->get();
  // The ticks row is written near the end of commit(), after everything else.
  sql_exec(path,
           "CREATE TRIGGER observe AFTER INSERT ON ticks"
           " BEGIN SELECT observe_reader(NEW.tick); END");

  REQUIRE_OK(p.save->commit(play_tick(*p.world)));
  CAF_CHECK_EQUAL(g_view.calls, 1);
  CAF_CHECK_EQUAL(g_view.last_tick, 2);  // not 3: tick 3 is not committed yet
  CAF_CHECK(!g_view.tick_hash_present);  // no ticks row 3 visible
  CAF_CHECK_EQUAL(g_view.events, 2);     // tick 3's event not visible

  // Once committed, the reader sees it.
  Result<Tick> last = (*reader)->last_tick();
  REQUIRE_OK(last);
  CAF_CHECK_EQUAL(*last, 3);
  Result<std::optional<uint64_t>> hash = (*reader)->tick_hash(3);
  REQUIRE_OK(hash);
  CAF_REQUIRE(hash->has_value());
  const uint64_t stored = **hash;
  const uint64_t live = p.world->meta().state_hash;
  CAF_CHECK_EQUAL(stored, live);
}

CAF_TEST(the reader answers cold queries including ended wars) {
  test::TempDir dir;
  const std::string path = dir.file("cold.db");
  PlayedSave p = played_save(path, 4);
  Result<std::shared_ptr<SaveReader>> opened = SaveReader::open(path);
  REQUIRE_OK(opened);
  std::shared_ptr<SaveReader> reader = *opened;

  const std::optional<War> ended = reader->load_war(1);
  CAF_REQUIRE(ended.has_value());
  CAF_CHECK(*ended == (War{1, 1, 2, 0, 2, 5, 2}));
  const std::optional<War> active = reader->load_war(2);
  CAF_REQUIRE(active.has_value());
  CAF_CHECK(active->active());
  CAF_CHECK(!reader->load_war(99).has_value());

  // As the hot cache's cold store: the ended war is no longer cached.
  p.world->set_cold_store(reader);
  const std::optional<War> via_world = p.world->war(1);
  CAF_REQUIRE(via_world.has_value());
  CAF_CHECK_EQUAL(via_world->end_tick, 2);

  Result<std::optional<uint64_t>> h0 = reader->tick_hash(0);
  REQUIRE_OK(h0);
  CAF_REQUIRE(h0->has_value());
  const uint64_t genesis = **h0;
  const uint64_t expected_genesis = tiny_world().meta.state_hash;
  CAF_CHECK_EQUAL(genesis, expected_genesis);
  Result<std::optional<uint64_t>> h9 = reader->tick_hash(9);
  REQUIRE_OK(h9);
  CAF_CHECK(!h9->has_value());

  Result<int64_t> all = reader->count_events();
  REQUIRE_OK(all);
  CAF_CHECK_EQUAL(*all, 4);
  Result<int64_t> peace = reader->count_events("peace");
  REQUIRE_OK(peace);
  CAF_CHECK_EQUAL(*peace, 1);
  Result<int64_t> none = reader->count_events("no_such_event");
  REQUIRE_OK(none);
  CAF_CHECK_EQUAL(*none, 0);

  Result<std::vector<Event>> events = reader->events_between(2, 3);
  REQUIRE_OK(events);
  CAF_REQUIRE_EQUAL(events->size(), 2u);
  CAF_CHECK((*events)[0] == p.committed[1].events[0]);
  CAF_CHECK((*events)[1] == p.committed[2].events[0]);
}
