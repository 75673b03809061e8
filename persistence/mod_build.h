// Turning a modder's SQL text into a mod database (issue #15): `hegemon mod
// build FILE.sql OUT.db`, and a .sql path given wherever a mod is. Mods are
// kept as SQL text in the repository (mods/*.sql) so that a diff shows what a
// mod changes. The text is as untrusted as a mod database (it is shared the
// same way), so it runs bounded:
//  - at most kMaxModSqlBytes of text, each statement at most 1 MiB;
//  - in an in-memory database (no file is touched while it runs) limited to
//    kMaxModBytes (PRAGMA max_page_count), for at most kModBuildTimeLimit;
//  - under an authorizer that allows creating and dropping tables and
//    indexes, INSERT, UPDATE, DELETE, SELECT, transactions and savepoints,
//    functions that stay inside the database, and PRAGMA foreign_keys (which
//    `sqlite3 .dump` writes): everything else is refused, ATTACH, DETACH,
//    VACUUM, triggers, views, virtual tables and other PRAGMAs included;
//    extension loading is off (connection_guard.h).
// A text without CREATE TABLE holds rows only: the tables of mods/schema.sql
// (embedded, mod_schema.h) are created first, so the schema is written once.
// The database made must then pass read_mod_file's checks (mod_file.h).
// Covered by tests/mod_file_test.cc.
#pragma once

#include <chrono>
#include <string>

#include "state/mod_content.h"
#include "state/status.h"

namespace hegemon {

constexpr size_t kMaxModSqlBytes = 64 << 20;
constexpr std::chrono::milliseconds kModBuildTimeLimit{30'000};

// Runs `sql` (whose origin `what` names in errors, e.g. the .sql path) as
// above and returns the mod it makes, as read_mod_bytes (mod_file.h) reads
// it, with `what` as its path. Errors name `what` and, for a statement that
// fails, its line: "mods/x.sql: line 12: not authorised: ..." .
Result<ModFileContent> build_mod_in_memory(const std::string& sql, const std::string& what);

// Builds as above and writes the database to `out_path`, through a temporary
// file next to it renamed into place only once the mod passed every check: on
// any error nothing is left behind and an existing `out_path` is unchanged.
Result<ModFileContent> build_mod_from_sql(const std::string& sql, const std::string& what,
                                          const std::string& out_path);

// read_mod_file for a path ending in ".sql" (the text is read, at most
// kMaxModSqlBytes, from a regular file, and built in memory), else
// read_mod_file itself: for every command that takes a mod.
Result<ModFileContent> read_mod_or_sql(const std::string& path);

}  // namespace hegemon
