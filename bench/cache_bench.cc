// Hot cache reads (issue #6, table 1): what a rules author calls,
// World::province(id), against the containers it could have been built on:
// a bare libcuckoo map (with World's hash and with std::hash) and a
// std::unordered_map behind a std::shared_mutex (a shared_lock per read).
// Every variant holds the same provinces, copies one out per read (as
// World does, so a reader never sees a half-written entity), and reads the
// same precomputed uniform random ids, so only the lookup is measured.
// Run with 1 and 2 threads; rates are lookups per second over wall time.
// A last contender is not an option today but a proposal: a dense array with
// a sequence lock per slot (seqlock_table.h), to show what a lock-free read
// path in World would gain.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include <libcuckoo/cuckoohash_map.hh>

#include "bench_support.h"
#include "seqlock_table.h"
#include "rules/world_gen.h"
#include "state/world.h"

namespace hegemon::bench {
namespace {

// Lookups per benchmark iteration: enough that the framework's own loop
// (about a nanosecond per iteration) is noise next to them.
constexpr int kBatch = 1024;
// 2^20 ids (4 MB): far more than the keys, so no access pattern repeats soon.
constexpr size_t kIdCount = size_t{1} << 20;

struct Tables {
  explicit Tables(int32_t keys)
      : world(generate_world(world_size(keys == 5000 ? 1 : 2))),  // EU4-sized or huge
        // Sized as World sizes its own map, so the layouts match.
        cuckoo_idhash(static_cast<size_t>(keys) + 1),
        cuckoo_stdhash(static_cast<size_t>(keys) + 1),
        seqlock(keys),
        ids(random_ids(kIdCount, keys, 6)) {
    for (const Province& p : world.snapshot().provinces) {
      cuckoo_idhash.insert(p.id, p);
      cuckoo_stdhash.insert(p.id, p);
      locked_map.emplace(p.id, p);
      seqlock.put(p.id, p);
    }
  }
  World world;
  libcuckoo::cuckoohash_map<int32_t, Province, IdHash> cuckoo_idhash;
  libcuckoo::cuckoohash_map<int32_t, Province> cuckoo_stdhash;
  std::unordered_map<int32_t, Province> locked_map;
  mutable std::shared_mutex locked_map_mutex;
  SeqlockTable<Province> seqlock;
  std::vector<int32_t> ids;
};

// Built once per key count (5,000 or 50,000) and shared by every variant and thread, so that
// all of them read exactly the same data.
const Tables& tables(int64_t keys) {
  static std::mutex mutex;
  static std::map<int64_t, std::unique_ptr<Tables>> all;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = all[keys];
  if (!slot) slot = std::make_unique<Tables>(static_cast<int32_t>(keys));
  return *slot;
}

// Reads kBatch ids per iteration; the threads start half the id array apart.
template <class Read>
void run_reads(benchmark::State& state, Read read) {
  const Tables& t = tables(state.range(0));
  const size_t mask = t.ids.size() - 1;
  size_t i = static_cast<size_t>(state.thread_index()) * (t.ids.size() / 2);
  int64_t sum = 0;
  for (auto _ : state) {
    for (int k = 0; k < kBatch; ++k) sum += read(t, t.ids[i++ & mask]);
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_CacheRead_HegemonWorld(benchmark::State& state) {
  run_reads(state, [](const Tables& t, int32_t id) {
    std::optional<Province> p = t.world.province(id);
    return p ? p->development : 0;
  });
}

void BM_CacheRead_RawCuckooIdHash(benchmark::State& state) {
  run_reads(state, [](const Tables& t, int32_t id) {
    Province p;
    return t.cuckoo_idhash.find(id, p) ? p.development : 0;
  });
}

void BM_CacheRead_RawCuckooStdHash(benchmark::State& state) {
  run_reads(state, [](const Tables& t, int32_t id) {
    Province p;
    return t.cuckoo_stdhash.find(id, p) ? p.development : 0;
  });
}

void BM_CacheRead_SharedMutexMap(benchmark::State& state) {
  run_reads(state, [](const Tables& t, int32_t id) {
    std::shared_lock<std::shared_mutex> lock(t.locked_map_mutex);
    auto it = t.locked_map.find(id);
    if (it == t.locked_map.end()) return 0;
    Province p = it->second;
    return p.development;
  });
}

void BM_CacheRead_SeqlockArrayPrototype(benchmark::State& state) {
  run_reads(state, [](const Tables& t, int32_t id) {
    std::optional<Province> p = t.seqlock.get(id);
    return p ? p->development : 0;
  });
}

#define HEGEMON_CACHE_BENCH(fn) \
  BENCHMARK(fn)->ArgName("keys")->Arg(5000)->Arg(50000)->Threads(1)->Threads(2)->UseRealTime()

HEGEMON_CACHE_BENCH(BM_CacheRead_HegemonWorld);
HEGEMON_CACHE_BENCH(BM_CacheRead_RawCuckooIdHash);
HEGEMON_CACHE_BENCH(BM_CacheRead_RawCuckooStdHash);
HEGEMON_CACHE_BENCH(BM_CacheRead_SharedMutexMap);
HEGEMON_CACHE_BENCH(BM_CacheRead_SeqlockArrayPrototype);

}  // namespace
}  // namespace hegemon::bench
