// Below Hegemon's API, for tests and benchmarks only (library
// hegemon_persistence_testing, which no production target links): a plain
// SQLite connection to a file, as an operator or an attacker with the sqlite3
// shell has one, with none of persistence's defences (connection_guard.h,
// regular_file.h). Tests use it to build hostile saves and to look at what
// Hegemon wrote, without <sqlite3.h> of their own (SQLite stays in
// persistence/, docs/ARCHITECTURE.md).
//
// Errors are values (Status, Result) carrying SQLite's message and the SQL;
// the free functions at the end throw instead, for tests where an exception
// is the failure.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "state/status.h"

struct sqlite3;

namespace hegemon::test {

// How RawDatabase opens a file.
enum class RawMode {
  read_only,   // never creates or writes the file (a running server's observer)
  read_write,  // the file must exist
  create,      // read-write, created if missing (the sqlite3 shell's default)
};

// SQLite's open flags (SQLITE_OPEN_READONLY, _READWRITE, _CREATE), for tests
// that open a file with persistence's own Database::open (persistence/sqlite.h),
// which takes them, so that they need no <sqlite3.h>.
extern const int kOpenReadOnly;
extern const int kOpenReadWrite;
extern const int kOpenCreate;

// A cell of a row: nullopt for NULL, else its text as SQLite converts it.
using RawCell = std::optional<std::string>;
using RawRow = std::vector<RawCell>;
// A named parameter (":tick", "$x", "@x" as the SQL spells it) and its value.
struct RawParam {
  std::string name;
  std::variant<int64_t, std::string> value;
};

// One connection, closed by the destructor (unless abandoned). Move-only; one
// thread at a time.
class RawDatabase {
 public:
  static Result<RawDatabase> open(const std::string& path, RawMode mode = RawMode::create);
  RawDatabase(RawDatabase&& other) noexcept;
  RawDatabase& operator=(RawDatabase&& other) noexcept;
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;
  ~RawDatabase();

  // Runs a script of zero or more statements, discarding any rows.
  Status exec(const std::string& sql) const;
  // The first column of the first row: nullopt when there is no row or it is
  // NULL.
  Result<std::optional<std::string>> query_text(const std::string& sql) const;
  // The first column of the first row as an integer; an error when there is
  // no row or it is NULL.
  Result<int64_t> query_int(const std::string& sql) const;
  // Every row of exactly one statement with `params` bound by name. An error
  // (saying which) when the SQL does not compile, holds more than one
  // statement, uses a nameless parameter (?1), names a parameter not given
  // or is given one it does not name, or fails while stepping.
  Result<std::vector<RawRow>> query(const std::string& sql,
                                    const std::vector<RawParam>& params = {}) const;

  // Leaves the connection open, with whatever transaction it is in, until
  // the process ends: the file as a process killed now leaves it (a hot
  // journal stays hot). The object is empty afterwards.
  void abandon();

 private:
  explicit RawDatabase(sqlite3* db) : db_(db) {}
  Status fail(const std::string& what) const;
  sqlite3* db_ = nullptr;
};

// Makes the SQL function `name(x)` (one argument, read as an integer; it
// returns NULL) known to every connection opened while this object lives,
// Hegemon's own included (an SQLite auto-extension): a trigger the test puts
// in a save can then call back into the test in the middle of Hegemon's own
// statement. One at a time per process; ok() says whether it is registered.
class ScopedSqlFunction {
 public:
  ScopedSqlFunction(std::string name, std::function<void(int64_t)> fn);
  ~ScopedSqlFunction();
  ScopedSqlFunction(const ScopedSqlFunction&) = delete;
  ScopedSqlFunction& operator=(const ScopedSqlFunction&) = delete;
  bool ok() const { return ok_; }

 private:
  bool ok_ = false;
};

// ---- one statement on a connection of its own, throwing ----
// As an operator with sqlite3 would (RawMode::create). They throw
// std::runtime_error (failing the test) when the SQL fails.
void exec_sql(const std::string& path, const std::string& sql);
int64_t query_int(const std::string& path, const std::string& sql);
// The first column of the first row as text; "" when there is no row or NULL.
std::string query_text(const std::string& path, const std::string& sql);
// The save's current tick, read as a running server's observer would (a
// read-only connection, which never creates a file at the path): -1 while
// there is no readable save with a world there. Never throws.
int64_t poll_tick(const std::string& path);

}  // namespace hegemon::test
