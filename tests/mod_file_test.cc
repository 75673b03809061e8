// Mod files (issue #15; docs/MODDING.md): persistence/mod_file.h reads one
// mod, refusing a hostile one with its file, table and row named;
// persistence/mod_build.h turns SQL text into a mod; tools/mod_set.h applies
// several in load order. Every hostile mod is built here, with the sqlite3
// shell's powers (RawDatabase), as an attacker would.
#define CAF_SUITE mod_file

#include <caf/test/unit_test.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "persistence/mod_build.h"
#include "persistence/mod_file.h"
#include "persistence/mod_schema.h"
#include "persistence/sha256.h"
#include "persistence/testing/raw_database.h"
#include "test_support.h"
#include "tools/mod_set.h"

using namespace hegemon;

namespace {

const std::string kManifest = "INSERT INTO manifest VALUES ('Test mod', '1.0', 'for tests', 8);";

// A mod at dir/name: mods/schema.sql, the manifest, then `sql`.
std::string make_mod(const test::TempDir& dir, const std::string& name, const std::string& sql,
                     bool with_manifest = true) {
  const std::string path = dir.file(name);
  test::exec_sql(path, mod_schema_sql());
  if (with_manifest) test::exec_sql(path, kManifest);
  if (!sql.empty()) test::exec_sql(path, sql);
  return path;
}

// A mod at dir/name made by hand as an attacker would, not from
// mods/schema.sql: a manifest table declared without its constraints, its
// row, then `sql`.
std::string make_loose_mod(const test::TempDir& dir, const std::string& name,
                           const std::string& sql) {
  const std::string path = dir.file(name);
  test::exec_sql(path,
                 "CREATE TABLE manifest (name TEXT, version TEXT, description TEXT, "
                 "target_schema INTEGER);" +
                     kManifest + sql);
  return path;
}

// The error read_mod_file gives for the mod, "" if it is read.
std::string refusal(const std::string& path) {
  Result<ModFileContent> mod = read_mod_file(path);
  return mod.ok() ? std::string() : mod.status().message();
}

bool has(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return true;
  CAF_MESSAGE("'" << part << "' not in: " << text);
  return false;
}

const std::string kScenario = R"(
INSERT INTO scenario VALUES ('1500-01-02');
INSERT INTO provinces VALUES (1, 'Roma', 'plains', 0, 0, 10), (2, 'Napoli', 'hills', 1, 0, 8),
                             (3, 'Milano', 'plains', 0, 1, 9);
INSERT INTO adjacency VALUES (1, 2), (1, 3);
INSERT INTO nations VALUES (1, 'Papal States', '#FFEE00', 20, 1), (2, 'Naples', '#00aa33', 60, 2);
INSERT INTO owners VALUES (1, 1), (2, 2), (3, 1);
INSERT INTO armies VALUES (1, 1, 5000), (2, 2, 4000);
)";

// kScenario grown to what a game needs (rules/scenario: at least 16
// provinces, a connected map): provinces 4..16 in a chain from Milano, the
// first half Papal, the rest Neapolitan.
std::string playable_scenario() {
  std::string sql = kScenario;
  for (int id = 4; id <= 16; ++id) {
    const std::string n = std::to_string(id);
    sql += "INSERT INTO provinces VALUES (" + n + ", 'P" + n + "', 'plains', " + n + ", 2, 3);";
    sql += "INSERT INTO adjacency VALUES (" + std::to_string(id - 1) + ", " + n + ");";
    sql += "INSERT INTO owners VALUES (" + n + ", " + (id <= 9 ? "1" : "2") + ");";
  }
  return sql;
}

}  // namespace

CAF_TEST(the manifest alone is a mod and its sha256 is over the file) {
  test::TempDir dir;
  const std::string path = make_mod(dir, "m.db", "");
  Result<ModFileContent> mod = read_mod_file(path);
  if (!mod.ok()) CAF_MESSAGE(mod.status().message());
  CAF_REQUIRE(mod.ok());
  CAF_CHECK_EQUAL(mod->name, "Test mod");
  CAF_CHECK_EQUAL(mod->version, "1.0");
  CAF_CHECK_EQUAL(mod->target_schema, 8);
  CAF_CHECK(mod->bytes == test::read_file(path));  // CHECK_EQUAL would keep a temporary
  CAF_CHECK_EQUAL(mod->sha256_hex.size(), 64u);
  CAF_CHECK(mod->tuning.empty());
  CAF_CHECK(!mod->scenario.has_value());
}

