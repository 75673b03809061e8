// The AI's decision to go to war, rolled monthly. A nation considers it only
// at peace, with stability >= 0 and at least min_days_between_wars after its
// last peace; the chance grows with its aggression. It picks at random among
// bordering living nations at peace whose armies are clearly weaker (below
// weaker_num/weaker_den of its own). The merge may still refuse the
// declaration if the target went to war earlier in the same tick.
#pragma once

#include "rules/nation_plan.h"

namespace hegemon {

void plan_war_declaration_monthly(NationPlan& plan);

}  // namespace hegemon
