#include "rules/diplomacy_ai.h"

#include "rules/world_queries.h"

namespace hegemon {
namespace {

bool ready_for_war(const NationPlan& plan) {
  const Nation& n = plan.nation;
  if (plan.at_war() || n.war != 0 || n.stability < 0) return false;
  return n.last_peace_tick < 0 ||
         plan.tick - n.last_peace_tick >= plan.tuning.min_days_between_wars;
}

}  // namespace

void plan_war_declaration_monthly(NationPlan& plan) {
  if (!ready_for_war(plan)) return;
  Rng rng = plan.rng(RngPurpose::ai_war);
  const int32_t aggression = plan.world.map().nation(plan.id()).aggression;
  if (!rng.chance(int64_t{aggression} * plan.tuning.war_chance_per_aggression)) return;

  const int64_t own = plan.armies.strength_of(plan.id());
  if (own <= 0) return;
  std::vector<NationId> victims;
  for (NationId other : bordering_nations(plan.world, plan.id())) {
    auto o = plan.world.nation(other);
    if (!o || !o->alive || o->war != 0) continue;
    if (military_strength(plan.world, other) * plan.tuning.weaker_den <
        own * plan.tuning.weaker_num)
      victims.push_back(other);
  }
  if (victims.empty()) return;
  plan.declare_war_on =
      victims[static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(victims.size()) - 1))];
}

}  // namespace hegemon
