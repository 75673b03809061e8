// Helpers shared by the test suites: temporary directories that clean up after
// themselves, small worlds that are quick to simulate, child processes.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

// SQL on a connection of its own (exec_sql, query_int, query_text,
// poll_tick), below persistence's API: persistence/testing/raw_database.h.
#include "persistence/testing/raw_database.h"
#include "state/world_map.h"

namespace hegemon::test {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents when
// the TempDir goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A small world (200 provinces, 12 nations) for tests that simulate.
WorldParams small_world(uint64_t seed = 7);

// How many incidents of `type` (actor_crashed, game_paused, ...) the save's
// own record holds (audit_log, schema/009_audit_log.sql).
int64_t count_incidents(const std::string& save, const std::string& type);

// Whether `text` holds `part` anywhere: most tests check an error or an output
// by a phrase of it.
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The whole file as a string ("" if it cannot be read).
std::string read_file(const std::string& path);

// Starts `BINARY ARGS...` in the background, stdout and stderr to `log`;
// `in_child` runs in the child before exec (limits, alarms; async-signal-safe
// calls only: the parent has threads). Returns its pid.
pid_t spawn_hegemon(const std::string& binary, const std::vector<std::string>& args,
                    const std::string& log, const std::function<void()>& in_child = {});

// spawn_hegemon(binary, {"serve", ARGS...}, log, in_child).
pid_t spawn_serve(const std::string& binary, const std::vector<std::string>& args,
                  const std::string& log, const std::function<void()>& in_child = nullptr);

// ---- Child processes that run test code ----
//
// A test that needs another process to run some of its code (to hold a lock,
// to die inside a transaction) must not simply fork(): the test binary has
// threads (CAF's watchdog, the sanitizers' own), and a child forked from a
// multi-threaded process may only make async-signal-safe calls until it
// execs. Under ASan such a child once hung in the allocator, holding the
// suite's output pipe open until CTest's timeout. So the child execs this
// same test binary, which runs the role before main(), in a process of its
// own with no inherited threads.

// What a role does in the child, given the arguments it was started with;
// its return value is the child's exit code.
using ChildRoleMain = int (*)(const std::vector<std::string>& args);

// Declares a role at namespace scope of a test file:
//   const test::ChildRole kHolder("hold-lock", &hold_lock);
// When this process was started as that role, the constructor runs it and
// exits with its result; otherwise it does nothing.
struct ChildRole {
  ChildRole(const char* name, ChildRoleMain main);
};

// Starts this test binary again as `role` with `args`; `pass_fds` are given
// to the child as its descriptors 3, 4, ... (in that order). Returns its pid.
pid_t spawn_child_role(const std::string& role, const std::vector<std::string>& args,
                       const std::vector<int>& pass_fds = {});

// Waits for `pid` and returns its exit code (128 + signal if killed).
int wait_child(pid_t pid);

}  // namespace hegemon::test
