#include "rules/map_grid.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace hegemon {
namespace {

// Neighbour offsets (dx, dy) for even and odd rows of an odd-r grid.
constexpr int kEvenRow[6][2] = {{-1, -1}, {0, -1}, {-1, 0}, {1, 0}, {-1, 1}, {0, 1}};
constexpr int kOddRow[6][2] = {{0, -1}, {1, -1}, {-1, 0}, {1, 0}, {0, 1}, {1, 1}};

}  // namespace

HexGrid HexGrid::for_provinces(int32_t count) {
  HexGrid g;
  g.count = count;
  // Integer square root of count * 1.6, rounded: deterministic on every platform.
  const int64_t target = int64_t{count} * 16 / 10;
  int64_t w = static_cast<int64_t>(std::sqrt(static_cast<double>(target)));
  while (w * w > target) --w;
  while ((w + 1) * (w + 1) <= target) ++w;
  if ((w + 1) * (w + 1) - target < target - w * w) ++w;
  g.width = static_cast<int32_t>(std::max<int64_t>(1, w));
  g.height = (count + g.width - 1) / g.width;
  return g;
}

ProvinceId HexGrid::id_at(int32_t x, int32_t y) const {
  if (x < 0 || x >= width || y < 0 || y >= height) return 0;
  const int64_t id = int64_t{y} * width + x + 1;
  return id <= count ? static_cast<ProvinceId>(id) : 0;
}

std::vector<ProvinceId> HexGrid::neighbors(ProvinceId id) const {
  const int32_t x = x_of(id), y = y_of(id);
  const auto& offsets = (y & 1) ? kOddRow : kEvenRow;
  std::vector<ProvinceId> out;
  out.reserve(6);
  for (const auto& d : offsets) {
    if (ProvinceId n = id_at(x + d[0], y + d[1])) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

int32_t HexGrid::distance(ProvinceId a, ProvinceId b) const {
  // Via axial coordinates: q = x - (y - (y & 1)) / 2, r = y.
  const int32_t ya = y_of(a), yb = y_of(b);
  const int32_t qa = x_of(a) - (ya - (ya & 1)) / 2, qb = x_of(b) - (yb - (yb & 1)) / 2;
  const int32_t dq = qa - qb, dr = ya - yb;
  return std::max({std::abs(dq), std::abs(dr), std::abs(dq + dr)});
}

}  // namespace hegemon
