// A mod's text form and `hegemon mod export` (issue #15): what mod_to_sql
// writes reads back as the same mod (the shipped mods, and names built to
// break the quoting), and a save's world exported as a mod starts a game
// from the same world.
#define CAF_SUITE mod_export

#include <caf/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "persistence/mod_build.h"
#include "persistence/mod_text.h"
#include "persistence/save_file.h"
#include "rules/scenario.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "state/world.h"
#include "test_support.h"
#include "tools/mod_export.h"

using namespace hegemon;

namespace {

const std::string kMods = std::string(HEGEMON_SOURCE_DIR) + "/mods/";

// The whole of a mod's content as one comparable text, written here field by
// field (not by mod_to_sql, which is what is being checked).
std::string describe(const ModFileContent& m) {
  std::string out = m.name + "|" + m.version + "|" + m.description + "|" +
                    std::to_string(m.target_schema) + "\n";
  for (const auto& [name, value] : m.tuning) out += "t " + name + "=" + std::to_string(value) + "\n";
  if (m.scenario) {
    const Scenario& s = *m.scenario;
    out += "start " + s.start_date.to_string() + "\n";
    for (const ModProvince& p : s.provinces)
      out += "p " + std::to_string(p.id) + " " + p.name + " " + p.terrain + " " +
             std::to_string(p.x) + "," + std::to_string(p.y) + " " +
             std::to_string(p.development) + "\n";
    for (const auto& [a, b] : s.adjacency) out += "a " + std::to_string(a) + "-" + std::to_string(b) + "\n";
    for (const ModNation& n : s.nations)
      out += "n " + std::to_string(n.id) + " " + n.name + " " + std::to_string(n.colour) + " " +
             std::to_string(n.aggression) + " " + std::to_string(n.capital) + "\n";
    for (const auto& [p, n] : s.owners) out += "o " + std::to_string(p) + ":" + std::to_string(n) + "\n";
    for (const ModArmy& a : s.armies)
      out += "army " + std::to_string(a.nation) + "@" + std::to_string(a.province) + " " +
             std::to_string(a.strength) + "\n";
  }
  for (const std::string& n : m.nation_names) out += "nn " + n + "\n";
  for (const std::string& n : m.province_names) out += "pn " + n + "\n";
  return out;
}

ModFileContent round_trip(const ModFileContent& mod) {
  auto back = build_mod_in_memory(mod_to_sql(mod), "round trip of " + mod.name);
  if (!back.ok()) CAF_FAIL(back.status().message());
  return *back;
}

Tuning tuning_of(const ModFileContent& mod) {
  Tuning t;
  for (const auto& [name, value] : mod.tuning) CAF_REQUIRE(!set_tuning_value(t, name, value));
  return t;
}

std::string save_of(const test::TempDir& dir, const std::string& name, const WorldSnapshot& world) {
  const std::string path = dir.file(name);
  auto save = SaveFile::open(path);
  CAF_REQUIRE(save.ok());
  Status st = (*save)->create_world(world, {});
  if (!st.ok()) CAF_FAIL(st.message());
  return path;
}

}  // namespace

CAF_TEST(every shipped mod reads back from its text as the same mod) {
  int scenarios = 0, tuned = 0, named = 0;
  for (const char* file : {"balance.sql", "names.sql", "italy_1444.sql"}) {
    auto mod = read_mod_or_sql(kMods + file);
    if (!mod.ok()) CAF_FAIL(mod.status().message());
    const std::string want = describe(*mod);
    const std::string got = describe(round_trip(*mod));
    CAF_CHECK_EQUAL(got, want);
    scenarios += mod->scenario ? 1 : 0;
    tuned += mod->tuning.empty() ? 0 : 1;
    named += mod->nation_names.empty() ? 0 : 1;
  }
  // Each part of a mod was really exercised.
  CAF_CHECK_EQUAL(scenarios, 1);
  CAF_CHECK_GREATER_OR_EQUAL(tuned, 1);
  CAF_CHECK_EQUAL(named, 1);
}

CAF_TEST(names that would break naive quoting read back unchanged) {
  auto italy = read_mod_or_sql(kMods + "italy_1444.sql");
  CAF_REQUIRE(italy.ok());
  ModFileContent mod = *italy;
  mod.name = "It's \"quoted\"";
  mod.description = "'); DROP TABLE manifest; --";
  mod.scenario->provinces[0].name = "O'Brien's '' fort";
  mod.scenario->nations[0].name = "Nation'); DELETE FROM nations; --";
  mod.nation_names = {"a'b", "--", "/* c */"};
  // Enough provinces to need several INSERT statements (500 rows each).
  mod.province_names.assign(1203, "x'y");
  const ModFileContent back = round_trip(mod);
  CAF_CHECK_EQUAL(describe(back), describe(mod));
  CAF_CHECK_EQUAL(back.scenario->nations[0].name, "Nation'); DELETE FROM nations; --");
  CAF_CHECK_EQUAL(sql_quote("it's"), "'it''s'");
}

