// The world's scalar bookkeeping: the clock, id counters and the state hash.
// Saved in the one-row `game` table.
#pragma once

#include <cstdint>

#include "state/ids.h"

namespace hegemon {

struct GameMeta {
  Tick tick = 0;  // the last completed tick (0 = freshly generated world)
  ArmyId next_army_id = 1;
  WarId next_war_id = 1;
  uint64_t state_hash = 0;  // hash of the world after `tick`
};

inline bool operator==(const GameMeta& a, const GameMeta& b) {
  return a.tick == b.tick && a.next_army_id == b.next_army_id && a.next_war_id == b.next_war_id &&
         a.state_hash == b.state_hash;
}

}  // namespace hegemon
