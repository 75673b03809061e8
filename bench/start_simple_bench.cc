// What the hot cache buys (issue #6): the same ticks two ways, side by side,
// on the default and EU4-sized worlds (kWorldSizes 0 and 1):
//  - Hegemon: run_tick_sequential reading the hot cache, then
//    SaveFile::commit of the tick's change set;
//  - start simple, the seed's first step (shared/seed/hybrid-architecture.md):
//    the same rules, with every read of the phase computations (plan_nation,
//    resolve_war: provinces, nations, armies, wars, the per-nation lists) and
//    the enumeration of nations and wars going to SQLite, on a read-only
//    connection to the save (start_simple.h), then the same commit.
// Each contender has its own World and its own save (synchronous NORMAL) in
// a temporary directory, both generated from the same parameters. One
// benchmark iteration is one game month: every tick from the 2nd of a month
// to the 1st of the next (the monthly rules run on the 1st), committed, so
// the k-th repetition of both contenders covers the same ticks. Both run the
// same number of iterations, whatever the interleaving, so both go through
// the same ticks.
//
// Correctness, checked every run (a failure ends the process with exit code
// 3, which fails scripts/bench.sh):
//  - before the first repetition, both play the first two game months in
//    lockstep (tick 1 to the 1 January 1445), with equal state hashes at
//    every tick, and after every one of these ticks every read SQLite
//    answers (every entity, list and id past the end) equals the cache's
//    (compare_source_with_cache);
//  - during the benchmark, every tick's state hash of one contender is
//    compared with the other's for the same tick as soon as both have run it.
#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "bench_support.h"
#include "persistence/save_file.h"
#include "persistence/save_reader.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "start_simple.h"
#include "state/game_date.h"
#include "state/world.h"

namespace hegemon::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Game months per repetition (each 28-31 ticks, one of them monthly). With
// bench.sh's 5 repetitions each contender plays 15 months after the two of
// the lockstep check, on both worlds: about 20 s in all on a quiet machine.
constexpr int kMonthsPerRepetition = 3;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "start_simple_bench: %s\n", message.c_str());
  std::exit(3);
}

// CPU time of the calling thread: on a busy machine, where wall time also
// counts the time other processes hold the core, a steadier second measure.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

template <class T>
T check(Result<T> r, const std::string& what) {
  if (!r.ok()) throw std::runtime_error(what + ": " + r.status().message());
  return std::move(*r);
}

void check(const Status& s, const std::string& what) {
  if (!s.ok()) throw std::runtime_error(what + ": " + s.message());
}

struct Contender {
  Contender(const WorldSnapshot& start, bool start_simple) : path(dir.file("save.db")) {
    save = check(SaveFile::open(path), "open " + path);
    check(save->create_world(start), "create world");
    world = std::make_unique<World>(start);
    // As in the server: ended wars are read from the save (ColdStore).
    world->set_cold_store(check(SaveReader::open(path), "open reader"));
    if (start_simple) source = std::make_unique<SqliteReadSource>(path);
  }

  // One tick, committed; its state hash is appended to `hashes`.
  const ChangeSet& play_tick() {
    const double cpu0 = thread_cpu_seconds();
    const auto t0 = Clock::now();
    last = source ? run_tick_start_simple(*world, *source) : run_tick_sequential(*world);
    const auto t1 = Clock::now();
    check(save->commit(last), "commit tick " + std::to_string(last.tick()));
    const auto t2 = Clock::now();
    tick_seconds += std::chrono::duration<double>(t1 - t0).count();
    commit_seconds += std::chrono::duration<double>(t2 - t1).count();
    cpu_seconds += thread_cpu_seconds() - cpu0;
    rows += static_cast<int64_t>(last.row_count());
    if (static_cast<size_t>(last.tick()) != hashes.size() + 1) die("ticks out of order");
    hashes.push_back(last.meta.state_hash);
    return last;
  }

  TempDir dir;
  std::string path;
  std::unique_ptr<SaveFile> save;
  std::unique_ptr<World> world;
  std::unique_ptr<SqliteReadSource> source;  // start simple only
  ChangeSet last;
  std::vector<uint64_t> hashes;  // [t - 1]: the state hash after tick t
  double tick_seconds = 0;       // in the rules (phases, merges; reads included)
  double commit_seconds = 0;     // in SaveFile::commit
  double cpu_seconds = 0;        // this thread's CPU time in the tick and the commit
  int64_t rows = 0;
};

