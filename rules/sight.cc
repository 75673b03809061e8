#include "rules/sight.h"

#include <algorithm>

namespace hegemon {

std::vector<ProvinceId> Sight::provinces() const {
  std::vector<ProvinceId> out;
  for (size_t i = 1; i < seen_.size(); ++i)
    if (seen_[i]) out.push_back(static_cast<ProvinceId>(i));
  return out;
}

size_t Sight::count() const {
  return static_cast<size_t>(std::count(seen_.begin(), seen_.end(), uint8_t{1}));
}

Sight sight_around(const WorldMap& map, const std::vector<ProvinceId>& sources, int32_t radius) {
  Sight sight(map.province_count());
  // Breadth-first, one ring at a time: `frontier` holds the provinces first
  // reached at the current distance.
  std::vector<ProvinceId> frontier;
  for (ProvinceId p : sources) {
    if (!map.has_province(p) || sight.sees(p)) continue;
    sight.add(p);
    frontier.push_back(p);
  }
  std::vector<ProvinceId> next;
  for (int32_t step = 0; step < radius && !frontier.empty(); ++step) {
    next.clear();
    for (ProvinceId p : frontier)
      for (ProvinceId n : map.province(p).neighbors)
        if (!sight.sees(n)) {
          sight.add(n);
          next.push_back(n);
        }
    frontier.swap(next);
  }
  return sight;
}

std::vector<ProvinceId> sight_sources(const World& world, NationId nation) {
  std::vector<ProvinceId> out;
  if (nation == kNoNation) return out;
  const WorldMap& map = world.map();
  // Owned provinces are indexed; controlled ones (occupations) are not, so
  // every province is looked at once.
  for (ProvinceId id = 1; id <= map.province_count(); ++id) {
    auto p = world.province(id);
    if (p && (p->owner == nation || p->controller == nation)) out.push_back(id);
  }
  for (ArmyId a : *world.armies_of(nation))
    if (auto army = world.army(a)) out.push_back(army->location);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Sight sight_of(const World& world, NationId nation) {
  return sight_around(world.map(), sight_sources(world, nation),
                      world.map().tuning().sight_radius);
}

}  // namespace hegemon
