// Counter-based randomness: every random draw is a pure function of
// (world seed, tick, entity, purpose, draw index). No generator state survives a
// tick, so results do not depend on which thread or actor incarnation asks, in
// what order, or whether the asker was restarted half-way through a tick.
#pragma once

#include <cstdint>

#include "state/ids.h"

namespace hegemon {

// Why a number is drawn. Distinct purposes give independent streams for the
// same entity and tick. Values are part of the save format's determinism:
// append new ones, never renumber.
enum class RngPurpose : uint32_t {
  worldgen_terrain = 1,
  worldgen_capitals = 2,
  worldgen_growth = 3,
  worldgen_names = 4,
  worldgen_colors = 5,
  worldgen_personality = 6,
  development = 10,
  revolt = 11,
  ai_war = 12,
  ai_recruit = 13,
  battle = 20,
  siege = 21,
  peace = 22,
};

// SplitMix64's finaliser: a bijective 64-bit mixer with full avalanche.
constexpr uint64_t mix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  Rng(uint64_t seed, Tick tick, uint64_t entity, RngPurpose purpose)
      : key_(mix64(mix64(mix64(seed) ^ static_cast<uint64_t>(tick)) ^ entity) ^
             static_cast<uint64_t>(purpose)) {}

  uint64_t next() { return mix64(key_ ^ mix64(++counter_)); }

  // Uniform integer in [lo, hi] (inclusive); Lemire's multiply-shift, whose bias
  // is below 2^-32 for the small ranges game rules use.
  int64_t uniform(int64_t lo, int64_t hi) {
    const uint64_t range = static_cast<uint64_t>(hi - lo) + 1;
    const uint64_t r = next() >> 32;
    return lo + static_cast<int64_t>((r * range) >> 32);
  }

  // True with probability per_mille / 1000.
  bool chance(int64_t per_mille) { return uniform(0, 999) < per_mille; }

 private:
  uint64_t key_;
  uint64_t counter_ = 0;
};

}  // namespace hegemon
