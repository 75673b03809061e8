#include "rules/economy.h"

#include <algorithm>

#include "rules/events.h"

namespace hegemon {
namespace {

void go_bankrupt(NationPlan& plan) {
  plan.nation.treasury = 0;
  plan.nation.stability = std::max(kMinStability, plan.nation.stability - 1);
  for (auto& e : plan.armies.entries()) {
    // Desertion thins an army but never dissolves it (that is for battles).
    const int32_t deserters = e.now.strength * plan.tuning.bankruptcy_desertion_pct / 100;
    e.now.strength = std::max(std::min(e.now.strength, plan.tuning.min_army_strength),
                              e.now.strength - deserters);
  }
  plan.events.push_back(make_event(plan.tick, events::kBankruptcy, {{"nation", plan.id()}}));
}

}  // namespace

int64_t monthly_income(const Tuning& tuning, int64_t controlled_development, int32_t tax_level) {
  return controlled_development * (tax_level + 1) / tuning.income_divisor;
}

int64_t monthly_upkeep(const Tuning& tuning, int64_t army_strength) {
  return army_strength * tuning.upkeep_per_thousand_men / 1000;
}

int32_t manpower_cap(const Tuning& tuning, int64_t owned_development) {
  return static_cast<int32_t>(
      std::min<int64_t>(owned_development * tuning.manpower_cap_per_dev, INT32_MAX));
}

void run_economy_monthly(NationPlan& plan, const ProvinceTotals& totals) {
  Nation& n = plan.nation;
  n.treasury += monthly_income(plan.tuning, totals.controlled_development, n.tax_level) -
                monthly_upkeep(plan.tuning, plan.armies.strength_of(n.id));
  if (n.treasury < 0) go_bankrupt(plan);

  const int64_t regen = totals.owned_development * plan.tuning.manpower_regen_per_dev;
  n.manpower = static_cast<int32_t>(std::min<int64_t>(
      manpower_cap(plan.tuning, totals.owned_development), int64_t{n.manpower} + regen));
}

}  // namespace hegemon
