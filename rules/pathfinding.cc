#include "rules/pathfinding.h"

#include <algorithm>
#include <cstdint>

namespace hegemon {
namespace {

// Per-thread search scratch, reused across searches so that a search costs
// O(provinces visited), not O(map size). "Visited" is a generation stamp: a
// new search bumps the generation instead of clearing the arrays. Scratch
// never influences results, so sharing it per thread keeps the rules pure.
struct Scratch {
  std::vector<uint32_t> stamp;  // == generation when visited in this search
  std::vector<ProvinceId> parent;
  std::vector<ProvinceId> queue;
  uint32_t generation = 0;

  void begin(int32_t province_count) {
    const size_t size = static_cast<size_t>(province_count) + 1;
    if (stamp.size() != size) {
      stamp.assign(size, 0);
      parent.assign(size, 0);
      generation = 0;
    }
    if (++generation == 0) {  // wrapped: old stamps could look current
      std::fill(stamp.begin(), stamp.end(), 0);
      generation = 1;
    }
    queue.clear();
  }
  bool visited(ProvinceId p) const { return stamp[static_cast<size_t>(p)] == generation; }
  void visit(ProvinceId p, ProvinceId from) {
    stamp[static_cast<size_t>(p)] = generation;
    parent[static_cast<size_t>(p)] = from;
    queue.push_back(p);
  }
};

std::vector<ProvinceId> path_to(const Scratch& s, ProvinceId start, ProvinceId goal) {
  std::vector<ProvinceId> path;
  for (ProvinceId p = goal; p != start; p = s.parent[static_cast<size_t>(p)]) path.push_back(p);
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace

std::optional<std::vector<ProvinceId>> find_path(const WorldMap& map, ProvinceId start,
                                                 const ProvinceTest& is_goal, int max_visits) {
  if (!map.has_province(start)) return std::nullopt;
  thread_local Scratch s;
  s.begin(map.province_count());
  s.visit(start, start);
  for (size_t head = 0; head < s.queue.size() && static_cast<int>(head) < max_visits; ++head) {
    const ProvinceId p = s.queue[head];
    if (is_goal(p)) return path_to(s, start, p);
    for (ProvinceId n : map.province(p).neighbors) {
      if (!s.visited(n)) s.visit(n, p);
    }
  }
  return std::nullopt;
}

}  // namespace hegemon
