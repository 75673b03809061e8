// A nation's provinces over one month: unrest drifts toward what taxes,
// stability, occupation and war make of it; restless provinces may revolt
// (losing development); calm ones may develop. Runs on the 1st of the month,
// once per owned province, reading each province exactly once.
#pragma once

#include <cstdint>

#include "rules/nation_plan.h"

namespace hegemon {

// What the month's pass over the provinces measured, for the economy.
struct ProvinceTotals {
  int64_t owned_development = 0;       // every province it owns
  int64_t controlled_development = 0;  // owned and not occupied: pays taxes
  int32_t revolts = 0;
};

// The unrest a province settles at under the nation's current policies.
int32_t target_unrest(const Tuning& tuning, const Province& p, const Nation& owner, bool at_war);

ProvinceTotals update_provinces_monthly(NationPlan& plan);

}  // namespace hegemon
