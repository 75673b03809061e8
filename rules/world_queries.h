// Read-only questions about the hot cache that several rules ask. Each costs
// O(size of one nation), never a scan of the whole world.
#pragma once

#include <vector>

#include "state/world.h"

namespace hegemon {

// Total strength of a nation's armies (0 for none).
int64_t military_strength(const World& world, NationId nation);

// Nations other than `nation` that own a province adjacent to one of its
// provinces, ascending. Costs one province read per foreign neighbour.
std::vector<NationId> bordering_nations(const World& world, NationId nation);

// Whether `nation` both owns and controls the province: its safe home ground.
inline bool holds(const Province& p, NationId nation) {
  return p.owner == nation && p.controller == nation;
}

}  // namespace hegemon
