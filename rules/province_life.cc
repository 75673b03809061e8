#include "rules/province_life.h"

#include <algorithm>

#include "rules/events.h"
#include "rules/tuning.h"

namespace hegemon {
namespace {

int32_t step_toward(int32_t value, int32_t target, int32_t step) {
  return value + std::clamp(target - value, -step, step);
}

// Rolls a revolt; on success the province loses development and its unrest
// is spent.
bool maybe_revolt(NationPlan& plan, Province& p) {
  if (p.unrest <= kRevoltThreshold) return false;
  Rng rng(plan.world.seed(), plan.tick, static_cast<uint64_t>(p.id), RngPurpose::revolt);
  if (!rng.chance(static_cast<int64_t>(p.unrest - kRevoltThreshold) * kRevoltPerMillePerPoint)) {
    return false;
  }
  p.development = std::max(kMinDevelopment, p.development - 1);
  p.unrest = 0;
  plan.events.push_back(
      make_event(plan.tick, events::kRevolt, {{"province", p.id}, {"nation", plan.id()}}));
  return true;
}

// Calm, controlled provinces slowly develop, faster under a stable government.
void maybe_develop(const NationPlan& plan, Province& p) {
  if (p.controller != p.owner || p.unrest > kRevoltThreshold || p.development >= kMaxDevelopment)
    return;
  const int64_t per_mille =
      kDevGrowthBasePerMille + kDevGrowthPerStabilityPerMille * std::max(0, plan.nation.stability);
  Rng rng(plan.world.seed(), plan.tick, static_cast<uint64_t>(p.id), RngPurpose::development);
  if (rng.chance(per_mille)) ++p.development;
}

}  // namespace

int32_t target_unrest(const Province& p, const Nation& owner, bool at_war) {
  int32_t unrest = owner.tax_level * kUnrestPerTaxLevel +
                   std::max(0, -owner.stability) * kUnrestPerNegativeStability;
  if (p.controller != p.owner) unrest += kUnrestOccupied;
  if (at_war) unrest += kUnrestAtWar;
  return std::clamp(unrest, 0, kMaxUnrest);
}

ProvinceTotals update_provinces_monthly(NationPlan& plan) {
  ProvinceTotals totals;
  const IdList owned = plan.world.provinces_of(plan.id());
  for (ProvinceId id : *owned) {
    Province p = plan.provinces.get(id);
    totals.owned_development += p.development;
    if (p.controller == p.owner) totals.controlled_development += p.development;

    const Province before = p;
    p.unrest = step_toward(p.unrest, target_unrest(p, plan.nation, plan.at_war()), kUnrestStep);
    if (maybe_revolt(plan, p)) {
      ++totals.revolts;
    } else {
      maybe_develop(plan, p);
    }
    if (p != before) plan.provinces.set(p);
  }
  return totals;
}

}  // namespace hegemon
