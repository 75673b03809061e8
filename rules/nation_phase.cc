// The nation phase: plan_nation() (what one nation does today) and
// merge_nation_phase() (applying every nation's plan in id order).
#include <algorithm>

#include "rules/army_orders.h"
#include "rules/commands.h"
#include "rules/diplomacy_ai.h"
#include "rules/economy.h"
#include "rules/events.h"
#include "rules/military_ai.h"
#include "rules/nation_plan.h"
#include "rules/phases.h"
#include "rules/province_life.h"
#include "rules/statecraft.h"
#include "state/game_date.h"

namespace hegemon {
namespace {

// Order matters: the books are kept on the month's provinces; stability is
// bought from what the books left; armies refill before new ones are raised;
// war is declared on the month's final strength.
// A nation a player holds recruits and declares war only by command.
void run_monthly(NationPlan& plan) {
  const ProvinceTotals totals = update_provinces_monthly(plan);
  run_economy_monthly(plan, totals);
  run_statecraft_monthly(plan, totals);
  reinforce_armies_monthly(plan, totals);
  if (plan.nation.player) return;
  plan_recruitment_monthly(plan, totals);
  plan_war_declaration_monthly(plan);
}

void apply_plan(ChangeRecorder& rec, const NationProposal& p) {
  if (p.nation_update) rec.put(*p.nation_update);
  for (const Province& province : p.provinces) rec.put(province);
  for (const Army& army : p.armies) rec.put(army);
  for (const Event& e : p.events) rec.add(e);
  for (const Recruitment& r : p.recruitments) {
    const Army army{rec.allocate_army_id(), p.nation, r.location, r.strength, kMaxMorale, 0, {}};
    rec.put(army);
    rec.add(make_event(rec.tick(), events::kArmyRecruited,
                       {{"army", army.id}, {"nation", p.nation}, {"province", r.location}}));
  }
}

bool at_peace(const std::optional<Nation>& n) { return n && n->alive && n->war == 0; }

// Accepted only if both sides are alive and at peace now, after the
// declarations merged before this one.
void apply_declaration(ChangeRecorder& rec, NationId attacker, NationId defender) {
  std::optional<Nation> a = rec.world().nation(attacker);
  std::optional<Nation> d = rec.world().nation(defender);
  if (attacker == defender || !at_peace(a) || !at_peace(d)) {
    rec.add(make_event(rec.tick(), events::kWarDeclarationRefused,
                       {{"nation", attacker}, {"target", defender}}));
    return;
  }
  const War war{rec.allocate_war_id(), attacker, defender, rec.tick(), -1, 0, 0};
  rec.put(war);
  a->war = war.id;
  d->war = war.id;
  rec.put(*a);
  rec.put(*d);
  rec.add(make_event(rec.tick(), events::kWarDeclared,
                     {{"war", war.id}, {"attacker", attacker}, {"defender", defender}}));
}

}  // namespace

bool nation_idle_today(const World& world, const Nation& nation, Tick tick,
                       const std::vector<Command>& commands) {
  if (nation.war != 0 || date_of_tick(tick).first_of_month()) return false;
  const NationId id = nation.id;
  if (std::any_of(commands.begin(), commands.end(),
                  [id](const Command& c) { return c.nation == id; }))
    return false;
  const IdList armies = world.armies_of(nation.id);
  for (ArmyId army_id : *armies) {
    const std::optional<Army> army = world.army(army_id);
    if (!army || !army_idle_today(world, nation, *army, tick)) return false;
  }
  return true;
}

NationProposal plan_nation(const World& world, NationId id, Tick tick,
                           const std::vector<Command>& commands) {
  const std::optional<Nation> nation = world.nation(id);
  if (!nation || !nation->alive || nation_idle_today(world, *nation, tick, commands)) {
    NationProposal nothing;
    nothing.nation = id;
    return nothing;
  }
  NationPlan plan(world, *nation, tick);
  apply_nation_commands(plan, commands);
  if (date_of_tick(tick).first_of_month()) run_monthly(plan);
  update_armies_daily(plan);
  return plan.to_proposal();
}

void merge_nation_phase(ChangeRecorder& rec, const std::vector<NationProposal>& proposals) {
  // Own records first, declarations second: a nation_update carries the war
  // field as it was, so it must not land after a declaration that set it.
  for (const NationProposal& p : proposals) apply_plan(rec, p);
  for (const NationProposal& p : proposals) {
    if (p.declare_war_on != kNoNation) apply_declaration(rec, p.nation, p.declare_war_on);
  }
}

}  // namespace hegemon
