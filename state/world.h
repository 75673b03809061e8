// The hot cache: the current world, read concurrently by every actor (the
// role ETS plays in the seed design). Mutable entities live in libcuckoo
// cuckoohash_maps keyed by id; static facts in the shared immutable WorldMap.
//
// Concurrency contract:
//  - any thread may read at any time; each read returns a consistent copy of
//    one entity (libcuckoo's per-bucket locks);
//  - exactly one writer, the tick coordinator, writes, and only between phases,
//    so within a phase every actor reads the same previous state;
//  - the secondary indexes (provinces / armies of a nation) are immutable
//    vectors swapped whole, so a reader holds a stable list while it iterates.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <libcuckoo/cuckoohash_map.hh>

#include "state/cold_store.h"
#include "state/entities.h"
#include "state/game_meta.h"
#include "state/rng.h"
#include "state/world_map.h"
#include "state/world_snapshot.h"

namespace hegemon {

// libstdc++'s std::hash<int> is the identity, which clusters cuckoo buckets.
struct IdHash {
  size_t operator()(int32_t id) const {
    return static_cast<size_t>(mix64(static_cast<uint64_t>(id)));
  }
};

// An immutable id list (World::provinces_of / armies_of), sorted.
using IdList = std::shared_ptr<const std::vector<int32_t>>;

class World {
 public:
  explicit World(const WorldSnapshot& snapshot);
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // ---- reads: any thread ----
  const WorldMap& map() const { return *map_; }
  const WorldMapPtr& map_ptr() const { return map_; }
  GameMeta meta() const;
  uint64_t seed() const { return map_->params().seed; }

  std::optional<Province> province(ProvinceId id) const;
  std::optional<Nation> nation(NationId id) const;
  std::optional<Army> army(ArmyId id) const;
  // Active wars come from the cache; ended ones from the cold store, if set.
  std::optional<War> war(WarId id) const;

  IdList provinces_of(NationId id) const;        // sorted; never null
  IdList armies_of(NationId id) const;           // sorted; never null
  std::vector<NationId> living_nations() const;  // sorted
  std::vector<WarId> active_wars() const;        // sorted
  // The writer's thread only (the coordinator's status): libcuckoo's size()
  // sums per-lock counters without taking the locks, a data race with a
  // concurrent write (docs/RELIABILITY.md, "Sanitizers").
  size_t army_count() const { return armies_.size(); }

  // A copy of the whole world; consistent when no write is under way.
  WorldSnapshot snapshot() const;
  // The state hash recomputed from every entity (tests and load-time checks);
  // equals meta().state_hash whenever the incremental bookkeeping is right.
  uint64_t recompute_hash() const;

  void set_cold_store(std::shared_ptr<ColdStore> store) { cold_ = std::move(store); }

  // ---- writes: the single writer only (see ChangeRecorder) ----
  void put_province(const Province& p);
  void put_nation(const Nation& n);
  void put_army(const Army& a);
  void remove_army(ArmyId id);
  void put_war(const War& w);  // an active war
  void retire_war(WarId id);   // an ended war leaves the cache
  // Sets the clock and counters and seals the state hash for them.
  void set_meta(Tick tick, ArmyId next_army_id, WarId next_war_id);
  // Replaces every entity with those of `snapshot` (same map), e.g. to go back
  // to the last committed tick after the writer crashed mid-tick. No phase may
  // be running.
  void reset(const WorldSnapshot& snapshot);

 private:
  using IdIndex = libcuckoo::cuckoohash_map<NationId, IdList, IdHash>;
  static void index_add(IdIndex& index, NationId key, int32_t id);
  static void index_remove(IdIndex& index, NationId key, int32_t id);
  static IdList index_get(const IdIndex& index, NationId key);
  void load(const WorldSnapshot& snapshot);
  // The cache reads behind the public read functions, defined inline in
  // state/world_cache_reads.h. The public ones are defined apart, in
  // state/world_reads.cc, each as a call of its cache read, so that bench/'s
  // "start simple" baseline can link its own definitions of them instead
  // (bench/sourced_world_reads.cc) and still reach the cache through these.
  std::optional<Province> cached_province(ProvinceId id) const;
  std::optional<Nation> cached_nation(NationId id) const;
  std::optional<Army> cached_army(ArmyId id) const;
  std::optional<War> cached_war(WarId id) const;
  IdList cached_provinces_of(NationId id) const;
  IdList cached_armies_of(NationId id) const;
  std::vector<NationId> cached_living_nations() const;
  std::vector<WarId> cached_active_wars() const;
  template <class Map, class Entity>
  void put_owned(Map& map, IdIndex& index, const Entity& e);

  WorldMapPtr map_;
  libcuckoo::cuckoohash_map<ProvinceId, Province, IdHash> provinces_;
  libcuckoo::cuckoohash_map<NationId, Nation, IdHash> nations_;
  libcuckoo::cuckoohash_map<ArmyId, Army, IdHash> armies_;
  libcuckoo::cuckoohash_map<WarId, War, IdHash> wars_;
  IdIndex provinces_by_owner_;
  IdIndex armies_by_owner_;
  std::shared_ptr<ColdStore> cold_;

  mutable std::mutex meta_mutex_;
  GameMeta meta_;            // guarded by meta_mutex_
  uint64_t entity_sum_ = 0;  // writer-only: sum of entity hashes in the cache
};

}  // namespace hegemon
