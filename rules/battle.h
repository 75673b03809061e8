// Battles. Wherever armies of both belligerents stand, one battle is fought
// (in ascending province order). Each side's power is the sum of
// strength * morale / 100 of its armies, times the terrain's defence bonus if
// it owns the province, times a roll of 1..6 + dice_bonus. Each side loses
// men in proportion to the other's power (spread over its armies by size).
// The stronger side wins (ties: the owner of the province, else the war's
// defender). The loser's morale collapses and its armies retreat to an
// adjacent province their nation controls that holds no enemy army (home
// ground first) or are destroyed if there is none or they are too small;
// the winner's morale drops a little. Battle score moves toward the winner by
// more the larger the loser's share of losses.
#pragma once

#include "rules/war_plan.h"

namespace hegemon {

void fight_battles(WarPlan& plan);

}  // namespace hegemon
