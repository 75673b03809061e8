// I/O faults (issue #7, docs/RELIABILITY.md "I/O faults"): the disk refuses a
// write, a sync or an open in the middle of a game (tests/faulty_vfs.h, on
// CAF's deterministic scheduler with a real save in a temporary directory),
// and, through the binary, an unwritable save directory, a full disk and a
// save deleted under a running server. Each time: the save stays at a whole
// tick, the operator is told, and once the fault clears the game goes on with
// no tick lost and the hashes of a run without faults.
#include "game_fixture.h"  // includes caf/test/dsl.hpp

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <thread>

#include <caf/event_based_actor.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "persistence/testing/faulty_vfs.h"
#include "persistence/save_reader.h"
#include "rules/tick.h"
#include "rules/world_gen.h"

using namespace hegemon;
using hegemon::test::poll_tick;
using test::FaultyVfs;
using test::query_int;
using test::query_text;
using test::VfsFault;
using test::VfsOp;
namespace fs = std::filesystem;

namespace {

// The state hash after every tick 1..n of the test world, run sequentially
// with no actors and no faults: what every faulted run must reproduce.
const std::vector<uint64_t>& reference_hashes(Tick n) {
  static std::vector<uint64_t> hashes;
  if (static_cast<Tick>(hashes.size()) < n + 1) {
    World world(generate_world(test::small_world()));
    hashes.assign(1, world.meta().state_hash);
    for (Tick t = 1; t <= n; ++t) {
      run_tick_sequential(world);
      hashes.push_back(world.meta().state_hash);
    }
  }
  return hashes;
}

// The save as a restarted server would find it: whole (integrity, every tick
// from 0 contiguous, nothing recorded past the last one), its tables hashing
// to its recorded hash, and every tick's hash that of the fault-free run.
// Returns its tick.
Tick check_save_whole(const std::string& path) {
  CAF_CHECK_EQUAL(query_text(path, "PRAGMA integrity_check"), "ok");
  const Tick tick = query_int(path, "SELECT tick FROM game");
  CAF_CHECK_EQUAL(query_int(path, "SELECT max(tick) FROM ticks"), tick);
  CAF_CHECK_EQUAL(query_int(path, "SELECT count(*) FROM ticks"), tick + 1);
  CAF_CHECK_EQUAL(
      query_int(path, "SELECT count(*) FROM province_history WHERE tick > " + std::to_string(tick)),
      0);
  // Incidents carry the tick they happened at (possibly one never committed);
  // game events only ever belong to committed ticks.
  CAF_CHECK_EQUAL(
      query_int(path, "SELECT count(*) FROM event_log WHERE tick > " + std::to_string(tick) +
                          " AND event_type NOT IN ('game_paused', 'game_resumed', "
                          "'save_restored', 'actor_crashed', 'actor_restarted', "
                          "'supervisor_escalated')"),
      0);
  auto reader = SaveReader::open(path);
  CAF_REQUIRE(reader.ok());
  auto world = (*reader)->load_world();
  if (!world.ok())
    CAF_FAIL("the save does not hash to its last tick: " << world.status().message());
  auto hashes = (*reader)->tick_hashes(0, tick);
  CAF_REQUIRE(hashes.ok());
  const auto& reference = reference_hashes(tick);
  size_t differing = 0;
  for (const auto& [t, hash] : *hashes) differing += hash != reference[static_cast<size_t>(t)];
  CAF_CHECK_EQUAL(differing, 0u);
  return tick;
}

// Every tick published to watching clients, and any that was published while
// the save did not hold it yet (must never happen).
struct Published {
  std::vector<Tick> ticks;
  std::vector<Tick> ahead_of_save;
};

caf::behavior watcher(caf::event_based_actor*, std::shared_ptr<Published> log, std::string save) {
  return {
      [log, save](delta_atom, const ChangeSetPtr& changes) {
        log->ticks.push_back(changes->tick());
        // -1: no save at the path right now (deleted, not yet written back).
        const int64_t saved = poll_tick(save);
        if (saved >= 0 && saved < changes->tick()) log->ahead_of_save.push_back(changes->tick());
      },
      [](rewound_atom, Tick) {},
  };
}

// A game whose save goes through the faulty VFS, on the deterministic
// scheduler, with its log captured.
struct io_fixture : test::game_fixture {
  static constexpr int32_t kMaxUncommitted = 4;
  FaultyVfs& vfs = FaultyVfs::instance();
  std::shared_ptr<Published> published = std::make_shared<Published>();
  std::ostringstream log;
  std::shared_ptr<spdlog::logger> previous_logger = spdlog::default_logger();
  caf::actor watcher_actor;

