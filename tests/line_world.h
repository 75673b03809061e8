// Hand-built worlds for rule tests: a row of provinces, each adjacent to the
// next, with whatever owners, armies and wars a test needs.
#pragma once

#include <string>
#include <vector>

#include "state/event.h"
#include "state/world_map.h"
#include "state/world_snapshot.h"

namespace hegemon::test {

// The map's provinces 1..n in a row, each adjacent to the next: named "P<id>",
// at x = id, y = 0, plains.
std::vector<ProvinceInfo> line_provinces(ProvinceId n);

// Provinces 1..owners.size() in a row (each adjacent to the next), owned and
// controlled by owners[i]; nations 1..max(owner), alive, at peace, capital at
// their first province (0 if they own none), with aggression 0 so that the
// AI never declares war by itself.
WorldSnapshot line_world(const std::vector<NationId>& owners,
                         const std::vector<Terrain>& terrain = {});

// Adds an army and keeps the id counter ahead of it.
void add_army(WorldSnapshot& s, Army a);

// Puts nations `a` and `b` at war with each other as war 1.
void add_war(WorldSnapshot& s, NationId a, NationId b, Tick start = 0);

size_t count_events(const std::vector<Event>& events, const std::string& type);

}  // namespace hegemon::test
