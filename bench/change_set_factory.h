// Synthetic but realistic change sets of a chosen size, for the commit
// benchmark: the row mix is what real ticks produce, so the cost per row is
// the cost a running game pays.
#pragma once

#include <cstdint>

#include "state/change_set.h"
#include "state/world_snapshot.h"

namespace hegemon::bench {

// The share of each kind of row in a tick's change set, per 100 rows, as
// measured over the first 365 ticks of the EU4-sized world (5,000 provinces,
// 500 nations; run_tick_sequential): per tick on average 120 provinces,
// 59 armies, 17 nations, 5 events, 4 history rows, 4 wars and 0.3 removed
// armies (ignored here) out of 209 rows.
struct RowMix {
  int provinces = 57;
  int armies = 28;
  int nations = 8;
  int events = 3;
  int history = 2;
  int wars = 2;
};

// Builds the change set of `tick` with `rows` rows (a multiple of 100) over
// `world`'s entities: distinct changed provinces and nations with new values,
// army and war upserts (ids above those in the world are inserted the first
// time and updated afterwards), battle events and history rows of changed
// provinces. Deterministic in (tick, rows).
ChangeSet make_change_set(const WorldSnapshot& world, Tick tick, int rows, const RowMix& mix = {});

// Army and war ids the change sets draw from: a bounded pool, so that tables
// stop growing once every id has been inserted.
constexpr int32_t kArmyIdPool = 4000;
constexpr int32_t kWarIdPool = 400;

}  // namespace hegemon::bench
