// Helpers shared by the benchmark binaries: the world sizes every table uses,
// temporary directories, and precomputed random ids (so that a benchmark
// measures the lookup, not the random number generator).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "state/world_map.h"
#include "test_support.h"

namespace hegemon::bench {

// The three sizes of issue #6 (kWorldSizes in rules/world_gen.h), indexed
// by a benchmark argument (0, 1, 2).
WorldParams world_size(int64_t index);
const char* world_size_name(int64_t index);

// Saves live in a fresh temporary directory, so that every run starts from
// an empty file: the tests' own TempDir.
using test::TempDir;

// `count` ids drawn uniformly from 1..max_id with a fixed seed; `count` must be
// a power of two so that readers can wrap around with a mask.
std::vector<int32_t> random_ids(size_t count, int32_t max_id, uint64_t seed);

// `count` distinct ids from 1..max_id, sorted (change sets list rows in id order).
std::vector<int32_t> distinct_sorted_ids(size_t count, int32_t max_id, uint64_t seed);

}  // namespace hegemon::bench
