// A command: an order a player (or an admin) gives a nation. Commands enter
// the game only between ticks: the coordinator checks one on receipt, gives it
// a sequence number and the tick it will apply at, and at that tick the rules
// apply the tick's commands in a fixed order (nation id, then sequence number)
// before the AI's own decisions. Each applied command is written to event_log
// as a `command` event carrying the whole command (state/command_json.h), so a
// replay applies exactly the same commands at exactly the same ticks.
#pragma once

#include <cstdint>
#include <vector>

#include "state/ids.h"

namespace hegemon {

enum class CommandKind : uint8_t {
  declare_war,   // target
  offer_peace,   // terms; to the enemy of the war the nation fights
  accept_peace,  // the enemy's standing offer
  recruit,       // province: where the new regiment is raised
  move_army,     // army, path: provinces to enter in order, each adjacent to the last
  set_tax,       // level
  set_player,    // player: whether a player holds the nation (the AI stands aside)
};

// Peace terms from the offering side's point of view.
enum class PeaceTerms : uint8_t {
  white,    // status quo: every occupied province goes back to its owner
  win,      // the offerer wins: it annexes what it occupies
  concede,  // the offerer gives in: the enemy annexes what it occupies
};

struct Command {
  int64_t seq = 0;  // unique per game; orders one nation's commands within a tick
  Tick tick = 0;    // the tick it applies at
  NationId nation = kNoNation;
  CommandKind kind = CommandKind::set_tax;
  NationId target = kNoNation;           // declare_war
  ArmyId army = 0;                       // move_army
  ProvinceId province = 0;               // recruit
  std::vector<ProvinceId> path;          // move_army
  int32_t level = 0;                     // set_tax
  PeaceTerms terms = PeaceTerms::white;  // offer_peace
  bool player = false;                   // set_player
};

// Commands of the nation phase (applied by the nation's own plan) versus the
// war phase (applied by the war the nation fights).
inline bool is_peace_command(CommandKind k) {
  return k == CommandKind::offer_peace || k == CommandKind::accept_peace;
}

// The order commands apply in within a tick.
inline bool command_order(const Command& a, const Command& b) {
  return a.nation != b.nation ? a.nation < b.nation : a.seq < b.seq;
}

bool operator==(const Command& a, const Command& b);
inline bool operator!=(const Command& a, const Command& b) { return !(a == b); }

}  // namespace hegemon
