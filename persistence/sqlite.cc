#include "persistence/sqlite.h"

#include <sqlite3.h>

#include "persistence/regular_file.h"

#include <system_error>
#include <utility>

namespace hegemon {
namespace {

// Faults of the storage (or of another process holding a lock), not of the
// SQL or the data: the same statement may succeed once they clear.
bool is_io_fault(int rc) {
  switch (rc & 0xff) {
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_BUSY:
    case SQLITE_PROTOCOL: return true;
    default: return false;
  }
}

// What an extended SQLITE_IOERR_* code says failed; "disk I/O error" alone
// does not tell a write from a sync or a lock.
const char* ioerr_detail(int extended) {
  switch (extended) {
    case SQLITE_IOERR_READ:
    case SQLITE_IOERR_SHORT_READ: return "a read failed";
    case SQLITE_IOERR_WRITE: return "a write failed";
    case SQLITE_IOERR_FSYNC:
    case SQLITE_IOERR_DIR_FSYNC: return "a sync to disk failed";
    case SQLITE_IOERR_TRUNCATE: return "truncating a file failed";
    case SQLITE_IOERR_FSTAT: return "stat of a file failed";
    case SQLITE_IOERR_LOCK:
    case SQLITE_IOERR_RDLOCK:
    case SQLITE_IOERR_UNLOCK:
    case SQLITE_IOERR_CHECKRESERVEDLOCK:
    case SQLITE_IOERR_SHMLOCK: return "a file lock failed";
    case SQLITE_IOERR_SHMOPEN:
    case SQLITE_IOERR_SHMSIZE:
    case SQLITE_IOERR_SHMMAP: return "the -shm file failed";
    case SQLITE_IOERR_DELETE: return "deleting a file failed";
    case SQLITE_IOERR_ACCESS: return "checking a file failed";
    default: return nullptr;
  }
}

}  // namespace

Status sqlite_error(sqlite3* db, int rc, std::string message) {
  if (!is_io_fault(rc)) return Status::error(std::move(message));
  if (db != nullptr) {
    const int extended = sqlite3_extended_errcode(db);
    if ((extended & 0xff) == SQLITE_IOERR) {
      if (const char* detail = ioerr_detail(extended)) message += std::string(" (") + detail + ")";
    } else if ((extended & 0xff) == SQLITE_CANTOPEN) {
      // SQLite records the OS's errno for failed opens (and I/O errors inside
      // a statement, but not those of a COMMIT, so errno is not trusted there).
      if (const int sys = sqlite3_system_errno(db); sys != 0)
        message += " (" + std::error_code(sys, std::generic_category()).message() + ")";
    }
  }
  return Status::io_error(std::move(message));
}

// ---- Statement ----

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      guard_(std::exchange(other.guard_, nullptr)),
      bind_error_(std::exchange(other.bind_error_, 0)),
      bind_error_index_(std::exchange(other.bind_error_index_, 0)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    guard_ = std::exchange(other.guard_, nullptr);
    bind_error_ = std::exchange(other.bind_error_, 0);
    bind_error_index_ = std::exchange(other.bind_error_index_, 0);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }  // a no-op on nullptr

const char* Statement::sql() const { return stmt_ ? sqlite3_sql(stmt_) : ""; }

void Statement::note_bind(int rc, int index) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) {
    bind_error_ = rc;
    bind_error_index_ = index;
  }
}

void Statement::bind_int64(int index, int64_t value) {
  note_bind(sqlite3_bind_int64(stmt_, index, value), index);
}

void Statement::bind_text(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies, so callers may pass temporaries. The copy
  // is noise next to the B-tree work of the statement itself.
  note_bind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
}

void Statement::bind_null(int index) { note_bind(sqlite3_bind_null(stmt_, index), index); }

Statement::Type Statement::column_type(int column) const {
  switch (sqlite3_column_type(stmt_, column)) {
    case SQLITE_INTEGER: return Type::integer;
    case SQLITE_FLOAT: return Type::real;
    case SQLITE_TEXT: return Type::text;
    case SQLITE_BLOB: return Type::blob;
    default: return Type::null;
  }
}

double Statement::column_double(int column) const { return sqlite3_column_double(stmt_, column); }

int64_t Statement::column_bytes(int column) const { return sqlite3_column_bytes(stmt_, column); }

std::string Statement::column_name(int column) const {
  const char* name = sqlite3_column_name(stmt_, column);
  return name != nullptr ? name : "";
}

int Statement::parameter_count() const { return sqlite3_bind_parameter_count(stmt_); }

std::string Statement::parameter_name(int index) const {
  const char* name = sqlite3_bind_parameter_name(stmt_, index);
  return name != nullptr ? name : "";
}

