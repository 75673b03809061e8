// One whole tick on the calling thread: the same phase functions and merges the
// actors run, in the same order. The reference the actor system is tested
// against, and the engine of tools that need no actors.
#pragma once

#include "state/change_set.h"
#include "state/command.h"
#include "state/world.h"

namespace hegemon {

// `commands`: the tick's player commands, sorted by command_order.
ChangeSet run_tick_sequential(World& world, const std::vector<Command>& commands = {});

}  // namespace hegemon
