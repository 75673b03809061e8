#include "persistence/schema_check.h"

#include <sqlite3.h>

#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "schema/migrations.h"

namespace hegemon {
namespace {

struct SchemaObject {
  std::string type;      // table, index, view, trigger
  std::string tbl_name;  // the table it belongs to
  std::string sql;       // its CREATE statement as stored; "" for automatic indexes
  bool operator==(const SchemaObject& o) const {
    return std::tie(type, tbl_name, sql) == std::tie(o.type, o.tbl_name, o.sql);
  }
};
using Schema = std::map<std::string, SchemaObject>;  // by name

Result<Schema> read_schema(const Database& db) {
  Result<Statement> s =
      db.prepare("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema");
  if (!s.ok()) return s.status();
  Schema schema;
  for (;;) {
    Result<bool> row = s->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    // SQLite lets a trigger share its name with a table; keyed by name alone,
    // the later row would hide the earlier one from the comparison (a
    // trigger named 'token_origin' ordered after that table passed).
    const std::string name = s->column_text(1);
    if (!schema.emplace(name, SchemaObject{s->column_text(0), s->column_text(2), s->column_text(3)})
             .second) {
      return Status::error("two schema objects are named '" + name +
                           "'; refusing to open a save whose schema was changed");
    }
  }
  return schema;
}

// The schema of every version, built once per process by applying the
// migrations to an in-memory database (a few milliseconds).
Result<std::vector<Schema>> build_expected() {
  Result<Database> db = Database::open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db.ok()) return db.status();
  Status trusted = db->trust_schema();  // empty, and then only the migrations
  if (!trusted.ok()) return trusted;
  std::vector<Schema> schemas;
  for (const Migration& m : schema_migrations()) {
    Status status = db->exec(m.sql);
    if (!status.ok()) return status.with_context("migration " + std::to_string(m.version));
    Result<Schema> schema = read_schema(*db);
    if (!schema.ok()) return schema.status();
    schemas.push_back(std::move(*schema));
  }
  return schemas;
}

const Result<std::vector<Schema>>& expected_schemas() {
  static const Result<std::vector<Schema>> schemas = build_expected();  // thread-safe init
  return schemas;
}

// "a trigger", "a virtual table", ...: what the object is, for the message.
std::string kind_of(const SchemaObject& o) {
  if (o.type == "table" && o.sql.rfind("CREATE VIRTUAL TABLE", 0) == 0) return "a virtual table";
  if (o.type == "index") return "an index";
  return "a " + o.type;
}

// Why an object that is not Hegemon's matters.
std::string consequence(const SchemaObject& o) {
  const bool runs_code =
      o.type == "trigger" || o.type == "view" || o.sql.rfind("CREATE VIRTUAL TABLE", 0) == 0;
  return runs_code ? "refusing to open a save that would run code"
                   : "refusing to open a save whose schema was changed";
}

}  // namespace

Status check_schema_objects(const Database& db, int64_t version) {
  const Result<std::vector<Schema>>& all = expected_schemas();
  if (!all.ok()) return all.status().with_context("build the expected schema");
  if (version < 0 || version > static_cast<int64_t>(all->size())) {
    return Status::error(db.path() + ": no schema version " + std::to_string(version));
  }
  static const Schema kNone;  // version 0: before the first migration
  const Schema& expected = version == 0 ? kNone : (*all)[static_cast<size_t>(version - 1)];
  Result<Schema> actual = read_schema(db);
  if (!actual.ok()) return actual.status().with_context(db.path() + ": read its schema");
  for (const auto& [name, object] : *actual) {
    auto it = expected.find(name);
    if (it == expected.end()) {
      return Status::error(db.path() + " has " + kind_of(object) + " '" + name +
                           "' that Hegemon did not create; " + consequence(object));
    }
    if (!(it->second == object)) {
      return Status::error(db.path() + ": " + kind_of(object) + " '" + name +
                           "' is not as Hegemon created it (its CREATE statement was changed); " +
                           consequence(object));
    }
  }
  for (const auto& [name, object] : expected) {
    if (actual->count(name) == 0) {
      return Status::error(db.path() + " lacks " + kind_of(object) + " '" + name +
                           "' of schema version " + std::to_string(version) +
                           "; refusing to open a save whose schema was changed");
    }
  }
  return Status();
}

}  // namespace hegemon
