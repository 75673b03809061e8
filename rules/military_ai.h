// Keeping armies up to strength, monthly. A nation may keep force_limit_per_dev
// men per point of development under arms. Armies standing on home ground
// refill from manpower (at peace only while solvent); a nation at war, or at
// peace next to a stronger neighbour, raises one new army a month at its
// capital (or another home province), paid from treasury and manpower.
#pragma once

#include <cstdint>

#include "rules/nation_plan.h"
#include "rules/province_life.h"

namespace hegemon {

int64_t force_limit(const Tuning& tuning, int64_t owned_development);

void reinforce_armies_monthly(NationPlan& plan, const ProvinceTotals& totals);
void plan_recruitment_monthly(NationPlan& plan, const ProvinceTotals& totals);

}  // namespace hegemon