CAF_TEST(a generated world exported at tick 0 starts the same game) {
  test::TempDir dir;
  const WorldSnapshot world = generate_world(test::small_world(31));
  const std::string save = save_of(dir, "fresh.db", world);
  auto exported = export_mod(save, dir.file("fresh_mod.db"), ModExportOptions{});
  if (!exported.ok()) CAF_FAIL(exported.status().message());
  CAF_CHECK_EQUAL(exported->tick, 0);
  CAF_CHECK(exported->notes.empty());
  // The written file is a mod `serve --mod` reads, and it is the same mod.
  auto read = read_mod_or_sql(dir.file("fresh_mod.db"));
  if (!read.ok()) CAF_FAIL(read.status().message());
  CAF_CHECK_EQUAL(describe(*read), describe(exported->mod));
  CAF_CHECK_EQUAL(read->sha256_hex, exported->mod.sha256_hex);
  CAF_REQUIRE(read->scenario.has_value());
  CAF_CHECK_EQUAL(read->scenario->provinces.size(), world.provinces.size());
  // Every tuning value is written, and they are the game's.
  CAF_CHECK_EQUAL(read->tuning.size(), tuning_fields().size());
  CAF_CHECK(tuning_of(*read) == world.map->tuning());
  // The same world, to the state hash.
  auto rebuilt = build_world(*read->scenario, tuning_of(*read), world.map->params().seed);
  if (!rebuilt.ok()) CAF_FAIL(rebuilt.status().message());
  CAF_CHECK_EQUAL(rebuilt->meta.state_hash, world.meta.state_hash);
  CAF_CHECK_EQUAL(rebuilt->provinces, world.provinces);
  CAF_CHECK_EQUAL(rebuilt->armies, world.armies);
}

CAF_TEST(a world in play exports what a scenario can hold and says what it left out) {
  test::TempDir dir;
  World live(generate_world(test::small_world(5)));
  bool had_war = false;
  for (int day = 0; day < 600; ++day) {
    run_tick_sequential(live);
    had_war = had_war || live.snapshot().wars.size() > 0;
  }
  const WorldSnapshot world = live.snapshot();
  CAF_REQUIRE(had_war);
  const std::string save = save_of(dir, "played.db", world);
  const std::string out = dir.file("played.sql");
  auto exported = export_mod(save, out, ModExportOptions{"Played", "2.0", ""});
  if (!exported.ok()) CAF_FAIL(exported.status().message());
  CAF_CHECK_EQUAL(exported->tick, world.meta.tick);
  CAF_CHECK_EQUAL(exported->mod.name, "Played");
  // The .sql text reads back as the same mod and starts a game.
  auto read = read_mod_or_sql(out);
  if (!read.ok()) CAF_FAIL(read.status().message());
  CAF_CHECK_EQUAL(describe(*read), describe(exported->mod));
  const Scenario& s = *read->scenario;
  CAF_CHECK_EQUAL(s.start_date.to_string(), date_of_tick(world.meta.tick).to_string());
  auto rebuilt = build_world(s, tuning_of(*read), 5);
  if (!rebuilt.ok()) CAF_FAIL(rebuilt.status().message());
  // Owners and development carry over (nations renumbered in id order).
  std::vector<NationId> new_id(world.nations.size() + 1, kNoNation);
  NationId next = 1;
  for (const Province& p : world.provinces)
    if (p.owner != kNoNation) new_id[static_cast<size_t>(p.owner)] = 1;
  for (size_t i = 1; i < new_id.size(); ++i)
    if (new_id[i] != kNoNation) new_id[i] = next++;
  CAF_CHECK_EQUAL(static_cast<size_t>(next - 1), s.nations.size());
  for (size_t i = 0; i < world.provinces.size(); ++i) {
    const Province& was = world.provinces[i];
    const Province& now = rebuilt->provinces[i];
    CAF_CHECK_EQUAL(now.development, was.development);
    CAF_CHECK_EQUAL(now.owner, was.owner == kNoNation ? kNoNation : new_id[static_cast<size_t>(was.owner)]);
  }
  if (!world.wars.empty()) CAF_CHECK(!exported->notes.empty());
}

CAF_TEST(a failed export leaves nothing behind) {
  test::TempDir dir;
  const std::string not_a_save = dir.file("junk.db");
  std::ofstream(not_a_save) << "this is not a database";
  auto exported = export_mod(not_a_save, dir.file("out.db"), ModExportOptions{});
  CAF_CHECK(!exported.ok());
  CAF_CHECK(!std::filesystem::exists(dir.file("out.db")));
  // An output that cannot be written: the directory does not exist.
  const std::string save = save_of(dir, "ok.db", generate_world(test::small_world(8)));
  auto unwritable = export_mod(save, dir.file("no/such/dir/out.sql"), ModExportOptions{});
  CAF_CHECK(!unwritable.ok());
  // No output and no temporary file either (the save's own files aside).
  std::vector<std::string> left;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("junk.db", 0) != 0 && name.rfind("ok.db", 0) != 0) left.push_back(name);
  }
  CAF_CHECK_EQUAL(left.size(), 0u);
}
