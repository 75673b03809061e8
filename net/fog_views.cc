#include "net/fog_views.h"

#include <algorithm>

#include "net/json_views.h"
#include "rules/events.h"
#include "state/bounded_json.h"
#include "state/game_date.h"

namespace hegemon::net {
namespace {

using nlohmann::json;

bool contains(const std::vector<ArmyId>& sorted, ArmyId id) {
  return std::binary_search(sorted.begin(), sorted.end(), id);
}

// An integer field of an event's data, 0 when absent or not an integer.
int64_t int_of(const json& data, const char* name) {
  if (!data.is_object()) return 0;
  auto it = data.find(name);
  return it != data.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

json army_view(const PlayerSight& v, const Army& a) {
  if (a.owner != v.nation) return foreign_army(a);
  json out = army_state(a);
  out["move_progress"] = a.move_progress;
  return out;
}

}  // namespace

json public_province(const Province& p) {
  return {{"id", p.id},
          {"owner_id", p.owner},
          {"controller_id", p.controller},
          {"development", p.development}};
}

json public_nation(const Nation& n) {
  return {{"id", n.id}, {"alive", n.alive}, {"capital_id", n.capital}, {"war_id", n.war}};
}

json public_war(const War& w) {
  json out{{"id", w.id},
           {"attacker_id", w.attacker},
           {"defender_id", w.defender},
           {"start_tick", w.start_tick},
           {"end_tick", w.active() ? json(nullptr) : json(w.end_tick)}};
  if (!w.active()) out["war_score"] = w.war_score;  // a war's outcome is public once it ends
  return out;
}

json foreign_army(const Army& a) {
  return {{"id", a.id},
          {"nation_id", a.owner},
          {"province_id", a.location},
          {"strength", a.strength},
          {"morale", a.morale}};
}

bool fights_in(const War& w, NationId nation) {
  return nation != kNoNation && (w.attacker == nation || w.defender == nation);
}

bool sees_army(const PlayerSight& v, const Army& a) {
  return a.owner == v.nation || v.sight->sees(a.location);
}

json province_json(const PlayerSight& v, ProvinceId id) {
  json out = province_json(*v.world, id);
  if (out.is_null() || v.sight->sees(id)) return out;
  out.erase("unrest");
  out.erase("siege_progress");
  return out;
}

json nation_json(const PlayerSight& v, NationId id) {
  if (id == v.nation) return nation_json(*v.world, id);
  auto n = v.world->nation(id);
  if (!n || !v.world->map().has_nation(id)) return nullptr;
  const auto& info = v.world->map().nation(id);
  json out = public_nation(*n);
  out["name"] = info.name;
  out["color"] = color_hex(info.color);
  out["provinces"] = v.world->provinces_of(id)->size();
  return out;
}

json army_json(const PlayerSight& v, ArmyId id) {
  auto a = v.world->army(id);
  if (!a || !sees_army(v, *a)) return nullptr;  // as if there were none
  return army_view(v, *a);
}

json war_row(const War& w, NationId nation) {
  return fights_in(w, nation) ? war_state(w) : public_war(w);
}

json war_json(const PlayerSight& v, WarId id) {
  auto w = v.world->war(id);
  if (!w) return nullptr;
  return war_row(*w, v.nation);
}

bool event_visible(const PlayerSight& v, const std::string& type, const json& data,
                   EventTime when) {
  namespace ev = events;
  if (!data.is_object()) return false;
  const NationId me = v.nation;
  auto mine = [&](const char* field) { return int_of(data, field) == me; };
  auto seen = [&](const char* field) {
    return when == EventTime::this_tick &&
           v.sight->sees(static_cast<ProvinceId>(int_of(data, field)));
  };
  auto my_war = [&] {
    auto w = v.world->war(static_cast<WarId>(int_of(data, "war")));
    return w && fights_in(*w, me);
  };
  if (type == ev::kWarDeclared || type == ev::kPeace || type == ev::kProvinceTransferred ||
      type == ev::kCapitalMoved || type == ev::kNationEliminated)
    return true;
  if (type == ev::kWarDeclarationRefused) return mine("nation") || mine("target");
  if (type == ev::kCommand || type == ev::kCommandFailed || type == ev::kBankruptcy ||
      type == ev::kArmyDestroyed)
    return mine("nation");
  if (type == ev::kArmyRecruited || type == ev::kRevolt || type == ev::kSiegeWon)
    return mine("nation") || seen("province");
  if (type == ev::kBattle) return seen("province") || (when == EventTime::past && my_war());
  if (type == ev::kPeaceOffered || type == ev::kPeaceRefused || type == ev::kPeaceOfferExpired)
    return my_war();
  return false;  // a type added later is hidden until someone decides otherwise
}

json player_snapshot_json(const PlayerSight& v, const std::vector<ArmyId>& armies) {
  const World& world = *v.world;
  json provinces = json::array();
  for (ProvinceId id = 1; id <= world.map().province_count(); ++id)
    if (auto p = world.province(id))
      provinces.push_back(json::array({p->id, p->owner, p->controller, p->development}));
  json nations = json::array();
  for (NationId id : world.living_nations())
    if (auto n = world.nation(id)) nations.push_back(id == v.nation ? nation_state(*n) : public_nation(*n));
  json wars = json::array();
  for (WarId id : world.active_wars())
    if (auto w = world.war(id)) wars.push_back(war_row(*w, v.nation));
  json seen = json::array();
  for (ArmyId id : armies)
    if (auto a = world.army(id)) seen.push_back(army_view(v, *a));
  const Tick tick = world.meta().tick;
  return {{"tick", tick},
          {"date", date_of_tick(tick).to_string()},
          {"nation", v.nation},
          {"provinces", std::move(provinces)},
          {"nations", std::move(nations)},
          {"wars", std::move(wars)},
          {"armies", std::move(seen)},
          {"sight", v.sight->provinces()}};
}

json player_delta_json(const ChangeSet& cs, const PublicChanges& pub, const PlayerSight& after,
                       const Sight& before, const std::vector<ArmyId>& armies_before,
                       const std::vector<ArmyId>& armies_after) {
  const World& world = *after.world;
  const Sight& sight = *after.sight;
  json out = {{"push", "delta"}, {"tick", cs.tick()}, {"date", cs.date}};
  auto& provinces = out["provinces"] = json::array();
  {
    // Changed provinces and those newly in sight, in id order.
    std::vector<ProvinceId> newly;
    for (ProvinceId id : sight.provinces())
      if (!before.sees(id)) newly.push_back(id);
    size_t i = 0, j = 0;
    while (i < cs.provinces.size() || j < newly.size()) {
      const bool take_changed =
          j == newly.size() || (i < cs.provinces.size() && cs.provinces[i].id <= newly[j]);
      if (take_changed) {
        const Province& p = cs.provinces[i];
        if (j < newly.size() && newly[j] == p.id) ++j;
        if (sight.sees(p.id)) provinces.push_back(province_state(p));
        else if (pub.provinces[i]) provinces.push_back(public_province(p));
        ++i;
      } else {
        if (auto p = world.province(newly[j])) provinces.push_back(province_state(*p));
        ++j;
      }
    }
  }
  auto& nations = out["nations"] = json::array();
  for (size_t i = 0; i < cs.nations.size(); ++i) {
    const Nation& n = cs.nations[i];
    if (n.id == after.nation) nations.push_back(nation_state(n));
    else if (pub.nations[i]) nations.push_back(public_nation(n));
  }
  auto& armies = out["armies"] = json::array();
  {
    std::vector<ArmyId> changed;
    for (const Army& a : cs.armies) changed.push_back(a.id);  // sorted by id
    for (ArmyId id : armies_after) {
      if (contains(armies_before, id) && !std::binary_search(changed.begin(), changed.end(), id))
        continue;
      if (auto a = world.army(id)) armies.push_back(army_view(after, *a));
    }
  }
  auto& removed = out["removed_armies"] = json::array();
  for (ArmyId id : armies_before)
    if (!contains(armies_after, id)) removed.push_back(id);
  auto& wars = out["wars"] = json::array();
  for (size_t i = 0; i < cs.wars.size(); ++i) {
    const War& w = cs.wars[i];
    if (fights_in(w, after.nation) || pub.wars[i]) wars.push_back(war_row(w, after.nation));
  }
  auto& events = out["events"] = json::array();
  for (const auto& e : cs.events) {
    json data = parse_json_or_null(e.data, kEventDataLimits);
    if (event_visible(after, e.type, data))
      events.push_back({{"type", e.type}, {"data", std::move(data)}});
  }
  if (sight != before) out["sight"] = sight.provinces();
  return out;
}

}  // namespace hegemon::net
