#include "rules/terrain_gen.h"

#include <algorithm>
#include <numeric>

#include "state/rng.h"

namespace hegemon {
namespace {

constexpr int64_t kOne = 1024;  // fixed-point 1.0 for noise values and weights

// A lattice point's random value in [0, kOne).
int64_t lattice(uint64_t seed, uint64_t salt, int64_t ix, int64_t iy) {
  Rng rng(seed, static_cast<Tick>(salt),
          (static_cast<uint64_t>(ix) << 32) ^ static_cast<uint64_t>(iy),
          RngPurpose::worldgen_terrain);
  return static_cast<int64_t>(rng.next() % kOne);
}

// Smoothstep on [0, kOne]: 3t^2 - 2t^3, so cells blend without creases.
int64_t smooth(int64_t t) { return t * t / kOne * (3 * kOne - 2 * t) / kOne; }

int64_t lerp(int64_t a, int64_t b, int64_t t) { return a + (b - a) * t / kOne; }

// Value noise at (px, py) on a lattice of `cell` units.
int64_t value_noise(uint64_t seed, uint64_t salt, int64_t px, int64_t py, int64_t cell) {
  const int64_t ix = px / cell, iy = py / cell;
  const int64_t tx = smooth(px % cell * kOne / cell), ty = smooth(py % cell * kOne / cell);
  const int64_t top = lerp(lattice(seed, salt, ix, iy), lattice(seed, salt, ix + 1, iy), tx);
  const int64_t bottom =
      lerp(lattice(seed, salt, ix, iy + 1), lattice(seed, salt, ix + 1, iy + 1), tx);
  return lerp(top, bottom, ty);
}

// Two octaves: broad regions with some detail. Coordinates are in quarter
// cells so that odd rows' half-cell shift and the rows' 7/8 spacing are exact.
std::vector<int64_t> field(uint64_t seed, uint64_t salt, const HexGrid& grid, int64_t coarse,
                           int64_t fine) {
  std::vector<int64_t> out(static_cast<size_t>(grid.count));
  for (ProvinceId id = 1; id <= grid.count; ++id) {
    const int64_t y = grid.y_of(id);
    const int64_t px = 4 * grid.x_of(id) + 2 * (y & 1), py = 7 * y / 2;
    out[static_cast<size_t>(id - 1)] =
        2 * value_noise(seed, salt, px, py, coarse) + value_noise(seed, salt + 1, px, py, fine);
  }
  return out;
}

// Indices of provinces in `pool` ordered by `value` descending (ties: lower id first).
void rank_descending(std::vector<int32_t>& pool, const std::vector<int64_t>& value) {
  std::sort(pool.begin(), pool.end(), [&](int32_t a, int32_t b) {
    return value[static_cast<size_t>(a)] != value[static_cast<size_t>(b)]
               ? value[static_cast<size_t>(a)] > value[static_cast<size_t>(b)]
               : a < b;
  });
}

}  // namespace

std::vector<Terrain> generate_terrain(uint64_t seed, const HexGrid& grid) {
  const int64_t n = grid.count;
  const std::vector<int64_t> elevation = field(seed, 1, grid, 40, 12);
  const std::vector<int64_t> moisture = field(seed, 3, grid, 32, 10);
  std::vector<Terrain> terrain(static_cast<size_t>(n), Terrain::plains);

  std::vector<int32_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  rank_descending(order, elevation);
  const size_t mountains = static_cast<size_t>(n * 7 / 100),
               hills = static_cast<size_t>(n * 12 / 100);
  for (size_t i = 0; i < mountains + hills; ++i) {
    terrain[static_cast<size_t>(order[i])] = i < mountains ? Terrain::mountains : Terrain::hills;
  }

  std::vector<int32_t> lowland(order.begin() + static_cast<std::ptrdiff_t>(mountains + hills),
                               order.end());
  rank_descending(lowland, moisture);
  const size_t marsh = static_cast<size_t>(n * 8 / 100), forest = static_cast<size_t>(n * 20 / 100);
  const size_t desert = static_cast<size_t>(n * 10 / 100);
  for (size_t i = 0; i < lowland.size(); ++i) {
    Terrain& t = terrain[static_cast<size_t>(lowland[i])];
    if (i < marsh)
      t = Terrain::marsh;
    else if (i < marsh + forest)
      t = Terrain::forest;
    else if (i + desert >= lowland.size())
      t = Terrain::desert;
  }
  return terrain;
}

}  // namespace hegemon
