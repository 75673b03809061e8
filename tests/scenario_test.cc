#define CAF_SUITE scenario
#include <caf/test/unit_test.hpp>

#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "persistence/mod_build.h"
#include "rules/events.h"
#include "rules/name_gen.h"
#include "rules/scenario.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "state/state_hash.h"
#include "state/world.h"
#include "test_support.h"

using namespace hegemon;

namespace {

const std::string kMods = std::string(HEGEMON_SOURCE_DIR) + "/mods/";

// A valid scenario: 20 provinces in a line (i borders i + 1), nation 1 owns
// 1..8, nation 2 owns 9..16, 17..20 have no owner; an army each.
Scenario line_scenario() {
  Scenario s;
  s.start_date = GameDate{1444, 11, 11};
  for (int32_t id = 1; id <= 20; ++id) {
    s.provinces.push_back(
        ModProvince{id, "P" + std::to_string(id), id % 2 ? "plains" : "hills", id, 0, 1 + id % 5});
    if (id > 1) s.adjacency.emplace_back(id - 1, id);
    if (id <= 16) s.owners.emplace_back(id, id <= 8 ? 1 : 2);
  }
  s.nations.push_back(ModNation{1, "Westmark", 0xff0000, 70, 3});
  s.nations.push_back(ModNation{2, "Eastmark", 0x0000ff, 30, 12});
  s.armies.push_back(ModArmy{1, 3, 5000});
  s.armies.push_back(ModArmy{2, 12, 4000});
  s.armies.push_back(ModArmy{2, 16, 1000});
  return s;
}

// The message check_scenario gives `s` ("" when it passes).
std::string problem(const Scenario& s) {
  Status st = check_scenario(s);
  return st.ok() ? "" : st.message();
}

bool says(const Scenario& s, const std::string& text) {
  const std::string message = problem(s);
  if (message.find(text) == std::string::npos) {
    CAF_MESSAGE("expected '" << text << "' in '" << message << "'");
    return false;
  }
  return true;
}

}  // namespace

CAF_TEST(a valid scenario passes) { CAF_CHECK_EQUAL(problem(line_scenario()), ""); }

CAF_TEST(ids must be dense and unique) {
  Scenario s = line_scenario();
  s.provinces[4].id = 4;  // 4 twice
  CAF_CHECK(says(s, "provinces row 4: ids must be 1..20"));
  s = line_scenario();
  s.provinces[19].id = 21;  // a gap
  CAF_CHECK(says(s, "provinces row 21: ids must be"));
  s = line_scenario();
  s.nations[1].id = 1;
  CAF_CHECK(says(s, "nations row 1: ids must be 1..2"));
}

CAF_TEST(sizes are bounded) {
  Scenario s = line_scenario();
  s.provinces.resize(kMinProvinces - 1);
  CAF_CHECK(says(s, "provinces: 15 rows, a scenario needs 16.."));
  s = line_scenario();
  s.nations.resize(1);
  CAF_CHECK(says(s, "nations: 1 rows, a scenario needs 2.."));
  s = line_scenario();
  for (int i = 0; i < max_armies(20, 2) + 1; ++i) s.armies.push_back(ModArmy{1, 1, 10});
  CAF_CHECK(says(s, "armies: 166 rows, this map holds at most 162"));
}

CAF_TEST(province fields are checked) {
  Scenario s = line_scenario();
  s.provinces[2].terrain = "lava";
  CAF_CHECK(says(s, "provinces row 3: unknown terrain 'lava'"));
  s = line_scenario();
  s.provinces[2].development = 0;
  CAF_CHECK(says(s, "provinces row 3: development 0 is outside 1..30"));
  s.provinces[2].development = kMaxDevelopment + 1;
  CAF_CHECK(says(s, "provinces row 3: development 31"));
  s = line_scenario();
  s.provinces[2].name = "";
  CAF_CHECK(says(s, "provinces row 3: the name is empty"));
  s.provinces[2].name = std::string(kMaxNameBytes + 1, 'x');
  CAF_CHECK(says(s, "provinces row 3: the name is 257 bytes long"));
  s = line_scenario();
  s.provinces[2].x = kMaxMapCoordinate + 1;
  CAF_CHECK(says(s, "provinces row 3: position"));
}

CAF_TEST(adjacency is checked) {
  Scenario s = line_scenario();
  s.adjacency.emplace_back(3, 99);
  CAF_CHECK(says(s, "adjacency row (3, 99): province 99 does not exist"));
  s = line_scenario();
  s.adjacency.emplace_back(5, 5);
  CAF_CHECK(says(s, "adjacency row (5, 5): a province cannot border itself"));
  s = line_scenario();
  s.adjacency.emplace_back(8, 7);  // (7, 8) is there already
  CAF_CHECK(says(s, "adjacency row (7, 8): the border is listed twice"));
  s = line_scenario();
  s.adjacency.erase(s.adjacency.begin() + 16);  // cuts (17, 18): 18..20 are cut off
  CAF_CHECK(says(s, "adjacency: the map is not connected: province 18 cannot be reached"));
}

