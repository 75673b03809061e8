// Whole worlds (issue #6, tables 3 and 5, the parts without actors):
//  - one tick of the rules, run_tick_sequential, with no actors and no
//    persistence, on the default, EU4-sized and huge worlds. The world keeps
//    running from one iteration to the next, as a game does, so wars and
//    armies accumulate; ticks are counted from the generated world;
//  - opening a save and rebuilding the hot cache: SaveFile::open (migration
//    check, pragmas, statements), load_world (every table read back and
//    checked against the recorded state hash), World construction and the
//    save's mods read back and hashed (SaveFile::content), on a
//    save holding the generated world and its first kPlayedTicks ticks;
//    with mods = 1 the save also keeps the shipped mods (mods/*.sql, built),
//    as a game made with `serve --mod` does, so the two rows side by side
//    give what opening a modded save adds (issue #15: under 20 ms).
#include <benchmark/benchmark.h>

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>

#include "bench_support.h"
#include "persistence/mod_build.h"
#include "persistence/save_file.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "state/world.h"

namespace hegemon::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kPlayedTicks = 30;

World& running_world(int64_t size) {
  static std::map<int64_t, std::unique_ptr<World>> all;
  auto& slot = all[size];
  if (!slot) slot = std::make_unique<World>(generate_world(world_size(size)));
  return *slot;
}

// Argument: world size (0 default, 1 EU4-sized, 2 huge; bench_support.h).
void BM_Tick_Sequential(benchmark::State& state) {
  World& world = running_world(state.range(0));
  int64_t rows = 0;
  for (auto _ : state) {
    const ChangeSet cs = run_tick_sequential(world);
    rows += static_cast<int64_t>(cs.row_count());
  }
  state.SetItemsProcessed(state.iterations());  // items/s = ticks/s
  state.counters["rows_per_tick"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kAvgIterations);
  state.counters["tick"] = static_cast<double>(world.meta().tick);
  state.SetLabel(world_size_name(state.range(0)));
}

// The shipped mods, read as `serve --mod` reads them.
std::vector<ModFileContent> shipped_mods() {
  std::vector<ModFileContent> mods;
  for (const char* name : {"italy_1444.sql", "balance.sql", "names.sql"}) {
    auto mod = read_mod_or_sql(std::string(HEGEMON_SOURCE_DIR) + "/mods/" + name);
    if (!mod.ok()) throw std::runtime_error(mod.status().message());
    mods.push_back(std::move(*mod));
  }
  return mods;
}

struct PlayedSave {
  PlayedSave(int64_t size, bool with_mods) : path(dir.file("played.db")) {
    WorldSnapshot start = generate_world(world_size(size));
    auto save = SaveFile::open(path);
    if (!save.ok()) throw std::runtime_error(save.status().message());
    Status status = (*save)->create_world(start, with_mods ? shipped_mods()
                                                           : std::vector<ModFileContent>{});
    if (!status.ok()) throw std::runtime_error(status.message());
    World world(start);
    for (int i = 0; i < kPlayedTicks; ++i) {
      auto outcome = (*save)->commit(run_tick_sequential(world));
      if (!outcome.ok()) throw std::runtime_error(outcome.status().message());
    }
    status = (*save)->checkpoint();  // a cleanly stopped server leaves no WAL
    if (!status.ok()) throw std::runtime_error(status.message());
  }
  TempDir dir;
  std::string path;
};

const PlayedSave& played_save(int64_t size, bool with_mods) {
  static std::map<std::pair<int64_t, bool>, std::unique_ptr<PlayedSave>> all;
  auto& slot = all[{size, with_mods}];
  if (!slot) slot = std::make_unique<PlayedSave>(size, with_mods);
  return *slot;
}

void BM_OpenSave_RebuildCache(benchmark::State& state) {
  const PlayedSave& played = played_save(state.range(0), state.range(1) != 0);
  SaveOptions options;
  options.create_if_missing = false;
  for (auto _ : state) {
    const auto start = Clock::now();
    auto save = SaveFile::open(played.path, options);
    if (!save.ok()) {
      state.SkipWithError(save.status().message().c_str());
      break;
    }
    auto snapshot = (*save)->load_world();
    if (!snapshot.ok()) {
      state.SkipWithError(snapshot.status().message().c_str());
      break;
    }
    World world(*snapshot);
    // What the game reads of its mods when it opens a save (actors/game.cc):
    // each embedded mod is hashed against its recorded SHA-256.
    auto content = (*save)->content();
    if (!content.ok()) {
      state.SkipWithError(content.status().message().c_str());
      break;
    }
    const auto stop = Clock::now();
    benchmark::DoNotOptimize(world.meta());
    state.SetIterationTime(std::chrono::duration<double>(stop - start).count());
  }  // closing the save and freeing the world are not timed
  state.SetLabel(std::string(world_size_name(state.range(0))) +
                 (state.range(1) != 0 ? " with mods" : ""));
}

BENCHMARK(BM_Tick_Sequential)->ArgName("world")->DenseRange(0, 2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OpenSave_RebuildCache)
    ->ArgNames({"world", "mods"})
    ->ArgsProduct({{0, 1, 2}, {0, 1}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hegemon::bench
