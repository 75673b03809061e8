#include "rules/province_life.h"

#include <algorithm>

#include "rules/events.h"

namespace hegemon {
namespace {

int32_t step_toward(int32_t value, int32_t target, int32_t step) {
  return value + std::clamp(target - value, -step, step);
}

// Rolls a revolt; on success the province loses development and its unrest
// is spent.
bool maybe_revolt(NationPlan& plan, Province& p) {
  const Tuning& t = plan.tuning;
  if (p.unrest <= t.revolt_threshold) return false;
  Rng rng(plan.world.seed(), plan.tick, static_cast<uint64_t>(p.id), RngPurpose::revolt);
  if (!rng.chance(static_cast<int64_t>(p.unrest - t.revolt_threshold) *
                  t.revolt_per_mille_per_point)) {
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
  const Tuning& t = plan.tuning;
  if (p.controller != p.owner || p.unrest > t.revolt_threshold || p.development >= kMaxDevelopment)
    return;
  const int64_t per_mille =
      int64_t{t.dev_growth_base_per_mille} +
      int64_t{t.dev_growth_per_stability_per_mille} * std::max(0, plan.nation.stability);
  Rng rng(plan.world.seed(), plan.tick, static_cast<uint64_t>(p.id), RngPurpose::development);
  if (rng.chance(per_mille)) ++p.development;
}

}  // namespace

int32_t target_unrest(const Tuning& t, const Province& p, const Nation& owner, bool at_war) {
  int32_t unrest = owner.tax_level * t.unrest_per_tax_level +
                   std::max(0, -owner.stability) * t.unrest_per_negative_stability;
  if (p.controller != p.owner) unrest += t.unrest_occupied;
  if (at_war) unrest += t.unrest_at_war;
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
    p.unrest = step_toward(p.unrest, target_unrest(plan.tuning, p, plan.nation, plan.at_war()),
                           plan.tuning.unrest_step);
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
