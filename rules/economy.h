// A nation's monthly books: taxes from the provinces it controls, upkeep for
// its armies, manpower drawn from its development. A treasury that would go
// negative is a bankruptcy: it is zeroed, stability drops and soldiers desert.
#pragma once

#include <cstdint>

#include "rules/nation_plan.h"
#include "rules/province_life.h"

namespace hegemon {

int64_t monthly_income(const Tuning& tuning, int64_t controlled_development, int32_t tax_level);
int64_t monthly_upkeep(const Tuning& tuning, int64_t army_strength);
int32_t manpower_cap(const Tuning& tuning, int64_t owned_development);

void run_economy_monthly(NationPlan& plan, const ProvinceTotals& totals);

}  // namespace hegemon
