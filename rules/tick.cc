#include "rules/tick.h"

#include "rules/commands.h"
#include "rules/phases.h"

namespace hegemon {

ChangeSet run_tick_sequential(World& world, const std::vector<Command>& commands) {
  const Tick tick = world.meta().tick + 1;
  ChangeRecorder rec(world, tick);
  record_commands(rec, commands);

  std::vector<NationProposal> nations;
  for (NationId id : world.living_nations())
    nations.push_back(plan_nation(world, id, tick, commands_of_nation(commands, id)));
  merge_nation_phase(rec, nations);

  std::vector<WarProposal> wars;
  for (WarId id : world.active_wars()) {
    const std::vector<Command> peace =
        commands_of_war(world, commands, world.war(id).value_or(War{id}));
    wars.push_back(resolve_war(world, id, tick, peace));
  }
  merge_war_phase(rec, wars);

  end_of_tick(rec);
  return rec.finish();
}

}  // namespace hegemon
