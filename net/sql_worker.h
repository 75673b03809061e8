// The `sql` request's worker (issue #17): an operator's read-only query
// (persistence/readonly_query.h) runs on a thread of its own, never on the
// gateway's I/O thread, where a query's up to QueryLimits::time would stall
// every client. One short-lived detached actor per query; a session runs at
// most one at a time (Session::sql), so an admin cannot pile them up.
#pragma once

#include <string>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <nlohmann/json.hpp>

#include "persistence/readonly_query.h"

namespace hegemon::net {

using run_sql_atom = caf::atom_constant<caf::atom("runsql")>;

// Answers one (run_sql_atom, sql, params_json, max_rows) on the save at
// `save_path` with (true, answer as JSON text) or (false, the error), then
// quits. params_json is the request's "params" object ({"tick": 10});
// max_rows at most kMaxSqlRows.
caf::actor spawn_sql_worker(caf::actor_system& sys, const std::string& save_path);

constexpr int64_t kMaxSqlRows = 10000;

// {"columns": [...], "rows": [[...], ...], "stopped": "..."} (stopped absent
// when whole); a blob is {"blob_bytes": N}.
nlohmann::json query_answer_json(const QueryAnswer& answer);

// The request's "params" object as bind values; an error naming a value
// that is not an integer, a string or null.
Result<QueryParams> query_params(const nlohmann::json& params);

}  // namespace hegemon::net
