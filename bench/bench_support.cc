#include "bench_support.h"

#include "rules/world_gen.h"

#include <algorithm>
#include <iterator>
#include <numeric>
#include <random>
#include <stdexcept>

namespace hegemon::bench {

const NamedWorldSize& named_size(int64_t index) {
  if (index < 0 || index >= static_cast<int64_t>(std::size(kWorldSizes)))
    throw std::invalid_argument("no world size " + std::to_string(index));
  return kWorldSizes[index];
}

WorldParams world_size(int64_t index) { return named_size(index).params; }

const char* world_size_name(int64_t index) { return named_size(index).name; }

std::vector<int32_t> random_ids(size_t count, int32_t max_id, uint64_t seed) {
  if (count == 0 || (count & (count - 1)) != 0) throw std::invalid_argument("count must be 2^k");
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int32_t> pick(1, max_id);
  std::vector<int32_t> ids(count);
  for (int32_t& id : ids) id = pick(rng);
  return ids;
}

std::vector<int32_t> distinct_sorted_ids(size_t count, int32_t max_id, uint64_t seed) {
  if (count > static_cast<size_t>(max_id)) throw std::invalid_argument("not enough ids");
  std::vector<int32_t> all(static_cast<size_t>(max_id));
  std::iota(all.begin(), all.end(), 1);
  std::mt19937_64 rng(seed);
  std::shuffle(all.begin(), all.end(), rng);
  all.resize(count);
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace hegemon::bench
