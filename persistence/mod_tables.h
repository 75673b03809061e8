// Reading the rows of a mod database (mods/schema.sql) into ModFileContent,
// every value checked: its type with sqlite3_column_type (text where a number
// belongs is refused, whatever the column was declared as), its range, and
// each table's row count against the limits below, counted while reading so
// a hostile table is never read to its end. Internal to persistence; used by
// read_mod_file (mod_file.h) once check_mod_schema has passed.
//
// What is checked here is what one row can tell: a value's type, range and
// form (colour '#rrggbb', start date 'YYYY-MM-DD', a known tuning name, a
// known terrain). What needs the whole scenario (ids 1..n, adjacency to a
// province that exists, a connected map, a capital its nation owns) is
// rules/scenario's check.
// Covered by tests/mod_file_test.cc.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "persistence/sqlite.h"
#include "state/mod_content.h"
#include "state/status.h"
#include "state/world_limits.h"

namespace hegemon {

// Row limits (docs/MODDING.md). A province borders at most 6 others on the
// hex grid; 8 leaves room for a hand-made map's odd corner.
constexpr int64_t kMaxModAdjacencyPerProvince = 8;
constexpr int64_t kMaxModArmiesPerProvince = 2;
constexpr int64_t kMaxModNationNames = kMaxNations;
constexpr int64_t kMaxModProvinceNames = kMaxProvinces;
// Text lengths in bytes (names: kMaxNameBytes of world_limits.h).
constexpr size_t kMaxModVersionBytes = 64;
constexpr size_t kMaxModDescriptionBytes = 4096;

// Fills `out` (all but path, sha256_hex and bytes) from the tables of `db`
// named in `tables` (as check_mod_schema returned them). Errors start with
// `what` (the mod's path) and name the table, the row (its key, or rowid)
// and what is wrong, e.g. "balance.db: table tuning, row 'war_cost': the
// value is text, expected an integer".
Status read_mod_tables(const Database& db, const std::set<std::string>& tables,
                       const std::string& what, ModFileContent& out);

}  // namespace hegemon