  io_fixture() {
    vfs.clear();
    auto logger = std::make_shared<spdlog::logger>(
        "io_fault_test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
  }

  ~io_fixture() override {
    vfs.clear();
    spdlog::set_default_logger(previous_logger);
    if (std::getenv("HEGEMON_TEST_LOG") != nullptr) std::cerr << log.str();  // to see what happened
  }

  GameOptions options(Tick run_ticks, Synchronous sync = Synchronous::normal) {
    GameOptions o;
    o.save_path = save_path;
    o.save.vfs = FaultyVfs::kName;
    o.save.synchronous = sync;
    o.new_world = test::small_world();
    o.coordinator.speed = kPausedSpeed;
    o.run_ticks = run_ticks;
    o.detached_persistence = false;
    // Shallow, so that commits come in small groups all through the game and
    // a fault can be aimed at one in its middle (at max speed the default
    // depth lets the first transaction take most of a 30-tick game).
    o.coordinator.max_uncommitted = kMaxUncommitted;
    return o;
  }

  // Starts the game paused; `before_run` runs after start_game() and before
  // any actor has run (the persistence actor has not opened the save yet).
  void start_io(const GameOptions& o, const std::function<void()>& before_run = nullptr) {
    auto started = start_game(sys, o);
    if (!started.ok()) CAF_FAIL("start_game: " << started.status().message());
    game = *started;
    if (before_run) before_run();
    watcher_actor = sys.spawn(watcher, published, save_path);
    self->send(game.root, subscribe_atom::value, watcher_actor);
    coordinator = handle_of(ActorKind::coordinator, 0);
  }

  // Runs the game at full speed until it has published `ticks` ticks.
  void run_full_speed_until(size_t ticks) {
    set_speed(kMaxSpeed);
    run_until([&] { return published->ticks.size() >= ticks; });
  }

  // Runs until the VFS has injected `n` more faults.
  void run_until_faults(int64_t n) {
    const int64_t target = vfs.counts().faults + n;
    run_until([&] { return vfs.counts().faults >= target; });
    CAF_REQUIRE(vfs.counts().faults >= target);
  }

  // Delivers every pending message, but fires no timer: the game stays as a
  // fault left it (request<>() would run the retry timer).
  void settle() { sched.run(); }

  GameStatus status_now() {
    auto rh = self->request(game.root, caf::infinite, status_atom::value);
    settle();
    GameStatus out;
    rh.receive([&](GameStatus& s) { out = std::move(s); },
               [&](caf::error& err) { CAF_FAIL("status: " << describe(err)); });
    return out;
  }

  size_t log_count(const std::string& text) const {
    const std::string all = log.str();
    size_t n = 0;
    for (size_t at = all.find(text); at != std::string::npos; at = all.find(text, at + 1)) ++n;
    return n;
  }

  // While paused by a fault: the save at a whole tick, which is the last one
  // acknowledged; the cache at most max_uncommitted ticks ahead of it; no
  // client told of a tick the save does not hold.
  void check_paused_state(const GameStatus& s, const std::string& reason) {
    CAF_CHECK_EQUAL(s.speed, kPausedSpeed);
    if (s.last_error.find(reason) == std::string::npos)
      CAF_FAIL("pause reason '" << s.last_error << "' does not say '" << reason << "'");
    CAF_CHECK(s.last_error.find("retrying by itself") != std::string::npos);
    const Tick saved = check_save_whole(save_path);
    CAF_CHECK_EQUAL(s.committed_tick, saved);
    CAF_CHECK_GREATER_OR_EQUAL(s.tick, s.committed_tick);
    CAF_CHECK_LESS_OR_EQUAL(s.tick - s.committed_tick, kMaxUncommitted);
    CAF_CHECK(published->ahead_of_save.empty());
    CAF_CHECK(!published->ticks.empty() && published->ticks.back() == s.committed_tick);
  }

  // After the fault cleared: the game ran to its end with every tick whole,
  // published once, and the hashes of the fault-free run.
  void check_finished(Tick end) {
    const GameStatus s = status();
    CAF_CHECK_EQUAL(s.committed_tick, end);
    CAF_CHECK(s.last_error.empty());
    CAF_CHECK_EQUAL(s.state_hash, reference_hashes(end)[static_cast<size_t>(end)]);
    CAF_CHECK_EQUAL(check_save_whole(save_path), end);
    CAF_CHECK(published->ahead_of_save.empty());
    std::vector<Tick> expected;
    for (Tick t = published->ticks.empty() ? 1 : published->ticks.front(); t <= end; ++t)
      expected.push_back(t);
    CAF_CHECK(published->ticks == expected);
  }
};

}  // namespace

CAF_TEST(the faulty VFS fails exactly the calls it is asked to and nothing else) {
  FaultyVfs& vfs = FaultyVfs::instance();
  vfs.clear();
  test::TempDir dir;
  auto db =
      Database::open(dir.file("t.db"), test::kOpenReadWrite | test::kOpenCreate, FaultyVfs::kName);
  CAF_REQUIRE(db.ok());
  CAF_REQUIRE(db->exec("CREATE TABLE t (x INTEGER)").ok());
  const test::VfsCounts before = vfs.counts();
  // Once: the next write to the database file fails, the one after does not.
  vfs.arm({VfsOp::write, 1, test::VfsError::full, false, test::kMainDbFile});
  Status full = db->exec("INSERT INTO t VALUES (1)");
  CAF_CHECK(!full.ok() && full.is_io_error());
  CAF_CHECK_EQUAL(full.message(), "database or disk is full");
  CAF_CHECK(db->exec("INSERT INTO t VALUES (2)").ok());
  CAF_CHECK_EQUAL(vfs.counts().faults, before.faults + 1);
  CAF_CHECK_GREATER(vfs.counts().writes, before.writes);
  // Sticky: every sync fails until cleared; the message says what failed.
  vfs.arm({VfsOp::sync, 1, test::VfsError::ioerr_fsync, true, test::kAnyFile});
  for (int i = 0; i < 3; ++i) {
    Status failed = db->exec("INSERT INTO t VALUES (3)");
    CAF_CHECK(failed.is_io_error());
    CAF_CHECK_EQUAL(failed.message(), "disk I/O error (a sync to disk failed)");
  }
  vfs.clear();
  CAF_CHECK(db->exec("INSERT INTO t VALUES (4)").ok());
  const Result<int64_t> rows = db->query_int64("SELECT count(*) FROM t");
  CAF_REQUIRE(rows.ok());
  CAF_CHECK_EQUAL(*rows, int64_t{2});  // the failed ones rolled back
  // The 2nd open from now fails, with the errno a real disk would leave.
  vfs.arm({VfsOp::open, 2, test::VfsError::cantopen, false, test::kMainDbFile});
  CAF_CHECK(
      Database::open(dir.file("a.db"), test::kOpenReadWrite | test::kOpenCreate, FaultyVfs::kName)
          .ok());
  auto refused =
      Database::open(dir.file("b.db"), test::kOpenReadWrite | test::kOpenCreate, FaultyVfs::kName);
  CAF_REQUIRE(!refused.ok());
  CAF_CHECK(refused.status().is_io_error());
  CAF_CHECK(refused.status().message().find("unable to open database file (Permission denied)") !=
            std::string::npos);
  vfs.clear();
  // Other connections never see it.
  vfs.arm({VfsOp::write, 1, test::VfsError::full, true, test::kAnyFile});
  CAF_CHECK(Database::open(dir.file("c.db"), test::kOpenReadWrite | test::kOpenCreate)
                ->exec("CREATE TABLE t (x INTEGER)")
                .ok());
  vfs.clear();
}

CAF_TEST_FIXTURE_SCOPE(io_fault_tests, io_fixture)

CAF_TEST(the disk full in the middle of a commit pauses the game and a retry loses nothing) {
  start_io(options(30));
  run_full_speed_until(10);
  // The 3rd WAL write from now: in the middle of the next commit.
  vfs.arm({VfsOp::write, 3, test::VfsError::full, false, test::kWalFile});
  run_until_faults(1);
  settle();
  GameStatus s = status_now();
  check_paused_state(s, "database or disk is full");
  CAF_CHECK_EQUAL(log_count("game paused at tick"), 1u);
  // The retry (1 s later) commits; the game resumes at full speed by itself.
  run();
  check_finished(30);
  CAF_CHECK_EQUAL(status().speed, kMaxSpeed);
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "game_paused"), 1);
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "game_resumed"), 1);
  CAF_CHECK_EQUAL(log_count("the save is writable again"), 1u);
}

