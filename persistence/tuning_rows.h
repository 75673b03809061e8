// The save's `tuning` table (schema/007_tuning.sql): the balance a game runs
// with, written once with its world and read back with it. Internal to
// persistence; shared by the writer (create_world) and read_world.
#pragma once

#include <string>

#include "persistence/sqlite.h"
#include "state/status.h"
#include "state/tuning.h"

namespace hegemon {

// Inserts one row per field of `tuning` (every field, not only overrides).
// Inside the caller's transaction.
Status write_tuning_rows(Database& db, const Tuning& tuning);

// The Tuning the rows describe: defaults overridden by each row. No table
// (a save from before schema version 7) or no rows: the defaults. A save is
// hostile input, so each of these refuses it with an error prefixed by
// `what` naming the table, the row and the problem: an unknown name, a value
// that is not an integer, a value outside the field's range, a name twice,
// more rows than fields, and a Tuning check_tuning() refuses. Reads at most
// tuning_fields().size() + 1 rows.
Result<Tuning> read_tuning_rows(const Database& db, const std::string& what);

}  // namespace hegemon