CAF_TEST(nations owners and capitals are checked) {
  Scenario s = line_scenario();
  s.nations[1].name = "Westmark";
  CAF_CHECK(says(s, "nations row 2: the name 'Westmark' is taken"));
  s = line_scenario();
  s.nations[0].aggression = 101;
  CAF_CHECK(says(s, "nations row 1: aggression 101 is outside 0..100"));
  s.nations[0].aggression = -1;
  CAF_CHECK(says(s, "nations row 1: aggression -1"));
  s = line_scenario();
  s.nations[0].colour = 0x1000000;
  CAF_CHECK(says(s, "nations row 1: colour"));
  s = line_scenario();
  s.owners.emplace_back(99, 1);
  CAF_CHECK(says(s, "owners row (99, 1): province 99 does not exist"));
  s = line_scenario();
  s.owners.emplace_back(18, 3);
  CAF_CHECK(says(s, "owners row (18, 3): nation 3 does not exist"));
  s = line_scenario();
  s.owners.emplace_back(4, 2);
  CAF_CHECK(says(s, "owners row (4, 2): province 4 already has an owner (nation 1)"));
  s = line_scenario();
  s.nations[0].capital = 12;
  CAF_CHECK(says(s, "nations row 1: capital 12 is not a province it owns"));
  s.nations[0].capital = 18;  // no owner
  CAF_CHECK(says(s, "nations row 1: capital 18 is not a province it owns"));
  s.nations[0].capital = 0;
  CAF_CHECK(says(s, "nations row 1: capital 0 does not exist"));
}

CAF_TEST(armies are checked) {
  Scenario s = line_scenario();
  s.armies.push_back(ModArmy{1, 12, 100});
  CAF_CHECK(says(s, "armies row 4 (nation 1, province 12): province 12 is not owned by nation 1"));
  s = line_scenario();
  s.armies[0].strength = 0;
  CAF_CHECK(says(s, "armies row 1 (nation 1, province 3): strength 0 is outside 1..30000"));
  s.armies[0].strength = kMaxArmyStrength + 1;
  CAF_CHECK(says(s, "strength 30001"));
  s = line_scenario();
  s.armies.push_back(ModArmy{7, 1, 100});
  CAF_CHECK(says(s, "armies row 4 (nation 7, province 1): nation 7 does not exist"));
}

CAF_TEST(the start date is checked) {
  Scenario s = line_scenario();
  s.start_date = GameDate{1444, 11, 10};
  CAF_CHECK(says(s, "scenario row: start_date 1444-11-10: is before 1444-11-11"));
  s.start_date = GameDate{1444, 2, 30};
  CAF_CHECK(says(s, "start_date 1444-02-30: is not a date"));
  s.start_date = GameDate{1500, 1, 1};
  CAF_CHECK_EQUAL(problem(s), "");
}

CAF_TEST(a valid scenario builds its world) {
  const Scenario s = line_scenario();
  auto built = build_world(s, Tuning{}, 77);
  CAF_REQUIRE(built.ok());
  const WorldSnapshot& w = *built;
  CAF_CHECK_EQUAL(w.map->params().seed, 77u);
  CAF_CHECK_EQUAL(w.map->province_count(), 20);
  CAF_CHECK_EQUAL(w.map->nation_count(), 2);
  CAF_CHECK_EQUAL(w.meta.tick, 0);
  CAF_CHECK_EQUAL(w.meta.next_army_id, 4);
  CAF_CHECK_EQUAL(w.meta.state_hash, full_state_hash(w));
  for (const ModProvince& p : s.provinces) {
    const ProvinceInfo& info = w.map->province(p.id);
    CAF_CHECK_EQUAL(info.name, p.name);
    CAF_CHECK_EQUAL(terrain_name(info.terrain), p.terrain);
    CAF_CHECK_EQUAL(info.x, p.x);
    CAF_CHECK_EQUAL(w.provinces[static_cast<size_t>(p.id - 1)].development, p.development);
    const NationId owner = p.id <= 8 ? 1 : p.id <= 16 ? 2 : kNoNation;
    CAF_CHECK_EQUAL(w.provinces[static_cast<size_t>(p.id - 1)].owner, owner);
    CAF_CHECK_EQUAL(w.provinces[static_cast<size_t>(p.id - 1)].controller, owner);
  }
  CAF_CHECK(w.map->adjacent(7, 8));
  CAF_CHECK(w.map->adjacent(8, 7));
  CAF_CHECK(!w.map->adjacent(7, 9));
  CAF_CHECK_EQUAL(w.map->nation(1).name, "Westmark");
  CAF_CHECK_EQUAL(w.map->nation(2).color, 0x0000ffu);
  CAF_CHECK_EQUAL(w.map->nation(1).aggression, 70);
  CAF_CHECK_EQUAL(w.nations[0].capital, 3);
  CAF_CHECK_EQUAL(w.nations[1].capital, 12);
  CAF_CHECK_EQUAL(w.nations[0], starting_nation(Tuning{}, 1, 3, 2 + 3 + 4 + 5 + 1 + 2 + 3 + 4));
  CAF_REQUIRE_EQUAL(w.armies.size(), 3u);
  CAF_CHECK_EQUAL(w.armies[2].id, 3);
  CAF_CHECK_EQUAL(w.armies[2].owner, 2);
  CAF_CHECK_EQUAL(w.armies[2].location, 16);
  CAF_CHECK_EQUAL(w.armies[2].strength, 1000);
  // Same scenario and seed, same world; a refused scenario builds nothing.
  // A local: CAF's check macros keep references, and this one would point
  // into a temporary Result.
  auto again = build_world(s, Tuning{}, 77);
  CAF_REQUIRE(again.ok());
  CAF_CHECK_EQUAL(again->meta.state_hash, w.meta.state_hash);
  Scenario bad = s;
  bad.adjacency.emplace_back(3, 99);
  auto refused = build_world(bad, Tuning{}, 77);
  CAF_REQUIRE(!refused.ok());
  const Status why = refused.status();
  CAF_CHECK_EQUAL(why.message(), "adjacency row (3, 99): province 99 does not exist");
}

