// Player commands (state/command.h) in the rules: checked when received,
// applied at their tick. Both use the same checks, so a command accepted on
// receipt fails at its tick only if the world changed in between (the army
// was destroyed, the money spent); it then becomes a `command_failed` event
// and changes nothing, and a replay fails it the same way.
//
// Nation-phase commands (declare_war, recruit, move_army, set_tax,
// set_player) are applied by the nation's own plan, before its AI: a nation
// writes only its own record, armies and requests, as ever. Peace commands
// (offer_peace, accept_peace) are applied in the war phase by the war the
// nation fights, which alone writes that war. A nation a player holds has its
// AI stand aside for diplomacy, recruitment, taxes and army orders; stability,
// reinforcement and everything the world does to it go on as for everyone.
#pragma once

#include <optional>
#include <vector>

#include "rules/nation_plan.h"
#include "rules/war_plan.h"
#include "state/change_recorder.h"
#include "state/command.h"
#include "state/status.h"
#include "state/world.h"

namespace hegemon {

// On receipt: whether `command` could be applied to the world as it is now.
// The error says why not, in words a player understands.
Status check_command(const World& world, const Command& command);

// The command events of a tick, recorded first thing, in application order
// (`commands` sorted by command_order); those of nations that have died since
// they were given fail here.
void record_commands(ChangeRecorder& rec, const std::vector<Command>& commands);

// The commands of one nation, and those for one war (peace commands of its
// belligerents), in application order, from a tick's sorted commands.
std::vector<Command> commands_of_nation(const std::vector<Command>& commands, NationId nation);
std::vector<Command> commands_of_war(const World& world, const std::vector<Command>& commands,
                                     const War& war);

// Nation phase: applies the nation's commands to its plan, in order. Peace
// commands of a nation at peace fail here; the others wait for the war phase.
void apply_nation_commands(NationPlan& plan, const std::vector<Command>& commands);

// War phase: applies peace commands, expires a stale offer, and lets an AI
// answer a player's offer. Returns the winner (kNoNation: white peace) if a
// peace was agreed today.
std::optional<NationId> apply_peace_commands(WarPlan& plan, const std::vector<Command>& commands);

}  // namespace hegemon
