#include "rules/world_queries.h"

#include <algorithm>

namespace hegemon {

int64_t military_strength(const World& world, NationId nation) {
  int64_t sum = 0;
  const IdList ids = world.armies_of(nation);
  for (ArmyId id : *ids) {
    if (auto a = world.army(id)) sum += a->strength;
  }
  return sum;
}

std::vector<NationId> bordering_nations(const World& world, NationId nation) {
  const IdList own = world.provinces_of(nation);
  const WorldMap& map = world.map();
  std::vector<NationId> out;
  for (ProvinceId p : *own) {
    for (ProvinceId n : map.province(p).neighbors) {
      // Interior neighbours are ours: skip them without touching the cache.
      if (std::binary_search(own->begin(), own->end(), n)) continue;
      auto other = world.province(n);
      if (other && other->owner != kNoNation && other->owner != nation) out.push_back(other->owner);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace hegemon
