// A government's monthly choices and their consequences for stability:
// revolts cost a point; the AI buys a point back when the treasury allows
// (always first when stability is negative, otherwise keeping a reserve for
// recruiting); taxes follow the situation (higher at war, lower when unstable,
// since both raise unrest), except where a player sets them.
#pragma once

#include <cstdint>

#include "rules/nation_plan.h"
#include "rules/province_life.h"

namespace hegemon {

int64_t stability_cost(const Tuning& tuning, int64_t owned_development);

void run_statecraft_monthly(NationPlan& plan, const ProvinceTotals& totals);

}  // namespace hegemon