CAF_TEST(an I / O error on every write is retried with growing intervals until it clears) {
  GameOptions o = options(30);
  o.coordinator.io_retry_max = std::chrono::seconds(4);
  start_io(o);
  run_full_speed_until(5);
  vfs.arm({VfsOp::write, 1, test::VfsError::ioerr_write, true, test::kWalFile});
  // When each attempt met the disk, on the test clock.
  std::vector<caf::actor_clock::time_point> attempts;
  int64_t seen = vfs.counts().faults;
  run_until([&] {
    if (vfs.counts().faults > seen) {
      seen = vfs.counts().faults;
      const auto now = sched.clock().now();
      if (attempts.empty() || attempts.back() != now) attempts.push_back(now);
    }
    return attempts.size() >= 6;
  });
  CAF_REQUIRE_EQUAL(attempts.size(), 6u);
  // 1 s, then twice as long each time, capped at 4 s.
  const std::vector<std::chrono::seconds> expected{std::chrono::seconds(1), std::chrono::seconds(2),
                                                   std::chrono::seconds(4), std::chrono::seconds(4),
                                                   std::chrono::seconds(4)};
  for (size_t i = 0; i < expected.size(); ++i)
    CAF_CHECK(attempts[i + 1] - attempts[i] == expected[i]);
  settle();
  const GameStatus s = status_now();
  check_paused_state(s, "disk I/O error");
  // One error line for the pause, one warning per failed retry; the pause
  // reaches event_log only once the disk works again.
  CAF_CHECK_EQUAL(log_count("game paused at tick"), 1u);
  CAF_CHECK_GREATER_OR_EQUAL(log_count("failed: I/O fault"), 4u);
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "game_paused"), 0);
  vfs.clear();
  run();
  check_finished(30);
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "game_paused"), 1);
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "game_resumed"), 1);
  CAF_CHECK_EQUAL(query_int(save_path,
                            "SELECT json_extract(event_data, '$.retries') FROM audit_log "
                            "WHERE event_type = 'game_resumed'"),
                  5);
  CAF_CHECK(query_text(save_path,
                       "SELECT json_extract(event_data, '$.reason') FROM audit_log "
                       "WHERE event_type = 'game_paused'")
                .find("disk I/O error") != std::string::npos);
}

