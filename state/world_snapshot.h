// A whole world as one value: the static map plus every live entity, in id
// order. World generation produces one, a save loads into one, and the hot
// cache is built from one (World::from_snapshot) or written out as one.
#pragma once

#include <vector>

#include "state/entities.h"
#include "state/game_meta.h"
#include "state/world_map.h"

namespace hegemon {

struct WorldSnapshot {
  WorldMapPtr map;
  GameMeta meta;                    // meta.state_hash may be stale: World and SaveFile recompute it
  std::vector<Province> provinces;  // every province, sorted by id
  std::vector<Nation> nations;      // every nation (dead ones too), sorted by id
  std::vector<Army> armies;         // living armies, sorted by id
  std::vector<War> wars;            // active wars, sorted by id
};

}  // namespace hegemon
