#include "net/json_views.h"

#include <cstdio>
#include <type_traits>

#include "actors/game_speed.h"
#include "state/hash_hex.h"
#include "state/bounded_json.h"
#include "state/entity_fields.h"
#include "state/game_date.h"

namespace hegemon::net {
namespace {
std::string color(uint32_t rgb) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%06x", rgb & 0xffffffu);
  return buf;
}

// The dynamic fields of each entity, as views and deltas show them: every
// described field shown in views (state/entity_fields.h), under its
// column's name; a tick that may be "never" (-1) as null.
template <class E>
nlohmann::json state_of(const E& e) {
  nlohmann::json out = nlohmann::json::object();
  for_each_field<E>([&](const auto& f) {
    if (!f.in_views) return;
    using T = typename std::decay_t<decltype(f)>::Type;
    if constexpr (std::is_same_v<T, Tick>) {
      if (f.sql == Sql::tick && f.of(e) < 0) {
        out[f.column] = nullptr;
        return;
      }
    }
    out[f.column] = f.of(e);
  });
  return out;
}
}  // namespace

nlohmann::json province_state(const Province& p) { return state_of(p); }
nlohmann::json nation_state(const Nation& n) { return state_of(n); }
nlohmann::json army_state(const Army& a) { return state_of(a); }
nlohmann::json war_state(const War& w) {
  nlohmann::json out = state_of(w);
  out["peace_offer"] = nullptr;
  if (w.has_peace_offer())
    out["peace_offer"] = {
        {"by", w.peace_offer_by}, {"winner", w.peace_offer_winner}, {"tick", w.peace_offer_tick}};
  return out;
}

std::string color_hex(uint32_t rgb) { return color(rgb); }

nlohmann::json status_json(const GameStatus& s) {
  return {
      {"tick", s.tick},
      {"committed_tick", s.committed_tick},
      {"date", s.date},
      {"speed", speed_name(s.speed)},
      {"living_nations", s.living_nations},
      {"active_wars", s.active_wars},
      {"armies", s.armies},
      {"uncommitted", s.uncommitted},
      {"ticks_per_second", s.ticks_per_second},
      {"commit_ms", s.commit_ms},
      {"state_hash", hash_to_hex(s.state_hash)},
      {"restarts", s.restarts},
      {"last_error", s.last_error},
      {"finished", s.finished},
      {"phase_ms",
       {{"nation", s.nation_phase_ms}, {"war", s.war_phase_ms}, {"finish", s.finish_phase_ms}}}};
}

nlohmann::json content_json(const GameContent& content) {
  nlohmann::json mods = nlohmann::json::array();
  for (const SavedMod& m : content.mods)
    mods.push_back({{"name", m.name}, {"version", m.version}, {"sha256", m.sha256_hex}});
  return {{"checksum", content.checksum_hex}, {"mods", std::move(mods)}};
}

nlohmann::json actors_json(const std::vector<ActorInfo>& actors) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : actors) {
    out.push_back({{"kind", a.kind},
                   {"id", a.id},
                   {"supervisor", a.supervisor},
                   {"generation", a.generation},
                   {"restarts", a.restarts},
                   {"running", a.running},
                   {"last_crash", a.last_crash},
                   {"last_crash_tick", a.last_crash_tick}});
  }
  return out;
}

nlohmann::json province_json(const World& world, ProvinceId id) {
  auto p = world.province(id);
  if (!p || !world.map().has_province(id)) return nullptr;
  const auto& info = world.map().province(id);
  nlohmann::json out = province_state(*p);
  out["name"] = info.name;
  out["terrain"] = terrain_name(info.terrain);
  out["x"] = info.x;
  out["y"] = info.y;
  out["neighbors"] = info.neighbors;
  return out;
}

nlohmann::json nation_json(const World& world, NationId id) {
  auto n = world.nation(id);
  if (!n || !world.map().has_nation(id)) return nullptr;
  const auto& info = world.map().nation(id);
  nlohmann::json out = nation_state(*n);
  out["name"] = info.name;
  out["color"] = color(info.color);
  out["provinces"] = world.provinces_of(id)->size();
  out["armies"] = world.armies_of(id)->size();
  return out;
}

nlohmann::json army_json(const World& world, ArmyId id) {
  auto a = world.army(id);
  if (!a) return nullptr;
  nlohmann::json out = army_state(*a);
  out["move_progress"] = a->move_progress;
  return out;
}

nlohmann::json war_json(const World& world, WarId id) {
  auto w = world.war(id);
  if (!w) return nullptr;
  return war_state(*w);
}

nlohmann::json geometry_json(const World& world) {
  nlohmann::json provinces = nlohmann::json::array();
  for (const ProvinceInfo& p : world.map().provinces())
    provinces.push_back(nlohmann::json::array({p.id, p.x, p.y, terrain_name(p.terrain)}));
  nlohmann::json nations = nlohmann::json::array();
  for (const NationInfo& n : world.map().nations())
    nations.push_back(nlohmann::json::array({n.id, n.name, color(n.color)}));
  return {{"provinces", std::move(provinces)}, {"nations", std::move(nations)}};
}

nlohmann::json snapshot_json(const World& world) {
  const WorldSnapshot s = world.snapshot();
  nlohmann::json provinces = nlohmann::json::array();
  for (const auto& p : s.provinces)
    provinces.push_back(nlohmann::json::array({p.id, p.owner, p.controller, p.development}));
  nlohmann::json nations = nlohmann::json::array();
  for (const auto& n : s.nations)
    if (n.alive) nations.push_back(nation_state(n));
  nlohmann::json wars = nlohmann::json::array();
  for (const auto& w : s.wars) wars.push_back(war_state(w));
  return {{"tick", s.meta.tick},
          {"date", date_of_tick(s.meta.tick).to_string()},
          {"state_hash", hash_to_hex(s.meta.state_hash)},
          {"provinces", std::move(provinces)},
          {"nations", std::move(nations)},
          {"wars", std::move(wars)}};
}

nlohmann::json delta_json(const ChangeSet& cs) {
  nlohmann::json out = {{"push", "delta"},
                        {"tick", cs.tick()},
                        {"date", cs.date},
                        {"state_hash", hash_to_hex(cs.meta.state_hash)}};
  auto& provinces = out["provinces"] = nlohmann::json::array();
  for (const auto& p : cs.provinces) provinces.push_back(province_state(p));
  auto& nations = out["nations"] = nlohmann::json::array();
  for (const auto& n : cs.nations) nations.push_back(nation_state(n));
  auto& armies = out["armies"] = nlohmann::json::array();
  for (const auto& a : cs.armies) armies.push_back(army_state(a));
  out["removed_armies"] = cs.removed_armies;
  auto& wars = out["wars"] = nlohmann::json::array();
  for (const auto& w : cs.wars) wars.push_back(war_state(w));
  auto& events = out["events"] = nlohmann::json::array();
  for (const auto& e : cs.events) {
    events.push_back({{"type", e.type}, {"data", parse_json_or_null(e.data, kEventDataLimits)}});
  }
  return out;
}

}  // namespace hegemon::net