CAF_TEST(a later start date starts the clock there and the world plays on) {
  Scenario s = line_scenario();
  s.start_date = GameDate{1500, 3, 1};
  auto built = build_world(s, Tuning{}, 1);
  CAF_REQUIRE(built.ok());
  CAF_CHECK_EQUAL(built->meta.tick, tick_of_date(GameDate{1500, 3, 1}));
  World world(*built);
  const ChangeSet cs = run_tick_sequential(world);
  CAF_CHECK_EQUAL(cs.tick(), built->meta.tick + 1);
  CAF_CHECK_EQUAL(cs.date, "1500-03-02");
}

CAF_TEST(the example scenario reads and plays with wars and peace) {
  // Through the real reader, as `serve --mod mods/italy_1444.sql` reads it.
  auto mod = read_mod_or_sql(kMods + "italy_1444.sql");
  if (!mod.ok()) CAF_FAIL(mod.status().message());
  CAF_REQUIRE(mod->scenario.has_value());
  const Scenario s = *mod->scenario;
  CAF_CHECK_EQUAL(problem(s), "");
  CAF_CHECK(s.provinces.size() >= 30u && s.provinces.size() <= 50u);
  auto built = build_world(s, Tuning{}, 1444);
  CAF_REQUIRE(built.ok());
  CAF_CHECK_EQUAL(built->map->province(7).name, "Milano");
  World world(*built);
  std::map<std::string, int> counts;
  for (int day = 0; day < 1000; ++day)
    for (const Event& e : run_tick_sequential(world).events) ++counts[e.type];
  CAF_MESSAGE("wars " << counts[events::kWarDeclared] << ", peaces " << counts[events::kPeace]);
  CAF_CHECK_GREATER_OR_EQUAL(counts[events::kWarDeclared], 1);
  CAF_CHECK_GREATER_OR_EQUAL(counts[events::kPeace], 1);
}

CAF_TEST(name lists name a generated world) {
  const WorldParams params{3, 64, 6};
  const WorldSnapshot plain = generate_world(params);
  const WorldSnapshot empty_lists = generate_world(params, Tuning{}, NameLists{});
  CAF_CHECK_EQUAL(plain.meta.state_hash, empty_lists.meta.state_hash);
  NameLists names;
  names.nations = {"Milan", "Venice", "Milan 2", "Naples"};
  names.provinces = {"Milano", "Venezia", "Roma"};
  const WorldSnapshot named = generate_world(params, Tuning{}, names);
  std::set<std::string> nation_names;
  for (const NationInfo& n : named.map->nations()) nation_names.insert(n.name);
  CAF_CHECK_EQUAL(nation_names.size(), 6u);  // all distinct
  CAF_CHECK_EQUAL(named.map->nation(1).name, "Milan");
  CAF_CHECK_EQUAL(named.map->nation(4).name, "Naples");
  CAF_CHECK_EQUAL(named.map->nation(5).name, "Milan 3");  // "Milan 2" is taken
  CAF_CHECK_EQUAL(named.map->nation(6).name, "Venice 2");
  CAF_CHECK_EQUAL(named.map->province(1).name, "Milano");
  CAF_CHECK_EQUAL(named.map->province(3).name, "Roma");
  CAF_CHECK_EQUAL(named.map->province(4).name, "Milano 2");
  CAF_CHECK_EQUAL(named.map->province(7).name, "Milano 3");
  // Only the names change: the same owners, armies and development.
  CAF_CHECK_EQUAL(named.provinces, plain.provinces);
  CAF_CHECK_EQUAL(named.armies, plain.armies);
  CAF_CHECK_EQUAL(names_from_list({"A"}, 3), (std::vector<std::string>{"A", "A 2", "A 3"}));
  names.nations = {""};
  bool refused = false;
  try {
    generate_world(params, Tuning{}, names);
  } catch (const std::invalid_argument&) {
    refused = true;
  }
  CAF_CHECK(refused);
}
