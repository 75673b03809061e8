#include "rules/war_score.h"

#include <algorithm>

namespace hegemon {
namespace {

int64_t occupied_share(const Tuning& tuning, const SideFront& victim) {
  if (victim.owned_development <= 0) return 0;
  return victim.occupied_development * tuning.occupation_score_max / victim.owned_development;
}

}  // namespace

int32_t occupation_score(const Tuning& tuning, const Front& front) {
  return static_cast<int32_t>(occupied_share(tuning, front.defender) -
                              occupied_share(tuning, front.attacker));
}

void update_war_score(WarPlan& plan, const Front* front) {
  const int32_t occupation = front ? occupation_score(plan.tuning, *front)
                                   : plan.before.war_score - plan.before.battle_score;
  plan.war.war_score = std::clamp(plan.war.battle_score + occupation, -kWarScoreMax, kWarScoreMax);
}

}  // namespace hegemon
