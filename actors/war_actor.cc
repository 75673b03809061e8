#include "actors/war_actor.h"

#include <caf/typed_event_based_actor.hpp>

#include "actors/errors.h"
#include "rules/phases.h"

namespace hegemon {

war_actor::behavior_type war_actor_impl(war_actor::pointer self, WarId war,
                                        std::shared_ptr<const World> world, FaultPlanPtr faults) {
  self->set_exception_handler(exception_to_error);
  return {
      [=](resolve_atom, Tick tick, const std::vector<Command>& commands) {
        if (faults) faults->maybe_crash({ActorKind::war, war}, tick);
        return resolve_war(*world, war, tick, commands);
      },
  };
}

}  // namespace hegemon
