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

// "army 4: owner 9 is not a nation"
Status not_a_nation(const std::string& entity, const char* field, int64_t id) {
  return Status::error(entity + ": " + field + " " + str(id) + " is not a nation");
}
Status not_a_province(const std::string& entity, const char* field, int64_t id) {
  return Status::error(entity + ": " + field + " " + str(id) + " is not a province of the map");
}

// Checks one entity's fields in turn; each check returns false (and sets
// `status`) when it fails, or when an earlier one has.
struct FieldCheck {
  explicit FieldCheck(std::string name) : entity(std::move(name)) {}
  std::string entity;
  Status status;
  // A value within lo..hi.
  bool operator()(const char* field, int64_t value, int64_t lo, int64_t hi) {
    if (status.ok() && (value < lo || value > hi))
      status = out_of_range(entity, field, value, lo, hi);
    return status.ok();
  }
  // A reference to one of the map's nations / provinces.
  bool nation(const WorldMap& map, const char* field, NationId id) {
    if (status.ok() && !map.has_nation(id)) status = not_a_nation(entity, field, id);
    return status.ok();
  }
  bool province(const WorldMap& map, const char* field, ProvinceId id) {
    if (status.ok() && !map.has_province(id)) status = not_a_province(entity, field, id);
    return status.ok();
  }
  // Armies' and wars' ids ascend (after `previous`, then updated) and stay
  // below the next one the game hands out (`next`, GameMeta's `next_name`).
  bool ascending(int64_t id, int64_t& previous, int64_t next, const char* next_name) {
    if (status.ok() && (id <= previous || id >= next))
      status =
          Status::error(entity + ": id is not ascending and below " + next_name + " " + str(next));
    previous = id;
    return status.ok();
  }
};

// Provinces and nations are numbered as their map's rows: the i-th is i + 1.
Status check_row_number(const char* kind, int64_t id, size_t i) {
  if (id == static_cast<int64_t>(i + 1)) return Status();
  return Status::error(std::string(kind) + " ids are not 1..N (found " + str(id) + " where " +
                       str(static_cast<int64_t>(i + 1)) + " belongs)");
}

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
      if (!map.has_province(n)) return not_a_province(entity, "neighbour", n);
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
    if (Status s = check_row_number("province", p.id, i); !s.ok()) return s;
    if (!nation_or_none(p.owner)) return not_a_nation(check.entity, "owner", p.owner);
    if (!nation_or_none(p.controller))
      return not_a_nation(check.entity, "controller", p.controller);
    check("development", p.development, kMinDevelopment, kMaxDevelopment) &&
        check("unrest", p.unrest, 0, kMaxUnrest) &&
        check("siege_progress", p.siege_progress, 0, kMaxDayCounter);
    if (!check.status.ok()) return check.status;
  }

  for (size_t i = 0; i < w.nations.size(); ++i) {
    const Nation& n = w.nations[i];
    FieldCheck check("nation " + str(n.id));
    if (Status s = check_row_number("nation", n.id, i); !s.ok()) return s;
    // A dead nation may have lost its capital with its last province.
    if (!(n.capital == 0 && !n.alive) && !check.province(map, "capital", n.capital))
      return check.status;
    check("treasury", n.treasury, -kMaxTreasury, kMaxTreasury) &&
        check("stability", n.stability, kMinStability, kMaxStability) &&
        check("manpower", n.manpower, 0, INT32_MAX) &&
        check("tax_level", n.tax_level, kMinTaxLevel, kMaxTaxLevel) &&
        check("last_peace_tick", n.last_peace_tick, -1, now);
    if (!check.status.ok()) return check.status;
  }

  int64_t previous_army = 0;
  int64_t path_steps = 0;
  const int64_t max_steps = max_path_steps(map.province_count());
  for (const Army& a : w.armies) {
    FieldCheck check("army " + str(a.id));
    check.ascending(a.id, previous_army, w.meta.next_army_id, "next_army_id") &&
        check.nation(map, "owner", a.owner) && check.province(map, "location", a.location) &&
        check("strength", a.strength, 0, kMaxArmyStrength) &&
        check("morale", a.morale, 0, kMaxMorale) &&
        check("move_progress", a.move_progress, 0, kMaxDayCounter) &&
        check("path length", static_cast<int64_t>(a.path.size()), 0, kMaxArmyPath);
    if (!check.status.ok()) return check.status;
    for (ProvinceId p : a.path)
      if (!check.province(map, "path step", p)) return check.status;
    path_steps += static_cast<int64_t>(a.path.size());
    if (path_steps > max_steps)
      return Status::error("the armies' paths hold more than " + str(max_steps) +
                           " steps, more than a map of this size needs");
  }

  int64_t previous_war = 0;
  for (const War& x : w.wars) {
    FieldCheck check("war " + str(x.id));
    check.ascending(x.id, previous_war, w.meta.next_war_id, "next_war_id") &&
        check.nation(map, "attacker", x.attacker) && check.nation(map, "defender", x.defender);
    if (!check.status.ok()) return check.status;
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
