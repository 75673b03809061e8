#include "persistence/readonly_query.h"

#include <sqlite3.h>

#include <cstring>

#include "persistence/sqlite.h"

namespace hegemon {
namespace {

// PRAGMAs that only report, whatever their argument (a table or index name).
bool reporting_pragma_with_argument(const char* name) {
  static const char* const kNames[] = {
      "table_info",     "table_xinfo",      "table_list",      "index_list",  "index_info",
      "index_xinfo",    "foreign_key_list", "integrity_check", "quick_check", "database_list",
      "collation_list", "function_list",    "pragma_list"};
  for (const char* n : kNames)
    if (std::strcmp(name, n) == 0) return true;
  return false;
}

// PRAGMAs that report without an argument and set something with one.
bool reporting_pragma_without_argument(const char* name) {
  static const char* const kNames[] = {"user_version", "schema_version", "application_id",
                                       "page_count",   "page_size",      "freelist_count",
                                       "encoding",     "journal_mode",   "data_version"};
  for (const char* n : kNames)
    if (std::strcmp(name, n) == 0) return true;
  return false;
}

// Allows what a reading query needs and nothing else (see the header).
int read_only_authorizer(void*, int action, const char* a1, const char* a2, const char*,
                         const char*) {
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_RECURSIVE: return SQLITE_OK;
    case SQLITE_READ:
      // An admin sees which tokens exist (`tokens`), not their hashes: a hash
      // copied out would outlive the revocation of the admin who copied it.
      if (a1 != nullptr && a2 != nullptr && std::strcmp(a1, "tokens") == 0 &&
          std::strcmp(a2, "hash") == 0)
        return SQLITE_IGNORE;
      return SQLITE_OK;
    case SQLITE_FUNCTION:
      return a2 != nullptr && function_reaches_outside(a2) ? SQLITE_DENY : SQLITE_OK;
    case SQLITE_PRAGMA:
      if (a1 == nullptr) return SQLITE_DENY;
      if (reporting_pragma_with_argument(a1)) return SQLITE_OK;
      if (reporting_pragma_without_argument(a1) && a2 == nullptr) return SQLITE_OK;
      return SQLITE_DENY;
    default: return SQLITE_DENY;
  }
}

// SQLite's words for a refusal by the authorizer (at prepare, or at the step
// of a statement such as VACUUM that asks at run time), put as what it means.
Status explain_refusal(const Status& failed) {
  const std::string& why = failed.message();
  if (why.find("not authorized") != std::string::npos ||
      why.find("authorization denied") != std::string::npos) {
    return Status::error(
        "not authorised: only reading queries may run (SELECT, and PRAGMAs that report); no "
        "writes, ATTACH, VACUUM, transactions or settings");
  }
  // Database::prepare quotes the whole SQL back; the operator has it.
  const size_t quoted = why.rfind("`: ");
  return Status::error(quoted == std::string::npos ? why : why.substr(quoted + 3));
}

Status bind_params(Statement& s, const QueryParams& params) {
  size_t used = 0;
  for (int i = 1; i <= s.parameter_count(); ++i) {
    const std::string name = s.parameter_name(i);
    if (name.size() < 2 || (name[0] != ':' && name[0] != '@' && name[0] != '$')) {
      return Status::error("parameter " + std::to_string(i) +
                           " has no name: write :name and pass it by name");
    }
    auto found = params.find(name.substr(1));
    if (found == params.end()) return Status::error("no value given for parameter " + name);
    ++used;
    const auto& value = found->second;
    if (std::holds_alternative<int64_t>(value)) {
      s.bind_int64(i, std::get<int64_t>(value));
    } else if (std::holds_alternative<std::string>(value)) {
      s.bind_text(i, std::get<std::string>(value));
    } else {
      s.bind_null(i);
    }
  }
  if (used != params.size()) {
    for (const auto& [name, value] : params) {
      bool known = false;
      for (int i = 1; i <= s.parameter_count() && !known; ++i)
        known = s.parameter_name(i).substr(1) == name;
      if (!known) return Status::error("the query has no parameter :" + name);
    }
  }
  return Status();
}

}  // namespace

Result<QueryAnswer> run_readonly_query(const std::string& save_path, const std::string& sql,
                                       const QueryParams& params, const QueryLimits& limits) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + limits.time;
  if (sql.size() > limits.max_sql_bytes) {
    return Status::error("the query is " + std::to_string(sql.size()) + " bytes, more than the " +
                         std::to_string(limits.max_sql_bytes) + " allowed");
  }
  Result<Database> db = Database::open(save_path, SQLITE_OPEN_READONLY);
  if (!db.ok()) return db.status();
  // Replaces the connection's own authorizer (connection_guard.h), which
  // refuses less: everything this one allows, that one allows too.
  sqlite3_set_authorizer(db->handle(), read_only_authorizer, nullptr);
  Status status = db->set_busy_timeout(1000);
  if (!status.ok()) return status;

  Result<Statement> s = db->prepare(sql);
  if (!s.ok()) return explain_refusal(s.status());
  status = bind_params(*s, params);
  if (!status.ok()) return status;

  QueryAnswer answer;
  for (int c = 0; c < s->column_count(); ++c) answer.columns.push_back(s->column_name(c));
  size_t bytes = 0;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      answer.stopped = "time limit of " + std::to_string(limits.time.count()) + " ms reached";
      break;
    }
    db->set_step_time_limit(left);
    Result<bool> row = s->step();
    if (!row.ok()) {
      // Stopped by the progress handler at the time left (its message says
      // "ran too long"), not failed: report the rows read so far.
      if (row.status().message().find("ran too long") != std::string::npos ||
          Clock::now() >= deadline) {
        answer.stopped = "time limit of " + std::to_string(limits.time.count()) + " ms reached";
        break;
      }
      return explain_refusal(row.status());
    }
    if (!*row) break;
    if (answer.rows.size() >= limits.max_rows) {
      answer.stopped = "row limit of " + std::to_string(limits.max_rows) + " reached";
      break;
    }
    std::vector<QueryValue> values;
    for (int c = 0; c < s->column_count(); ++c) {
      switch (s->column_type(c)) {
        case Statement::Type::integer:
          values.emplace_back(s->column_int64(c));
          bytes += 8;
          break;
        case Statement::Type::real:
          values.emplace_back(s->column_double(c));
          bytes += 8;
          break;
        case Statement::Type::text: {
          if (bytes + static_cast<size_t>(s->column_bytes(c)) > limits.max_bytes) break;
          values.emplace_back(s->column_text(c));
          bytes += std::get<std::string>(values.back()).size();
          break;
        }
        case Statement::Type::blob:
          values.emplace_back(BlobSize{s->column_bytes(c)});
          bytes += 8;
          break;
        case Statement::Type::null: values.emplace_back(std::monostate{}); break;
      }
    }
    if (values.size() < answer.columns.size() || bytes > limits.max_bytes) {
      answer.stopped =
          "answer size limit of " + std::to_string(limits.max_bytes) + " bytes reached";
      break;
    }
    answer.rows.push_back(std::move(values));
  }
  return answer;
}

}  // namespace hegemon
