// Commit cost (issue #6, table 2): SaveFile::commit of a tick's change set of
// 100, 1,000 and 10,000 rows (the measured mix of change_set_factory.h), with
// synchronous NORMAL and FULL, against the raw SQLite bound: the same number
// of rows as one prepared UPDATE of the provinces table (the very SQL
// SaveFile runs), bound and stepped in a loop inside one BEGIN IMMEDIATE ...
// COMMIT, on the same save file, through a second connection with the same
// pragmas. Only the commit is timed (manual time): building the change set
// is the coordinator's work, not persistence's. After every commit the WAL is
// checkpointed, timed apart (counter checkpoint_ms, with wal_kb, the WAL the
// commit wrote): all contenders share the file and its WAL, and otherwise
// whichever happened to cross SQLite's 1000-page autocheckpoint would pay
// for the others' pages.
//
// A third contender reproduces the setup behind issue #6's reference figure
// (about 2.5 M rows/s): the same loop as an upsert into a two-column table
// with no secondary index, in the same file. It is not Hegemon's schema, so
// it bounds SQLite itself, not the cost of Hegemon's rows.
#include <benchmark/benchmark.h>

#include <sqlite3.h>

#include <chrono>
#include <functional>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>

#include "bench_support.h"
#include "change_set_factory.h"
#include "persistence/row_codec.h"
#include "persistence/save_file.h"
#include "rules/world_gen.h"

namespace hegemon::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Large enough that a 10,000-row change set touches distinct provinces
// (5,700 of them) and the raw loop 10,000 distinct ones.
const WorldParams kSaveWorld{1444, 20000, 1000};

// SaveFile's statement for a province that keeps its owner
// (persistence/save_commit.cc), made the same way: the common case and the
// one the change sets below produce. ?2 (the owner) is bound but unused, as
// there.
const std::string kUpdateProvince =
    update_row_sql("provinces", described_columns<Province>(), "owner_id");

constexpr const char kCreateNarrow[] =
    "CREATE TABLE IF NOT EXISTS bench_narrow (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)";
constexpr const char kUpsertNarrow[] =
    "INSERT INTO bench_narrow (id, value) VALUES (?1, ?2)"
    " ON CONFLICT (id) DO UPDATE SET value = excluded.value";

void check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

// A raw connection to the save, configured as SaveFile configures its own.
class RawConnection {
 public:
  RawConnection(const std::string& path, bool full) {
    check(db_, sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr), "open");
    sqlite3_busy_timeout(db_, 5000);
    const std::string pragmas = std::string("PRAGMA journal_mode = WAL; PRAGMA synchronous = ") +
                                (full ? "FULL" : "NORMAL") + "; PRAGMA foreign_keys = OFF";
    check(db_, sqlite3_exec(db_, pragmas.c_str(), nullptr, nullptr, nullptr), "pragmas");
    check(db_, sqlite3_prepare_v2(db_, kUpdateProvince.c_str(), -1, &update_, nullptr), "prepare");
    check(db_, sqlite3_exec(db_, kCreateNarrow, nullptr, nullptr, nullptr), "create");
    check(db_, sqlite3_prepare_v2(db_, kUpsertNarrow, -1, &upsert_narrow_, nullptr), "prepare");
  }
  ~RawConnection() {
    sqlite3_finalize(upsert_narrow_);
    sqlite3_finalize(update_);
    sqlite3_close(db_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // One transaction: an UPDATE per province, nothing else.
  void update_provinces(const std::vector<Province>& provinces) {
    check(db_, sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), "begin");
    for (const Province& p : provinces) {
      sqlite3_bind_int64(update_, 1, p.id);
      sqlite3_bind_int64(update_, 2, p.owner);
      sqlite3_bind_int64(update_, 3, p.controller);
      sqlite3_bind_int64(update_, 4, p.development);
      sqlite3_bind_int64(update_, 5, p.unrest);
      sqlite3_bind_int64(update_, 6, p.siege_progress);
      check(db_, sqlite3_step(update_), "update");
      sqlite3_reset(update_);
    }
    check(db_, sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr), "commit");
  }

  // Empties the WAL into the database file (TRUNCATE, as SaveFile::checkpoint).
  void checkpoint() {
    check(db_,
          sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr),
          "checkpoint");
  }

  // One transaction: an upsert per id into the two-column table.
  void upsert_narrow(const std::vector<int32_t>& ids, int64_t value) {
    check(db_, sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), "begin");
    for (int32_t id : ids) {
      sqlite3_bind_int64(upsert_narrow_, 1, id);
      sqlite3_bind_int64(upsert_narrow_, 2, value + id);
      check(db_, sqlite3_step(upsert_narrow_), "upsert");
      sqlite3_reset(upsert_narrow_);
    }
    check(db_, sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr), "commit");
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* update_ = nullptr;
  sqlite3_stmt* upsert_narrow_ = nullptr;
};