Result<bool> Statement::step() {
  if (bind_error_ != SQLITE_OK) {
    // Bind errors (SQLITE_RANGE, SQLITE_TOOBIG, ...) are not recorded in the
    // connection's message, so describe the code itself.
    return Status::error("bind parameter " + std::to_string(bind_error_index_) + ": " +
                         sqlite3_errstr(bind_error_));
  }
  if (guard_ != nullptr) guard_->start_step();
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_);
  std::string reason = guard_ != nullptr && rc == SQLITE_INTERRUPT ? guard_->stop_reason() : "";
  Status failed = sqlite_error(db, rc, reason.empty() ? sqlite3_errmsg(db) : reason);
  sqlite3_reset(stmt_);  // release the cursor; the error is already captured
  return failed;
}

Status Statement::run() {
  Status status;
  for (;;) {
    Result<bool> row = step();
    if (!row.ok()) {
      status = row.status();
      break;
    }
    if (!*row) break;
  }
  reset();
  return status;
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = SQLITE_OK;
  bind_error_index_ = 0;
}

int Statement::column_count() const { return sqlite3_column_count(stmt_); }

bool Statement::column_is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::column_int64(int column) const { return sqlite3_column_int64(stmt_, column); }

void Statement::bind_blob(int index, std::string_view bytes) {
  note_bind(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT), index);
}

std::string Statement::column_blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  if (data == nullptr) return std::string();
  return std::string(static_cast<const char*>(data),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

// ---- Database ----

Database::Database(sqlite3* db, std::string path, std::unique_ptr<ConnectionGuard> guard)
    : db_(db), path_(std::move(path)), guard_(std::move(guard)) {}

Result<Database> Database::open(const std::string& path, int flags, const std::string& vfs) {
  // Before SQLite opens anything: opening a FIFO would block.
  Status regular = require_regular_files(path);
  if (!regular.ok()) return regular.with_context("open " + path);
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX,
                                 vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    // Even a failed open usually allocates a handle, which holds the message.
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    Status failed = sqlite_error(db, rc, "open " + path + ": " + message);
    sqlite3_close_v2(db);
    return failed;
  }
  auto guard = std::make_unique<ConnectionGuard>();
  Status defended = apply_connection_defences(db, guard.get(), (flags & SQLITE_OPEN_READONLY) != 0);
  if (!defended.ok()) {
    sqlite3_close_v2(db);
    return defended.with_context("open " + path);
  }
  return Database(db, path, std::move(guard));
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      path_(std::move(other.path_)),
      guard_(std::move(other.guard_)),
      begin_(std::move(other.begin_)),
      commit_(std::move(other.commit_)),
      rollback_(std::move(other.rollback_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
    guard_ = std::move(other.guard_);
    begin_ = std::move(other.begin_);
    commit_ = std::move(other.commit_);
    rollback_ = std::move(other.rollback_);
  }
  return *this;
}

Database::~Database() { close(); }

void Database::close() {
  begin_ = Statement();
  commit_ = Statement();
  rollback_ = Statement();
  // close_v2: should a caller still hold a Statement, the connection lingers
  // until it is finalized instead of leaking (sqlite3_close would refuse).
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

std::string Database::errmsg() const { return db_ ? sqlite3_errmsg(db_) : "no connection"; }

int64_t Database::changes() const { return sqlite3_changes64(db_); }

bool Database::in_transaction() const { return db_ && sqlite3_get_autocommit(db_) == 0; }

Result<Statement> Database::prepare(std::string_view sql) const {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, &tail);
  if (rc != SQLITE_OK) {
    return Status::error("prepare `" + std::string(sql) + "`: " + errmsg());
  }
  Statement statement(stmt, guard_.get());
  // One statement per Statement: trailing SQL would otherwise be ignored silently.
  for (const char* end = sql.data() + sql.size(); tail != nullptr && tail < end; ++tail) {
    if (*tail != ' ' && *tail != '\n' && *tail != '\t' && *tail != '\r' && *tail != ';') {
      return Status::error("prepare `" + std::string(sql) + "`: more than one statement");
    }
  }
  if (!statement.valid()) {
    return Status::error("prepare `" + std::string(sql) + "`: no statement");
  }
  return statement;
}

Status Database::exec(const std::string& sql) {
  char* message = nullptr;
  guard_->start_step();
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status();
  std::string text = rc == SQLITE_INTERRUPT ? guard_->stop_reason() : "";
  if (text.empty()) text = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return sqlite_error(db_, rc, std::move(text));
}

Result<Statement> Database::first_row(std::string_view sql) const {
  Result<Statement> stmt = prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->step();
  if (!row.ok()) return row.status().with_context(std::string(sql));
  if (!*row) return Status::error(std::string(sql) + ": no row");
  return stmt;
}

Result<int64_t> Database::query_int64(std::string_view sql) const {
  Result<Statement> stmt = first_row(sql);
  if (!stmt.ok()) return stmt.status();
  return stmt->column_int64(0);
}

Result<std::string> Database::query_text(std::string_view sql) const {
  Result<Statement> stmt = first_row(sql);
  if (!stmt.ok()) return stmt.status();
  return stmt->column_text(0);
}

Status Database::set_busy_timeout(int milliseconds) {
  if (sqlite3_busy_timeout(db_, milliseconds) != SQLITE_OK) {
    return Status::error("set busy timeout: " + errmsg());
  }
  return Status();
}

Status Database::trust_schema() {
  int applied = -1;
  if (sqlite3_db_config(db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 1, &applied) != SQLITE_OK ||
      applied != 1) {
    return Status::error("cannot trust the schema of " + path_);
  }
  return Status();
}

Status Database::run_cached(Statement& slot, const char* sql) {
  if (!slot.valid()) {
    Result<Statement> stmt = prepare(sql);
    if (!stmt.ok()) return stmt.status();
    slot = std::move(*stmt);
  }
  return slot.run().with_context(sql);
}

Status Database::begin_immediate() { return run_cached(begin_, "BEGIN IMMEDIATE"); }
Status Database::commit() { return run_cached(commit_, "COMMIT"); }
Status Database::rollback() { return run_cached(rollback_, "ROLLBACK"); }

// ---- Transaction ----

Result<Transaction> Transaction::begin(Database& db) {
  Status status = db.begin_immediate();
  if (!status.ok()) return status;
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) already rolled SQLite back;
  // ROLLBACK would then fail with "no transaction is active", so ask first.
  // A failing ROLLBACK cannot be reported from a destructor; the next BEGIN
  // then fails loudly, and closing the connection rolls back.
  if (db_ != nullptr && db_->in_transaction()) (void)db_->rollback();
}

