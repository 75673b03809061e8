#include "persistence/mod_build.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <regex>

#include "persistence/mod_file.h"
#include "persistence/mod_schema.h"
#include "persistence/regular_file.h"
#include "persistence/sqlite.h"

namespace hegemon {
namespace {

constexpr int kPageSize = 4096;  // SQLite's default; the modder's SQL cannot change it

int build_authorizer(void*, int action, const char* a1, const char* a2, const char*, const char*) {
  switch (action) {
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_INDEX:
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_INDEX:
    case SQLITE_ALTER_TABLE:
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT: return SQLITE_OK;
    case SQLITE_FUNCTION:
      return a2 != nullptr && function_reaches_outside(a2) ? SQLITE_DENY : SQLITE_OK;
    case SQLITE_PRAGMA:
      return a1 != nullptr && sqlite3_stricmp(a1, "foreign_keys") == 0 ? SQLITE_OK : SQLITE_DENY;
    default: return SQLITE_DENY;
  }
}

struct Deadline {
  std::chrono::steady_clock::time_point at;
};

int on_progress(void* context) {
  return std::chrono::steady_clock::now() > static_cast<Deadline*>(context)->at ? 1 : 0;
}

int line_of(const std::string& sql, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < sql.size(); ++i)
    if (sql[i] == '\n') ++line;
  return line;
}

// Runs every statement of `sql`, one at a time so that an error can name the
// line of the statement that failed.
Status run_script(sqlite3* db, const std::string& sql, const std::string& what) {
  const char* const begin = sql.c_str();
  const char* at = begin;
  const char* const end = begin + sql.size();
  while (at < end) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int line = line_of(sql, static_cast<size_t>(at - begin));
    int rc = sqlite3_prepare_v2(db, at, static_cast<int>(end - at), &stmt, &tail);
    if (rc == SQLITE_OK && stmt != nullptr) {
      while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {}
      if (rc == SQLITE_DONE) rc = SQLITE_OK;
    }
    std::string message = rc == SQLITE_OK ? "" : sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_OK) {
      if ((rc & 0xff) == SQLITE_AUTH || message.find("not authorized") != std::string::npos) {
        message =
            "not authorised: a mod's SQL may only create tables, insert, update, delete and "
            "select (no ATTACH, DETACH, VACUUM, triggers, views or PRAGMAs but foreign_keys)";
      } else if ((rc & 0xff) == SQLITE_INTERRUPT) {
        message = "stopped after " + std::to_string(kModBuildTimeLimit.count()) +
                  " ms: the SQL runs too long for a mod";
      } else if ((rc & 0xff) == SQLITE_FULL) {
        message =
            "the mod grows past the " + std::to_string(kMaxModBytes >> 20) + " MiB a mod may be";
      }
      return Status::error(what + ": line " + std::to_string(line) + ": " + message);
    }
    if (tail == nullptr || tail <= at) break;
    at = tail;
  }
  return Status();
}

Status set_up(sqlite3* db) {
  sqlite3_limit(db, SQLITE_LIMIT_VDBE_OP, 25'000'000);  // large INSERT ... VALUES lists
  const std::string pages = std::to_string(kMaxModBytes / kPageSize);
  char* error = nullptr;
  const std::string setup = "PRAGMA page_size = " + std::to_string(kPageSize) +
                            "; PRAGMA max_page_count = " + pages + ";";
  if (sqlite3_exec(db, setup.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    Status failed = Status::error(std::string("set up the database: ") + (error ? error : "?"));
    sqlite3_free(error);
    return failed;
  }
  return Status();
}

Result<std::string> serialize(sqlite3* db, const std::string& what) {
  sqlite3_int64 size = 0;
  unsigned char* data = sqlite3_serialize(db, "main", &size, 0);
  if (data == nullptr) return Status::error(what + ": cannot serialize the database built");
  std::string bytes(reinterpret_cast<const char*>(data), static_cast<size_t>(size));
  sqlite3_free(data);
  return bytes;
}

// Whether `sql` has a CREATE TABLE statement (outside comments and quotes
// this is a heuristic: a text mentioning it in a comment also counts, and
// then fails on its first INSERT with "no such table", which says why).
bool creates_tables(const std::string& sql) {
  static const std::regex kCreateTable("create\\s+table", std::regex::icase);
  return std::regex_search(sql, kCreateTable);
}

}  // namespace

Result<ModFileContent> build_mod_in_memory(const std::string& sql, const std::string& what) {
  if (sql.size() > kMaxModSqlBytes) {
    return Status::error(what + " is " + std::to_string(sql.size()) + " bytes, more than the " +
                         std::to_string(kMaxModSqlBytes >> 20) + " MiB a mod's SQL may be");
  }
  if (sql.find('\0') != std::string::npos)
    return Status::error(what + " holds a NUL byte; a mod's SQL is text");
  Result<Database> db = Database::open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db.ok()) return db.status().with_context(what);
  sqlite3* handle = db->handle();
  Status status = set_up(handle);
  if (!status.ok()) return status.with_context(what);
  // A mod's text holds its rows; the tables are mods/schema.sql's, created
  // here (Hegemon's own SQL, before the authorizer), so the schema is written
  // in one place. A text that creates tables itself (an `sqlite3 .dump`)
  // runs as it is.
  if (!creates_tables(sql)) {
    status = db->exec(mod_schema_sql());
    if (!status.ok()) return status.with_context(what + ": create the mod tables");
  }
  Deadline deadline{std::chrono::steady_clock::now() + kModBuildTimeLimit};
  sqlite3_progress_handler(handle, 1000, on_progress, &deadline);  // replaces Database::open's
  sqlite3_set_authorizer(handle, build_authorizer, nullptr);
  status = run_script(handle, sql, what);
  if (!status.ok()) return status;
  if (sqlite3_get_autocommit(handle) == 0)
    return Status::error(what + ": a transaction is left open at the end (COMMIT missing?)");
  // sqlite3_serialize asks PRAGMA page_count and reads sqlite_dbpage itself:
  // Hegemon's own SQL from here on.
  sqlite3_set_authorizer(handle, nullptr, nullptr);
  Result<std::string> bytes = serialize(handle, what);
  if (!bytes.ok()) return bytes.status();
  return read_mod_bytes(what, std::move(*bytes));
}

Result<ModFileContent> build_mod_from_sql(const std::string& sql, const std::string& what,
                                          const std::string& out_path) {
  Result<ModFileContent> mod = build_mod_in_memory(sql, what);
  if (!mod.ok()) return mod.status();
  Status written = write_file_atomically(out_path, mod->bytes);
  if (!written.ok()) return written;
  mod->path = out_path;
  return mod;
}

Result<ModFileContent> read_mod_or_sql(const std::string& path) {
  const bool is_sql = path.size() > 4 && path.compare(path.size() - 4, 4, ".sql") == 0;
  if (!is_sql) return read_mod_file(path);
  Result<std::string> sql = read_regular_file(path, static_cast<int64_t>(kMaxModSqlBytes));
  if (!sql.ok()) return sql.status();
  return build_mod_in_memory(*sql, path);
}

}  // namespace hegemon
