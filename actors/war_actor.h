// A war's actor, alive from declaration to peace: resolves the war phase
// (battles, sieges, war score, peace) from the hot cache. Stateless between
// ticks for the same reason as the nation actor.
#pragma once

#include <memory>

#include "actors/fault_plan.h"
#include "actors/interfaces.h"
#include "state/world.h"

namespace hegemon {

war_actor::behavior_type war_actor_impl(war_actor::pointer self, WarId war,
                                        std::shared_ptr<const World> world, FaultPlanPtr faults);

}  // namespace hegemon
