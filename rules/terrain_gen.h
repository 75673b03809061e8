// Terrain for a generated map. Two smooth fields, "elevation" and
// "moisture", come from hashed value noise (two octaves of random values on
// coarse lattices, smoothly interpolated), so terrain forms regions rather
// than speckle. Terrain is then assigned by rank, which fixes the mix exactly:
// the highest 7% are mountains, the next 12% hills; of the rest, the wettest
// 8% (of all provinces) marsh, the next 20% forest, the driest 10% desert,
// and everything else (about 43%) plains.
#pragma once

#include <cstdint>
#include <vector>

#include "rules/map_grid.h"
#include "state/world_map.h"

namespace hegemon {

// terrain[id - 1] for every province of the grid.
std::vector<Terrain> generate_terrain(uint64_t seed, const HexGrid& grid);

}  // namespace hegemon