CAF_TEST(each table is read alone) {
  test::TempDir dir;
  Result<ModFileContent> tuning = read_mod_file(
      make_mod(dir, "t.db", "INSERT INTO tuning VALUES ('recruit_cost', 80), ('dice_sides', 8);"));
  if (!tuning.ok()) CAF_MESSAGE(tuning.status().message());
  CAF_REQUIRE(tuning.ok());
  CAF_REQUIRE_EQUAL(tuning->tuning.size(), 2u);
  CAF_CHECK_EQUAL(tuning->tuning[0].first, "recruit_cost");
  CAF_CHECK_EQUAL(tuning->tuning[0].second, 80);

  Result<ModFileContent> names = read_mod_file(
      make_mod(dir, "n.db",
               "INSERT INTO nation_names VALUES ('Norge'), ('Sverige'); "
               "INSERT INTO province_names VALUES ('Bergen'), ('Uppsala'), ('Trondheim');"));
  if (!names.ok()) CAF_MESSAGE(names.status().message());
  CAF_REQUIRE(names.ok());
  CAF_CHECK_EQUAL(names->nation_names.size(), 2u);
  CAF_CHECK_EQUAL(names->province_names.size(), 3u);
  CAF_CHECK_EQUAL(names->province_names[2], "Trondheim");

  Result<ModFileContent> sc = read_mod_file(make_mod(dir, "s.db", kScenario));
  if (!sc.ok()) CAF_MESSAGE(sc.status().message());
  CAF_REQUIRE(sc.ok());
  CAF_REQUIRE(sc->scenario.has_value());
  CAF_CHECK_EQUAL(sc->scenario->start_date.to_string(), "1500-01-02");
  CAF_CHECK_EQUAL(sc->scenario->provinces.size(), 3u);
  CAF_CHECK_EQUAL(sc->scenario->provinces[1].terrain, "hills");
  CAF_CHECK_EQUAL(sc->scenario->adjacency.size(), 2u);
  CAF_CHECK_EQUAL(sc->scenario->nations[0].colour, 0xFFEE00u);
  CAF_CHECK_EQUAL(sc->scenario->nations[1].aggression, 60);
  CAF_CHECK_EQUAL(sc->scenario->owners.size(), 3u);
  CAF_CHECK_EQUAL(sc->scenario->armies[0].strength, 5000);
}

CAF_TEST(a bad value is refused naming the file the table and the row) {
  test::TempDir dir;
  std::string e = refusal(make_mod(dir, "a.db", "INSERT INTO tuning VALUES ('war_cost', 5);"));
  CAF_CHECK(has(e, "a.db: table tuning, row 'war_cost': unknown tuning name"));
  e = refusal(make_mod(dir, "b.db", "INSERT INTO tuning VALUES ('dice_sides', 0);"));
  CAF_CHECK(has(e, "b.db: table tuning, row 'dice_sides'"));
  CAF_CHECK(has(e, "dice_sides"));
  // STRICT refuses text in an INTEGER column, so the attacker declares the
  // table without it: the reader does not rely on the declaration.
  e = refusal(make_loose_mod(dir, "c.db",
                             "CREATE TABLE tuning (name TEXT, value);"
                             " INSERT INTO tuning VALUES ('recruit_cost', 'lots');"));
  CAF_CHECK(
      has(e, "c.db: table tuning, row 'recruit_cost': the value is text, expected an integer"));
  e = refusal(make_mod(dir, "d.db", "INSERT INTO nation_names VALUES ('ok'), ('');"));
  CAF_CHECK(has(e, "d.db: table nation_names, rowid 2: name is empty"));
  e = refusal(make_mod(dir, "e.db", kScenario + "UPDATE nations SET colour = 'red' WHERE id = 2;"));
  CAF_CHECK(has(e, "e.db: table nations, row id 2: colour 'red' is not written #rrggbb"));
  e = refusal(make_mod(dir, "f.db", kScenario + "UPDATE scenario SET start_date = '1500-02-30';"));
  CAF_CHECK(has(e, "f.db: table scenario, rowid 1: start_date '1500-02-30' is not a date"));
  e = refusal(
      make_mod(dir, "g.db", kScenario + "UPDATE provinces SET development = 31 WHERE id = 3;"));
  CAF_CHECK(has(e, "g.db: table provinces, row id 3: development is 31, outside 1..30"));
  e = refusal(make_mod(dir, "h.db", "", /*with_manifest=*/false));
  CAF_CHECK(has(e, "h.db: table manifest is empty"));
  e = refusal(make_mod(dir, "i.db", kManifest));
  CAF_CHECK(has(e, "i.db: table manifest has more than 1 row"));
  e = refusal(make_mod(dir, "j.db", "INSERT INTO adjacency VALUES (1, 2);"));
  CAF_CHECK(has(e, "j.db: table adjacency has rows, but table provinces has none"));
}

