// The schema check of a mod database (issue #15): a mod is downloaded from the
// internet, and its author controls its schema as much as its rows. A trigger
// or a view carries code, an index may carry expressions, a generated column
// computes on read, a virtual table calls a module: none of these belongs in
// a mod. So a mod may hold only the tables of mods/schema.sql (embedded in
// the binary at build time, so the check and the documented schema cannot
// drift), each with exactly its columns, none hidden or generated, and no
// other schema object but the automatic indexes SQLite makes for a PRIMARY
// KEY. Column types are not compared: read_mod_file checks the type of every
// value it reads, so a modder may declare a table without STRICT.
// Covered by tests/mod_file_test.cc.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "persistence/sqlite.h"
#include "state/status.h"

namespace hegemon {

// mods/schema.sql as embedded in the binary.
const char* mod_schema_sql();

// The tables mods/schema.sql defines, in its order, with their columns.
struct ModTable {
  std::string name;
  std::vector<std::string> columns;
};
const std::vector<ModTable>& mod_tables();

// The tables `db` holds, when its schema passes the check above; otherwise an
// error starting with `what` (the mod's path) naming the first offending
// object and what is wrong, e.g. "x.db has a trigger 'boom'; a mod may hold
// only the tables of mods/schema.sql (a trigger carries code)". Reads
// sqlite_schema and PRAGMA table_xinfo, which `db`'s authorizer must allow.
Result<std::set<std::string>> check_mod_schema(const Database& db, const std::string& what);

}  // namespace hegemon
