#include "persistence/testing/raw_database.h"

#include <sqlite3.h>

#include <cctype>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <utility>

namespace hegemon::test {

const int kOpenReadOnly = SQLITE_OPEN_READONLY;
const int kOpenReadWrite = SQLITE_OPEN_READWRITE;
const int kOpenCreate = SQLITE_OPEN_CREATE;

namespace {

int flags_of(RawMode mode) {
  switch (mode) {
    case RawMode::read_only: return SQLITE_OPEN_READONLY;
    case RawMode::read_write: return SQLITE_OPEN_READWRITE;
    case RawMode::create: break;
  }
  return SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
}

using StatementPtr = std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>;

std::string join(const std::set<std::string>& names) {
  std::string out = "{";
  for (const std::string& n : names) out += (out.size() > 1 ? ", " : "") + n;
  return out + "}";
}

bool blank(const char* text) {
  for (; text != nullptr && *text != '\0'; ++text)
    if (!std::isspace(static_cast<unsigned char>(*text))) return false;
  return true;
}

}  // namespace

Result<RawDatabase> RawDatabase::open(const std::string& path, RawMode mode) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags_of(mode), nullptr);
  RawDatabase out(db);  // closes `db` on every path, as sqlite3_open_v2 asks
  if (rc != SQLITE_OK) return out.fail("open " + path);
  return Result<RawDatabase>(std::move(out));
}

RawDatabase::RawDatabase(RawDatabase&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

RawDatabase& RawDatabase::operator=(RawDatabase&& other) noexcept {
  if (this != &other) {
    sqlite3_close(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

RawDatabase::~RawDatabase() { sqlite3_close(db_); }

void RawDatabase::abandon() { db_ = nullptr; }

Status RawDatabase::fail(const std::string& what) const {
  return Status::error(what + ": " + (db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory"));
}

Status RawDatabase::exec(const std::string& sql) const {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail("sql failed: " + sql);
  return Status();
}

Result<std::optional<std::string>> RawDatabase::query_text(const std::string& sql) const {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
    return fail("sql failed: " + sql);
  StatementPtr stmt(raw, sqlite3_finalize);
  std::optional<std::string> out;
  const int rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_ROW && sqlite3_column_type(stmt.get(), 0) != SQLITE_NULL)
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail("sql failed: " + sql);
  return out;
}

Result<int64_t> RawDatabase::query_int(const std::string& sql) const {
  Result<std::optional<std::string>> text = query_text(sql);
  if (!text.ok()) return text.status();
  if (!text->has_value() || (*text)->empty()) return Status::error("no value from: " + sql);
  return static_cast<int64_t>(std::stoll(**text));
}

Result<std::vector<RawRow>> RawDatabase::query(const std::string& sql,
                                               const std::vector<RawParam>& params) const {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, &tail) != SQLITE_OK || raw == nullptr)
    return fail("does not compile");
  StatementPtr stmt(raw, sqlite3_finalize);
  if (!blank(tail)) return Status::error(std::string("has more than one statement: ") + tail);
  std::set<std::string> wanted;
  for (int i = 1; i <= sqlite3_bind_parameter_count(stmt.get()); ++i) {
    const char* name = sqlite3_bind_parameter_name(stmt.get(), i);
    if (name == nullptr) return Status::error("uses a nameless parameter");
    wanted.insert(name);
  }
  std::set<std::string> given;
  for (const RawParam& param : params) {
    given.insert(param.name);
    const int index = sqlite3_bind_parameter_index(stmt.get(), param.name.c_str());
    if (index == 0) return Status::error("has no parameter " + param.name);
    const int rc =
        std::holds_alternative<std::string>(param.value)
            ? sqlite3_bind_text(stmt.get(), index, std::get<std::string>(param.value).c_str(), -1,
                                SQLITE_TRANSIENT)
            : sqlite3_bind_int64(stmt.get(), index, std::get<int64_t>(param.value));
    if (rc != SQLITE_OK) return fail("binding " + param.name);
  }
  if (wanted != given) return Status::error("takes " + join(wanted) + " but got " + join(given));
  std::vector<RawRow> rows;
  for (;;) {
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return fail("failed");
    RawRow row;
    for (int c = 0; c < sqlite3_column_count(stmt.get()); ++c) {
      if (sqlite3_column_type(stmt.get(), c) == SQLITE_NULL) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), c)));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// ---- ScopedSqlFunction ----

namespace {

// An auto-extension has no user data: the one registered function lives here.
std::mutex g_function_mutex;
std::string g_function_name;
std::function<void(int64_t)> g_function;

void call_function(sqlite3_context* ctx, int, sqlite3_value** argv) {
  std::function<void(int64_t)> fn;
  {
    std::lock_guard<std::mutex> lock(g_function_mutex);
    fn = g_function;
  }
  if (fn) fn(sqlite3_value_int64(argv[0]));
  sqlite3_result_null(ctx);
}

int register_function(sqlite3* db, const char**, const sqlite3_api_routines*) {
  std::string name;
  {
    std::lock_guard<std::mutex> lock(g_function_mutex);
    name = g_function_name;
  }
  return sqlite3_create_function(db, name.c_str(), 1, SQLITE_UTF8, nullptr, call_function, nullptr,
                                 nullptr);
}

using AutoExtension = void (*)();
AutoExtension auto_extension() { return reinterpret_cast<AutoExtension>(&register_function); }

}  // namespace

ScopedSqlFunction::ScopedSqlFunction(std::string name, std::function<void(int64_t)> fn) {
  {
    std::lock_guard<std::mutex> lock(g_function_mutex);
    if (g_function) return;  // another one lives
    g_function_name = std::move(name);
    g_function = std::move(fn);
  }
  ok_ = sqlite3_auto_extension(auto_extension()) == SQLITE_OK;
  if (!ok_) {
    std::lock_guard<std::mutex> lock(g_function_mutex);
    g_function = nullptr;
  }
}

ScopedSqlFunction::~ScopedSqlFunction() {
  if (!ok_) return;
  sqlite3_cancel_auto_extension(auto_extension());
  std::lock_guard<std::mutex> lock(g_function_mutex);
  g_function = nullptr;
  g_function_name.clear();
}

// ---- throwing helpers ----

namespace {

RawDatabase open_or_throw(const std::string& path) {
  Result<RawDatabase> db = RawDatabase::open(path, RawMode::create);
  if (!db.ok()) throw std::runtime_error("cannot " + db.status().message());
  return std::move(*db);
}

template <class T>
T value_or_throw(Result<T> result) {
  if (!result.ok()) throw std::runtime_error(result.status().message());
  return std::move(*result);
}

}  // namespace

void exec_sql(const std::string& path, const std::string& sql) {
  const Status status = open_or_throw(path).exec(sql);
  if (!status.ok()) throw std::runtime_error(status.message());
}

std::string query_text(const std::string& path, const std::string& sql) {
  return value_or_throw(open_or_throw(path).query_text(sql)).value_or("");
}

int64_t query_int(const std::string& path, const std::string& sql) {
  return value_or_throw(open_or_throw(path).query_int(sql));
}

int64_t poll_tick(const std::string& path) {
  Result<RawDatabase> db = RawDatabase::open(path, RawMode::read_only);
  if (!db.ok()) return -1;
  Result<std::vector<RawRow>> rows = db->query("SELECT tick FROM game");
  if (!rows.ok() || rows->empty()) return -1;
  const RawCell& tick = rows->front().at(0);
  return tick ? std::strtoll(tick->c_str(), nullptr, 10) : 0;  // as sqlite3_column_int64
}

}  // namespace hegemon::test