CAF_TEST(a file that is not a SQLite database or too big is refused before SQLite reads it) {
  test::TempDir dir;
  const std::string text = dir.file("notes.db");
  std::ofstream(text) << std::string(200, 'x');
  CAF_CHECK(has(refusal(text), "notes.db is not a SQLite database"));
  const std::string big = dir.file("big.db");
  { std::ofstream(big) << "SQLite format 3"; }
  std::filesystem::resize_file(big, kMaxModBytes + 1);  // sparse: costs no disk
  CAF_CHECK(has(refusal(big), "big.db is 67108865 bytes, more than the 67108864 allowed"));
  CAF_CHECK(has(refusal(dir.path()), "not a regular file"));
  const std::string fifo = dir.file("fifo.db");
  CAF_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CAF_CHECK(has(refusal(fifo), "fifo.db is a FIFO, not a regular file"));
  CAF_CHECK(has(refusal(dir.file("missing.db")), "No such file"));
}

CAF_TEST(a trigger a view an index or an extra table or column is refused and never runs) {
  test::TempDir dir;
  int64_t calls = 0;
  test::ScopedSqlFunction boom("boom", [&](int64_t) { ++calls; });
  CAF_REQUIRE(boom.ok());
  std::string e = refusal(
      make_mod(dir, "t.db", "CREATE TRIGGER t AFTER INSERT ON tuning BEGIN SELECT boom(1); END;"));
  CAF_CHECK(has(e, "t.db has a trigger 't'; a mod may hold only the tables of mods/schema.sql"));
  // A view standing in for a table the reader reads: it would run on read.
  const std::string view =
      make_loose_mod(dir, "v.db", "CREATE VIEW nation_names AS SELECT boom(1) AS name;");
  CAF_CHECK(has(refusal(view), "v.db has a view 'nation_names'"));
  e = refusal(make_mod(dir, "i.db", "CREATE INDEX by_value ON tuning (abs(value));"));
  CAF_CHECK(has(e, "i.db has an index 'by_value'"));
  e = refusal(make_mod(dir, "x.db", "CREATE TABLE extra (x);"));
  CAF_CHECK(has(e, "x.db has a table 'extra' that is not in mods/schema.sql"));
  e = refusal(make_mod(dir, "c.db", "ALTER TABLE tuning ADD COLUMN note TEXT;"));
  CAF_CHECK(has(e, "c.db: table tuning has a column 'note' that is not in mods/schema.sql"));
  e = refusal(make_mod(dir, "g.db", "ALTER TABLE provinces ADD COLUMN g INTEGER AS (abs(id));"));
  CAF_CHECK(has(e, "g.db: table provinces has a column 'g'"));
  CAF_CHECK_EQUAL(calls, 0);
}

