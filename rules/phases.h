// The game rules, as pure functions of the hot cache. Each tick runs:
//   0. record_commands() (rules/commands.h): the tick's player commands, in
//      application order, become its first events;
//   1. nation phase: plan_nation() for every living nation (concurrently), then
//      merge_nation_phase() in ascending nation id;
//   2. war phase: resolve_war() for every active war (concurrently), then
//      merge_war_phase() in ascending war id;
//   3. end_of_tick(): eliminations and other bookkeeping, on the coordinator.
// The functions read only the World they are given and the tick number, and
// draw randomness only from Rng(seed, tick, entity, purpose), so the same
// world and tick always give the same proposals, on any thread, any number of
// times (a restarted actor recomputes exactly what its predecessor would have).
//
// Every notable happening is recorded as an Event; the catalogue of types and
// fields is rules/events.h. The balance (every number the rules use) is the
// game's Tuning (state/tuning.h), read from world.map().tuning(). Where each rule lives:
//   nation phase  nation_plan.h (working state), province_life.h (unrest,
//                 revolts, development), economy.h, statecraft.h (stability,
//                 tax), military_ai.h (reinforcement, recruitment),
//                 diplomacy_ai.h (declaring war), army_orders.h + movement.h
//   war phase     war_plan.h (working state), battle.h, siege.h, front.h,
//                 war_score.h, peace.h
//   end of tick   elimination.cc
#pragma once

#include <vector>

#include "rules/proposals.h"
#include "state/change_recorder.h"
#include "state/command.h"
#include "state/world.h"

namespace hegemon {

// Nation phase. Reads the world as of the end of the previous tick. `commands`
// are the tick's commands (all of them or the nation's own; others are
// ignored), applied before the AI decides anything.
NationProposal plan_nation(const World& world, NationId nation, Tick tick,
                           const std::vector<Command>& commands = {});
// Whether plan_nation() is certain to propose nothing for the living nation
// `nation` on `tick`: no command of its own in `commands` (all of the tick's
// or the nation's own), not the first of a month (the
// monthly rules always run), and every army idle (army_idle_today). Most
// nations at peace are idle on most days, so the coordinator asks only the
// others; skipping a nation and asking it give the same (empty) proposal.
// It reads the world as plan_nation() does.
bool nation_idle_today(const World& world, const Nation& nation, Tick tick,
                       const std::vector<Command>& commands);
// Applies nation proposals; `proposals` must be sorted by nation id. Assigns
// army ids to recruitments and accepts or refuses war declarations in order.
void merge_nation_phase(ChangeRecorder& rec, const std::vector<NationProposal>& proposals);

// War phase. Reads the world after the nation phase merge. `commands` are the
// peace commands for this war (commands_of_war()).
WarProposal resolve_war(const World& world, WarId war, Tick tick,
                        const std::vector<Command>& commands = {});
// Applies war proposals; `proposals` must be sorted by war id.
void merge_war_phase(ChangeRecorder& rec, const std::vector<WarProposal>& proposals);

// Eliminates nations that lost their last province (their armies disband).
void end_of_tick(ChangeRecorder& rec);

}  // namespace hegemon
