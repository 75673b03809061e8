// The front line of a war, surveyed in a single pass over both belligerents'
// provinces (O(their provinces), via the owner index): how much of each
// side's development the enemy occupies, which provinces are occupied or
// partly besieged. The same pass lifts abandoned sieges: progress in a
// province nobody besieged today decays by siege_decay_per_survey. Surveys run
// only when due (front_survey_period), on days a siege falls, and at peace.
#pragma once

#include <cstdint>
#include <vector>

#include "rules/war_plan.h"

namespace hegemon {

struct SideFront {
  int64_t owned_development = 0;
  int64_t occupied_development = 0;  // owned by this side, controlled by the enemy
  int32_t held = 0;                  // provinces owned and controlled
  std::vector<ProvinceId> occupied;  // owned by this side, controlled by the enemy; sorted
  std::vector<ProvinceId> sieged;    // held, with siege progress left; sorted
};

struct Front {
  SideFront attacker;
  SideFront defender;
};

// Whether today is the war's regular survey day.
bool front_survey_due(const WarPlan& plan);

// `besieged_today` (sorted) comes from progress_sieges().
Front sweep_front(WarPlan& plan, const std::vector<ProvinceId>& besieged_today);

}  // namespace hegemon
