#include "bench_support.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <random>
#include <stdexcept>

namespace hegemon::bench {

WorldParams world_size(int64_t index) {
  switch (index) {
    case 0: return WorldParams{1444, 2000, 150};    // hegemon serve's default
    case 1: return WorldParams{1444, 5000, 500};    // about EU4's map
    case 2: return WorldParams{1444, 50000, 2000};  // stress
  }
  throw std::invalid_argument("no world size " + std::to_string(index));
}

const char* world_size_name(int64_t index) {
  static const char* const names[] = {"default", "eu4", "huge"};
  return names[index];
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/hegemon-bench-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

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
