// The hex grid world generation lays provinces on: `width` columns, rows
// filled in order, odd rows shifted right by half a cell ("odd-r" offset
// coordinates), so every inner cell has six neighbours. Province ids are
// 1..count in row-major order; the last row may be partial.
#pragma once

#include <cstdint>
#include <vector>

#include "state/ids.h"

namespace hegemon {

struct HexGrid {
  int32_t width = 0;
  int32_t height = 0;
  int32_t count = 0;

  // A grid of about 1.6 columns per row-height unit: width = round(sqrt(count * 1.6)).
  static HexGrid for_provinces(int32_t count);

  int32_t x_of(ProvinceId id) const { return (id - 1) % width; }
  int32_t y_of(ProvinceId id) const { return (id - 1) / width; }
  // 0 when (x, y) is off the grid.
  ProvinceId id_at(int32_t x, int32_t y) const;

  std::vector<ProvinceId> neighbors(ProvinceId id) const;  // ascending
  int32_t distance(ProvinceId a, ProvinceId b) const;      // steps on the hex grid
};

}  // namespace hegemon
