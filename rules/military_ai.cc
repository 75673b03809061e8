#include "rules/military_ai.h"

#include <algorithm>

#include "state/game_date.h"
#include "rules/world_queries.h"

namespace hegemon {
namespace {

// Any neighbour stronger than us is a threat worth arming against.
bool threatened(const NationPlan& plan, int64_t own_strength) {
  const GameDate date = date_of_tick(plan.tick);
  if ((date.year * 12 + date.month + plan.id()) % plan.tuning.threat_review_months != 0)
    return false;
  for (NationId other : bordering_nations(plan.world, plan.id())) {
    if (military_strength(plan.world, other) > own_strength) return true;
  }
  return false;
}

// The capital if we hold it, else the first home province; 0 if none.
ProvinceId recruitment_site(const NationPlan& plan) {
  if (holds(plan.provinces.get(plan.nation.capital), plan.id())) return plan.nation.capital;
  const IdList owned = plan.world.provinces_of(plan.id());
  for (ProvinceId id : *owned) {
    if (holds(plan.provinces.get(id), plan.id())) return id;
  }
  return 0;
}

}  // namespace

int64_t force_limit(const Tuning& tuning, int64_t owned_development) {
  return owned_development * tuning.force_limit_per_dev;
}

void reinforce_armies_monthly(NationPlan& plan, const ProvinceTotals& totals) {
  Nation& n = plan.nation;
  if (!plan.at_war() && n.treasury <= 0) return;
  const int64_t limit = force_limit(plan.tuning, totals.owned_development);
  int64_t total = plan.armies.strength_of(n.id);
  for (auto& e : plan.armies.entries()) {
    Army& a = e.now;
    if (total >= limit || n.manpower <= 0) return;
    if (a.strength >= kMaxArmyStrength || !holds(plan.provinces.get(a.location), n.id)) continue;
    const int64_t add = std::min<int64_t>({int64_t{plan.tuning.reinforce_per_army}, n.manpower,
                                           limit - total, kMaxArmyStrength - a.strength});
    a.strength += static_cast<int32_t>(add);
    n.manpower -= static_cast<int32_t>(add);
    total += add;
  }
}

void plan_recruitment_monthly(NationPlan& plan, const ProvinceTotals& totals) {
  Nation& n = plan.nation;
  const int64_t strength = plan.armies.strength_of(n.id);
  const bool affordable = static_cast<int64_t>(plan.recruitments.size()) < kMaxRecruitmentsPerDay &&
                          strength + plan.tuning.recruit_strength <=
                              force_limit(plan.tuning, totals.owned_development) &&
                          n.treasury >= plan.tuning.recruit_cost &&
                          n.manpower >= plan.tuning.recruit_strength;
  // Cheap tests first: the neighbour survey runs only when it could matter.
  if (!affordable || (!plan.at_war() && !threatened(plan, strength))) return;
  const ProvinceId site = recruitment_site(plan);
  if (site == 0) return;
  n.treasury -= plan.tuning.recruit_cost;
  n.manpower -= plan.tuning.recruit_strength;
  plan.recruitments.push_back(Recruitment{site, plan.tuning.recruit_strength});
}

}  // namespace hegemon