// One save per synchronous mode, shared by Hegemon's commits and the raw
// loop, so both write to the same tables of the same file.
struct SaveUnderTest {
  explicit SaveUnderTest(bool full)
      : world(generate_world(kSaveWorld)), path(dir.file("bench.db")) {
    SaveOptions options;
    options.synchronous = full ? Synchronous::full : Synchronous::normal;
    auto opened = SaveFile::open(path, options);
    if (!opened.ok()) throw std::runtime_error(opened.status().message());
    save = std::move(*opened);
    Status status = save->create_world(world);
    // The world's rows must not make the first measured commit checkpoint them.
    if (status.ok()) status = save->checkpoint();
    if (!status.ok()) throw std::runtime_error(status.message());
    raw = std::make_unique<RawConnection>(path, full);
  }
  TempDir dir;
  WorldSnapshot world;
  std::string path;
  std::unique_ptr<SaveFile> save;
  std::unique_ptr<RawConnection> raw;
  Tick raw_round = 0;
};

SaveUnderTest& save_under_test(bool full) {
  static std::map<bool, std::unique_ptr<SaveUnderTest>> all;
  auto& slot = all[full];
  if (!slot) slot = std::make_unique<SaveUnderTest>(full);
  return *slot;
}

double seconds_of(const std::function<void()>& fn) {
  const auto start = Clock::now();
  fn();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Per benchmark run: the commit's WAL size and the checkpoint after it.
class AfterCommit {
 public:
  explicit AfterCommit(SaveUnderTest& s) : s_(s) { s_.raw->checkpoint(); }  // start empty
  void run() {
    std::error_code ec;
    const auto wal = std::filesystem::file_size(s_.path + "-wal", ec);
    wal_bytes_ += ec ? 0.0 : static_cast<double>(wal);
    checkpoint_s_ += seconds_of([this] { s_.raw->checkpoint(); });
  }
  void report(benchmark::State& state) const {
    using benchmark::Counter;
    state.counters["checkpoint_ms"] = Counter(checkpoint_s_ * 1e3, Counter::kAvgIterations);
    state.counters["wal_kb"] = Counter(wal_bytes_ / 1024, Counter::kAvgIterations);
  }

 private:
  SaveUnderTest& s_;
  double checkpoint_s_ = 0;
  double wal_bytes_ = 0;
};

// Arguments: rows per commit, synchronous FULL (1) or NORMAL (0).
void BM_Commit_Hegemon(benchmark::State& state) {
  SaveUnderTest& s = save_under_test(state.range(1) != 0);
  const int rows = static_cast<int>(state.range(0));
  AfterCommit after(s);
  for (auto _ : state) {
    const ChangeSet cs = make_change_set(s.world, s.save->last_tick() + 1, rows);
    Result<CommitOutcome> outcome = CommitOutcome::committed;
    state.SetIterationTime(seconds_of([&] { outcome = s.save->commit(cs); }));
    if (!outcome.ok()) {
      state.SkipWithError(outcome.status().message().c_str());
      break;
    }
    after.run();
  }
  state.SetItemsProcessed(state.iterations() * rows);
  after.report(state);
}

// The raw contenders: per iteration, `rows` distinct province ids in order
// (drawn with seed + round), which `write(s, ids, round)` turns into one
// transaction and returns the seconds it took.
template <class Write>
void raw_commits(benchmark::State& state, uint64_t seed, Write write) {
  SaveUnderTest& s = save_under_test(state.range(1) != 0);
  const auto rows = static_cast<size_t>(state.range(0));
  const auto province_count = static_cast<int32_t>(s.world.provinces.size());
  AfterCommit after(s);
  for (auto _ : state) {
    const Tick round = ++s.raw_round;
    const std::vector<int32_t> ids = distinct_sorted_ids(rows, province_count, seed + round);
    state.SetIterationTime(write(s, ids, round));
    after.run();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
  after.report(state);
}

void BM_Commit_RawSqlite(benchmark::State& state) {
  raw_commits(state, 0xbe7c, [](SaveUnderTest& s, const std::vector<int32_t>& ids, Tick round) {
    // Provinces with changed values, as a change set has.
    std::vector<Province> provinces;
    for (int32_t id : ids) {
      Province p = s.world.provinces[static_cast<size_t>(id - 1)];
      p.development += static_cast<int32_t>(round % 3);
      p.unrest = static_cast<int32_t>((round + id) % 40);
      provinces.push_back(p);
    }
    return seconds_of([&] { s.raw->update_provinces(provinces); });
  });
}

void BM_Commit_RawSqliteNarrow(benchmark::State& state) {
  raw_commits(state, 0x7a11, [](SaveUnderTest& s, const std::vector<int32_t>& ids, Tick round) {
    return seconds_of([&] { s.raw->upsert_narrow(ids, round); });
  });
}

#define HEGEMON_COMMIT_BENCH(fn)                  \
  BENCHMARK(fn)                                   \
      ->ArgNames({"rows", "full"})                \
      ->ArgsProduct({{100, 1000, 10000}, {0, 1}}) \
      ->UseManualTime()                           \
      ->Unit(benchmark::kMillisecond)

HEGEMON_COMMIT_BENCH(BM_Commit_Hegemon);
HEGEMON_COMMIT_BENCH(BM_Commit_RawSqlite);
HEGEMON_COMMIT_BENCH(BM_Commit_RawSqliteNarrow);

}  // namespace
}  // namespace hegemon::bench