struct Game {
  explicit Game(int64_t size) {
    const WorldSnapshot start = generate_world(world_size(size));
    cache = std::make_unique<Contender>(start, false);
    simple = std::make_unique<Contender>(start, true);
    // The lockstep check, two game months long.
    expect_same_reads(0);
    int months = 0;
    while (months < 2) {
      const ChangeSet& a = cache->play_tick();
      const ChangeSet& b = simple->play_tick();
      if (a.meta.state_hash != b.meta.state_hash || a.row_count() != b.row_count())
        die(std::string(world_size_name(size)) + ": tick " + std::to_string(a.tick()) +
            " differs between Hegemon and start simple");
      expect_same_reads(a.tick());
      if (date_of_tick(a.tick()).first_of_month()) ++months;
    }
    compared = cache->hashes.size();
  }

  void expect_same_reads(Tick tick) {
    const std::string diff = compare_source_with_cache(*simple->source, *simple->world);
    if (!diff.empty()) die("after tick " + std::to_string(tick) + ": " + diff);
  }

  // Compares the hashes of the ticks both contenders have run since the last call.
  void compare_hashes() {
    const size_t common = std::min(cache->hashes.size(), simple->hashes.size());
    for (; compared < common; ++compared) {
      if (cache->hashes[compared] != simple->hashes[compared])
        die("tick " + std::to_string(compared + 1) +
            ": Hegemon and start simple have different state hashes");
    }
  }

  std::unique_ptr<Contender> cache, simple;
  size_t compared = 0;  // ticks whose hashes were compared
};

Game& game(int64_t size) {
  static std::map<int64_t, std::unique_ptr<Game>> all;
  auto& slot = all[size];
  if (!slot) slot = std::make_unique<Game>(size);
  return *slot;
}

void run_months(benchmark::State& state, bool start_simple) {
  Game& g = game(state.range(0));
  Contender& c = start_simple ? *g.simple : *g.cache;
  const size_t ticks_before = c.hashes.size();
  const double tick_before = c.tick_seconds, commit_before = c.commit_seconds,
               cpu_before = c.cpu_seconds;
  const int64_t rows_before = c.rows;
  const SqliteReadSource::Counts reads_before =
      c.source ? c.source->counts() : SqliteReadSource::Counts{};
  try {
    for (auto _ : state) {
      while (!date_of_tick(c.play_tick().tick()).first_of_month()) {}
      g.compare_hashes();
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const auto ticks = static_cast<double>(c.hashes.size() - ticks_before);
  state.SetItemsProcessed(static_cast<int64_t>(ticks));  // items/s = ticks/s
  state.counters["ticks"] = ticks;
  state.counters["rules_ms_per_tick"] = (c.tick_seconds - tick_before) * 1e3 / ticks;
  state.counters["commit_ms_per_tick"] = (c.commit_seconds - commit_before) * 1e3 / ticks;
  state.counters["cpu_ms_per_tick"] = (c.cpu_seconds - cpu_before) * 1e3 / ticks;
  state.counters["rows_per_tick"] = static_cast<double>(c.rows - rows_before) / ticks;
  if (c.source) {
    const SqliteReadSource::Counts& now = c.source->counts();
    state.counters["sqlite_reads_per_tick"] =
        static_cast<double>(now.sqlite - reads_before.sqlite) / ticks;
    state.counters["overlay_reads_per_tick"] =
        static_cast<double>(now.overlay - reads_before.overlay) / ticks;
    state.counters["staging_queries_per_tick"] =
        static_cast<double>(now.staging - reads_before.staging) / ticks;
  }
  state.counters["tick"] = static_cast<double>(c.hashes.size());
  // Every tick up to here had the same state hash in both contenders.
  state.counters["same_hash_through_tick"] = static_cast<double>(g.compared);
  state.SetLabel(world_size_name(state.range(0)));
}

void BM_Month_Hegemon(benchmark::State& state) { run_months(state, false); }
void BM_Month_StartSimple(benchmark::State& state) { run_months(state, true); }

// Both contenders run the same: both worlds, kMonthsPerRepetition months a
// repetition, in wall-clock milliseconds.
void month_runs(benchmark::internal::Benchmark* b) {
  b->ArgName("world")
      ->DenseRange(0, 1)
      ->Iterations(kMonthsPerRepetition)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_Month_Hegemon)->Apply(month_runs);
BENCHMARK(BM_Month_StartSimple)->Apply(month_runs);

}  // namespace
}  // namespace hegemon::bench
