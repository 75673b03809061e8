// What terrain means to armies: how long it takes to enter, how much it helps
// the side that owns it in battle, and how much it slows a siege.
#pragma once

#include <cstdint>

#include "rules/tuning.h"
#include "state/world_map.h"

namespace hegemon {

inline int32_t move_days(Terrain t) { return kMoveDays[static_cast<int>(t)]; }
inline int32_t defence_pct(Terrain t) { return kDefencePct[static_cast<int>(t)]; }
inline int32_t siege_pct(Terrain t) { return kSiegePct[static_cast<int>(t)]; }

static_assert(sizeof(kMoveDays) / sizeof(kMoveDays[0]) == kTerrainCount, "one entry per terrain");
static_assert(sizeof(kDefencePct) / sizeof(kDefencePct[0]) == kTerrainCount,
              "one entry per terrain");
static_assert(sizeof(kSiegePct) / sizeof(kSiegePct[0]) == kTerrainCount, "one entry per terrain");

}  // namespace hegemon