CAF_TEST(a failed sync pauses the game and a restart finds the save whole) {
  // synchronous=full syncs the WAL at every commit (normal only at checkpoints).
  start_io(options(30, Synchronous::full));
  run_full_speed_until(8);
  vfs.arm({VfsOp::sync, 1, test::VfsError::ioerr_fsync, true, test::kWalFile});
  run_until_faults(3);  // the commit, the pause incident, the first retry
  settle();
  const GameStatus s = status_now();
  check_paused_state(s, "disk I/O error");
  // What a server restarted now would find: the save and its WAL as they are
  // on disk (the -shm index is rebuilt from the WAL by a new process). The
  // failed tick's frames were written before the sync failed, so SQLite's
  // recovery may find its commit record: the copy is at the last acknowledged
  // tick or the one after, whole either way.
  test::TempDir copy_dir;
  const std::string copy = copy_dir.file("copy.db");
  fs::copy_file(save_path, copy);
  fs::copy_file(save_path + "-wal", copy + "-wal");
  const Tick restart_tick = check_save_whole(copy);
  CAF_CHECK(restart_tick == s.committed_tick || restart_tick == s.committed_tick + 1);
  vfs.clear();
  run();
  check_finished(30);
  // A game restarted from the copy computes the ticks after it again, with
  // the same hashes: nothing the cache was ahead by is lost.
  GameOptions restarted = options(30 - restart_tick);
  restarted.save_path = copy;
  restarted.save.vfs.clear();
  auto second = start_game(sys, restarted);
  CAF_REQUIRE(second.ok());
  self->send(second->root, speed_atom::value, int32_t{kMaxSpeed});
  run();
  CAF_CHECK_EQUAL(check_save_whole(copy), 30);
  caf::anon_send_exit(second->root, caf::exit_reason::user_shutdown);
  run();
}

