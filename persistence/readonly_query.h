// An operator's SQL question to a live save (`hegemon client sql`, issue #17),
// answered on a read-only connection of its own. The save is the one SQLite
// file the design promises can be asked anything ("SQL queries: powerful
// analytics and debugging"), but the question arrives over the network, so it
// is bounded like any other input:
//  - only reading is authorised: an authorizer allows SELECT, reading
//    columns, recursive CTEs, functions other than those that touch files or
//    load code, and the PRAGMAs that only report (table_info, user_version
//    without a value, ...); everything else (INSERT, CREATE, ATTACH, a PRAGMA
//    that sets, a transaction) is refused before it runs, and token hashes
//    read as NULL;
//  - one statement: text after the first is refused, not silently ignored;
//  - a time limit for the whole query (the progress handler stops it), a row
//    limit and a byte limit on the answer; hitting one is reported with the
//    rows read so far, never a silent cut.
// The connection is read-only and in WAL mode, so a query never blocks the
// running game's commits and sees one committed tick throughout.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "state/status.h"

namespace hegemon {

struct QueryLimits {
  std::chrono::milliseconds time{2000};
  size_t max_rows = 1000;
  size_t max_bytes = 1 << 20;  // of text and numbers in the answer
  size_t max_sql_bytes = 64 << 10;
};

// A blob is answered by its size, not its bytes (snapshots are megabytes of
// compressed data that no terminal wants).
struct BlobSize {
  int64_t bytes = 0;
};
using QueryValue = std::variant<std::monostate, int64_t, double, std::string, BlobSize>;

// Named parameters (`:tick` is bound from {"tick", 1000}), as docs/queries.sql
// writes them.
using QueryParams = std::map<std::string, std::variant<std::monostate, int64_t, std::string>>;

struct QueryAnswer {
  std::vector<std::string> columns;
  std::vector<std::vector<QueryValue>> rows;
  // Why rows may be missing: "" if the answer is whole, else which limit was
  // reached ("row limit of 1000 reached", "time limit of 2000 ms reached").
  std::string stopped;
};

// Errors, each saying what was refused: SQL over max_sql_bytes, more than one
// statement, a statement the authorizer refuses ("not authorised: only
// reading queries may run"), a parameter the statement lacks or one it needs
// and was not given, SQLite's own syntax errors, a save that cannot be opened.
Result<QueryAnswer> run_readonly_query(const std::string& save_path, const std::string& sql,
                                       const QueryParams& params, const QueryLimits& limits);

}  // namespace hegemon
