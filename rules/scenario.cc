#include "rules/scenario.h"

#include <algorithm>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "rules/economy.h"
#include "rules/world_gen.h"
#include "state/state_hash.h"
#include "state/terrain.h"
#include "state/world_check.h"
#include "state/world_limits.h"

namespace hegemon {
namespace {

std::string str(int64_t v) { return std::to_string(v); }

Status fail(const std::string& where, const std::string& what) {
  return Status::error(where + ": " + what);
}

std::string pair_row(const std::string& table, int32_t a, int32_t b) {
  return table + " row (" + str(a) + ", " + str(b) + ")";
}

Status check_name(const std::string& where, const std::string& name) {
  if (name.empty()) return fail(where, "the name is empty");
  if (static_cast<int64_t>(name.size()) > kMaxNameBytes)
    return fail(where, "the name is " + str(static_cast<int64_t>(name.size())) +
                           " bytes long, more than " + str(kMaxNameBytes));
  return Status();
}

Status check_provinces(const Scenario& s) {
  const int64_t n = static_cast<int64_t>(s.provinces.size());
  if (n < kMinProvinces || n > kMaxProvinces)
    return Status::error("provinces: " + str(n) + " rows, a scenario needs " + str(kMinProvinces) +
                         ".." + str(kMaxProvinces));
  for (size_t i = 0; i < s.provinces.size(); ++i) {
    const ModProvince& p = s.provinces[i];
    const std::string row = "provinces row " + str(p.id);
    if (p.id != static_cast<int32_t>(i + 1))
      return fail(row, "ids must be 1.." + str(n) + " in order without gaps or repeats, expected " +
                           str(static_cast<int64_t>(i + 1)));
    if (Status st = check_name(row, p.name); !st.ok()) return st;
    Terrain t;
    if (!terrain_from_name(p.terrain, t))
      return fail(row, "unknown terrain '" + p.terrain +
                           "' (plains, forest, hills, mountains, desert, marsh)");
    if (p.development < kMinDevelopment || p.development > kMaxDevelopment)
      return fail(row, "development " + str(p.development) + " is outside " + str(kMinDevelopment) +
                           ".." + str(kMaxDevelopment));
    if (p.x < -kMaxMapCoordinate || p.x > kMaxMapCoordinate || p.y < -kMaxMapCoordinate ||
        p.y > kMaxMapCoordinate)
      return fail(row, "position (" + str(p.x) + ", " + str(p.y) + ") is off the map (at most " +
                           str(kMaxMapCoordinate) + " either way)");
  }
  return Status();
}

// Builds neighbour lists (sorted) while checking the rows, then connectivity.
Status check_adjacency(const Scenario& s, std::vector<std::vector<ProvinceId>>& neighbors) {
  const int32_t n = static_cast<int32_t>(s.provinces.size());
  neighbors.assign(static_cast<size_t>(n), {});
  std::vector<std::pair<int32_t, int32_t>> seen;
  seen.reserve(s.adjacency.size());
  for (const auto& [a, b] : s.adjacency) {
    const std::string row = pair_row("adjacency", a, b);
    for (int32_t p : {a, b})
      if (p < 1 || p > n) return fail(row, "province " + str(p) + " does not exist");
    if (a == b) return fail(row, "a province cannot border itself");
    seen.emplace_back(std::min(a, b), std::max(a, b));
    neighbors[static_cast<size_t>(a - 1)].push_back(b);
    neighbors[static_cast<size_t>(b - 1)].push_back(a);
  }
  std::sort(seen.begin(), seen.end());
  auto dup = std::adjacent_find(seen.begin(), seen.end());
  if (dup != seen.end())
    return fail(pair_row("adjacency", dup->first, dup->second),
                "the border is listed twice (each border once, either order)");
  for (auto& list : neighbors) std::sort(list.begin(), list.end());
  std::vector<bool> reached(static_cast<size_t>(n), false);
  std::vector<ProvinceId> queue{1};
  reached[0] = true;
  for (size_t head = 0; head < queue.size(); ++head) {
    for (ProvinceId next : neighbors[static_cast<size_t>(queue[head] - 1)]) {
      if (reached[static_cast<size_t>(next - 1)]) continue;
      reached[static_cast<size_t>(next - 1)] = true;
      queue.push_back(next);
    }
  }
  for (int32_t id = 1; id <= n; ++id)
    if (!reached[static_cast<size_t>(id - 1)])
      return Status::error("adjacency: the map is not connected: province " + str(id) +
                           " cannot be reached from province 1");
  return Status();
}

Status check_nations(const Scenario& s) {
  const int64_t n = static_cast<int64_t>(s.nations.size());
  if (n < kMinNations || n > kMaxNations)
    return Status::error("nations: " + str(n) + " rows, a scenario needs " + str(kMinNations) +
                         ".." + str(kMaxNations));
  std::unordered_set<std::string> names;
  for (size_t i = 0; i < s.nations.size(); ++i) {
    const ModNation& nation = s.nations[i];
    const std::string row = "nations row " + str(nation.id);
    if (nation.id != static_cast<int32_t>(i + 1))
      return fail(row, "ids must be 1.." + str(n) + " in order without gaps or repeats, expected " +
                           str(static_cast<int64_t>(i + 1)));
    if (Status st = check_name(row, nation.name); !st.ok()) return st;
    if (!names.insert(nation.name).second)
      return fail(row, "the name '" + nation.name + "' is taken by an earlier nation");
    if (nation.colour > 0xFFFFFFu) return fail(row, "colour is not 0xRRGGBB");
    if (nation.aggression < 0 || nation.aggression > kMaxAggression)
      return fail(row,
                  "aggression " + str(nation.aggression) + " is outside 0.." + str(kMaxAggression));
  }
  return Status();
}

// owner_of[p - 1] is the starting owner of province p (kNoNation: none).
Status check_owners(const Scenario& s, std::vector<NationId>& owner_of) {
  const int32_t provinces = static_cast<int32_t>(s.provinces.size());
  const int32_t nations = static_cast<int32_t>(s.nations.size());
  owner_of.assign(static_cast<size_t>(provinces), kNoNation);
  for (const auto& [province, nation] : s.owners) {
    const std::string row = pair_row("owners", province, nation);
    if (province < 1 || province > provinces)
      return fail(row, "province " + str(province) + " does not exist");
    if (nation < 1 || nation > nations)
      return fail(row, "nation " + str(nation) + " does not exist");
    NationId& slot = owner_of[static_cast<size_t>(province - 1)];
    if (slot != kNoNation)
      return fail(row,
                  "province " + str(province) + " already has an owner (nation " + str(slot) + ")");
    slot = nation;
  }
  for (const ModNation& nation : s.nations) {
    const std::string row = "nations row " + str(nation.id);
    if (nation.capital < 1 || nation.capital > provinces)
      return fail(row, "capital " + str(nation.capital) + " does not exist");
    if (owner_of[static_cast<size_t>(nation.capital - 1)] != nation.id)
      return fail(row, "capital " + str(nation.capital) + " is not a province it owns");
  }
  return Status();
}

Status check_armies(const Scenario& s, const std::vector<NationId>& owner_of) {
  const int64_t most =
      max_armies(static_cast<int64_t>(s.provinces.size()), static_cast<int64_t>(s.nations.size()));
  if (static_cast<int64_t>(s.armies.size()) > most)
    return Status::error("armies: " + str(static_cast<int64_t>(s.armies.size())) +
                         " rows, this map holds at most " + str(most));
  for (size_t i = 0; i < s.armies.size(); ++i) {
    const ModArmy& a = s.armies[i];
    const std::string row = "armies row " + str(static_cast<int64_t>(i + 1)) + " (nation " +
                            str(a.nation) + ", province " + str(a.province) + ")";
    if (a.nation < 1 || a.nation > static_cast<int32_t>(s.nations.size()))
      return fail(row, "nation " + str(a.nation) + " does not exist");
    if (a.province < 1 || a.province > static_cast<int32_t>(s.provinces.size()))
      return fail(row, "province " + str(a.province) + " does not exist");
    if (owner_of[static_cast<size_t>(a.province - 1)] != a.nation)
      return fail(row, "province " + str(a.province) + " is not owned by nation " + str(a.nation));
    if (a.strength < 1 || a.strength > kMaxArmyStrength)
      return fail(row, "strength " + str(a.strength) + " is outside 1.." + str(kMaxArmyStrength));
  }
  return Status();
}

Status check_start_date(const GameDate& d) {
  const std::string where = "scenario row: start_date " + d.to_string();
  // The year bound keeps tick_of_date far from kMaxTick and from overflow.
  if (d.year < kEarliestStartDate.year || d.year > 9999 || d.month < 1 || d.month > 12 ||
      d.day < 1 || d.day > 31 || !(date_of_tick(tick_of_date(d)) == d))
    return fail(where, "is not a date");
  if (tick_of_date(d) < 0)
    return fail(where, "is before " + kEarliestStartDate.to_string() + ", the first day of play");
  return Status();
}

Status check_all(const Scenario& s, std::vector<std::vector<ProvinceId>>& neighbors,
                 std::vector<NationId>& owner_of) {
  Status st = check_start_date(s.start_date);
  if (st.ok()) st = check_provinces(s);
  if (st.ok()) st = check_adjacency(s, neighbors);
  if (st.ok()) st = check_nations(s);
  if (st.ok()) st = check_owners(s, owner_of);
  if (st.ok()) st = check_armies(s, owner_of);
  return st;
}

}  // namespace

Status check_scenario(const Scenario& scenario) {
  std::vector<std::vector<ProvinceId>> neighbors;
  std::vector<NationId> owner_of;
  return check_all(scenario, neighbors, owner_of);
}

Result<WorldSnapshot> build_world(const Scenario& s, const Tuning& tuning, uint64_t seed) {
  std::vector<std::vector<ProvinceId>> neighbors;
  std::vector<NationId> owner_of;
  if (Status st = check_all(s, neighbors, owner_of); !st.ok()) return st;
  if (auto problem = check_tuning(tuning)) return Status::error(*problem);

  const int32_t nation_count = static_cast<int32_t>(s.nations.size());
  std::vector<ProvinceInfo> pinfo;
  pinfo.reserve(s.provinces.size());
  WorldSnapshot w;
  std::vector<int64_t> development(static_cast<size_t>(nation_count), 0);
  for (const ModProvince& p : s.provinces) {
    Terrain terrain = Terrain::plains;
    terrain_from_name(p.terrain, terrain);  // checked above
    pinfo.push_back(ProvinceInfo{p.id, p.name, terrain, p.x, p.y,
                                 std::move(neighbors[static_cast<size_t>(p.id - 1)])});
    const NationId owner = owner_of[static_cast<size_t>(p.id - 1)];
    w.provinces.push_back(Province{p.id, owner, owner, p.development, 0, 0});
    if (owner != kNoNation) development[static_cast<size_t>(owner - 1)] += p.development;
  }
  std::vector<NationInfo> ninfo;
  for (const ModNation& n : s.nations) {
    ninfo.push_back(NationInfo{n.id, n.name, n.colour, n.aggression});
    w.nations.push_back(
        starting_nation(tuning, n.id, n.capital, development[static_cast<size_t>(n.id - 1)]));
  }
  ArmyId next_army = 1;
  for (const ModArmy& a : s.armies)
    w.armies.push_back(Army{next_army++, a.nation, a.province, a.strength, kMaxMorale, 0, {}});

  const WorldParams params{seed, static_cast<int32_t>(s.provinces.size()), nation_count};
  w.map = std::make_shared<WorldMap>(params, std::move(pinfo), std::move(ninfo), tuning);
  w.meta.tick = tick_of_date(s.start_date);
  w.meta.next_army_id = next_army;
  w.meta.next_war_id = 1;
  w.meta.state_hash = full_state_hash(w);
  // A last guard: what the loader would refuse must not be built.
  if (Status st = check_world(w); !st.ok()) return st.with_context("build_world");
  return w;
}

Result<ExportedScenario> scenario_from_world(const WorldSnapshot& world) {
  const WorldMap& map = *world.map;
  ExportedScenario out;
  Scenario& s = out.scenario;
  s.start_date = date_of_tick(world.meta.tick);

  // Which nations own land, and their new dense ids.
  std::vector<int32_t> owned(static_cast<size_t>(map.nation_count()) + 1, 0);
  std::vector<ProvinceId> first_owned(owned.size(), 0);
  for (const Province& p : world.provinces) {
    if (p.owner == kNoNation || !map.has_nation(p.owner)) continue;
    const size_t n = static_cast<size_t>(p.owner);
    if (owned[n]++ == 0) first_owned[n] = p.id;
  }
  std::vector<NationId> new_id(owned.size(), kNoNation);
  int32_t left_out = 0, capitals_moved = 0;
  for (const Nation& n : world.nations) {
    const size_t i = static_cast<size_t>(n.id);
    if (owned[i] == 0) {
      ++left_out;
      continue;
    }
    new_id[i] = static_cast<NationId>(s.nations.size() + 1);
    ProvinceId capital = n.capital;
    if (!map.has_province(capital) ||
        world.provinces[static_cast<size_t>(capital - 1)].owner != n.id) {
      capital = first_owned[i];
      ++capitals_moved;
    }
    const NationInfo& info = map.nation(n.id);
    s.nations.push_back(ModNation{new_id[i], info.name, info.color, info.aggression, capital});
  }
  if (static_cast<int64_t>(s.nations.size()) < kMinNations)
    return Status::error("only " + str(static_cast<int64_t>(s.nations.size())) +
                         " nation(s) own land; a scenario needs at least " + str(kMinNations));

  for (const ProvinceInfo& info : map.provinces()) {
    const Province& p = world.provinces[static_cast<size_t>(info.id - 1)];
    s.provinces.push_back(
        ModProvince{info.id, info.name, terrain_name(info.terrain), info.x, info.y, p.development});
    for (ProvinceId b : info.neighbors)
      if (info.id < b) s.adjacency.emplace_back(info.id, b);
    if (p.owner != kNoNation && map.has_nation(p.owner))
      s.owners.emplace_back(p.id, new_id[static_cast<size_t>(p.owner)]);
  }

  int32_t armies_moved = 0, armies_dropped = 0;
  for (const Army& a : world.armies) {
    const NationId nation = map.has_nation(a.owner) ? new_id[static_cast<size_t>(a.owner)] : 0;
    if (nation == kNoNation || a.strength <= 0) {
      ++armies_dropped;
      continue;
    }
    ProvinceId at = a.location;
    if (!map.has_province(at) || world.provinces[static_cast<size_t>(at - 1)].owner != a.owner) {
      at = s.nations[static_cast<size_t>(nation - 1)].capital;
      ++armies_moved;
    }
    s.armies.push_back(ModArmy{nation, at, std::min(a.strength, kMaxArmyStrength)});
  }

  auto note = [&](int32_t count, const std::string& what) {
    if (count > 0) out.notes.push_back(str(count) + " " + what);
  };
  note(left_out, "nation(s) without land left out (the others renumbered in id order)");
  note(capitals_moved, "capital(s) held by another nation moved to the owner's first province");
  note(armies_moved, "army(ies) outside their nation's land placed in its capital");
  note(armies_dropped, "army(ies) without strength or nation left out");
  if (!world.wars.empty()) note(static_cast<int32_t>(world.wars.size()), "war(s) not carried over");
  if (Status st = check_scenario(s); !st.ok()) return st.with_context("exported scenario");
  return out;
}

}  // namespace hegemon
