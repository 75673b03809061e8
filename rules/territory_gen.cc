#include "rules/territory_gen.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "state/rng.h"

namespace hegemon {
namespace {

// Buckets of capitals by coarse grid cell, so that "is any capital within d"
// checks only the 3x3 cells around a candidate (cell size >= d).
class CapitalBuckets {
 public:
  CapitalBuckets(const HexGrid& grid, int32_t cell) : grid_(grid), cell_(std::max(1, cell)) {}

  bool clear_of(ProvinceId p, int32_t min_distance) const {
    const int32_t cx = grid_.x_of(p) / cell_, cy = grid_.y_of(p) / cell_;
    for (int32_t dy = -1; dy <= 1; ++dy) {
      for (int32_t dx = -1; dx <= 1; ++dx) {
        auto it = buckets_.find(key(cx + dx, cy + dy));
        if (it == buckets_.end()) continue;
        for (ProvinceId c : it->second) {
          if (grid_.distance(p, c) < min_distance) return false;
        }
      }
    }
    return true;
  }
  void add(ProvinceId p) {
    buckets_[key(grid_.x_of(p) / cell_, grid_.y_of(p) / cell_)].push_back(p);
  }

 private:
  // Cells next to the map's edge have coordinate -1: shift the unsigned bits
  // (a left shift of a negative number is undefined behaviour).
  static int64_t key(int32_t cx, int32_t cy) {
    return static_cast<int64_t>((uint64_t{static_cast<uint32_t>(cx)} << 32) |
                                static_cast<uint32_t>(cy));
  }
  const HexGrid& grid_;
  int32_t cell_;
  std::unordered_map<int64_t, std::vector<ProvinceId>> buckets_;
};

std::vector<ProvinceId> place_capitals(uint64_t seed, const HexGrid& grid, int32_t nations) {
  // A hex disc of radius r holds about 3r^2 cells; aim for spacing a bit
  // under the diameter of each nation's fair share.
  const double share = static_cast<double>(grid.count) / nations;
  int32_t spacing = std::max(1, static_cast<int32_t>(std::sqrt(share / 3.0) * 1.6));
  CapitalBuckets buckets(grid, spacing);
  std::vector<bool> taken(static_cast<size_t>(grid.count) + 1, false);
  Rng rng(seed, 0, 0, RngPurpose::worldgen_capitals);
  std::vector<ProvinceId> capitals;
  int failures = 0;
  while (static_cast<int32_t>(capitals.size()) < nations) {
    const ProvinceId p = static_cast<ProvinceId>(rng.uniform(1, grid.count));
    if (!taken[static_cast<size_t>(p)] && buckets.clear_of(p, spacing)) {
      taken[static_cast<size_t>(p)] = true;
      buckets.add(p);
      capitals.push_back(p);
      failures = 0;
    } else if (++failures > 40) {
      spacing = std::max(1, spacing * 9 / 10);
      failures = 0;
    }
  }
  return capitals;
}

// Provinces claimed per round: mostly 1, occasionally up to 12.
int32_t growth_rate(Rng& rng) {
  const int64_t u = rng.uniform(0, 999);
  return 1 + static_cast<int32_t>(u * u * u * 11 / (int64_t{1000} * 1000 * 1000));
}

}  // namespace

Territory generate_territory(uint64_t seed, const HexGrid& grid,
                             const std::vector<ProvinceInfo>& provinces, int32_t nations) {
  Territory t;
  t.owner.assign(static_cast<size_t>(grid.count), kNoNation);
  t.depth.assign(static_cast<size_t>(grid.count), 0);
  t.capital = place_capitals(seed, grid, nations);

  Rng rng(seed, 0, 0, RngPurpose::worldgen_growth);
  std::vector<std::vector<ProvinceId>> frontier(static_cast<size_t>(nations));
  std::vector<int32_t> rate(static_cast<size_t>(nations));
  auto claim = [&](NationId n, ProvinceId p, int32_t depth) {
    t.owner[static_cast<size_t>(p - 1)] = n;
    t.depth[static_cast<size_t>(p - 1)] = depth;
    for (ProvinceId q : provinces[static_cast<size_t>(p - 1)].neighbors) {
      if (t.owner[static_cast<size_t>(q - 1)] == kNoNation)
        frontier[static_cast<size_t>(n - 1)].push_back(q);
    }
  };
  for (NationId n = 1; n <= nations; ++n) {
    rate[static_cast<size_t>(n - 1)] = growth_rate(rng);
    claim(n, t.capital[static_cast<size_t>(n - 1)], 0);
  }

  // Takes a random frontier province still unclaimed; false when none is left.
  auto grow = [&](NationId n) {
    auto& f = frontier[static_cast<size_t>(n - 1)];
    while (!f.empty()) {
      const size_t i = static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(f.size()) - 1));
      const ProvinceId p = f[i];
      f[i] = f.back();
      f.pop_back();
      if (t.owner[static_cast<size_t>(p - 1)] != kNoNation) continue;
      int32_t depth = INT32_MAX;  // one more than the nearest owned neighbour
      for (ProvinceId q : provinces[static_cast<size_t>(p - 1)].neighbors) {
        if (t.owner[static_cast<size_t>(q - 1)] == n)
          depth = std::min(depth, t.depth[static_cast<size_t>(q - 1)] + 1);
      }
      claim(n, p, depth);
      return true;
    }
    return false;
  };

  std::vector<NationId> active(static_cast<size_t>(nations));
  for (NationId n = 1; n <= nations; ++n) active[static_cast<size_t>(n - 1)] = n;
  while (!active.empty()) {
    std::vector<NationId> still;
    for (NationId n : active) {
      bool alive = true;
      for (int32_t k = 0; k < rate[static_cast<size_t>(n - 1)] && alive; ++k) alive = grow(n);
      if (alive) still.push_back(n);
    }
    active.swap(still);
  }
  return t;
}

}  // namespace hegemon
