// A nation's actor: computes its nation's proposal for each tick's nation
// phase from the hot cache. It keeps no game state of its own, so a restarted
// incarnation computes exactly what its predecessor would have.
#pragma once

#include <memory>

#include "actors/fault_plan.h"
#include "actors/interfaces.h"
#include "state/world.h"

namespace hegemon {

nation_actor::behavior_type nation_actor_impl(nation_actor::pointer self, NationId nation,
                                              std::shared_ptr<const World> world,
                                              FaultPlanPtr faults);

}  // namespace hegemon
