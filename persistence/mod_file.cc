#include "persistence/mod_file.h"

#include <sqlite3.h>

#include <cstring>

#include "persistence/mod_schema.h"
#include "persistence/mod_tables.h"
#include "persistence/regular_file.h"
#include "persistence/sha256.h"
#include "persistence/sqlite.h"

namespace hegemon {
namespace {

constexpr char kSqliteMagic[] = "SQLite format 3";  // and its terminating NUL: 16 bytes
constexpr int kMaxModValueBytes = 1 << 20;
constexpr int kMaxModColumns = 32;

std::string size_text(int64_t bytes) {
  return std::to_string(bytes) + " bytes, more than the " + std::to_string(kMaxModBytes >> 20) +
         " MiB a mod may be";
}

bool is_known_table(const char* name) {
  if (name == nullptr) return false;
  if (std::strcmp(name, "sqlite_master") == 0 || std::strcmp(name, "sqlite_schema") == 0)
    return true;
  for (const ModTable& t : mod_tables())
    if (t.name == name) return true;
  return false;
}

// Reading the known tables and the schema, and nothing else: no function, no
// PRAGMA but table_xinfo, no ATTACH, no write of any kind.
int mod_authorizer(void*, int action, const char* a1, const char*, const char*, const char*) {
  switch (action) {
    case SQLITE_SELECT: return SQLITE_OK;
    case SQLITE_READ: return is_known_table(a1) ? SQLITE_OK : SQLITE_DENY;
    case SQLITE_PRAGMA:
      return a1 != nullptr && std::strcmp(a1, "table_xinfo") == 0 ? SQLITE_OK : SQLITE_DENY;
    default: return SQLITE_DENY;
  }
}

// A connection reading `bytes` (which must outlive it) read-only from memory,
// with the defences of the header comment.
Result<Database> open_in_memory(const std::string& path, std::string& bytes) {
  Result<Database> db = Database::open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db.ok()) return db.status().with_context(path);
  sqlite3* handle = db->handle();
  // A read-write connection (SQLite cannot deserialize into a read-only one)
  // has its triggers on (connection_guard.cc): off, though nothing here
  // writes, and the deserialized database is read-only.
  int applied = -1;
  if (sqlite3_db_config(handle, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, &applied) != SQLITE_OK ||
      applied != 0 ||
      sqlite3_db_config(handle, SQLITE_DBCONFIG_ENABLE_VIEW, 0, &applied) != SQLITE_OK ||
      applied != 0) {
    return Status::error(path + ": cannot disable triggers and views on the connection");
  }
  sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, kMaxModValueBytes);
  sqlite3_limit(handle, SQLITE_LIMIT_COLUMN, kMaxModColumns);
  // sqlite3_deserialize re-opens "main" through an internal ATTACH, which
  // Database::open's authorizer refuses: none while it runs (no SQL of the
  // mod's can run here), then the mod's own.
  sqlite3_set_authorizer(handle, nullptr, nullptr);
  const int rc =
      sqlite3_deserialize(handle, "main", reinterpret_cast<unsigned char*>(bytes.data()),
                          static_cast<sqlite3_int64>(bytes.size()),
                          static_cast<sqlite3_int64>(bytes.size()), SQLITE_DESERIALIZE_READONLY);
  if (rc != SQLITE_OK) return Status::error(path + ": cannot read it: " + sqlite3_errstr(rc));
  sqlite3_set_authorizer(handle, mod_authorizer, nullptr);  // replaces Database::open's
  db->set_step_time_limit(kModStepTimeLimit);
  return db;
}

}  // namespace

Result<ModFileContent> read_mod_bytes(const std::string& path, std::string bytes) {
  if (bytes.size() > static_cast<size_t>(kMaxModBytes))
    return Status::error(path + " is " + size_text(static_cast<int64_t>(bytes.size())));
  if (bytes.size() < 100 || std::memcmp(bytes.data(), kSqliteMagic, sizeof kSqliteMagic) != 0) {
    return Status::error(path +
                         " is not a SQLite database (it does not begin with \"SQLite format 3\"); "
                         "a mod is one (docs/MODDING.md)");
  }
  ModFileContent out;
  out.path = path;
  out.sha256_hex = sha256_hex(bytes);
  // A database in WAL mode (header bytes 18 and 19 are 2) cannot be read
  // from memory. Its file as given is the whole mod (a -wal next to it is
  // never read), so it is read as the rollback-journal database it then is,
  // from a copy: the SHA-256 and the bytes kept are the file's own.
  std::string wal_copy;
  std::string* readable = &bytes;
  if (bytes[18] == 2 && bytes[19] == 2) {
    wal_copy = bytes;
    wal_copy[18] = wal_copy[19] = 1;
    readable = &wal_copy;
  }
  {
    Result<Database> db = open_in_memory(path, *readable);
    if (!db.ok()) return db.status();
    Result<std::set<std::string>> tables = check_mod_schema(*db, path);
    if (!tables.ok()) return tables.status();
    Status status = read_mod_tables(*db, *tables, path, out);
    if (!status.ok()) return status;
  }  // the connection is closed before the bytes it reads go
  out.bytes = std::move(bytes);
  return out;
}

Result<ModFileContent> read_mod_file(const std::string& path) {
  Result<std::string> bytes = read_regular_file(path, kMaxModBytes);
  if (!bytes.ok()) return bytes.status();
  return read_mod_bytes(path, std::move(*bytes));
}

}  // namespace hegemon
