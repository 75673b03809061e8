#include "rules/front.h"

#include <algorithm>

namespace hegemon {
namespace {

SideFront sweep_side(WarPlan& plan, NationId side, const std::vector<ProvinceId>& besieged_today) {
  SideFront f;
  const IdList owned = plan.world.provinces_of(side);
  for (ProvinceId id : *owned) {
    Province p = plan.provinces.get(id);
    if (p.siege_progress > 0 &&
        !std::binary_search(besieged_today.begin(), besieged_today.end(), id)) {
      p.siege_progress = std::max(0, p.siege_progress - plan.tuning.siege_decay_per_survey);
      plan.provinces.set(p);
    }
    f.owned_development += p.development;
    if (p.controller != side) {
      f.occupied_development += p.development;
      f.occupied.push_back(id);
    } else {
      ++f.held;
      if (p.siege_progress > 0) f.sieged.push_back(id);
    }
  }
  return f;
}

}  // namespace

bool front_survey_due(const WarPlan& plan) {
  return (plan.tick + plan.war.id) % plan.tuning.front_survey_period == 0;
}

Front sweep_front(WarPlan& plan, const std::vector<ProvinceId>& besieged_today) {
  return Front{sweep_side(plan, plan.attacker(), besieged_today),
               sweep_side(plan, plan.defender(), besieged_today)};
}

}  // namespace hegemon