CAF_TEST(a WAL that cannot be opened again keeps the game paused until it can) {
  start_io(options(30));
  run_full_speed_until(6);
  // One failed commit; after it persistence reopens the save, and from then
  // on the WAL file cannot be opened.
  vfs.arm({VfsOp::write, 1, test::VfsError::ioerr_write, false, test::kWalFile});
  vfs.arm({VfsOp::open, 1, test::VfsError::cantopen, true, test::kWalFile});
  run_until([&] { return log_count("retry 2 of the commit") > 0; });
  settle();
  const GameStatus s = status_now();
  check_paused_state(s, "disk I/O error");
  // Each retry reopens the save first, and fails there.
  CAF_CHECK_EQUAL(log_count("retry 1 of the commit"), 1u);
  CAF_CHECK_EQUAL(log_count("reopen: /"), log_count("unable to open database file"));
  CAF_CHECK_GREATER_OR_EQUAL(log_count("unable to open database file (Permission denied)"), 2u);
  vfs.clear();
  run();
  check_finished(30);
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "game_paused"), 1);
}

CAF_TEST(persistence that cannot open the save at start waits for the disk) {
  // The save is created and checked by start_game; the persistence actor's
  // own open (its main file) then fails until the fault clears.
  start_io(options(20), [&] {
    vfs.arm({VfsOp::open, 1, test::VfsError::cantopen, true, test::kMainDbFile});
  });
  CAF_CHECK_EQUAL(log_count("trying again at every request"), 1u);
  set_speed(kMaxSpeed);
  run_until_faults(3);
  settle();
  const GameStatus s = status_now();
  CAF_CHECK_EQUAL(s.committed_tick, 0);
  CAF_CHECK_EQUAL(s.speed, kPausedSpeed);
  CAF_CHECK(s.last_error.find("unable to open database file") != std::string::npos);
  vfs.clear();
  run();
  check_finished(20);
  CAF_CHECK_EQUAL(log_count("is open again"), 1u);
}

CAF_TEST(a disk full at start leaves no half - made world and the next start makes one) {
  // Every WAL write fails: the schema is written (before WAL mode), the world
  // is not.
  vfs.arm({VfsOp::write, 1, test::VfsError::full, true, test::kWalFile});
  auto failed = start_game(sys, options(10));
  CAF_REQUIRE(!failed.ok());
  const std::string why = failed.status().message();
  CAF_CHECK(why.find("create world") != std::string::npos);
  CAF_CHECK(why.find("database or disk is full") != std::string::npos);
  CAF_CHECK(failed.status().is_io_error());
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT count(*) FROM game"), 0);
  CAF_CHECK_EQUAL(query_int(save_path, "SELECT count(*) FROM provinces"), 0);
  vfs.clear();
  start_io(options(10));
  CAF_CHECK(game.created);
  set_speed(kMaxSpeed);
  run();
  check_finished(10);
}

CAF_TEST(a save deleted under a running game is written back and no tick is lost) {
  start_io(options(30));
  run_full_speed_until(10);
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(save_path + suffix);
  run();
  check_finished(30);
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "save_restored"), 1);
  CAF_CHECK_EQUAL(log_count("was deleted or moved while open; written back"), 1u);
  CAF_CHECK(!fs::exists(save_path + ".restore"));
}

CAF_TEST(a save whose file alone is deleted is written back without its stale WAL) {
  start_io(options(30));
  run_full_speed_until(10);
  fs::remove(save_path);  // -wal and -shm stay, still in use by the open connection
  run();
  check_finished(30);
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "save_restored"), 1);
}

