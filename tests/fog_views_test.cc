// What a player's views hold (net/fog_views.h), on a hand-made line of
// provinces: armies entering and leaving sight, unseen changes left out,
// foreign nations and wars cut to their public face, events by where they
// happened. tests/clients/fog_test.py checks the same end to end on a real
// server.
#define CAF_SUITE fog_views
#include <caf/test/unit_test.hpp>

#include <algorithm>

#include "line_world.h"
#include "net/fog_views.h"
#include "rules/sight.h"

using namespace hegemon;
using hegemon::net::PlayerSight;
using hegemon::test::add_army;
using hegemon::test::add_war;
using hegemon::test::line_world;
using nlohmann::json;

namespace {

std::vector<ArmyId> seen(const World& w, NationId n, const Sight& s) {
  std::vector<ArmyId> out;
  for (ArmyId id = 1; id < 20; ++id)
    if (auto a = w.army(id); a && (a->owner == n || s.sees(a->location))) out.push_back(id);
  return out;
}

std::vector<int64_t> ids(const json& rows) {
  std::vector<int64_t> out;
  for (const auto& r : rows) out.push_back(r.is_object() ? r["id"].get<int64_t>() : r.get<int64_t>());
  return out;
}

// Provinces 1..9: nation 1 owns 1-2, nation 2 owns 3-7, nation 3 owns 8-9;
// nation 1 sees 1-3. Army 10 (nation 2) stands in 3, seen; 11 (nation 2)
// in 6 and 12 (nation 3) in 9, unseen; 13 is nation 1's, in 1.
WorldSnapshot start() {
  WorldSnapshot s = line_world({1, 1, 2, 2, 2, 2, 2, 3, 3});
  add_army(s, Army{10, 2, 3, 5000, 100, 0, {4}});
  add_army(s, Army{11, 2, 6, 5000, 100, 0, {}});
  add_army(s, Army{12, 3, 9, 5000, 100, 0, {}});
  add_army(s, Army{13, 1, 1, 5000, 100, 0, {2}});
  add_war(s, 2, 3);
  std::sort(s.armies.begin(), s.armies.end(), [](auto& a, auto& b) { return a.id < b.id; });
  return s;
}

}  // namespace

CAF_TEST(a delta sends armies entering sight as new and leaving it as gone) {
  World w(start());
  const Sight before = sight_of(w, 1);
  CAF_REQUIRE_EQUAL(before.provinces(), (std::vector<ProvinceId>{1, 2, 3}));
  const std::vector<ArmyId> armies_before = seen(w, 1, before);
  CAF_REQUIRE_EQUAL(armies_before, (std::vector<ArmyId>{10, 13}));

  ChangeSet cs;
  cs.meta.tick = 1;
  cs.date = "1444-11-12";
  auto army = [&](ArmyId id) { return *w.army(id); };
  Army a10 = army(10), a11 = army(11), a12 = army(12);
  a10.location = 4;  // leaves sight
  a11.location = 2;  // enters it
  a12.strength = 4000;  // changes unseen
  cs.armies = {a10, a11, a12};
  Province p3 = *w.province(3), p7 = *w.province(7);
  p3.siege_progress = 5;  // seen
  p7.unrest = 40;         // unseen, public face unchanged
  cs.provinces = {p3, p7};
  Nation n2 = *w.nation(2);
  n2.treasury += 100;  // private
  cs.nations = {n2};
  War war = *w.war(1);
  war.war_score = 30;  // a foreign active war's score
  cs.wars = {war};
  cs.events = {Event{1, "battle", R"({"war":1,"province":6,"attacker_losses":1,"defender_losses":1,"winner":2})"},
               Event{1, "battle", R"({"war":1,"province":2,"attacker_losses":1,"defender_losses":1,"winner":2})"},
               Event{1, "bankruptcy", R"({"nation":2})"},
               Event{1, "war_declared", R"({"war":1,"attacker":2,"defender":3})"}};
  net::PublicChanges pub{{1, 0}, {0}, {0}};
  pub.provinces = {0, 0};
  for (const auto& a : cs.armies) w.put_army(a);
  for (const auto& p : cs.provinces) w.put_province(p);
  w.put_nation(n2);
  w.put_war(war);
  w.set_meta(1, 14, 2);

  const Sight after = sight_of(w, 1);
  const std::vector<ArmyId> armies_after = seen(w, 1, after);
  CAF_CHECK_EQUAL(armies_after, (std::vector<ArmyId>{11, 13}));
  const PlayerSight v{1, &w, &after};
  const json d = net::player_delta_json(cs, pub, v, before, armies_before, armies_after);
  CAF_CHECK_EQUAL(ids(d["armies"]), (std::vector<int64_t>{11}));
  CAF_CHECK(!d["armies"][0].contains("path"));  // a foreign army's orders stay hidden
  CAF_CHECK_EQUAL(ids(d["removed_armies"]), (std::vector<int64_t>{10}));
  CAF_CHECK_EQUAL(ids(d["provinces"]), (std::vector<int64_t>{3}));
  CAF_CHECK_EQUAL(d["provinces"][0]["siege_progress"].get<int>(), 5);
  CAF_CHECK(d["nations"].empty());
  CAF_CHECK(d["wars"].empty());
  CAF_REQUIRE_EQUAL(d["events"].size(), 2u);
  CAF_CHECK_EQUAL(d["events"][0]["data"]["province"].get<int>(), 2);
  CAF_CHECK_EQUAL(d["events"][1]["type"].get<std::string>(), "war_declared");
  CAF_CHECK(!d.contains("sight"));  // unchanged
  CAF_CHECK(!d.contains("state_hash"));
}

CAF_TEST(queries cut foreign nations wars provinces and armies) {
  World w(start());
  const Sight s = sight_of(w, 1);
  const PlayerSight v{1, &w, &s};
  const json mine = net::nation_json(v, 1), theirs = net::nation_json(v, 2);
  CAF_CHECK(mine.contains("treasury"));
  CAF_CHECK(!theirs.contains("treasury"));
  CAF_CHECK(!theirs.contains("manpower"));
  CAF_CHECK(!theirs.contains("armies"));
  CAF_CHECK_EQUAL(theirs["war_id"].get<int>(), 1);
  const json war = net::war_json(v, 1);
  CAF_CHECK(!war.contains("war_score"));
  CAF_CHECK(!war.contains("peace_offer"));
  CAF_CHECK(net::province_json(v, 3).contains("unrest"));
  CAF_CHECK(!net::province_json(v, 4).contains("unrest"));
  CAF_CHECK_EQUAL(net::province_json(v, 4)["owner_id"].get<int>(), 2);
  CAF_CHECK(net::army_json(v, 11).is_null());  // unseen: as if there were none
  CAF_CHECK(!net::army_json(v, 10).is_null());
  CAF_CHECK(net::army_json(v, 13).contains("path"));  // its own, whole
  // The sides of the war see its score.
  const Sight s2 = sight_of(w, 2);
  const PlayerSight v2{2, &w, &s2};
  CAF_CHECK(net::war_json(v2, 1).contains("war_score"));
  const json snap = net::player_snapshot_json(v, seen(w, 1, s));
  CAF_CHECK_EQUAL(ids(snap["armies"]), (std::vector<int64_t>{10, 13}));
  CAF_CHECK(!snap.contains("state_hash"));
}
