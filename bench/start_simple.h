// The seed's "start simple" design (shared/seed/hybrid-architecture.md,
// "Implementation Priority": SQLite for everything, a cache added later) run
// on Hegemon's own rules, to measure what the hot cache buys
// (start_simple_bench.cc, docs/BENCHMARKS.md).
//
// The rules read through `const World&`; in this benchmark's program a World
// with a read source attached (read_source.h) sends every entity read to it
// instead of the cache.
// SqliteReadSource answers them from SQLite: its own read-only connection to
// the save the tick loop commits to, one prepared point SELECT by primary
// key per entity read, the per-nation lists by the schema's indexes
// (idx_provinces_owner, idx_armies_nation), living nations and active wars
// by queries. The merges keep writing the World (and reading it), and the
// tick is committed with SaveFile::commit as in Hegemon, so the two differ
// in where the phase computations read, nothing else.
//
// The war phase reads the world after the nation phase's merge, which the
// save does not hold until the tick commits. A start-simple server keeps the
// tick's writes in memory until its one batched transaction (the seed's
// "persist_tick_to_db"), and so does this one: after the nation merge,
// stage() copies what the merge wrote (ChangeRecorder::touched) into an
// overlay that answers for exactly those entities, and for the lists whose
// membership they changed; every other read still goes to SQLite. The
// counters say how many reads each answered.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "persistence/sqlite.h"
#include "read_source.h"
#include "state/change_recorder.h"
#include "state/change_set.h"
#include "state/command.h"
#include "state/world.h"

namespace hegemon::bench {

class SqliteReadSource final : public ReadSource {
 public:
  // Opens the save at `path` read-only (its own connection, beside the
  // writer's; WAL, so it sees the last committed tick). Every SQLite error
  // throws std::runtime_error: ReadSource has no error channel, and a
  // benchmark stops at the first.
  explicit SqliteReadSource(const std::string& path);

  // One tick's reads are one read transaction (BEGIN ... COMMIT), so they
  // all see the same committed tick; end_tick() also drops the overlay.
  void begin_tick();
  void end_tick();
  // The overlay: what the tick has written so far (`touched`), copied from
  // `world`'s cache, which must have no source attached.
  void stage(const World& world, const ChangeRecorder::Touched& touched);

  // Reads answered since construction.
  struct Counts {
    int64_t sqlite = 0;   // by a query, during the phases
    int64_t overlay = 0;  // by the overlay (entities the tick already wrote)
    int64_t staging = 0;  // queries stage() made (committed owners)
  };
  const Counts& counts() const { return counts_; }

  std::optional<Province> province(ProvinceId id) override;
  std::optional<Nation> nation(NationId id) override;
  std::optional<Army> army(ArmyId id) override;
  std::optional<War> war(WarId id) override;
  IdList provinces_of(NationId id) override;
  IdList armies_of(NationId id) override;
  std::vector<NationId> living_nations() override;
  std::vector<WarId> active_wars() override;

 private:
  std::optional<Province> query_province(ProvinceId id);
  std::optional<Army> query_army(ArmyId id);
  IdList query_ids(Statement& by_owner, Statement& by_no_owner, NationId owner);
  std::vector<int32_t> query_id_column(Statement& s);
  void clear_overlay();
  // What the overlay holds for `id` when staged (counted as an overlay read);
  // else nothing, and the read counts as SQLite's, for the caller to make.
  template <class Map>
  std::optional<typename Map::mapped_type> from_overlay(const Map& overlay, int32_t id);

  Database db_;
  Statement begin_, commit_;
  Statement province_, nation_, army_, war_;
  Statement provinces_of_, provinces_of_none_, armies_of_, armies_of_none_;
  Statement living_, active_;

  bool staged_ = false;
  std::unordered_map<ProvinceId, Province> provinces_;
  std::unordered_map<NationId, Nation> nations_;
  std::unordered_map<ArmyId, std::optional<Army>> armies_;  // nullopt: removed
  std::unordered_map<WarId, War> wars_;
  std::unordered_map<NationId, IdList> province_lists_, army_lists_;
  Counts counts_;
};

// run_tick_sequential (rules/tick.cc), step for step, with the phase
// computations (and the enumeration of nations and wars) reading `source`
// instead of `world`'s cache. `world` must be at the tick `source`'s save
// last committed, and the caller commits the returned change set to that
// save before the next tick. Gives the same change set and state hash.
ChangeSet run_tick_start_simple(World& world, SqliteReadSource& source,
                                const std::vector<Command>& commands = {});

// Compares every read `source` answers (no overlay) with `world`'s cache:
// every province, nation, army and war (ended ones too), every per-nation
// list, living nations, active wars, and ids that do not exist. Returns the
// first difference, "" if none. `world` must have no source attached.
std::string compare_source_with_cache(SqliteReadSource& source, const World& world);

}  // namespace hegemon::bench
