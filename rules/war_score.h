// War score, from the attacker's point of view (-100..100): the battle score
// (-40..40, battle.h) plus the occupation score, each side's occupied share of
// the other's development scaled to occupation_score_max (so -60..60). The two
// ranges add up to at most 100, so the clamp never bites and the occupation
// part of a war's score can always be recovered as war_score - battle_score:
// between front surveys it carries over unchanged.
#pragma once

#include <cstdint>

#include "rules/front.h"
#include "rules/war_plan.h"

namespace hegemon {

int32_t occupation_score(const Tuning& tuning, const Front& front);

// Recomputes the score from today's battles and `front` if surveyed today,
// else from today's battles and the occupation score as last surveyed.
void update_war_score(WarPlan& plan, const Front* front);

}  // namespace hegemon
