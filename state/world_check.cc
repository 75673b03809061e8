#include "state/world_check.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "state/world_limits.h"

namespace hegemon {
namespace {

std::string str(int64_t v) { return std::to_string(v); }

// "province 3: development 2147483647 is outside 1..30"
Status out_of_range(const std::string& entity, const char* field, int64_t value, int64_t lo,
                    int64_t hi) {
  return Status::error(entity + ": " + field + " " + str(value) + " is outside " + str(lo) + ".." +
                       str(hi));
}

// Checks one field; returns false (and sets `status`) when out of range.
struct FieldCheck {
  explicit FieldCheck(std::string name) : entity(std::move(name)) {}
  std::string entity;
  Status status;
  bool operator()(const char* field, int64_t value, int64_t lo, int64_t hi) {
    if (status.ok() && (value < lo || value > hi))
      status = out_of_range(entity, field, value, lo, hi);
    return status.ok();
  }
};

Status check_map_sizes(const WorldMap& map) {
  if (map.province_count() < 1 || map.province_count() > kMaxProvinces)
    return Status::error("the map has " + str(map.province_count()) +
                         " provinces; a world has 1.." + str(kMaxProvinces));
  if (map.nation_count() > kMaxNations)
    return Status::error("the map has " + str(map.nation_count()) +
                         " nations; a world has at most " + str(kMaxNations));
  return Status();
}

Status check_sizes(const WorldSnapshot& w, const WorldMap& map) {
  if (Status s = check_map_sizes(map); !s.ok()) return s;
  const int64_t provinces = map.province_count(), nations = map.nation_count();
  if (static_cast<int64_t>(w.provinces.size()) != provinces)
    return Status::error("the world has " + str(static_cast<int64_t>(w.provinces.size())) +
                         " provinces, its map " + str(provinces));
  if (static_cast<int64_t>(w.nations.size()) != nations)
    return Status::error("the world has " + str(static_cast<int64_t>(w.nations.size())) +
                         " nations, its map " + str(nations));
  if (static_cast<int64_t>(w.armies.size()) > max_armies(provinces, nations))
    return Status::error("the world has " + str(static_cast<int64_t>(w.armies.size())) +
                         " armies; a map of this size holds at most " +
                         str(max_armies(provinces, nations)));
  if (static_cast<int64_t>(w.wars.size()) > max_active_wars(nations))
    return Status::error("the world has " + str(static_cast<int64_t>(w.wars.size())) +
                         " active wars; " + str(nations) + " nations fight at most " +
                         str(max_active_wars(nations)));
  return Status();
}

Status check_meta(const GameMeta& meta) {
  FieldCheck check("game");
  check("tick", meta.tick, 0, kMaxTick) &&
      check("next_army_id", meta.next_army_id, 1, kMaxEntityId) &&
      check("next_war_id", meta.next_war_id, 1, kMaxEntityId);
  return check.status;
}

}  // namespace

Status check_world_map(const WorldMap& map) {
  if (Status s = check_map_sizes(map); !s.ok()) return s;
  for (const NationInfo& n : map.nations()) {
    const std::string entity = "nation " + str(n.id);
    if (static_cast<int64_t>(n.name.size()) > kMaxNameBytes)
      return Status::error(entity + ": its name is " + str(static_cast<int64_t>(n.name.size())) +
                           " bytes long, more than " + str(kMaxNameBytes));
    if (n.aggression < 0 || n.aggression > kMaxAggression)
      return Status::error(entity + ": aggression " + str(n.aggression) + " is outside 0.." +
                           str(kMaxAggression));
  }
  for (const ProvinceInfo& p : map.provinces()) {
    const std::string entity = "province " + str(p.id);
    if (static_cast<int64_t>(p.name.size()) > kMaxNameBytes)
      return Status::error(entity + ": its name is " + str(static_cast<int64_t>(p.name.size())) +
                           " bytes long, more than " + str(kMaxNameBytes));
    if (p.x < -kMaxMapCoordinate || p.x > kMaxMapCoordinate || p.y < -kMaxMapCoordinate ||
        p.y > kMaxMapCoordinate)
      return Status::error(entity + ": position (" + str(p.x) + ", " + str(p.y) +
                           ") is off the map (at most " + str(kMaxMapCoordinate) + " either way)");
    ProvinceId previous = 0;
    for (ProvinceId n : p.neighbors) {
      if (!map.has_province(n))
        return Status::error(entity + ": neighbour " + str(n) + " is not a province of the map");
      if (n == p.id) return Status::error(entity + ": is its own neighbour");
      if (n <= previous)
        return Status::error(entity + ": neighbours are not ascending and distinct at " + str(n));
      previous = n;
      // Sorted lists: a binary search (WorldMap::adjacent) per edge.
      if (!map.adjacent(n, p.id))
        return Status::error(entity + ": adjacency is not symmetric: " + str(n) + " neighbours " +
                             str(p.id) + " but not the other way round");
    }
  }
  return Status();
}

Status check_world_state(const WorldSnapshot& w, const WorldMap& map) {
  if (Status s = check_sizes(w, map); !s.ok()) return s;
  if (Status s = check_meta(w.meta); !s.ok()) return s;
  const Tick now = w.meta.tick;
  auto nation_or_none = [&](NationId n) { return n == kNoNation || map.has_nation(n); };

  for (size_t i = 0; i < w.provinces.size(); ++i) {
    const Province& p = w.provinces[i];
    FieldCheck check("province " + str(p.id));
    if (p.id != static_cast<ProvinceId>(i + 1))
      return Status::error("province ids are not 1..N (found " + str(p.id) + " where " +
                           str(static_cast<int64_t>(i + 1)) + " belongs)");
    if (!nation_or_none(p.owner))
      return Status::error(check.entity + ": owner " + str(p.owner) + " is not a nation");
    if (!nation_or_none(p.controller))
      return Status::error(check.entity + ": controller " + str(p.controller) + " is not a nation");
    check("development", p.development, kMinDevelopment, kMaxDevelopment) &&
        check("unrest", p.unrest, 0, kMaxUnrest) &&
        check("siege_progress", p.siege_progress, 0, kMaxDayCounter);
    if (!check.status.ok()) return check.status;
  }

  for (size_t i = 0; i < w.nations.size(); ++i) {
    const Nation& n = w.nations[i];
    FieldCheck check("nation " + str(n.id));
    if (n.id != static_cast<NationId>(i + 1))
      return Status::error("nation ids are not 1..N (found " + str(n.id) + " where " +
                           str(static_cast<int64_t>(i + 1)) + " belongs)");
    // A dead nation may have lost its capital with its last province.
    if (!map.has_province(n.capital) && !(n.capital == 0 && !n.alive))
      return Status::error(check.entity + ": capital " + str(n.capital) +
                           " is not a province of the map");
    check("treasury", n.treasury, -kMaxTreasury, kMaxTreasury) &&
        check("stability", n.stability, kMinStability, kMaxStability) &&
        check("manpower", n.manpower, 0, INT32_MAX) &&
        check("tax_level", n.tax_level, kMinTaxLevel, kMaxTaxLevel) &&
        check("last_peace_tick", n.last_peace_tick, -1, now);
    if (!check.status.ok()) return check.status;
  }

  ArmyId previous_army = 0;
  int64_t path_steps = 0;
  const int64_t max_steps = max_path_steps(map.province_count());
  for (const Army& a : w.armies) {
    FieldCheck check("army " + str(a.id));
    if (a.id <= previous_army || a.id >= w.meta.next_army_id)
      return Status::error(check.entity + ": id is not ascending and below next_army_id " +
                           str(w.meta.next_army_id));
    previous_army = a.id;
    if (!map.has_nation(a.owner))
      return Status::error(check.entity + ": owner " + str(a.owner) + " is not a nation");
    if (!map.has_province(a.location))
      return Status::error(check.entity + ": location " + str(a.location) +
                           " is not a province of the map");
    check("strength", a.strength, 0, kMaxArmyStrength) &&
        check("morale", a.morale, 0, kMaxMorale) &&
        check("move_progress", a.move_progress, 0, kMaxDayCounter) &&
        check("path length", static_cast<int64_t>(a.path.size()), 0, kMaxArmyPath);
    if (!check.status.ok()) return check.status;
    for (ProvinceId p : a.path)
      if (!map.has_province(p))
        return Status::error(check.entity + ": path step " + str(p) +
                             " is not a province of the map");
    path_steps += static_cast<int64_t>(a.path.size());
    if (path_steps > max_steps)
      return Status::error("the armies' paths hold more than " + str(max_steps) +
                           " steps, more than a map of this size needs");
  }

  WarId previous_war = 0;
  for (const War& x : w.wars) {
    FieldCheck check("war " + str(x.id));
    if (x.id <= previous_war || x.id >= w.meta.next_war_id)
      return Status::error(check.entity + ": id is not ascending and below next_war_id " +
                           str(w.meta.next_war_id));
    previous_war = x.id;
    if (!map.has_nation(x.attacker))
      return Status::error(check.entity + ": attacker " + str(x.attacker) + " is not a nation");
    if (!map.has_nation(x.defender))
      return Status::error(check.entity + ": defender " + str(x.defender) + " is not a nation");
    if (x.attacker == x.defender) return Status::error(check.entity + ": a nation fights itself");
    auto side_or_none = [&](NationId n) {
      return n == kNoNation || n == x.attacker || n == x.defender;
    };
    if (!side_or_none(x.peace_offer_by) || !side_or_none(x.peace_offer_winner))
      return Status::error(check.entity + ": its peace offer names a nation not in the war");
    check("start_tick", x.start_tick, 0, now) && check("end_tick", x.end_tick, -1, -1) &&
        check("war_score", x.war_score, -kWarScoreMax, kWarScoreMax) &&
        check("battle_score", x.battle_score, -kBattleScoreMax, kBattleScoreMax) &&
        check("peace_offer_tick", x.peace_offer_tick, -1, now);
    if (!check.status.ok()) return check.status;
  }
  // A nation's war is an active war it fights (wars are sorted by id).
  for (const Nation& n : w.nations) {
    if (n.war == 0) continue;
    const auto it = std::lower_bound(w.wars.begin(), w.wars.end(), n.war,
                                     [](const War& x, WarId id) { return x.id < id; });
    const War* found = it != w.wars.end() && it->id == n.war ? &*it : nullptr;
    if (!found || (found->attacker != n.id && found->defender != n.id))
      return Status::error("nation " + str(n.id) + ": war " + str(n.war) +
                           " is not an active war it fights");
  }
  return Status();
}

Status check_world(const WorldSnapshot& world) {
  if (!world.map) return Status::error("the world has no map");
  if (Status s = check_world_map(*world.map); !s.ok()) return s;
  return check_world_state(world, *world.map);
}

Status check_room_for_next_tick(const GameMeta& meta, int64_t nations) {
  const auto full = [](const char* what, int64_t value, int64_t need, int64_t limit) {
    return Status::error("the game has reached the limit a save can hold: " + std::string(what) +
                         " is " + str(value) + " and the next tick may need " + str(need) +
                         " more, past " + str(limit) + " (state/world_limits.h)");
  };
  if (meta.tick >= kMaxTick) return full("the tick", meta.tick, 1, kMaxTick);
  if (meta.next_army_id > kMaxEntityId - max_new_armies_per_tick(nations))
    return full("next_army_id", meta.next_army_id, max_new_armies_per_tick(nations), kMaxEntityId);
  if (meta.next_war_id > kMaxEntityId - max_new_wars_per_tick(nations))
    return full("next_war_id", meta.next_war_id, max_new_wars_per_tick(nations), kMaxEntityId);
  return Status();
}

}  // namespace hegemon
