// Where a World's entity reads go instead of its hot cache, when it has one
// (World::set_read_source). Production Worlds never have one: this exists for
// bench/'s "start simple" baseline (shared/seed/hybrid-architecture.md:
// "SQLite for everything initially"), which runs the very same rules with
// every read they make answered by SQLite (bench/sqlite_read_source.h), to
// measure what the cache buys. No SQLite here: state/ stays storage-free.
//
// Each function answers exactly what the World function of the same name
// would answer from the cache (same values, same order, never null lists).
// Implementations need not be thread-safe: a source is attached only to a
// World read by one thread (run on the caller's thread, as in
// run_tick_sequential), and is set and cleared only while nothing reads it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "state/entities.h"

namespace hegemon {

// An immutable id list (World::provinces_of / armies_of), sorted.
using IdList = std::shared_ptr<const std::vector<int32_t>>;

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

}  // namespace hegemon
