#include "rules/statecraft.h"

#include <algorithm>

namespace hegemon {
namespace {

int32_t chosen_tax_level(const NationPlan& plan) {
  if (plan.nation.stability < 0) return plan.tuning.unstable_tax_level;
  return plan.at_war() ? plan.tuning.war_tax_level : plan.tuning.peace_tax_level;
}

void maybe_buy_stability(NationPlan& plan, int64_t owned_development) {
  Nation& n = plan.nation;
  if (n.stability >= kMaxStability) return;
  const int64_t reserve = n.stability < 0 ? 0 : (plan.at_war() ? 2 : 1) * plan.tuning.recruit_cost;
  const int64_t cost = stability_cost(plan.tuning, owned_development);
  if (n.treasury - cost < reserve) return;
  n.treasury -= cost;
  ++n.stability;
}

}  // namespace

int64_t stability_cost(const Tuning& tuning, int64_t owned_development) {
  return tuning.stability_cost_base + owned_development;
}

void run_statecraft_monthly(NationPlan& plan, const ProvinceTotals& totals) {
  Nation& n = plan.nation;
  if (totals.revolts > 0) n.stability = std::max(kMinStability, n.stability - 1);
  maybe_buy_stability(plan, totals.owned_development);
  if (!n.player) n.tax_level = std::clamp(chosen_tax_level(plan), kMinTaxLevel, kMaxTaxLevel);
}

}  // namespace hegemon
