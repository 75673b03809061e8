// One process at a time writes a save (persistence/save_lock.h): the lock
// itself against other real processes (forked here), SaveFile's use of it,
// and the binary as operators run it: two servers on one save, an offline
// rollback on a live save, the read-only tools beside a server, and a server
// killed with SIGKILL.
#define CAF_SUITE save_lock
#include <caf/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>
#include <thread>

#include "persistence/save_file.h"
#include "persistence/save_lock.h"
#include "test_support.h"

using namespace hegemon;
using test::poll_tick;
using test::query_int;
using test::read_file;

namespace {

using hegemon::test::contains;

// The other process's side of OtherHolder: takes the lock, says on
// descriptor 3 whether it got it, and holds it until descriptor 4 reaches its
// end (the parent closed it) or the process is killed.
int hold_lock(const std::vector<std::string>& args) {
  auto lock = SaveLock::acquire(args.at(0));
  const char ok = lock.ok() ? '1' : '0';
  (void)!::write(3, &ok, 1);
  char c;
  (void)!::read(4, &c, 1);
  return 0;
}
const test::ChildRole kHoldLock("hold-lock", &hold_lock);

// Another process holding the lock of a save: a child process takes it, says
// so through a pipe, and holds it until told to go (or killed).
class OtherHolder {
 public:
  explicit OtherHolder(const std::string& save_path) {
    int ready[2], go[2];
    CAF_REQUIRE(::pipe2(ready, O_CLOEXEC) == 0 && ::pipe2(go, O_CLOEXEC) == 0);
    pid_ = test::spawn_child_role("hold-lock", {save_path}, {ready[1], go[0]});
    ::close(ready[1]);
    ::close(go[0]);
    go_ = go[1];
    char ok = '0';
    CAF_REQUIRE(::read(ready[0], &ok, 1) == 1);
    ::close(ready[0]);
    holds_ = ok == '1';
  }
  ~OtherHolder() { release(); }
  pid_t pid() const { return pid_; }
  bool holds() const { return holds_; }
  // Lets it exit normally.
  void release() {
    if (go_ >= 0) ::close(go_);
    go_ = -1;
    reap();
  }
  void kill9() {
    ::kill(pid_, SIGKILL);
    reap();
  }

