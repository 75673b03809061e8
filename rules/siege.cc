#include "rules/siege.h"

#include <map>

#include "rules/events.h"

namespace hegemon {
namespace {

// Who stands in a province after the battles. Battles leave at most one
// side anywhere; an army still marching through does not besiege.
struct Presence {
  NationId side = kNoNation;
  int64_t besiegers = 0;  // men of that side standing still
};

std::map<ProvinceId, Presence> presence(const WarPlan& plan) {
  std::map<ProvinceId, Presence> out;
  for (const auto& e : plan.armies.entries()) {
    if (e.destroyed) continue;
    Presence& p = out[e.now.location];
    p.side = e.now.owner;
    if (e.now.path.empty()) p.besiegers += e.now.strength;
  }
  return out;
}

// Returns whether the province fell today.
bool besiege(WarPlan& plan, Province& p, NationId besieger) {
  Rng rng(plan.world.seed(), plan.tick, static_cast<uint64_t>(p.id), RngPurpose::siege);
  p.siege_progress += 1 + (rng.chance(plan.tuning.siege_luck_per_mille) ? 1 : 0);
  if (p.siege_progress <
      siege_threshold(plan.tuning, p.development, plan.world.map().province(p.id).terrain))
    return false;
  p.controller = besieger;
  p.siege_progress = 0;
  plan.events.push_back(
      make_event(plan.tick, events::kSiegeWon,
                 {{"war", plan.war.id}, {"province", p.id}, {"nation", besieger}}));
  return true;
}

}  // namespace

int32_t siege_threshold(const Tuning& tuning, int32_t development, Terrain terrain) {
  return (tuning.siege_base_days + tuning.siege_days_per_two_dev * development / 2) *
         tuning.siege_pct_for(terrain) / 100;
}

SiegeReport progress_sieges(WarPlan& plan) {
  SiegeReport report;
  for (const auto& [site, here] : presence(plan)) {
    if (here.besiegers < plan.tuning.min_siege_strength) continue;
    Province p = plan.provinces.get(site);
    const NationId enemy = plan.enemy_of(here.side);
    const bool enemy_holds = p.controller == enemy && (p.owner == enemy || p.owner == here.side);
    if (!enemy_holds) continue;
    report.besieged.push_back(site);
    if (besiege(plan, p, here.side)) ++report.fallen;
    plan.provinces.set(p);
  }
  return report;
}

}  // namespace hegemon
