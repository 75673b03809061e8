#include "state/world_map.h"

#include <algorithm>
#include <stdexcept>

namespace hegemon {
namespace {
const char* const kTerrainNames[kTerrainCount] = {"plains",    "forest", "hills",
                                                  "mountains", "desert", "marsh"};
}

const char* terrain_name(Terrain t) { return kTerrainNames[static_cast<int>(t)]; }

bool terrain_from_name(const std::string& name, Terrain& out) {
  for (int i = 0; i < kTerrainCount; ++i) {
    if (name == kTerrainNames[i]) {
      out = static_cast<Terrain>(i);
      return true;
    }
  }
  return false;
}

WorldMap::WorldMap(WorldParams params, std::vector<ProvinceInfo> provinces,
                   std::vector<NationInfo> nations, const Tuning& tuning)
    : params_(params),
      provinces_(std::move(provinces)),
      nations_(std::move(nations)),
      tuning_(tuning) {
  if (auto problem = check_tuning(tuning_)) throw std::invalid_argument("WorldMap: " + *problem);
  for (size_t i = 0; i < provinces_.size(); ++i) {
    if (provinces_[i].id != static_cast<ProvinceId>(i + 1))
      throw std::invalid_argument("WorldMap: province ids must be dense and start at 1");
    std::sort(provinces_[i].neighbors.begin(), provinces_[i].neighbors.end());
  }
  for (size_t i = 0; i < nations_.size(); ++i) {
    if (nations_[i].id != static_cast<NationId>(i + 1))
      throw std::invalid_argument("WorldMap: nation ids must be dense and start at 1");
  }
}

bool WorldMap::adjacent(ProvinceId a, ProvinceId b) const {
  if (!has_province(a)) return false;
  const auto& n = province(a).neighbors;
  return std::binary_search(n.begin(), n.end(), b);
}

}  // namespace hegemon
