#include "actors/nation_actor.h"

#include <caf/typed_event_based_actor.hpp>

#include "actors/errors.h"
#include "rules/phases.h"

namespace hegemon {

nation_actor::behavior_type nation_actor_impl(nation_actor::pointer self, NationId nation,
                                              std::shared_ptr<const World> world,
                                              FaultPlanPtr faults) {
  self->set_exception_handler(exception_to_error);
  return {
      [=](plan_atom, Tick tick, const std::vector<Command>& commands) {
        if (faults) faults->maybe_crash({ActorKind::nation, nation}, tick);
        return plan_nation(*world, nation, tick, commands);
      },
  };
}

}  // namespace hegemon