CAF_TEST(another file at the path of the save is never overwritten and the game waits) {
  start_io(options(30));
  run_full_speed_until(10);
  // An operator moves the save away and puts something else in its place.
  fs::rename(save_path, save_path + ".moved");
  {
    std::ofstream other(save_path);
    other << "not the save\n";
  }
  run_until([&] { return log_count("another file is at its path now") > 0; });
  settle();
  GameStatus s = status_now();
  CAF_CHECK_EQUAL(s.speed, kPausedSpeed);
  CAF_CHECK(s.last_error.find("another file is at its path now") != std::string::npos);
  CAF_CHECK(published->ahead_of_save.empty());
  // Retries find the file still there and leave it alone.
  run_until([&] { return log_count("retry 2 of the commit") > 0; });
  {
    std::ifstream other(save_path);
    std::string line;
    std::getline(other, line);
    CAF_CHECK_EQUAL(line, "not the save");
  }
  fs::remove(save_path);
  run();
  check_finished(30);
  CAF_CHECK(fs::exists(save_path + ".moved"));  // the moved file is left as it is
}

CAF_TEST(an admin pause during an I / O fault outlasts it) {
  start_io(options(30));
  run_full_speed_until(5);
  vfs.arm({VfsOp::write, 1, test::VfsError::full, true, test::kWalFile});
  run_until_faults(2);
  self->send(game.root, pause_atom::value);
  settle();
  vfs.clear();
  run();
  GameStatus s = status();
  CAF_CHECK(s.last_error.empty());
  CAF_CHECK_EQUAL(s.speed, kPausedSpeed);     // still paused, as the admin asked
  CAF_CHECK_EQUAL(s.committed_tick, s.tick);  // but every computed tick is committed
  check_save_whole(save_path);
  self->send(game.root, resume_atom::value);
  run();
  check_finished(30);
}

CAF_TEST(a manual resume during an I / O fault retries at once) {
  start_io(options(30));
  run_full_speed_until(5);
  vfs.arm({VfsOp::write, 1, test::VfsError::full, true, test::kWalFile});
  run_until_faults(2);
  settle();
  const auto before = sched.clock().now();
  vfs.clear();
  self->send(game.root, resume_atom::value);
  settle();  // no timer: the resume itself commits
  CAF_CHECK(sched.clock().now() == before);
  const GameStatus s = status_now();
  CAF_CHECK(s.last_error.empty());
  CAF_CHECK_GREATER(s.committed_tick, published->ticks.front());
  run();
  check_finished(30);
  CAF_CHECK_EQUAL(test::count_incidents(save_path, "game_resumed"), 1);
}

CAF_TEST_FIXTURE_SCOPE_END()

// ---- through the binary -----------------------------------------------------