CAF_TEST(a huge row count is refused at the limit) {
  test::TempDir dir;
  std::string e = refusal(
      make_mod(dir, "n.db",
               "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10001) "
               "INSERT INTO nation_names SELECT 'N' || i FROM c;"));
  CAF_CHECK(has(e, "n.db: table nation_names has more than 10000 rows"));
  e = refusal(make_mod(dir, "a.db",
                       kScenario + "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c "
                                   "WHERE i < 30) INSERT INTO adjacency SELECT 2, i + 3 FROM c;"));
  CAF_CHECK(has(e, "a.db: table adjacency has more than 24 rows"));
}

CAF_TEST(build_mod_from_sql makes a mod or leaves nothing behind) {
  test::TempDir dir;
  const std::string out = dir.file("out.db");
  const std::string sql =
      std::string(mod_schema_sql()) + kManifest + "INSERT INTO tuning VALUES ('recruit_cost', 80);";
  Result<ModFileContent> mod = build_mod_from_sql(sql, "my.sql", out);
  if (!mod.ok()) CAF_MESSAGE(mod.status().message());
  CAF_REQUIRE(mod.ok());
  Result<ModFileContent> again = read_mod_file(out);
  CAF_REQUIRE(again.ok());
  CAF_CHECK_EQUAL(again->sha256_hex, mod->sha256_hex);
  CAF_CHECK_EQUAL(again->tuning.size(), 1u);

  const std::string attach = dir.file("attach.db");
  const std::string victim = dir.file("victim.db");
  Result<ModFileContent> refused = build_mod_from_sql(
      sql + "\nATTACH '" + victim + "' AS v; CREATE TABLE v.x (y);", "evil.sql", attach);
  CAF_REQUIRE(!refused.ok());
  CAF_CHECK(has(refused.status().message(), "evil.sql: line "));
  CAF_CHECK(has(refused.status().message(), "not authorised"));
  refused = build_mod_from_sql(sql + "\nVACUUM INTO '" + victim + "';", "vac.sql", attach);
  CAF_CHECK(!refused.ok());
  refused = build_mod_from_sql(sql +
                                   "\nCREATE TRIGGER t AFTER INSERT ON tuning BEGIN "
                                   "DELETE FROM tuning; END;",
                               "trig.sql", attach);
  CAF_CHECK(!refused.ok());
  refused = build_mod_from_sql(sql + "\nCREATE TABLE extra (x);", "extra.sql", attach);
  CAF_CHECK(has(refused.status().message(), "extra.sql has a table 'extra'"));
  refused =
      build_mod_from_sql(sql +
                             "\nWITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) "
                             "INSERT INTO province_names SELECT printf('%.200c', 'x') FROM c;",
                         "grow.sql", attach);
  CAF_CHECK(has(refused.status().message(), "grow.sql: line"));
  // Nothing of any refused build is left: no output, no victim, no temporary.
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  CAF_CHECK_EQUAL(files, 1u);  // out.db
  CAF_CHECK(!std::filesystem::exists(victim));
}

