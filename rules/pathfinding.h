// Breadth-first search over the map's static adjacency. Neighbours are taken
// in ascending id order, so the path found (the nearest goal by number of
// steps, ties broken by that order) depends only on the map and the goal.
// Called only when an army needs a new destination; the result is stored in
// Army::path so no search runs while it marches.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "state/world_map.h"

namespace hegemon {

using ProvinceTest = std::function<bool(ProvinceId)>;

// The provinces to enter, in order, from `start` to the nearest province for
// which `is_goal` holds (empty when `start` itself is a goal), or nullopt when
// none is found among the first `max_visits` provinces visited. `is_goal` is
// called at most once per visited province.
std::optional<std::vector<ProvinceId>> find_path(const WorldMap& map, ProvinceId start,
                                                 const ProvinceTest& is_goal, int max_visits);

}  // namespace hegemon