namespace {

const std::vector<std::string> kSmallWorld = {
    "--provinces", "300", "--nations", "20", "--seed", "5", "--speed", "max", "--port", "0"};

pid_t spawn_serve(const std::vector<std::string>& args, const std::string& log,
                  const std::function<void()>& in_child = nullptr) {
  return test::spawn_serve(HEGEMON_BINARY, args, log, in_child);
}

// The exit code, or 128 + the signal that killed it.
int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int run_serve(const std::vector<std::string>& args, const std::string& log,
              const std::function<void()>& in_child = nullptr) {
  return wait_exit(spawn_serve(args, log, in_child));
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

bool wait_for(const std::function<bool()>& done,
              std::chrono::seconds limit = std::chrono::seconds(30)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// What `hegemon replay` says of a save: 0 when every tick re-runs to its
// recorded hash.
int replay(const std::string& save, const std::string& log) {
  const std::string cmd = std::string(HEGEMON_BINARY) + " replay " + save + " >" + log + " 2>&1";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void check_consistent(const std::string& save) {
  CAF_CHECK_EQUAL(query_text(save, "PRAGMA integrity_check"), "ok");
  const int64_t tick = query_int(save, "SELECT tick FROM game");
  CAF_CHECK_EQUAL(query_int(save, "SELECT count(*) FROM ticks"), tick + 1);
  auto reader = SaveReader::open(save);
  CAF_REQUIRE(reader.ok());
  auto world = (*reader)->load_world();
  if (!world.ok()) CAF_FAIL("inconsistent save: " << world.status().message());
}

constexpr uid_t kNobody = 65534;

}  // namespace

CAF_TEST(a save directory that is not writable stops the server with exit code 1) {
  test::TempDir dir;
  // Root writes anywhere: then the server runs as nobody, for whom a
  // directory owned by root is not writable, which is also how it happens
  // in production.
  const bool root = geteuid() == 0;
  std::function<void()> as_user;
  if (root) {
    as_user = [] {
      if (setgid(kNobody) != 0 || setuid(kNobody) != 0) _exit(126);
    };
    chmod(dir.path().c_str(), 0755);
  }
  const std::string ro = dir.file("ro");
  fs::create_directory(ro);
  const std::string save = ro + "/game.db";
  const auto close_dir = [&] { chmod(ro.c_str(), root ? 0755 : 0555); };
  const auto open_dir = [&] { chmod(ro.c_str(), 0777); };

  // A new save.
  close_dir();
  int code =
      run_serve(with({"--save", save, "--ticks", "5"}, kSmallWorld), dir.file("a.log"), as_user);
  if (code == 126) {
    CAF_MESSAGE("skipped: cannot run the server as another user (no CAP_SETUID)");
    return;
  }
  CAF_CHECK_EQUAL(code, 1);
  std::string log = test::read_file(dir.file("a.log"));
  CAF_CHECK(log.find("cannot start") != std::string::npos);
  CAF_CHECK(log.find("directory " + ro + " is not writable (Permission denied)") !=
            std::string::npos);
  CAF_CHECK(!fs::exists(save));

  // An existing save, writable itself, in a directory that is not: SQLite
  // needs to create its -wal and -shm there.
  open_dir();
  CAF_REQUIRE_EQUAL(
      run_serve(with({"--save", save, "--ticks", "5"}, kSmallWorld), dir.file("b.log")), 0);
  chmod(save.c_str(), 0666);
  const std::string before = test::read_file(save);
  close_dir();
  code = run_serve(with({"--save", save, "--ticks", "5"}, kSmallWorld), dir.file("c.log"), as_user);
  CAF_CHECK_EQUAL(code, 1);
  log = test::read_file(dir.file("c.log"));
  CAF_CHECK(log.find("is not writable") != std::string::npos);
  CAF_CHECK(test::read_file(save) == before);
  open_dir();
  CAF_MESSAGE("unwritable directory: exit " << code << ", "
                                            << log.substr(log.find("cannot start")));
}

CAF_TEST(a disk full at start stops the server and leaves no half - made world) {
  test::TempDir dir;
  const std::string save = dir.file("game.db");
  // A file-size limit stands in for a full disk: writes past 128 KiB fail
  // (EFBIG). The schema (84 KiB) fits, a world of 2,000 provinces does not.
  const std::vector<std::string> world = {"--provinces", "2000",    "--nations", "100",    "--seed",
                                          "5",           "--speed", "max",       "--port", "0"};
  const auto small_disk = [] {
    const rlimit limit{128 * 1024, 128 * 1024};
    setrlimit(RLIMIT_FSIZE, &limit);
  };
  const int code =
      run_serve(with({"--save", save, "--ticks", "5"}, world), dir.file("a.log"), small_disk);
  const std::string log = test::read_file(dir.file("a.log"));
  CAF_CHECK_EQUAL(code, 1);  // not killed by SIGXFSZ: the server ignores it
  CAF_CHECK(log.find("cannot start: create world in " + save +
                     ": COMMIT: disk I/O error (a write failed)") != std::string::npos);
  // What is left is a save without a world (the world is one transaction),
  // which the next start fills; nothing mistakes it for a world.
  CAF_REQUIRE(fs::exists(save));
  CAF_CHECK_EQUAL(query_text(save, "PRAGMA integrity_check"), "ok");
  CAF_CHECK_EQUAL(query_int(save, "SELECT count(*) FROM game"), 0);
  CAF_CHECK_EQUAL(query_int(save, "SELECT count(*) FROM provinces"), 0);
  // With room again, the next start makes the world and runs.
  CAF_CHECK_EQUAL(run_serve(with({"--save", save, "--ticks", "5"}, world), dir.file("b.log")), 0);
  check_consistent(save);
  CAF_CHECK_EQUAL(query_int(save, "SELECT tick FROM game"), 5);
  CAF_CHECK_EQUAL(query_int(save, "SELECT count(*) FROM provinces"), 2000);
  CAF_CHECK_EQUAL(replay(save, dir.file("replay.log")), 0);
  CAF_MESSAGE("disk full at start: exit " << code << ", " << log.substr(log.find("cannot start")));
}

CAF_TEST(a disk that fills up under a running server pauses it without losing a tick) {
  test::TempDir dir;
  const std::string save = dir.file("game.db");
  CAF_REQUIRE_EQUAL(
      run_serve(with({"--save", save, "--ticks", "10"}, kSmallWorld), dir.file("a.log")), 0);
  // Room for the save as it is and a few ticks of WAL, no more.
  const auto size = static_cast<rlim_t>(fs::file_size(save)) + 256 * 1024;
  const std::string log_path = dir.file("b.log");
  const pid_t pid = spawn_serve(with({"--save", save}, kSmallWorld), log_path, [size] {
    const rlimit limit{size, size};
    setrlimit(RLIMIT_FSIZE, &limit);
  });
  const bool paused = wait_for(
      [&] { return test::read_file(log_path).find("game paused at tick") != std::string::npos; });
  // Long enough for the first retry (1 s) to fail as well.
  const bool retried = wait_for(
      [&] { return test::read_file(log_path).find("retry 1 of the commit") != std::string::npos; },
      std::chrono::seconds(5));
  kill(pid, SIGTERM);
  const int code = wait_exit(pid);
  const std::string log = test::read_file(log_path);
  CAF_CHECK(paused);
  CAF_CHECK(retried);
  CAF_CHECK(log.find("disk I/O error (a write failed)") != std::string::npos);
  CAF_CHECK_EQUAL(code, 1);  // the ticks it computed could not be committed
  CAF_CHECK(log.find("not committed") != std::string::npos);
  check_consistent(save);
  const int64_t tick = query_int(save, "SELECT tick FROM game");
  CAF_CHECK_GREATER(tick, 10);
  // Restarted with room: it goes on from the last whole tick.
  CAF_CHECK_EQUAL(
      run_serve(with({"--save", save, "--ticks", "20"}, kSmallWorld), dir.file("c.log")), 0);
  check_consistent(save);
  CAF_CHECK_EQUAL(query_int(save, "SELECT tick FROM game"), tick + 20);
  CAF_CHECK_EQUAL(replay(save, dir.file("replay.log")), 0);
  CAF_MESSAGE("disk full while running: paused, exit " << code << " on SIGTERM at tick " << tick);
}

CAF_TEST(a save deleted under a running server is written back and the game goes on) {
  test::TempDir dir;
  const std::string save = dir.file("game.db");
  const std::string log_path = dir.file("serve.log");
  const pid_t pid = spawn_serve(with({"--save", save}, kSmallWorld), log_path);
  CAF_REQUIRE(wait_for([&] { return poll_tick(save) > 50; }));
  const int64_t deleted_at = poll_tick(save);
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(save + suffix);
  const bool restored =
      wait_for([&] { return test::read_file(log_path).find("written back") != std::string::npos; });
  const bool going_on = wait_for([&] { return poll_tick(save) > deleted_at + 50; });
  kill(pid, SIGTERM);
  const int code = wait_exit(pid);
  const std::string log = test::read_file(log_path);
  CAF_CHECK(restored);
  CAF_CHECK(going_on);
  CAF_CHECK_EQUAL(code, 0);
  CAF_CHECK(log.find("was deleted or moved while open") != std::string::npos);
  check_consistent(save);
  CAF_CHECK_EQUAL(
      query_int(save, "SELECT count(*) FROM audit_log WHERE event_type = 'save_restored'"), 1);
  CAF_CHECK_EQUAL(replay(save, dir.file("replay.log")), 0);  // every tick, none lost or changed
  CAF_MESSAGE("deleted under a running server: restored, "
              << query_int(save, "SELECT tick FROM game") << " ticks, replay ok");
}
