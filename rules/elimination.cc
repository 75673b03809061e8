// end_of_tick(): nations that lost their last province leave the game.
#include "rules/events.h"
#include "rules/front.h"
#include "rules/peace.h"
#include "rules/phases.h"
#include "rules/war_apply.h"
#include "rules/war_plan.h"

namespace hegemon {
namespace {

// Normally the peace that took a nation's last province already ended its
// war; if not, the war ends now, lost. Returns the victor (kNoNation if none).
NationId end_lost_war(ChangeRecorder& rec, const Nation& loser) {
  if (loser.war == 0) return kNoNation;
  const std::optional<War> war = rec.world().war(loser.war);
  if (!war || !war->active()) return kNoNation;
  WarPlan plan(rec.world(), *war, rec.tick());
  const NationId victor = plan.enemy_of(loser.id);
  const Front front = sweep_front(plan, {});
  conclude_peace(plan, front, victor);
  apply_war_proposal(rec, plan.to_proposal());
  return victor;
}

void eliminate(ChangeRecorder& rec, NationId id) {
  const World& world = rec.world();
  NationId by = end_lost_war(rec, *world.nation(id));
  Nation n = *world.nation(id);  // re-read: peace may have changed it
  if (by == kNoNation) {
    // Whoever holds its old capital is the one who took it.
    if (auto capital = world.province(n.capital); capital && capital->owner != id)
      by = capital->owner;
  }
  const IdList armies = world.armies_of(id);
  for (ArmyId army : *armies) rec.remove_army(army);
  n.alive = false;
  n.war = 0;
  rec.put(n);
  rec.add(make_event(rec.tick(), events::kNationEliminated, {{"nation", id}, {"by", by}}));
}

}  // namespace

void end_of_tick(ChangeRecorder& rec) {
  // The owner index answers "has it land?" for every nation cheaply; only the
  // landless (the dead, mostly) need their record read.
  const World& world = rec.world();
  for (NationId id = 1; id <= world.map().nation_count(); ++id) {
    if (!world.provinces_of(id)->empty()) continue;
    if (auto n = world.nation(id); n && n->alive) eliminate(rec, id);
  }
}

}  // namespace hegemon
