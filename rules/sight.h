// Fog of war: which provinces a nation sees. A pure function of a world and a
// nation, with no notion of who asks; the gateway (net/fog.h) decides whom it
// applies to and what a player may read outside it.
//
// A nation sees the provinces it owns or controls, the provinces its armies
// stand in, and every province within Tuning::sight_radius steps (map
// adjacency) of any of those. A nation that is dead and has no armies sees
// nothing. Deterministic and integer-only; O(provinces + the nation's
// armies + the searched provinces' neighbours).
#pragma once

#include <cstdint>
#include <vector>

#include "state/ids.h"
#include "state/world.h"
#include "state/world_map.h"

namespace hegemon {

class Sight {
 public:
  Sight() = default;
  explicit Sight(int32_t province_count) : seen_(static_cast<size_t>(province_count) + 1, 0) {}

  bool sees(ProvinceId id) const {
    return id >= 1 && static_cast<size_t>(id) < seen_.size() && seen_[static_cast<size_t>(id)];
  }
  void add(ProvinceId id) {
    if (id >= 1 && static_cast<size_t>(id) < seen_.size()) seen_[static_cast<size_t>(id)] = 1;
  }
  // Every province seen, ascending.
  std::vector<ProvinceId> provinces() const;
  size_t count() const;
  friend bool operator==(const Sight& a, const Sight& b) { return a.seen_ == b.seen_; }
  friend bool operator!=(const Sight& a, const Sight& b) { return !(a == b); }

 private:
  std::vector<uint8_t> seen_;  // by province id; [0] unused
};

// The provinces within `radius` steps of `sources` (which are seen
// themselves); ids outside the map are ignored.
Sight sight_around(const WorldMap& map, const std::vector<ProvinceId>& sources, int32_t radius);

// What `nation` sees in `world`, with the radius of the world's tuning.
Sight sight_of(const World& world, NationId nation);

// The provinces `nation`'s sight starts from: those it owns or controls and
// those its armies stand in, ascending, without duplicates.
std::vector<ProvinceId> sight_sources(const World& world, NationId nation);

}  // namespace hegemon
