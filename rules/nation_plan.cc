#include "rules/nation_plan.h"

#include <map>

namespace hegemon {

NationPlan::NationPlan(const World& w, const Nation& n, Tick t)
    : world(w), tuning(w.map().tuning()), tick(t), nation(n), provinces(w), before_(n) {
  armies.load(w, n.id);
  if (n.war != 0) {
    if (auto war = w.war(n.war); war && war->active()) {
      enemy_ = war->attacker == n.id ? war->defender : war->attacker;
    }
  }
}

const ArmyStacks& NationPlan::enemy_stacks() const {
  if (!stacks_loaded_) {
    stacks_loaded_ = true;
    if (at_war()) {
      std::map<ProvinceId, int64_t> by_province;
      const IdList ids = world.armies_of(enemy_);
      for (ArmyId id : *ids) {
        if (auto a = world.army(id)) by_province[a->location] += a->strength;
      }
      enemy_stacks_.assign(by_province.begin(), by_province.end());
    }
  }
  return enemy_stacks_;
}

NationProposal NationPlan::to_proposal() const {
  NationProposal p;
  p.nation = nation.id;
  if (nation != before_) p.nation_update = nation;
  p.provinces = provinces.changed();
  p.armies = armies.changed();
  p.recruitments = recruitments;
  p.declare_war_on = declare_war_on;
  p.events = events;
  return p;
}

}  // namespace hegemon
