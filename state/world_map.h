// The static half of a world: what never changes after world generation
// (province names, terrain, coordinates, adjacency; nation names, colours and AI
// personality) plus the parameters it was generated from and the balance
// (Tuning) the game runs with. Immutable once built and shared by pointer, so
// every actor reads it without locks, and a game's Tuning cannot change
// during its life.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "state/ids.h"
#include "state/terrain.h"
#include "state/tuning.h"

namespace hegemon {

struct WorldParams {
  uint64_t seed = 1444;
  int32_t provinces = 2000;
  int32_t nations = 150;
};

struct ProvinceInfo {
  ProvinceId id = 0;
  std::string name;
  Terrain terrain = Terrain::plains;
  int32_t x = 0;  // column on the hex grid (odd rows shifted right by half a cell)
  int32_t y = 0;  // row
  std::vector<ProvinceId> neighbors;  // sorted ascending
};

struct NationInfo {
  NationId id = 0;
  std::string name;
  uint32_t color = 0;       // 0xRRGGBB
  int32_t aggression = 50;  // 0..100, AI appetite for war
};

class WorldMap {
 public:
  // `tuning` must pass check_tuning() (the rules rely on its ranges); the
  // constructor throws std::invalid_argument otherwise.
  WorldMap(WorldParams params, std::vector<ProvinceInfo> provinces, std::vector<NationInfo> nations,
           const Tuning& tuning = Tuning{});

  const WorldParams& params() const { return params_; }
  // The balance every rule of this game reads (state/tuning.h).
  const Tuning& tuning() const { return tuning_; }
  int32_t province_count() const { return static_cast<int32_t>(provinces_.size()); }
  int32_t nation_count() const { return static_cast<int32_t>(nations_.size()); }
  bool has_province(ProvinceId id) const { return id >= 1 && id <= province_count(); }
  bool has_nation(NationId id) const { return id >= 1 && id <= nation_count(); }
  // Preconditions: has_province(id) / has_nation(id).
  const ProvinceInfo& province(ProvinceId id) const {
    return provinces_[static_cast<size_t>(id - 1)];
  }
  const NationInfo& nation(NationId id) const { return nations_[static_cast<size_t>(id - 1)]; }
  const std::vector<ProvinceInfo>& provinces() const { return provinces_; }
  const std::vector<NationInfo>& nations() const { return nations_; }
  bool adjacent(ProvinceId a, ProvinceId b) const;

 private:
  WorldParams params_;
  std::vector<ProvinceInfo> provinces_;  // provinces_[id - 1]
  std::vector<NationInfo> nations_;      // nations_[id - 1]
  Tuning tuning_;
};

using WorldMapPtr = std::shared_ptr<const WorldMap>;

}  // namespace hegemon