CAF_TEST(load order applies later mods over earlier ones and reports every conflict) {
  test::TempDir dir;
  const std::string a =
      make_mod(dir, "a.db",
               "INSERT INTO tuning VALUES ('recruit_cost', 80), ('dice_sides', 8);"
               "INSERT INTO nation_names VALUES ('Norge'), ('Danmark');" +
                   playable_scenario());
  const std::string b =
      make_mod(dir, "b.db",
               "INSERT INTO tuning VALUES ('recruit_cost', 120);"
               "INSERT INTO nation_names VALUES ('Venezia');" +
                   playable_scenario() + "UPDATE nations SET name = 'Sicily' WHERE id = 2;");
  Result<ModSet> set = load_mods({a, b});
  if (!set.ok()) CAF_MESSAGE(set.status().message());
  CAF_REQUIRE(set.ok());
  const ModContent& c = set->content;
  CAF_CHECK_EQUAL(c.tuning.recruit_cost, 120);
  CAF_CHECK_EQUAL(c.tuning.dice_sides, 8);
  CAF_REQUIRE_EQUAL(c.nation_names.size(), 1u);
  CAF_CHECK_EQUAL(c.nation_names[0], "Venezia");
  CAF_REQUIRE(c.scenario.has_value());
  CAF_CHECK_EQUAL(c.scenario->nations[1].name, "Sicily");
  CAF_REQUIRE_EQUAL(set->conflicts.size(), 3u);
  CAF_CHECK_EQUAL(set->conflicts[0].what, "tuning recruit_cost");
  CAF_CHECK_EQUAL(set->conflicts[0].earlier, a);
  CAF_CHECK_EQUAL(set->conflicts[0].later, b);
  CAF_CHECK_EQUAL(set->conflicts[0].detail, "80 -> 120");
  CAF_CHECK_EQUAL(set->conflicts[1].what, "scenario");
  CAF_CHECK_EQUAL(set->conflicts[2].what, "nation_names");
  CAF_REQUIRE_EQUAL(c.mods.size(), 2u);
  CAF_CHECK_EQUAL(c.mods[0].path, a);

  // The other order: the other values win, and the checksum differs.
  Result<ModSet> reversed = load_mods({b, a});
  CAF_REQUIRE(reversed.ok());
  CAF_CHECK_EQUAL(reversed->content.tuning.recruit_cost, 80);
  CAF_CHECK_EQUAL(reversed->content.scenario->nations[1].name, "Naples");
  CAF_CHECK_NOT_EQUAL(reversed->content.content_checksum_hex, c.content_checksum_hex);
  CAF_CHECK_EQUAL(c.content_checksum_hex,
                  content_checksum_hex({c.mods[0].sha256_hex, c.mods[1].sha256_hex}));
  Result<ModSet> none = load_mods({});
  CAF_REQUIRE(none.ok());
  CAF_CHECK(none->content.tuning == Tuning());
  CAF_CHECK_EQUAL(none->content.content_checksum_hex, content_checksum_hex({}));
}

CAF_TEST(mods valid alone may be refused together or name what breaks) {
  test::TempDir dir;
  // Each value in range, the relation between them broken only together.
  Tuning defaults;
  const std::string a = make_mod(dir, "a.db",
                                 "INSERT INTO tuning VALUES ('peace_offer_score', " +
                                     std::to_string(defaults.forced_peace_score) + ");");
  const std::string b = make_mod(dir, "b.db",
                                 "INSERT INTO tuning VALUES ('forced_peace_score', " +
                                     std::to_string(defaults.peace_offer_score) + ");");
  CAF_CHECK(load_mods({a}).ok());
  Result<ModSet> both = load_mods({a, b});
  CAF_REQUIRE(!both.ok());
  CAF_CHECK(has(both.status().message(), "the tuning of the mods together"));
  const std::string bad =
      make_mod(dir, "bad.db", playable_scenario() + "INSERT INTO adjacency VALUES (2, 99);");
  Result<ModSet> refused = load_mods({a, bad});
  CAF_REQUIRE(!refused.ok());
  CAF_CHECK(has(refused.status().message(), "bad.db: scenario: adjacency row (2, 99)"));
  Result<ModSet> not_sqlite = load_mods({a, dir.file("nothing.db")});
  CAF_CHECK(!not_sqlite.ok());
}

CAF_TEST(a mod saved in WAL mode is read from its file alone) {
  test::TempDir dir;
  const std::string path = make_mod(dir, "w.db", "INSERT INTO tuning VALUES ('recruit_cost', 70);");
  test::exec_sql(path, "PRAGMA journal_mode = WAL;");  // the header now says WAL
  // Locals: CAF's check macros keep references to their arguments.
  const std::string file = test::read_file(path);
  const int write_version = file.at(18);
  CAF_CHECK_EQUAL(write_version, 2);
  Result<ModFileContent> mod = read_mod_file(path);
  if (!mod.ok()) CAF_MESSAGE(mod.status().message());
  CAF_REQUIRE(mod.ok());
  CAF_CHECK_EQUAL(mod->tuning.size(), 1u);
  CAF_CHECK(mod->bytes == file);  // hashed as the file is
  CAF_CHECK(!std::filesystem::exists(path + "-wal"));
}
