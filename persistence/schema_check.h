// Refuses a save holding any schema object the migrations did not create. A
// save's author controls its schema: a trigger would run inside the server's
// own commits (re-inserting a revoked admin token on every tick), a view or
// virtual table could run arbitrary queries when Hegemon reads a table, and a
// rewritten CREATE statement could drop a CHECK constraint. So the save's
// sqlite_schema (type, name, tbl_name, sql) must be exactly what migrations
// 1..N (schema/migrations.h) build on an empty database, N being its schema
// version: the migrations are the one source of truth, there is no second list.
// Covered by tests/hostile_save_test.cc.
#pragma once

#include <cstdint>

#include "persistence/sqlite.h"
#include "state/status.h"

namespace hegemon {

// Ok iff `db`'s schema objects are exactly those of schema version `version`
// (0, none, up to latest_schema_version()). Else an error starting with db.path() that
// names the first object that differs, e.g. "saves/x.db has a trigger 't'
// that Hegemon did not create; refusing to open a save that would run code".
Status check_schema_objects(const Database& db, int64_t version);

}  // namespace hegemon
