// Reading one mod file (issue #15; the format is docs/MODDING.md, the schema
// mods/schema.sql). A mod is downloaded from the internet: its author controls
// every byte, so reading it must not run anything it carries, must be bounded
// in size and time, and must refuse (naming the file, the table, the row and
// what is wrong) anything the format does not allow, before the game makes
// anything of it. The defences, in order:
//  - the path must be a regular file (regular_file.h: a FIFO would block) of
//    at most kMaxModBytes, checked with stat() before it is opened and again
//    with fstat() on the open file;
//  - the whole file is read into memory, and it must begin with SQLite's
//    header ("SQLite format 3\0"); its SHA-256 is taken over those bytes;
//  - SQLite reads those same bytes from memory (sqlite3_deserialize, read-only):
//    no -wal or -journal next to the file is looked at or created, and what
//    was hashed is exactly what is read;
//  - the connection has Database::open's defences (connection_guard.h:
//    DEFENSIVE, trusted_schema off, triggers and views disabled, no extension
//    loading, no ATTACH) plus stricter limits (a value of at most 1 MiB, at
//    most 32 columns, each step at most kModStepTimeLimit) and an authorizer
//    of its own that allows only SELECT, reading the tables of mods/schema.sql
//    and sqlite_schema, and PRAGMA table_xinfo: everything else is refused;
//  - the schema must be that of mods/schema.sql (mod_schema.h): no trigger,
//    view, index, virtual table, extra table or column;
//  - every value's type and range is checked as it is read, and every table's
//    row count is bounded (mod_tables.h).
// Covered by tests/mod_file_test.cc.
#pragma once

#include <chrono>
#include <string>

#include "state/mod_content.h"
#include "state/status.h"

namespace hegemon {

// One step of a mod's reading runs at most this long: reading the largest
// legal mod takes a fraction of it.
constexpr std::chrono::milliseconds kModStepTimeLimit{2000};

// The mod at `path`, read and checked as above, with path, sha256_hex and
// bytes set. Errors start with the path and say what is wrong, e.g.
// "mods/balance.db: table tuning, row 'war_cost': the value is text,
// expected an integer". Tuning values are checked one by one against their
// ranges (state/tuning.h); the relations between values (check_tuning) and
// the scenario as a whole (ids, borders, capitals) are checked once the mods
// are merged (tools/mod_set.h).
Result<ModFileContent> read_mod_file(const std::string& path);

// The same, for a mod's bytes already in memory (a mod built from .sql, one
// embedded in a save); `path` only names it in errors.
Result<ModFileContent> read_mod_bytes(const std::string& path, std::string bytes);

}  // namespace hegemon
