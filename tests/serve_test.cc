// `hegemon serve` as an operator runs it: a real process on a real save file,
// checked afterwards with SQL.
#define CAF_SUITE serve
#include <caf/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <sqlite3.h>

#include "persistence/save_file.h"
#include "test_support.h"

using namespace hegemon;
using test::query_int;
using test::query_text;

namespace {

// Runs `hegemon <args>` with output in a log file; returns the exit code
// (128 + signal when killed).
int run_hegemon(const std::string& args, const std::string& log) {
  const std::string cmd = std::string(HEGEMON_BINARY) + " " + args + " >" + log + " 2>&1";
  const int status = std::system(cmd.c_str());
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// The save's current tick, or -1 while it does not exist or has no world yet
// (the server may be creating it right now).
int64_t poll_tick(const std::string& path) {
  sqlite3* db = nullptr;
  int64_t tick = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT tick FROM game", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
      tick = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return tick;
}

const std::string kSmallWorld = "--provinces 300 --nations 20 --seed 5 --speed max --port 0";

// The save's tables must hash to the hash recorded for its last tick.
void check_consistent(const std::string& path) {
  auto save = SaveFile::open(path, SaveOptions{});
  CAF_REQUIRE(save.ok());
  auto world = (*save)->load_world();
  if (!world.ok()) CAF_FAIL("inconsistent save: " << world.status().message());
}

}  // namespace

CAF_TEST(serve runs N ticks then commits them and resumes) {
  test::TempDir dir;
  const std::string save = dir.file("game.db");
  CAF_REQUIRE_EQUAL(run_hegemon("serve --save " + save + " --ticks 400 " + kSmallWorld,
                                dir.file("run1.log")),
                    0);
  CAF_CHECK_EQUAL(query_int(save, "SELECT tick FROM game"), 400);
  CAF_CHECK_EQUAL(query_int(save, "SELECT count(*) FROM ticks"), 401);
  CAF_CHECK_EQUAL(query_text(save, "SELECT date FROM game"), "1445-12-16");
  CAF_CHECK_EQUAL(query_text(save, "PRAGMA integrity_check"), "ok");
  CAF_CHECK_EQUAL(query_text(save, "PRAGMA journal_mode"), "wal");
  CAF_CHECK_GREATER(query_int(save, "SELECT count(*) FROM event_log"), 0);
  CAF_CHECK_EQUAL(query_int(save, "SELECT count(*) FROM provinces"), 300);
  const std::string hash400 = query_text(save, "SELECT state_hash FROM ticks WHERE tick = 400");
  CAF_CHECK_EQUAL(query_text(save, "SELECT state_hash FROM game"), hash400);
  check_consistent(save);

  // Resume: world options are ignored for an existing save; ticks continue.
  CAF_REQUIRE_EQUAL(run_hegemon("serve --save " + save + " --ticks 100 --speed max --seed 999 --port 0",
                                dir.file("run2.log")),
                    0);
  CAF_CHECK_EQUAL(query_int(save, "SELECT tick FROM game"), 500);
  CAF_CHECK_EQUAL(query_int(save, "SELECT count(DISTINCT tick) FROM ticks"), 501);
  CAF_CHECK_EQUAL(query_text(save, "SELECT state_hash FROM ticks WHERE tick = 400"), hash400);
  CAF_CHECK_EQUAL(query_text(save, "PRAGMA integrity_check"), "ok");
  check_consistent(save);
}

CAF_TEST(a termination signal finishes the tick in flight then commits and exits 0) {
  test::TempDir dir;
  const std::string save = dir.file("game.db");
  const std::string log = dir.file("serve.log");
  const pid_t pid = fork();
  CAF_REQUIRE(pid >= 0);
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execl(HEGEMON_BINARY, "hegemon", "serve", "--save", save.c_str(), "--provinces", "300",
          "--nations", "20", "--speed", "max", "--port", "0", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait (bounded) until some ticks are committed, then ask it to stop.
  bool ticking = false;
  for (int i = 0; i < 600 && !ticking; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ticking = poll_tick(save) > 20;
  }
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  CAF_REQUIRE(ticking);
  CAF_REQUIRE(WIFEXITED(status));
  CAF_CHECK_EQUAL(WEXITSTATUS(status), 0);
  const int64_t tick = query_int(save, "SELECT tick FROM game");
  CAF_CHECK_EQUAL(query_int(save, "SELECT max(tick) FROM ticks"), tick);
  CAF_CHECK_EQUAL(query_int(save, "SELECT count(*) FROM ticks"), tick + 1);
  CAF_CHECK_EQUAL(query_text(save, "PRAGMA integrity_check"), "ok");
  check_consistent(save);
}

CAF_TEST(options come from a config file and the command line overrides it) {
  test::TempDir dir;
  const std::string save = dir.file("game.db");
  const std::string ini = dir.file("hegemon.ini");
  {
    FILE* f = fopen(ini.c_str(), "w");
    CAF_REQUIRE(f != nullptr);
    fprintf(f, "save=\"%s\"\nprovinces=240\nnations=12\nseed=77\nspeed=\"max\"\nticks=500\n",
            save.c_str());
    fclose(f);
  }
  CAF_REQUIRE_EQUAL(run_hegemon("serve --config-file=" + ini + " --ticks 30 --port 0", dir.file("run.log")), 0);
  CAF_CHECK_EQUAL(query_int(save, "SELECT count(*) FROM provinces"), 240);
  CAF_CHECK_EQUAL(query_int(save, "SELECT count(*) FROM nations"), 12);
  CAF_CHECK_EQUAL(query_int(save, "SELECT seed FROM game"), 77);
  CAF_CHECK_EQUAL(query_int(save, "SELECT tick FROM game"), 30);  // --ticks beat ticks=500
}

CAF_TEST(bad arguments are refused with exit code 2 and no save is touched) {
  test::TempDir dir;
  const std::string save = dir.file("game.db");
  CAF_CHECK_EQUAL(run_hegemon("serve --save " + save + " --speed 9", dir.file("a.log")), 2);
  CAF_CHECK_EQUAL(run_hegemon("serve --save " + save + " --bogus 1", dir.file("b.log")), 2);
  CAF_CHECK_EQUAL(run_hegemon("serve --save " + save + " --provinces 10", dir.file("c.log")), 2);
  CAF_CHECK_EQUAL(run_hegemon("frobnicate", dir.file("d.log")), 2);
  CAF_CHECK_EQUAL(access(save.c_str(), F_OK), -1);
  CAF_CHECK_EQUAL(run_hegemon("serve --help", dir.file("e.log")), 0);
}

CAF_TEST(a file that is not a save is refused and not overwritten) {
  test::TempDir dir;
  const std::string path = dir.file("notes.db");
  {
    FILE* f = fopen(path.c_str(), "wb");
    CAF_REQUIRE(f != nullptr);
    fputs("these are my notes, not a database\n", f);
    fclose(f);
  }
  CAF_CHECK_EQUAL(run_hegemon("serve --save " + path + " --ticks 5 --port 0", dir.file("x.log")), 1);
  FILE* f = fopen(path.c_str(), "rb");
  char buf[64] = {0};
  CAF_REQUIRE(fgets(buf, sizeof buf, f) != nullptr);
  fclose(f);
  CAF_CHECK_EQUAL(std::string(buf), "these are my notes, not a database\n");
}
