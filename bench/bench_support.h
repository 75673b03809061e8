// Helpers shared by the benchmark binaries: the world sizes every table uses,
// temporary directories, and precomputed random ids (so that a benchmark
// measures the lookup, not the random number generator).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "state/world_map.h"

namespace hegemon::bench {

// The three sizes of issue #6: the default world, an EU4-sized one and a
// stress world. Indexed by a benchmark argument (0, 1, 2).
WorldParams world_size(int64_t index);
const char* world_size_name(int64_t index);

// A fresh directory under $TMPDIR (or /tmp), removed with its contents at
// destruction. Saves live there so that every run starts from an empty file.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// `count` ids drawn uniformly from 1..max_id with a fixed seed; `count` must be
// a power of two so that readers can wrap around with a mask.
std::vector<int32_t> random_ids(size_t count, int32_t max_id, uint64_t seed);

// `count` distinct ids from 1..max_id, sorted (change sets list rows in id order).
std::vector<int32_t> distinct_sorted_ids(size_t count, int32_t max_id, uint64_t seed);

}  // namespace hegemon::bench
