#include "rules/war_plan.h"

#include "rules/events.h"

namespace hegemon {

WarPlan::WarPlan(const World& w, const War& wr, Tick t)
    : world(w), tuning(w.map().tuning()), tick(t), before(wr), war(wr), provinces(w) {
  armies.load(w, wr.attacker);
  armies.load(w, wr.defender);
}

void WarPlan::destroy(ArmyRoster::Entry& e) {
  e.destroyed = true;
  events.push_back(
      make_event(tick, events::kArmyDestroyed, {{"army", e.now.id}, {"nation", e.now.owner}}));
}

WarProposal WarPlan::to_proposal() const {
  WarProposal p;
  p.war = war.id;
  p.war_update = war;
  p.provinces = provinces.changed();
  p.armies = armies.changed();
  p.destroyed_armies = armies.destroyed();
  p.nations = nations;
  p.events = events;
  return p;
}

}  // namespace hegemon
