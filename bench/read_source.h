// Where a World's entity reads go instead of its hot cache, in the "start
// simple" baseline (shared/seed/hybrid-architecture.md: "SQLite for
// everything initially"), which runs the very same rules with every read they
// make answered by SQLite (bench/start_simple.h), to measure what the cache
// buys. Production code knows nothing of it: start_simple_bench links
// bench/sourced_world_reads.cc in place of state/world_reads.cc, and only
// that replacement of World's read functions consults an attached source.
//
// Each function answers exactly what the World function of the same name
// would answer from the cache (same values, same order, never null lists).
// Implementations need not be thread-safe: a source is attached only to a
// World read by one thread (run on the caller's thread, as in
// run_tick_sequential), and is attached and detached only while nothing
// reads it.
#pragma once

#include <optional>
#include <vector>

#include "state/entities.h"
#include "state/world.h"

namespace hegemon::bench {

class ReadSource {
 public:
  virtual ~ReadSource() = default;
  virtual std::optional<Province> province(ProvinceId id) = 0;
  virtual std::optional<Nation> nation(NationId id) = 0;
  virtual std::optional<Army> army(ArmyId id) = 0;
  virtual std::optional<War> war(WarId id) = 0;        // active or ended
  virtual IdList provinces_of(NationId id) = 0;        // sorted; never null
  virtual IdList armies_of(NationId id) = 0;           // sorted; never null
  virtual std::vector<NationId> living_nations() = 0;  // sorted
  virtual std::vector<WarId> active_wars() = 0;        // sorted
};

// While an AttachedSource lives, `world`'s read functions answer from
// `source` instead of its cache (one World at a time; not nested). Only in
// programs linked with bench/sourced_world_reads.cc; elsewhere the reads
// would never look.
class AttachedSource {
 public:
  AttachedSource(const World& world, ReadSource& source);
  ~AttachedSource();
  AttachedSource(const AttachedSource&) = delete;
  AttachedSource& operator=(const AttachedSource&) = delete;
};

}  // namespace hegemon::bench
