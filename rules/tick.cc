#include "rules/tick.h"

#include "rules/phases.h"

namespace hegemon {

ChangeSet run_tick_sequential(World& world) {
  const Tick tick = world.meta().tick + 1;
  ChangeRecorder rec(world, tick);

  std::vector<NationProposal> nations;
  for (NationId id : world.living_nations()) nations.push_back(plan_nation(world, id, tick));
  merge_nation_phase(rec, nations);

  std::vector<WarProposal> wars;
  for (WarId id : world.active_wars()) wars.push_back(resolve_war(world, id, tick));
  merge_war_phase(rec, wars);

  end_of_tick(rec);
  return rec.finish();
}

}  // namespace hegemon
