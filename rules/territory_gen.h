// Who owns what at the start. Capitals are scattered with a minimum spacing
// (random provinces, rejected when too close to an earlier capital; the
// spacing shrinks after repeated failures, so placement always finishes).
// Nations then grow contiguously from their capitals: in round-robin rounds
// each nation claims as many provinces as its growth rate (heavy-tailed, so a
// few nations grow large and many stay small), each time taking a random
// unclaimed province from its frontier. Every province ends up owned, each
// nation's land is connected, and the whole is O(provinces).
#pragma once

#include <cstdint>
#include <vector>

#include "rules/map_grid.h"
#include "state/world_map.h"

namespace hegemon {

struct Territory {
  std::vector<NationId> owner;      // owner[id - 1]
  std::vector<int32_t> depth;       // depth[id - 1]: steps from its nation's capital
  std::vector<ProvinceId> capital;  // capital[nation - 1]
};

// `provinces` supplies adjacency (provinces[id - 1].neighbors).
Territory generate_territory(uint64_t seed, const HexGrid& grid,
                             const std::vector<ProvinceInfo>& provinces, int32_t nations);

}  // namespace hegemon
