#define CAF_SUITE sight
#include <caf/test/unit_test.hpp>

#include <deque>
#include <map>
#include <set>

#include "line_world.h"
#include "rules/sight.h"
#include "rules/world_gen.h"
#include "state/tuning.h"

using namespace hegemon;
using hegemon::test::add_army;
using hegemon::test::line_world;

namespace {

using Ids = std::vector<ProvinceId>;

// The same snapshot with another sight radius.
WorldSnapshot with_radius(WorldSnapshot s, int32_t radius) {
  Tuning t;
  CAF_REQUIRE(!set_tuning_value(t, "sight_radius", radius));
  s.map = std::make_shared<WorldMap>(s.map->params(), s.map->provinces(), s.map->nations(), t);
  return s;
}

Ids sight_ids(const WorldSnapshot& s, NationId n) {
  World w(s);
  return sight_of(w, n).provinces();
}

// A star: 1 in the middle with 2, 3, 4 around it; 5 beyond 4, 6 beyond 5.
WorldSnapshot star_world() {
  std::vector<ProvinceInfo> p(6);
  const std::vector<Ids> adj = {{2, 3, 4}, {1}, {1}, {1, 5}, {4, 6}, {5}};
  for (ProvinceId id = 1; id <= 6; ++id) {
    p[id - 1].id = id;
    p[id - 1].name = "S" + std::to_string(id);
    p[id - 1].x = id;
    p[id - 1].neighbors = adj[id - 1];
  }
  std::vector<NationInfo> n = {{1, "A", 0x111111, 0}, {2, "B", 0x222222, 0}};
  WorldSnapshot s;
  s.map = std::make_shared<WorldMap>(WorldParams{1, 6, 2}, p, n);
  const NationId owner[] = {2, 1, 2, 2, 2, 2};
  for (ProvinceId id = 1; id <= 6; ++id) s.provinces.push_back(Province{id, owner[id - 1], owner[id - 1], 3, 0, 0});
  s.nations.push_back(Nation{1, true, 2, 0, 0, 0, 2, 0, -1});
  s.nations.push_back(Nation{2, true, 1, 0, 0, 0, 2, 0, -1});
  return s;
}

// Independent of rules/sight.cc: every province whose distance (by a plain
// breadth-first search over the map's adjacency) to any province the nation
// owns, controls or has an army in is at most `radius`.
std::set<ProvinceId> reference_sight(const WorldSnapshot& s, NationId n, int32_t radius) {
  std::map<ProvinceId, int32_t> dist;
  std::deque<ProvinceId> queue;
  auto start = [&](ProvinceId p) {
    if (dist.emplace(p, 0).second) queue.push_back(p);
  };
  for (const auto& p : s.provinces)
    if (p.owner == n || p.controller == n) start(p.id);
  for (const auto& a : s.armies)
    if (a.owner == n) start(a.location);
  while (!queue.empty()) {
    const ProvinceId p = queue.front();
    queue.pop_front();
    if (dist[p] == radius) continue;
    for (ProvinceId q : s.map->province(p).neighbors)
      if (dist.emplace(q, dist[p] + 1).second) queue.push_back(q);
  }
  std::set<ProvinceId> out;
  for (const auto& [p, d] : dist) out.insert(p);
  return out;
}

}  // namespace

CAF_TEST(the default radius is one and a mod may set it within its range) {
  CAF_CHECK_EQUAL(Tuning{}.sight_radius, 1);
  Tuning t;
  CAF_CHECK(!set_tuning_value(t, "sight_radius", 0));
  CAF_CHECK(!set_tuning_value(t, "sight_radius", kMaxSightRadius));
  CAF_CHECK(set_tuning_value(t, "sight_radius", kMaxSightRadius + 1).has_value());
  CAF_CHECK(set_tuning_value(t, "sight_radius", -1).has_value());
  CAF_CHECK_EQUAL(t.sight_radius, kMaxSightRadius);
}

