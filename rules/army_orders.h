// The AI's daily orders for a nation's armies. Each army has a mission:
//  - attack (at war, strength >= min_siege_strength, morale >= attack_min_morale):
//    march to the nearest province the enemy controls (to besiege it, or to
//    liberate our own) or to an enemy army it outnumbers, and stay there;
//  - home (otherwise): return to the nearest province the nation holds.
// Path-finding runs only when an army needs a destination: the day it
// arrives, when its mission no longer fits where it is heading (war broke out
// or ended, it lost a battle), or, while idle, once every idle_search_period
// days (staggered by army id). Then the army marches one day (movement.h).
// The armies of a nation a player holds get no orders from the AI: they march
// along the paths the player's move_army commands gave them, and stand still
// when they arrive.
#pragma once

#include "rules/nation_plan.h"

namespace hegemon {

enum class Mission { home, attack };

Mission mission_for(const NationPlan& plan, const Army& army);

// Morale, orders and one day's march for every army of the nation.
void update_armies_daily(NationPlan& plan);

// Whether update_armies_daily() is certain to leave `army` exactly as it is
// on `tick`: its nation is at peace, it stands at full morale with no march
// begun, and today is not its day to look for home ground (or it is home).
// False means "maybe not"; it is never wrong the other way, because the
// coordinator skips asking nations whose armies are all idle
// (nation_idle_today in rules/phases.h). rules_test checks it against
// update_armies_daily(); change them together.
bool army_idle_today(const World& world, const Nation& nation, const Army& army, Tick tick);

}  // namespace hegemon
