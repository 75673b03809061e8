#include "persistence/connection_guard.h"

#include <sqlite3.h>

#include <atomic>

namespace hegemon {
namespace {

// Bumped by interrupt_running_statements(); lock-free so that a signal
// handler may bump it.
std::atomic<unsigned> g_interrupt_epoch{0};
static_assert(std::atomic<unsigned>::is_always_lock_free);

// The handler runs every this many virtual machine instructions: often
// enough to stop within milliseconds, rarely enough to cost nothing.
constexpr int kProgressInterval = 1000;

int on_progress(void* context) {
  auto* guard = static_cast<ConnectionGuard*>(context);
  if (g_interrupt_epoch.load(std::memory_order_relaxed) != guard->epoch_at_start) {
    guard->stopped = ConnectionGuard::Stop::interrupted;
    return 1;
  }
  if (guard->step_time_limit.count() > 0 &&
      std::chrono::steady_clock::now() - guard->step_started > guard->step_time_limit) {
    guard->stopped = ConnectionGuard::Stop::time_limit;
    return 1;
  }
  return 0;
}

// Nothing Hegemon runs attaches databases or creates code-carrying objects;
// a statement that tries (SQL built from a save's content, a future bug) is
// refused at prepare time.
int on_authorize(void*, int action, const char*, const char*, const char*, const char*) {
  switch (action) {
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_CREATE_VTABLE: return SQLITE_DENY;
    default: return SQLITE_OK;
  }
}

// The limits of a connection, each far above what Hegemon's own SQL and
// schema need and low enough to bound what a hostile schema or value costs.
struct Limit {
  int id;
  int value;
};
constexpr Limit kLimits[] = {
    {SQLITE_LIMIT_LENGTH, kMaxValueBytes},
    {SQLITE_LIMIT_SQL_LENGTH, 1 << 20},  // our longest statement is < 1 KiB
    {SQLITE_LIMIT_EXPR_DEPTH, 100},      // schema CHECKs nest 3 deep
    {SQLITE_LIMIT_COMPOUND_SELECT, 10},  // we use no UNION
    {SQLITE_LIMIT_VDBE_OP, 100'000},     // our programs have < 1,000 instructions
    {SQLITE_LIMIT_FUNCTION_ARG, 32},
    {SQLITE_LIMIT_ATTACHED, 0},  // a save never attaches another file
    {SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 1000},
    {SQLITE_LIMIT_TRIGGER_DEPTH, 1},  // triggers are disabled anyway
    {SQLITE_LIMIT_WORKER_THREADS, 0},
};

Status config(sqlite3* db, int op, int value, const char* name) {
  int applied = -1;
  if (sqlite3_db_config(db, op, value, &applied) != SQLITE_OK || applied != value) {
    return Status::error(std::string("cannot set ") + name + " on the connection");
  }
  return Status();
}

}  // namespace

void ConnectionGuard::start_step() {
  stopped = Stop::none;
  epoch_at_start = g_interrupt_epoch.load(std::memory_order_relaxed);
  if (step_time_limit.count() > 0) step_started = std::chrono::steady_clock::now();
}

std::string ConnectionGuard::stop_reason() const {
  switch (stopped) {
    case Stop::time_limit:
      return "stopped after " + std::to_string(step_time_limit.count()) +
             " ms: the statement ran too long (a save whose schema or data makes a query run "
             "away?)";
    case Stop::interrupted: return "interrupted: the process is stopping";
    case Stop::none: break;
  }
  return std::string();
}

Status apply_connection_defences(sqlite3* db, ConnectionGuard* guard, bool read_only) {
  const struct {
    int op;
    int value;
    const char* name;
  } settings[] = {
      {SQLITE_DBCONFIG_DEFENSIVE, 1, "DEFENSIVE"},
      {SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, "trusted_schema = OFF"},
      // Readers never write, so no trigger could fire on them anyway. The
      // writer only ever opens a save without triggers (schema_check.h, at
      // open and at every reconnect); one added while it runs comes from the
      // host's own sqlite3 on its own live save, trusted (tests inject
      // commit failures that way), so the writer leaves them on.
      {SQLITE_DBCONFIG_ENABLE_TRIGGER, read_only ? 0 : 1, "triggers"},
      {SQLITE_DBCONFIG_ENABLE_VIEW, 0, "views off"},
      {SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, "extension loading off"},
      // A read-only connection never checkpoints anyway; said explicitly, so
      // a WAL that is not ours can never reach the file through it.
      {SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, read_only ? 1 : 0, "no checkpoint on close"},
  };
  for (const auto& s : settings) {
    Status status = config(db, s.op, s.value, s.name);
    if (!status.ok()) return status;
  }
  for (const Limit& limit : kLimits) sqlite3_limit(db, limit.id, limit.value);
  if (sqlite3_set_authorizer(db, on_authorize, nullptr) != SQLITE_OK) {
    return Status::error("cannot install the authorizer on the connection");
  }
  sqlite3_progress_handler(db, kProgressInterval, on_progress, guard);
  return Status();
}

bool function_reaches_outside(const char* name) {
  static const char* const kNames[] = {"load_extension", "readfile", "writefile", "edit",
                                       "fts3_tokenizer"};
  for (const char* n : kNames)
    if (sqlite3_stricmp(name, n) == 0) return true;
  return false;
}

void interrupt_running_statements() noexcept {
  g_interrupt_epoch.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace hegemon
