// Armies on the march and at rest, one day at a time. Entering the next
// province on an army's path takes as many days as its terrain demands
// (Tuning::move_days_for); move_progress counts the days spent so far. Morale
// recovers a little every day.
#pragma once

#include "state/entities.h"
#include "state/world_map.h"

namespace hegemon {

// One day's march along army.path; arrives (location = next, progress reset)
// once move_progress reaches the next province's move_days.
void advance_army(Army& army, const WorldMap& map);

void recover_morale(const Tuning& tuning, Army& army);

}  // namespace hegemon
