#include "rules/statecraft.h"

#include <algorithm>

#include "rules/tuning.h"

namespace hegemon {
namespace {

int32_t chosen_tax_level(const NationPlan& plan) {
  if (plan.nation.stability < 0) return kUnstableTaxLevel;
  return plan.at_war() ? kWarTaxLevel : kPeaceTaxLevel;
}

void maybe_buy_stability(NationPlan& plan, int64_t owned_development) {
  Nation& n = plan.nation;
  if (n.stability >= kMaxStability) return;
  const int64_t reserve = n.stability < 0 ? 0 : (plan.at_war() ? 2 : 1) * kRecruitCost;
  const int64_t cost = stability_cost(owned_development);
  if (n.treasury - cost < reserve) return;
  n.treasury -= cost;
  ++n.stability;
}

}  // namespace

int64_t stability_cost(int64_t owned_development) { return kStabilityCostBase + owned_development; }

void run_statecraft_monthly(NationPlan& plan, const ProvinceTotals& totals) {
  Nation& n = plan.nation;
  if (totals.revolts > 0) n.stability = std::max(kMinStability, n.stability - 1);
  maybe_buy_stability(plan, totals.owned_development);
  if (!n.player) n.tax_level = std::clamp(chosen_tax_level(plan), kMinTaxLevel, kMaxTaxLevel);
}

}  // namespace hegemon
