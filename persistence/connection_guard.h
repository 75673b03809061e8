// The defences every SQLite connection of Hegemon carries, because a save is
// untrusted input (people send saves to each other): Database::open applies
// them to every connection it opens, writer, readers, tools and backups alike.
//
//  - SQLITE_DBCONFIG_DEFENSIVE (no writable_schema, no deliberate corruption),
//    trusted_schema off (until Database::trust_schema() once the schema is
//    checked to be Hegemon's own), views disabled and, on read-only
//    connections, triggers (Hegemon's schema has none; schema_check.h
//    refuses a save that brings some, before the writer opens it), no
//    checkpoint of the WAL when a read-only connection closes;
//  - limits (below) on value size, SQL size, expression depth, attached
//    databases (none);
//  - an authorizer refusing ATTACH, DETACH and creating triggers, views and
//    virtual tables: nothing Hegemon runs does those;
//  - a progress handler that stops a statement running longer than the
//    connection's step time limit, or running when
//    interrupt_running_statements() is called.
//
// Covered by tests/hostile_save_test.cc.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "state/status.h"

struct sqlite3;

namespace hegemon {

// A single sqlite3_step() (or one sqlite3_exec) that runs longer than this is
// stopped with an error: long enough for any legitimate read of a large save,
// short enough that a hostile one cannot hang a tool or the server. The
// writer, whose statements are Hegemon's own SQL on a schema checked at open,
// turns it off (a rollback of a big save may legitimately take longer).
constexpr std::chrono::milliseconds kDefaultStepTimeLimit{30'000};

// The largest string or blob a connection handles (SQLITE_LIMIT_LENGTH): far
// above any value Hegemon writes (a snapshot of a large world is a few MiB),
// far below what would exhaust memory when a hostile save's value is read.
constexpr int kMaxValueBytes = 256 << 20;

// Per-connection state of the progress handler; owned by Database, at a
// stable address (the handler holds a pointer to it).
struct ConnectionGuard {
  std::chrono::milliseconds step_time_limit = kDefaultStepTimeLimit;  // 0: none
  std::chrono::steady_clock::time_point step_started;
  unsigned epoch_at_start = 0;  // interrupt epoch when the step started
  // Why the last statement was stopped, if it was (read by Statement::step
  // to say so instead of SQLite's bare "interrupted").
  enum class Stop { none, time_limit, interrupted } stopped = Stop::none;

  // Called right before each sqlite3_step / sqlite3_exec.
  void start_step();
  // The error text for a statement the handler stopped; "" if it did not.
  std::string stop_reason() const;
};

// Applies the settings and limits above to a freshly opened connection.
// `read_only`: also no checkpoint on close.
Status apply_connection_defences(sqlite3* db, ConnectionGuard* guard, bool read_only);

// Whether the SQL function `name` reaches outside the database (reads or
// writes files, loads code): load_extension, readfile, writefile, edit,
// fts3_tokenizer. None but load_extension is in SQLite's core build, and the
// connection has extension loading disabled, but a build or a future SQLite
// may add them, so authorizers that let untrusted SQL call functions
// (readonly_query.h, mod_build.h) refuse these by name.
bool function_reaches_outside(const char* name);

// Stops every SQLite statement running in this process right now, on every
// connection (each fails with "interrupted"); statements started afterwards
// run normally. Async-signal-safe (it only bumps an atomic counter that the
// progress handlers compare with the value their step started with), so a
// signal handler may call it: `hegemon serve` does on a second SIGINT/SIGTERM.
void interrupt_running_statements() noexcept;

}  // namespace hegemon
