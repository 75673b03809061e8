// The runtime balance (state/tuning.h, issue #15): the field table, the
// checks a mod's values go through, docs/TUNING.md kept equal to the code,
// and games run with an overridden Tuning.
#define CAF_SUITE tuning
#include <caf/test/unit_test.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "rules/tick.h"
#include "rules/world_gen.h"
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