Status Transaction::commit() {
  if (db_ == nullptr) return Status::error("COMMIT: transaction already finished");
  Status status = db_->commit();
  // On failure the transaction is still open and the destructor rolls it back.
  if (status.ok()) db_ = nullptr;
  return status;
}

// ---- ReadTransaction ----

Result<ReadTransaction> ReadTransaction::begin(const Database& db) {
  if (db.in_transaction()) return ReadTransaction(nullptr, Statement());
  Result<Statement> begin = db.prepare("BEGIN DEFERRED");
  if (!begin.ok()) return begin.status().with_context("begin read transaction on " + db.path());
  Result<Statement> end = db.prepare("COMMIT");
  if (!end.ok()) return end.status().with_context("begin read transaction on " + db.path());
  Status st = begin->run();
  if (!st.ok()) return st.with_context("begin read transaction on " + db.path());
  // A deferred transaction takes its read snapshot at the first read, so read
  // something now: every later query then sees this same tick.
  Result<int64_t> touch = db.query_int64("SELECT count(*) FROM sqlite_schema");
  if (!touch.ok()) {
    (void)end->run();
    return touch.status().with_context("begin read transaction on " + db.path());
  }
  return ReadTransaction(&db, std::move(*end));
}

ReadTransaction::ReadTransaction(ReadTransaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), end_(std::move(other.end_)) {}

ReadTransaction::~ReadTransaction() {
  // An I/O error may already have ended the transaction; COMMIT would then fail.
  if (db_ != nullptr && db_->in_transaction()) (void)end_.run();
}

Status copy_database(Database& dest, const Database& src, const std::string& what) {
  struct Finisher {
    void operator()(sqlite3_backup* b) const { sqlite3_backup_finish(b); }
  };
  std::unique_ptr<sqlite3_backup, Finisher> backup(
      sqlite3_backup_init(dest.handle(), "main", src.handle(), "main"));
  if (!backup) return Status::error(what + ": " + dest.errmsg());
  // -1: every page in one step (see the header).
  const int step_rc = sqlite3_backup_step(backup.get(), -1);
  const int finish_rc = sqlite3_backup_finish(backup.release());
  if (step_rc != SQLITE_DONE)
    return sqlite_error(nullptr, step_rc, what + ": " + sqlite3_errstr(step_rc));
  if (finish_rc != SQLITE_OK)
    return sqlite_error(dest.handle(), finish_rc, what + ": " + dest.errmsg());
  return Status();
}

}  // namespace hegemon
