// A thin RAII layer over the SQLite C API: a connection (Database), a prepared
// statement (Statement) and a write transaction (Transaction). It adds
// ownership and errors-as-values, nothing else; SQL stays visible at call
// sites. Every error message carries sqlite3_errmsg() and says what was being
// done, e.g. "prepare `SELECT ...`: no such table: foo".
//
// Errors that are I/O faults (SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN,
// SQLITE_READONLY, SQLITE_BUSY: the storage or another process, not the SQL)
// come back as Status::io_error, so callers can tell what is worth retrying;
// they say what failed when SQLite knows ("disk I/O error (a write failed)",
// "unable to open database file (Permission denied)").
//
// Threading: a Database and its Statements belong to one thread at a time
// (connections are opened with SQLITE_OPEN_NOMUTEX; callers that share one
// serialise access themselves, see SaveReader).
//
// Every connection is opened defensively (persistence/connection_guard.h: a
// save is untrusted input) and only on regular files (regular_file.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "persistence/connection_guard.h"
#include "state/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hegemon {

// The error for SQLite result code `rc` (of `db`, which may be null), with
// `message`: a Status::io_error for I/O faults (above), else a plain error.
Status sqlite_error(sqlite3* db, int rc, std::string message);

// A prepared statement. Parameters are 1-based, columns 0-based (as in SQLite).
// Binding never fails loudly: the first bind error is remembered and returned
// by the next step(), so a sequence of binds needs one check, not one per bind.
class Statement {
 public:
  Statement() = default;  // empty; only useful as a placeholder to assign to
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  bool valid() const { return stmt_ != nullptr; }
  const char* sql() const;

  void bind_int64(int index, int64_t value);
  void bind_text(int index, std::string_view value);  // copied by SQLite
  void bind_blob(int index, std::string_view bytes);  // copied by SQLite
  void bind_null(int index);

  // Runs one step: true when a row is ready to read, false when done.
  Result<bool> step();
  // Steps to completion (ignoring rows), then resets: for INSERT/UPDATE/DELETE.
  Status run();
  // Clears the cursor and all bindings so the statement can be reused.
  void reset();

  int column_count() const;
  bool column_is_null(int column) const;
  int64_t column_int64(int column) const;
  std::string column_text(int column) const;  // "" for NULL
  std::string column_blob(int column) const;  // "" for NULL
  // For statements whose columns are not known in advance (an operator's
  // query, persistence/readonly_query.h).
  enum class Type { integer, real, text, blob, null };
  Type column_type(int column) const;
  double column_double(int column) const;
  int64_t column_bytes(int column) const;
  std::string column_name(int column) const;
  // Its parameters, 1-based as bind_*'s index; a name includes its prefix
  // (":tick"); "" for a nameless `?`.
  int parameter_count() const;
  std::string parameter_name(int index) const;

 private:
  friend class Database;
  Statement(sqlite3_stmt* stmt, ConnectionGuard* guard) : stmt_(stmt), guard_(guard) {}
  void note_bind(int rc, int index);

  sqlite3_stmt* stmt_ = nullptr;
  ConnectionGuard* guard_ = nullptr;  // the connection's; outlives the statement
  int bind_error_ = 0;                // first failing sqlite3_bind_* result since reset()
  int bind_error_index_ = 0;
};

// Steps `stmt` through its rows, calling `read(stmt)` on each, until the rows
// end (ok), a step fails (its error) or `read` returns an error (that one);
// `read` may return Status or nothing. The caller resets the statement.
template <class Read>
Status each_row(Statement& stmt, Read&& read) {
  for (;;) {
    Result<bool> row = stmt.step();
    if (!row.ok()) return row.status();
    if (!*row) return Status();
    if constexpr (std::is_void_v<std::invoke_result_t<Read&, Statement&>>) {
      read(stmt);
    } else if (Status ok = read(stmt); !ok.ok()) {
      return ok;
    }
  }
}

