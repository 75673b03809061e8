// Schema versioning of save files. A Hegemon save is recognised by its SQLite
// header: application_id = "HGMN" and user_version = the schema version it was
// written with. Migrations (schema/migrations.h) move an older save forward;
// nothing ever moves a save backward, and nothing touches a file that is not a
// Hegemon save.
#pragma once

#include <cstdint>
#include <functional>

#include "persistence/sqlite.h"
#include "state/status.h"

namespace hegemon {

constexpr int32_t kHegemonApplicationId = 0x48474D4E;  // "HGMN" in the file header

struct SchemaInfo {
  int64_t application_id = 0;  // PRAGMA application_id
  int64_t user_version = 0;    // PRAGMA user_version: the schema version
  int64_t object_count = 0;    // rows of sqlite_schema (tables, indexes, triggers, ...)
};

// Reads the header fields. The first read of a file: for a file that is not a
// database at all this fails with "file is not a database".
Result<SchemaInfo> read_schema_info(const Database& db);

// Brings `db` to latest_schema_version():
//  - an empty database (no objects, both header fields 0) gets every migration;
//  - a Hegemon save at version N < latest gets N+1..latest, all in ONE
//    transaction together with the new `PRAGMA user_version`; before it
//    commits, `accept` (if given) is called on the migrated database, and an
//    error from it rolls everything back and is returned. So a crash leaves
//    the save at its old version or the latest, and a save refused for its
//    content (its world does not load) is left byte for byte as it was: its
//    content can be checked only in the shape this build reads, and that
//    shape exists only after the migrations;
//  - a Hegemon save at the latest version is left alone;
//  - a save from a newer build, a foreign SQLite database, a non-database
//    file, or a save holding schema objects its migrations did not create
//    (schema_check.h) is refused without writing anything.
// Errors start with the database's path.
using MigrationCheck = std::function<Status(const Database&)>;
Status migrate(Database& db, const MigrationCheck& accept = {});

// What migrate() checks before it writes, alone, for a read-only connection:
// ok iff migrate() would accept `db` (empty, or a Hegemon save up to the
// latest version with exactly its version's schema objects).
Status check_migratable(const Database& db);

// For read-only users, who cannot migrate: ok iff `db` is a Hegemon save at
// exactly the latest schema version, with exactly its schema objects.
Status check_schema_current(const Database& db);

}  // namespace hegemon
