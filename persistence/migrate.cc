#include "persistence/migrate.h"

#include <string>

#include "persistence/schema_check.h"
#include "schema/migrations.h"

namespace hegemon {
namespace {

bool is_empty(const SchemaInfo& info) {
  return info.application_id == 0 && info.user_version == 0 && info.object_count == 0;
}

// Refuses what no code path of this build may write to or read; ok for an
// empty database and for Hegemon saves up to the latest version holding
// exactly the schema objects of their version.
Status check_ours(const Database& db, const SchemaInfo& info) {
  const int latest = latest_schema_version();
  if (info.application_id != kHegemonApplicationId) {
    if (is_empty(info)) return Status();
    return Status::error(db.path() + " is an SQLite database but not a Hegemon save");
  }
  if (info.user_version > latest) {
    return Status::error(db.path() + ": save was written by a newer Hegemon (schema version " +
                         std::to_string(info.user_version) + "; this build reads up to " +
                         std::to_string(latest) + ")");
  }
  return check_schema_objects(db, info.user_version);
}

// Inside the caller's transaction.
Status apply(Database& db, const Migration& m) {
  Status status = db.exec(m.sql);
  if (!status.ok()) {
    return status.with_context(db.path() + ": apply schema migration " + std::to_string(m.version) +
                               " (" + m.name + ")");
  }
  return Status();
}

}  // namespace

Result<SchemaInfo> read_schema_info(const Database& db) {
  SchemaInfo info;
  Result<int64_t> app = db.query_int64("PRAGMA application_id");
  if (!app.ok()) return app.status();
  info.application_id = *app;
  Result<int64_t> version = db.query_int64("PRAGMA user_version");
  if (!version.ok()) return version.status();
  info.user_version = *version;
  Result<int64_t> objects = db.query_int64("SELECT count(*) FROM sqlite_schema");
  if (!objects.ok()) return objects.status();
  info.object_count = *objects;
  return info;
}

Status check_migratable(const Database& db) {
  Result<SchemaInfo> info = read_schema_info(db);
  if (!info.ok()) return info.status().with_context(db.path() + ": read schema version");
  return check_ours(db, *info);
}

Status migrate(Database& db, const MigrationCheck& accept) {
  Result<SchemaInfo> info = read_schema_info(db);
  if (!info.ok()) return info.status().with_context(db.path() + ": read schema version");
  Status status = check_ours(db, *info);
  if (!status.ok()) return status;
  const int latest = latest_schema_version();
  if (info->user_version >= latest) return Status();
  Result<Transaction> txn = Transaction::begin(db);
  if (!txn.ok()) return txn.status().with_context(db.path() + ": migrate");
  // Re-read under the write lock: another process may have migrated since
  // we looked. Returning drops `txn`, which rolls back (nothing was written).
  Result<int64_t> version = db.query_int64("PRAGMA user_version");
  if (!version.ok()) return version.status().with_context(db.path() + ": migrate");
  if (*version >= latest) return Status();
  if (*version != info->user_version) {
    return Status::error(db.path() + ": save moved from schema version " +
                         std::to_string(info->user_version) + " to " + std::to_string(*version) +
                         " while it was being opened");
  }
  for (const Migration& m : schema_migrations()) {
    if (m.version <= *version) continue;
    status = apply(db, m);
    if (!status.ok()) return status;
  }
  // Both header fields are transactional: they change with the tables or not at all.
  status = db.exec("PRAGMA application_id = " + std::to_string(kHegemonApplicationId) +
                   "; PRAGMA user_version = " + std::to_string(latest));
  if (!status.ok()) return status.with_context(db.path() + ": migrate");
  if (accept) {
    status = accept(db);
    if (!status.ok()) {
      const auto kind = status.is_io_error() ? &Status::io_error : &Status::error;
      return kind(status.message() + " (checked as migrated from schema version " +
                  std::to_string(*version) +
                  "; the migration was rolled back and the save is unchanged)");
    }
  }
  return txn->commit().with_context(db.path() + ": migrate");
}

Status check_schema_current(const Database& db) {
  Result<SchemaInfo> info = read_schema_info(db);
  if (!info.ok()) return info.status().with_context(db.path() + ": read schema version");
  Status status = check_ours(db, *info);
  if (!status.ok()) return status;
  if (is_empty(*info)) return Status::error(db.path() + " is empty, not a Hegemon save");
  if (info->user_version != latest_schema_version()) {
    return Status::error(db.path() + ": save has schema version " +
                         std::to_string(info->user_version) + " but this build needs " +
                         std::to_string(latest_schema_version()) +
                         "; open it for writing once to migrate it");
  }
  return Status();
}

}  // namespace hegemon
