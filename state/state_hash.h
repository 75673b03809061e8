// The world's 64-bit state hash. Each entity hashes to a well-mixed 64-bit value
// and the world hash is their sum (mod 2^64) combined with the clock and id
// counters. A sum does not depend on iteration order, so the hash is the same
// whatever order entities were written in, and it can be kept up to date
// incrementally: subtract an entity's old hash, add its new one.
// Two runs agree at a tick iff (with overwhelming probability) their worlds do.
#pragma once

#include <cstdint>

#include "state/entities.h"
#include "state/game_meta.h"
#include "state/world_snapshot.h"

namespace hegemon {

uint64_t entity_hash(const Province& p);
uint64_t entity_hash(const Nation& n);
uint64_t entity_hash(const Army& a);
uint64_t entity_hash(const War& w);

// The world hash from the sum of entity hashes and the bookkeeping in `meta`
// (meta.state_hash itself is ignored).
uint64_t combine_state_hash(uint64_t entity_sum, const GameMeta& meta);

// Recomputes the hash of a whole snapshot from scratch.
uint64_t full_state_hash(const WorldSnapshot& snapshot);

}  // namespace hegemon
