// The runtime balance (state/tuning.h, issue #15): the field table, the
// checks a mod's values go through, docs/TUNING.md kept equal to the code,
// and games run with an overridden Tuning.
#define CAF_SUITE tuning
#include <caf/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "rules/tick.h"
#include "persistence/save_file.h"
#include "rules/world_gen.h"
#include "tools/save_summary.h"
#include "state/tuning.h"
#include "state/world.h"
#include "test_support.h"

using namespace hegemon;

namespace {

// A value of the field's range other than `current` (its range has at least
// two values for every field: min < max).
int64_t other_value(const TuningField& f, int64_t current) {
  return current == f.max ? f.min : current + 1;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The state hash after `ticks` ticks of a small world run with `tuning`.
uint64_t hash_after(const Tuning& tuning, int ticks) {
  World w(generate_world(test::small_world(7), tuning));
  for (int i = 0; i < ticks; ++i) run_tick_sequential(w);
  return w.meta().state_hash;
}

}  // namespace

CAF_TEST(every field round - trips through its setter and getter) {
  for (const TuningField& f : tuning_fields()) {
    CAF_REQUIRE(f.min < f.max);
    for (int64_t v : {f.min, f.max, (f.min + f.max) / 2}) {
      Tuning t;
      CAF_CHECK(!set_tuning_value(t, f.name, v));
      CAF_CHECK_EQUAL(f.get(t), v);
    }
  }
}

CAF_TEST(every field is distinct : setting one changes only it) {
  const Tuning defaults;
  const auto& fields = tuning_fields();
  for (const TuningField& f : fields) {
    CAF_CHECK_EQUAL(find_tuning_field(f.name), &f);
    Tuning t;
    f.set(t, other_value(f, f.get(defaults)));
    CAF_CHECK(t != defaults);
    for (const TuningField& g : fields) {
      if (&g != &f) CAF_CHECK_EQUAL(g.get(t), g.get(defaults));
    }
    const auto overrides = tuning_overrides(t);
    CAF_REQUIRE_EQUAL(overrides.size(), 1u);
    CAF_CHECK_EQUAL(overrides[0].first, f.name);
  }
  CAF_CHECK(tuning_overrides(defaults).empty());
  CAF_CHECK_EQUAL(tuning_values(defaults).size(), fields.size());
}

CAF_TEST(the defaults pass check_tuning and sit inside every range) {
  CAF_CHECK(!check_tuning(Tuning{}));
}

CAF_TEST(set_tuning_value refuses unknown names and values out of range) {
  Tuning t;
  const Tuning before = t;
  auto unknown = set_tuning_value(t, "no_such_value", 1);
  CAF_REQUIRE(unknown);
  CAF_CHECK_NOT_EQUAL(unknown->find("no_such_value"), std::string::npos);
  for (const TuningField& f : tuning_fields()) {
    auto low = set_tuning_value(t, f.name, f.min - 1);
    auto high = set_tuning_value(t, f.name, f.max + 1);
    CAF_REQUIRE(low && high);
    CAF_CHECK_NOT_EQUAL(low->find(f.name), std::string::npos);
    CAF_CHECK(t == before);  // refused values change nothing
  }
}

CAF_TEST(check_tuning refuses values out of range and broken relations) {
  {
    Tuning t;
    t.income_divisor = 0;  // set directly: bypasses set_tuning_value
    auto problem = check_tuning(t);
    CAF_REQUIRE(problem);
    CAF_CHECK_NOT_EQUAL(problem->find("income_divisor"), std::string::npos);
  }
  {
    Tuning t;
    t.battle_score_min_shift = 10;
    t.battle_score_max_shift = 5;
    CAF_CHECK(check_tuning(t));
  }
  {
    Tuning t;
    t.peace_offer_score = 95;
    t.forced_peace_score = 90;
    CAF_CHECK(check_tuning(t));
  }
  {
    Tuning t;
    t.weaker_num = 5;
    t.weaker_den = 4;
    CAF_CHECK(check_tuning(t));
  }
}

CAF_TEST(docs / TUNING.md holds exactly tuning_markdown_table) {
  const std::string doc = read_text(std::string(HEGEMON_SOURCE_DIR) + "/docs/TUNING.md");
  const std::string begin = "<!-- BEGIN tuning_markdown_table() -->\n";
  const std::string end = "<!-- END tuning_markdown_table() -->";
  const size_t b = doc.find(begin), e = doc.find(end);
  CAF_REQUIRE(b != std::string::npos && e != std::string::npos && b < e);
  CAF_CHECK_EQUAL(doc.substr(b + begin.size(), e - b - begin.size()), tuning_markdown_table());
}

CAF_TEST(the map carries its Tuning and refuses one that fails check_tuning) {
  Tuning t;
  CAF_REQUIRE(!set_tuning_value(t, "start_army_cap", 2000));
  const WorldSnapshot s = generate_world(test::small_world(7), t);
  CAF_CHECK(s.map->tuning() == t);
  for (const Army& a : s.armies) CAF_CHECK_LESS_OR_EQUAL(a.strength, 2000);
  Tuning bad;
  bad.dice_sides = 0;
  bool threw = false;
  try {
    generate_world(test::small_world(7), bad);
  } catch (const std::invalid_argument&) {
    threw = true;
  }
  CAF_CHECK(threw);
}

CAF_TEST(a game with an override diverges while the default one keeps its hash) {
  const int ticks = 120;
  const uint64_t first = hash_after(Tuning{}, ticks);
  CAF_CHECK_EQUAL(hash_after(Tuning{}, ticks), first);  // deterministic
  Tuning modded;
  CAF_REQUIRE(!set_tuning_value(modded, "dev_growth_base_per_mille", 400));
  CAF_CHECK_NOT_EQUAL(hash_after(modded, ticks), first);
  // Tick 0 is the same world: the Tuning is an input, not part of the hash.
  CAF_CHECK_EQUAL(generate_world(test::small_world(7), modded).meta.state_hash,
                  generate_world(test::small_world(7)).meta.state_hash);
}

// ---- the Tuning in the save (schema/007_tuning.sql, persistence/tuning_rows.h) ----

namespace {

// A new save holding a small world generated with `tuning`; its path.
std::string save_with(const test::TempDir& dir, const Tuning& tuning) {
  const std::string path = dir.file("tuned.db");
  auto save = SaveFile::open(path);
  CAF_REQUIRE(save.ok());
  CAF_REQUIRE((*save)->create_world(generate_world(test::small_world(7), tuning)).ok());
  return path;
}

// Why the save at `path` does not load ("" if it does).
std::string load_error(const std::string& path) {
  auto save = SaveFile::open(path);
  if (!save.ok()) return save.status().message();
  auto world = (*save)->load_world();
  return world.ok() ? std::string() : world.status().message();
}

}  // namespace

CAF_TEST(a save keeps the Tuning its game was created with) {
  test::TempDir dir;
  Tuning tuned;
  CAF_REQUIRE(!set_tuning_value(tuned, "move_days_hills", 12));
  CAF_REQUIRE(!set_tuning_value(tuned, "recruit_cost", 95));
  const std::string path = save_with(dir, tuned);
  CAF_CHECK_EQUAL(test::query_int(path, "SELECT count(*) FROM tuning"),
                  static_cast<int64_t>(tuning_fields().size()));
  auto save = SaveFile::open(path);
  CAF_REQUIRE(save.ok());
  auto world = (*save)->load_world();
  CAF_REQUIRE(world.ok());
  CAF_CHECK(world->map->tuning() == tuned);
  CAF_CHECK(world->map->tuning() != Tuning{});
}

CAF_TEST(a save without tuning rows runs with the compiled defaults) {
  test::TempDir dir;
  Tuning tuned;
  CAF_REQUIRE(!set_tuning_value(tuned, "dice_bonus", 7));
  const std::string path = save_with(dir, tuned);
  test::exec_sql(path, "DELETE FROM tuning");  // as a save migrated from version 6 holds
  auto save = SaveFile::open(path);
  CAF_REQUIRE(save.ok());
  auto world = (*save)->load_world();
  CAF_REQUIRE(world.ok());
  CAF_CHECK(world->map->tuning() == Tuning{});
}

CAF_TEST(hostile tuning rows refuse the save and name the row) {
  struct Case {
    const char* what;
    const char* sql;
    const char* expected;
  };
  const Case cases[] = {
      {"unknown name", "UPDATE tuning SET name = 'free_money' WHERE name = 'dice_bonus'",
       "unknown tuning value name"},
      {"out of range", "UPDATE tuning SET value = 0 WHERE name = 'income_divisor'",
       "outside 1..1000"},
      {"huge value", "UPDATE tuning SET value = 9223372036854775807 WHERE name = 'dice_sides'",
       "outside 1..100"},
      {"broken relation", "UPDATE tuning SET value = 95 WHERE name = 'peace_offer_score'",
       "peace_offer_score must not exceed forced_peace_score"},
      {"many rows",
       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
       "INSERT INTO tuning SELECT 'x' || i, 1 FROM n",
       "tuning"},
  };
  for (const Case& c : cases) {
    CAF_MESSAGE(c.what);
    test::TempDir dir;
    const std::string path = save_with(dir, Tuning{});
    test::exec_sql(path, c.sql);
    const std::string error = load_error(path);
    CAF_CHECK(error.find("table tuning") != std::string::npos);
    CAF_CHECK(error.find(c.expected) != std::string::npos);
    if (error.find(c.expected) == std::string::npos) CAF_MESSAGE("got: " << error);
  }
}

CAF_TEST(a text value in the tuning table is refused though the table is STRICT) {
  // STRICT stops SQLite from storing text in an INTEGER column, but a save is
  // written by whoever sent it: rewrite the declaration, then store text.
  test::TempDir dir;
  const std::string path = save_with(dir, Tuning{});
  test::exec_sql(path,
                 "PRAGMA writable_schema = ON;"
                 "UPDATE sqlite_schema SET sql = replace(sql, ') STRICT', ')') "
                 "WHERE name = 'tuning';"
                 "PRAGMA writable_schema = OFF;");
  test::exec_sql(path, "UPDATE tuning SET value = 'lots' WHERE name = 'recruit_cost'");
  CAF_REQUIRE_EQUAL(test::query_text(path,
                                     "SELECT typeof(value) FROM tuning "
                                     "WHERE name = 'recruit_cost'"),
                    "text");
  const std::string error = load_error(path);
  // Refused either way: by the schema check (the declaration is not the
  // one migrations made) or, past it, by the row's type.
  const bool by_type = error.find("recruit_cost") != std::string::npos &&
                       error.find("not an integer") != std::string::npos;
  CAF_CHECK(by_type || error.find("schema") != std::string::npos);
  CAF_MESSAGE("refused with: " << error);
}

CAF_TEST(inspect names the overrides a save runs with) {
  test::TempDir dir;
  Tuning tuned;
  CAF_REQUIRE(!set_tuning_value(tuned, "recruit_cost", 95));
  CAF_REQUIRE(!set_tuning_value(tuned, "move_days_hills", 12));
  const std::string path = save_with(dir, tuned);
  Result<SaveSummary> summary = read_save_summary(path);
  CAF_REQUIRE(summary.ok());
  const std::vector<std::pair<std::string, int64_t>> expected{{"recruit_cost", 95},
                                                              {"move_days_hills", 12}};
  CAF_CHECK(summary->tuning_overrides == expected);
  const std::string text = format_summary_text(*summary);
  CAF_CHECK(text.find("recruit_cost = 95, move_days_hills = 12") != std::string::npos);
  const auto json = nlohmann::json::parse(summary_to_json(*summary));
  CAF_CHECK_EQUAL(json["tuning_overrides"].dump(), R"({"move_days_hills":12,"recruit_cost":95})");

  test::TempDir plain_dir;
  Result<SaveSummary> plain = read_save_summary(save_with(plain_dir, Tuning{}));
  CAF_REQUIRE(plain.ok());
  CAF_CHECK(plain->tuning_overrides.empty());
  CAF_CHECK(format_summary_text(*plain).find("the defaults") != std::string::npos);
}