 private:
  void reap() {
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  pid_t pid_ = -1;
  int go_ = -1;
  bool holds_ = false;
};

// Runs `hegemon <args>` with output in `log`; returns the exit code.
int run_hegemon(const std::string& args, const std::string& log) {
  const std::string cmd = std::string(HEGEMON_BINARY) + " " + args + " >" + log + " 2>&1";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Waits (bounded, 60 s) until the save has committed a tick above `tick`.
bool wait_for_tick_above(const std::string& save, int64_t tick) {
  for (int i = 0; i < 1200; ++i) {
    if (poll_tick(save) > tick) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

CAF_TEST(a symlink to a save shares the saves lock) {
  test::TempDir dir;
  const std::string save = dir.file("real.db");
  const std::string link = dir.file("link.db");
  std::ofstream(save).put('\0');
  CAF_REQUIRE(::symlink(save.c_str(), link.c_str()) == 0);
  CAF_CHECK_EQUAL(SaveLock::lock_path(link), SaveLock::lock_path(save));
  auto held = SaveLock::acquire(save);
  CAF_REQUIRE(held.ok());
  OtherHolder through_link(link);  // another process, by the other name
  CAF_CHECK(!through_link.holds());
}

CAF_TEST(another process is refused with the holders pid and this process shares the lock) {
  test::TempDir dir;
  const std::string save = dir.file("x.db");
  const std::string lock_file = SaveLock::lock_path(save);
  {
    auto first = SaveLock::acquire(save);
    CAF_REQUIRE(first.ok());
    CAF_CHECK_EQUAL(read_file(lock_file), std::to_string(::getpid()) + "\n");
    auto second = SaveLock::acquire(save);  // the same process: shared
    CAF_CHECK(second.ok());
    {
      OtherHolder other(save);
      CAF_CHECK(!other.holds());
    }
    *first = SaveLock();  // one holder of two let go: still held
    OtherHolder other(save);
    CAF_CHECK(!other.holds());
  }
  CAF_CHECK(!std::filesystem::exists(lock_file));  // the last holder removed it
  // Now another process takes it, and we are refused, told its pid.
  OtherHolder other(save);
  CAF_REQUIRE(other.holds());
  auto refused = SaveLock::acquire(save);
  CAF_REQUIRE(!refused.ok());
  const std::string why = refused.status().message();  // a copy: status() is a temporary
  CAF_CHECK_EQUAL(why, save + " is in use by another Hegemon process (pid " +
                           std::to_string(other.pid()) + "); stop it first");
  auto open = SaveFile::open(save);
  CAF_REQUIRE(!open.ok());
  CAF_CHECK(contains(open.status().message(), "in use by another Hegemon process"));
  CAF_CHECK(!std::filesystem::exists(save));  // refused before anything was created
}

CAF_TEST(a lock left by a killed process does not block) {
  test::TempDir dir;
  const std::string save = dir.file("x.db");
  OtherHolder other(save);
  CAF_REQUIRE(other.holds());
  CAF_CHECK(!SaveLock::acquire(save).ok());
  other.kill9();
  // The kernel released its lock; the file it left still names it.
  CAF_REQUIRE(std::filesystem::exists(SaveLock::lock_path(save)));
  auto opened = SaveFile::open(save);
  CAF_REQUIRE(opened.ok());
  CAF_CHECK_EQUAL(read_file(SaveLock::lock_path(save)), std::to_string(::getpid()) + "\n");
}

CAF_TEST(a save written back after it was deleted takes its lock back) {
  test::TempDir dir;
  const std::string save = dir.file("x.db");
  auto opened = SaveFile::open(save);
  CAF_REQUIRE(opened.ok());
  auto remove_all = [&] {
    for (const char* suffix : {"", "-wal", "-shm", ".lock"}) std::filesystem::remove(save + suffix);
  };
  remove_all();
  // The next write puts the save back, and its lock file with it: another
  // process cannot start writing it behind our back.
  CAF_REQUIRE((*opened)->checkpoint().ok());
  CAF_REQUIRE_EQUAL((*opened)->restores(), 1);
  CAF_CHECK(std::filesystem::exists(save));
  CAF_CHECK_EQUAL(read_file(SaveLock::lock_path(save)), std::to_string(::getpid()) + "\n");
  {
    OtherHolder other(save);
    CAF_CHECK(!other.holds());
  }
  // Deleted again, and meanwhile another process took the path's lock: the
  // path is no longer ours to write to.
  remove_all();
  OtherHolder other(save);
  CAF_REQUIRE(other.holds());
  const Status refused = (*opened)->checkpoint();
  CAF_REQUIRE(!refused.ok());
  CAF_CHECK(contains(refused.message(), "not writing it back"));
  CAF_CHECK(contains(refused.message(), "pid " + std::to_string(other.pid())));
  CAF_CHECK(!std::filesystem::exists(save));
}

CAF_TEST(a lock file removed under a writer is put back before its next write) {
  test::TempDir dir;
  const std::string save = dir.file("x.db");
  auto opened = SaveFile::open(save);
  CAF_REQUIRE(opened.ok());
  // "A stale lock": removed by hand while the writer runs. The next write
  // puts it back, so a second process is still refused.
  std::filesystem::remove(SaveLock::lock_path(save));
  CAF_REQUIRE((*opened)->checkpoint().ok());
  CAF_CHECK_EQUAL(read_file(SaveLock::lock_path(save)), std::to_string(::getpid()) + "\n");
  {
    OtherHolder other(save);
    CAF_CHECK(!other.holds());
  }
  // Removed, and another process took the path's lock meanwhile: the writer
  // stops writing (an I/O error, so a game pauses and retries) and names it.
  std::filesystem::remove(SaveLock::lock_path(save));
  OtherHolder other(save);
  CAF_REQUIRE(other.holds());
  const Status refused = (*opened)->checkpoint();
  CAF_REQUIRE(!refused.ok());
  CAF_CHECK(refused.is_io_error());
  CAF_CHECK(contains(refused.message(), "pid " + std::to_string(other.pid())));
  other.release();  // gone, its lock file with it: the writer takes the path back
  CAF_CHECK((*opened)->checkpoint().ok());
  CAF_CHECK_EQUAL(read_file(SaveLock::lock_path(save)), std::to_string(::getpid()) + "\n");
}

CAF_TEST(save as refuses a destination another process writes) {
  test::TempDir dir;
  auto opened = SaveFile::open(dir.file("x.db"));
  CAF_REQUIRE(opened.ok());
  const std::string dest = dir.file("theirs.db");
  OtherHolder other(dest);
  CAF_REQUIRE(other.holds());
  const Status refused = (*opened)->backup_to(dest);
  CAF_REQUIRE(!refused.ok());
  CAF_CHECK(contains(refused.message(), "in use by another Hegemon process"));
  CAF_CHECK(!std::filesystem::exists(dest));
  other.release();
  CAF_CHECK((*opened)->backup_to(dest).ok());
}

CAF_TEST(one server per save and only the read only tools beside it) {
  test::TempDir dir;
  const std::string save = dir.file("game.db");
  const std::string world = " --provinces 300 --nations 20 --seed 5 --port 0";
  const pid_t server = test::spawn_serve(HEGEMON_BINARY,
                                         {"--save", save, "--provinces", "300", "--nations", "20",
                                          "--seed", "5", "--speed", "5", "--port", "0"},
                                         dir.file("first.log"));
  CAF_REQUIRE(server > 0);
  if (!wait_for_tick_above(save, 5)) {
    ::kill(server, SIGKILL);
    ::waitpid(server, nullptr, 0);
    CAF_FAIL("the first server never ticked: " << read_file(dir.file("first.log")));
  }
  const std::string holder =
      "is in use by another Hegemon process (pid " + std::to_string(server) + "); stop it first";

  // A second server: refused at once, exit 1, naming the first.
  CAF_CHECK_EQUAL(
      run_hegemon("serve --save " + save + " --ticks 1" + world, dir.file("second.log")), 1);
  CAF_CHECK(contains(read_file(dir.file("second.log")), save + " " + holder));

  // An offline rollback: refused the same way; no backup made.
  const int64_t before = poll_tick(save);
  CAF_CHECK_EQUAL(run_hegemon("rollback " + save + " --to-tick 1", dir.file("rollback.log")), 1);
  CAF_CHECK(contains(read_file(dir.file("rollback.log")), holder));
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    CAF_CHECK(!contains(entry.path().string(), "before-rollback"));

  // The read-only tools work on the live save.
  CAF_CHECK_EQUAL(run_hegemon("inspect " + save, dir.file("inspect.log")), 0);
  CAF_CHECK(contains(read_file(dir.file("inspect.log")), "300 provinces"));
  CAF_CHECK_EQUAL(run_hegemon("map " + save + " --out " + dir.file("map.svg"), dir.file("map.log")),
                  0);
  CAF_CHECK(contains(read_file(dir.file("map.svg")), "<svg"));

  // The first server never noticed: it goes on committing ticks.
  CAF_CHECK(wait_for_tick_above(save, before + 5));

  // Killed with SIGKILL, it leaves its lock file but not its lock: the save
  // opens again, for a rollback as for a server.
  ::kill(server, SIGKILL);
  ::waitpid(server, nullptr, 0);
  CAF_CHECK(std::filesystem::exists(SaveLock::lock_path(save)));
  CAF_CHECK_EQUAL(
      run_hegemon("rollback " + save + " --to-tick 2 --no-backup", dir.file("after.log")), 0);
  CAF_CHECK_EQUAL(query_int(save, "SELECT tick FROM game"), 2);
  CAF_CHECK_EQUAL(run_hegemon("serve --save " + save + " --ticks 3" + world, dir.file("third.log")),
                  0);
  CAF_CHECK_EQUAL(query_int(save, "SELECT tick FROM game"), 5);
}
