// How wars end. A war ends today when
//  - one side holds none of its own provinces (total defeat), or
//  - the war score reaches forced_peace_score for one side, or
//  - it reaches peace_offer_score and the loser accepts (a daily chance; a
//    loser a player holds decides by command instead), or
//  - it has lasted max_war_days: the leading side wins, or white peace if the
//    score is within white_peace_below.
// At peace the winner annexes every province of the loser it controls (owner
// = controller = winner); every other occupied province of either side goes
// back to its owner; sieges are lifted; both nations return to peace with
// last_peace_tick = today. A loser that lost its capital moves it to its most
// developed remaining province.
#pragma once

#include <optional>

#include "rules/front.h"
#include "rules/war_plan.h"

namespace hegemon {

// nullopt: the war goes on; kNoNation: white peace; else the winner. Total
// defeat is judged only from a front surveyed today (`front` may be null):
// it can only follow a fallen siege, and those days are always surveyed.
std::optional<NationId> peace_due(const WarPlan& plan, const Front* front);

// Ends the war today with `winner` (kNoNation: white peace).
void conclude_peace(WarPlan& plan, const Front& front, NationId winner);

}  // namespace hegemon