CAF_TEST(a nation sees its provinces and their neighbours) {
  // 1 1 2 2 2 2 3
  const WorldSnapshot s = line_world({1, 1, 2, 2, 2, 2, 3});
  CAF_CHECK_EQUAL(sight_ids(s, 1), (Ids{1, 2, 3}));
  CAF_CHECK_EQUAL(sight_ids(s, 3), (Ids{6, 7}));
  CAF_CHECK_EQUAL(sight_ids(s, 2), (Ids{2, 3, 4, 5, 6, 7}));
  CAF_CHECK_EQUAL(sight_ids(with_radius(s, 0), 1), (Ids{1, 2}));
  CAF_CHECK_EQUAL(sight_ids(with_radius(s, 2), 1), (Ids{1, 2, 3, 4}));
  CAF_CHECK_EQUAL(sight_ids(with_radius(s, 8), 3), (Ids{1, 2, 3, 4, 5, 6, 7}));
}

CAF_TEST(armies and occupations extend sight) {
  WorldSnapshot s = line_world({1, 1, 2, 2, 2, 2, 2, 2, 2});
  add_army(s, Army{1, 1, 7, 1000, 100, 0, {}});  // nation 1's army deep in 2's land
  CAF_CHECK_EQUAL(sight_ids(s, 1), (Ids{1, 2, 3, 6, 7, 8}));
  s.provinces[4].controller = 1;  // province 5 occupied by nation 1
  CAF_CHECK_EQUAL(sight_ids(s, 1), (Ids{1, 2, 3, 4, 5, 6, 7, 8}));
  // Nation 2's army in nation 1's land does not help nation 1.
  add_army(s, Army{2, 2, 1, 1000, 100, 0, {}});
  CAF_CHECK_EQUAL(sight_ids(s, 1), (Ids{1, 2, 3, 4, 5, 6, 7, 8}));
}

CAF_TEST(sight follows adjacency and not ids) {
  const WorldSnapshot s = star_world();  // nation 1 owns only 2, a leaf of the star
  CAF_CHECK_EQUAL(sight_ids(s, 1), (Ids{1, 2}));
  CAF_CHECK_EQUAL(sight_ids(with_radius(s, 2), 1), (Ids{1, 2, 3, 4}));
  CAF_CHECK_EQUAL(sight_ids(with_radius(s, 3), 1), (Ids{1, 2, 3, 4, 5}));
}

CAF_TEST(a nation with nothing sees nothing) {
  WorldSnapshot s = line_world({1, 1, 2});
  s.provinces[0].owner = s.provinces[0].controller = 2;
  s.provinces[1].owner = s.provinces[1].controller = 2;
  s.nations[0].alive = false;
  CAF_CHECK(sight_ids(s, 1).empty());
  CAF_CHECK(sight_ids(s, kNoNation).empty());
  CAF_CHECK(sight_ids(s, 99).empty());
}

CAF_TEST(sources outside the map are ignored) {
  const WorldSnapshot s = line_world({1, 2, 3});
  const Sight sight = sight_around(*s.map, {0, -5, 4, 1 << 30, 3}, 1);
  CAF_CHECK_EQUAL(sight.provinces(), (Ids{2, 3}));
  CAF_CHECK(!sight.sees(0));
  CAF_CHECK(!sight.sees(4));
  CAF_CHECK_EQUAL(sight.count(), 2u);
}

CAF_TEST(sight equals an independent search on a generated world) {
  for (int32_t radius : {0, 1, 2, 3}) {
    Tuning t;
    CAF_REQUIRE(!set_tuning_value(t, "sight_radius", radius));
    const WorldSnapshot s = generate_world(WorldParams{11, 400, 12}, t);
    World w(s);
    for (NationId n = 1; n <= 12; ++n) {
      const std::set<ProvinceId> expected = reference_sight(s, n, radius);
      const Ids got = sight_of(w, n).provinces();
      CAF_CHECK_EQUAL(got, Ids(expected.begin(), expected.end()));
      // Not vacuous: a nation sees some of the map and not all of it.
      CAF_CHECK(!got.empty());
      CAF_CHECK_LESS(got.size(), 400u);
    }
  }
}