// An open connection. Move-only; the destructor closes it.
class Database {
 public:
  // sqlite3_open_v2 with `flags` (SQLITE_OPEN_*). SQLITE_OPEN_NOMUTEX is always
  // added. Note that SQLite opens lazily: a file that is not a database is
  // only detected by the first statement that reads it. `vfs` names a
  // registered SQLite VFS; empty: SQLite's default (tests inject I/O faults
  // through their own). Refuses a path (or its -wal, -shm, -journal) that is
  // not a regular file, and applies connection_guard.h's defences; each step
  // is limited to kDefaultStepTimeLimit until set_step_time_limit().
  static Result<Database> open(const std::string& path, int flags, const std::string& vfs = "");

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  std::string errmsg() const;
  // Rows changed by the most recent INSERT, UPDATE or DELETE.
  int64_t changes() const;
  bool in_transaction() const;

  // Compiles one statement. Logically const: it does not change the data.
  Result<Statement> prepare(std::string_view sql) const;
  // Runs a script of zero or more statements, discarding any rows.
  Status exec(const std::string& sql);
  // Runs a query returning one row with one column, e.g. a PRAGMA.
  Result<int64_t> query_int64(std::string_view sql) const;
  Result<std::string> query_text(std::string_view sql) const;

  Status set_busy_timeout(int milliseconds);
  // A single step running longer than `limit` is stopped with an error
  // saying so; 0: no limit (interrupt_running_statements() still applies).
  void set_step_time_limit(std::chrono::milliseconds limit) { guard_->step_time_limit = limit; }
  // Connections open with trusted_schema off: functions a schema calls
  // (CHECK, DEFAULT, ...) must be marked innocuous. SQLite 3.40 does not mark
  // json_valid() so, which Hegemon's own CHECKs call, and a read-write
  // connection resolves CHECKs when it parses the schema: it fails with
  // "unsafe use of json_valid()" at its first statement. So the writer's
  // connections trust the schema, having checked on a read-only connection
  // that it is exactly what the migrations create (schema_check.h, checked
  // again before anything is written). Parsing runs no function; views stay
  // disabled whatever this says.
  Status trust_schema();

  // Transaction control, prepared once per connection (Transaction uses these).
  Status begin_immediate();
  Status commit();
  Status rollback();

 private:
  Database(sqlite3* db, std::string path, std::unique_ptr<ConnectionGuard> guard);
  Status run_cached(Statement& slot, const char* sql);
  // Prepares `sql` and steps to its first row (an error when there is none).
  Result<Statement> first_row(std::string_view sql) const;
  void close();

  sqlite3* db_ = nullptr;
  std::string path_;
  std::unique_ptr<ConnectionGuard> guard_;  // heap: the progress handler points at it
  Statement begin_, commit_, rollback_;     // prepared on first use
};

// Copies every page of `src` into `dest` with SQLite's online backup API in
// one step, so the copy is one read transaction of the source (one committed
// tick under WAL) and one write transaction on the destination. Errors start
// with `what`; an I/O fault keeps its kind (sqlite_error). Used by
// `save-as` (SaveFile::backup_to) and the save download.
Status copy_database(Database& dest, const Database& src, const std::string& what);

// BEGIN IMMEDIATE ... COMMIT, rolled back by the destructor unless commit()
// succeeded. IMMEDIATE takes the write lock up front, so a transaction never
// fails half-way for lock contention after it has started writing.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Status commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;  // null once committed or moved from
};

// BEGIN DEFERRED ... COMMIT: a read transaction, so that several queries see
// the same committed tick even while another connection keeps committing
// (WAL). The only way persistence and its tools start one (Transaction is
// IMMEDIATE, which a read-only connection cannot take). Inside a transaction
// the caller already has open (a rollback checking what it wrote before it
// commits), that one is used and left alone. Ended by the destructor on
// every path; the database must outlive it.
class ReadTransaction {
 public:
  static Result<ReadTransaction> begin(const Database& db);
  ReadTransaction(ReadTransaction&& other) noexcept;
  ReadTransaction& operator=(ReadTransaction&&) = delete;
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  ~ReadTransaction();

 private:
  ReadTransaction(const Database* db, Statement end) : db_(db), end_(std::move(end)) {}
  const Database* db_;  // null once moved from, or when joined to the caller's
  Statement end_;       // COMMIT
};

}  // namespace hegemon
