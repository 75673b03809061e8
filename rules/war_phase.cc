// The war phase: resolve_war() (one war's day: battles, sieges, score, peace)
// and merge_war_phase() (applying every war's result in id order).
#include "rules/battle.h"
#include "rules/commands.h"
#include "rules/front.h"
#include "rules/peace.h"
#include "rules/phases.h"
#include "rules/siege.h"
#include "rules/war_apply.h"
#include "rules/war_plan.h"
#include "rules/war_score.h"

namespace hegemon {

WarProposal resolve_war(const World& world, WarId id, Tick tick,
                        const std::vector<Command>& commands) {
  const std::optional<War> war = world.war(id);
  if (!war || !war->active()) {
    WarProposal none;
    none.war = id;
    none.war_update = war.value_or(War{id});
    return none;
  }
  WarPlan plan(world, *war, tick);
  fight_battles(plan);
  const SiegeReport sieges = progress_sieges(plan);
  std::optional<Front> front;
  if (sieges.fallen > 0 || front_survey_due(plan)) front = sweep_front(plan, sieges.besieged);
  update_war_score(plan, front ? &*front : nullptr);
  std::optional<NationId> winner = apply_peace_commands(plan, commands);
  if (!winner) winner = peace_due(plan, front ? &*front : nullptr);
  if (winner) {
    if (!front) front = sweep_front(plan, sieges.besieged);  // peace needs the lists
    conclude_peace(plan, *front, *winner);
  }
  return plan.to_proposal();
}

void apply_war_proposal(ChangeRecorder& rec, const WarProposal& p) {
  // Only a war that is still active can change; an unchanged one stays out of
  // the change set.
  const std::optional<War> cached = rec.world().war(p.war);
  if (cached && cached->active() && *cached != p.war_update) rec.put(p.war_update);
  for (const Province& province : p.provinces) rec.put(province);
  for (const Army& army : p.armies) rec.put(army);
  for (ArmyId id : p.destroyed_armies) rec.remove_army(id);
  for (const Nation& nation : p.nations) rec.put(nation);
  for (const Event& e : p.events) rec.add(e);
}

void merge_war_phase(ChangeRecorder& rec, const std::vector<WarProposal>& proposals) {
  for (const WarProposal& p : proposals) apply_war_proposal(rec, p);
}

}  // namespace hegemon
