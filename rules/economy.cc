#include "rules/economy.h"

#include <algorithm>

#include "rules/events.h"
#include "rules/tuning.h"

namespace hegemon {
namespace {

void go_bankrupt(NationPlan& plan) {
  plan.nation.treasury = 0;
  plan.nation.stability = std::max(kMinStability, plan.nation.stability - 1);
  for (auto& e : plan.armies.entries()) {
    // Desertion thins an army but never dissolves it (that is for battles).
    const int32_t deserters = e.now.strength * kBankruptcyDesertionPct / 100;
    e.now.strength =
        std::max(std::min(e.now.strength, kMinArmyStrength), e.now.strength - deserters);
  }
  plan.events.push_back(make_event(plan.tick, events::kBankruptcy, {{"nation", plan.id()}}));
}

}  // namespace

int64_t monthly_income(int64_t controlled_development, int32_t tax_level) {
  return controlled_development * (tax_level + 1) / kIncomeDivisor;
}

int64_t monthly_upkeep(int64_t army_strength) {
  return army_strength * kUpkeepPerThousandMen / 1000;
}

int32_t manpower_cap(int64_t owned_development) {
  return static_cast<int32_t>(std::min<int64_t>(owned_development * kManpowerCapPerDev, INT32_MAX));
}

void run_economy_monthly(NationPlan& plan, const ProvinceTotals& totals) {
  Nation& n = plan.nation;
  n.treasury += monthly_income(totals.controlled_development, n.tax_level) -
                monthly_upkeep(plan.armies.strength_of(n.id));
  if (n.treasury < 0) go_bankrupt(plan);

  const int64_t regen = totals.owned_development * kManpowerRegenPerDev;
  n.manpower = static_cast<int32_t>(
      std::min<int64_t>(manpower_cap(totals.owned_development), int64_t{n.manpower} + regen));
}

}  // namespace hegemon
