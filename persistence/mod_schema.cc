#include "persistence/mod_schema.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>

namespace hegemon {
namespace mod_internal {
extern const char* const kModSchemaSql;  // generated from mods/schema.sql
}  // namespace mod_internal

namespace {

// A table's columns as PRAGMA table_xinfo lists them; `hidden` is nonzero
// for a generated column (2, 3) or a virtual table's hidden one (1).
struct Column {
  std::string name;
  int64_t hidden = 0;
};

Result<std::vector<Column>> read_columns(const Database& db, const std::string& table) {
  // The name is quoted for SQL: it comes from the mod's sqlite_schema, but only
  // names already matched against mods/schema.sql reach here.
  Result<Statement> s = db.prepare("PRAGMA table_xinfo(\"" + table + "\")");
  if (!s.ok()) return s.status();
  std::vector<Column> columns;
  Status status = each_row(*s, [&](const Statement& row) {
    columns.push_back(Column{row.column_text(1), row.column_int64(6)});
  });
  if (!status.ok()) return status;
  return columns;
}

Result<std::vector<ModTable>> build_tables() {
  Result<Database> db = Database::open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db.ok()) return db.status();
  Status status = db->exec(mod_schema_sql());
  if (!status.ok()) return status.with_context("mods/schema.sql");
  Result<Statement> s =
      db->prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY rowid");
  if (!s.ok()) return s.status();
  std::vector<ModTable> tables;
  status = each_row(*s, [&](const Statement& row) -> Status {
    ModTable table{row.column_text(0), {}};
    Result<std::vector<Column>> columns = read_columns(*db, table.name);
    if (!columns.ok()) return columns.status();
    for (const Column& c : *columns) table.columns.push_back(c.name);
    tables.push_back(std::move(table));
    return Status();
  });
  if (!status.ok()) return status;
  return tables;
}

const ModTable* find_table(const std::string& name) {
  for (const ModTable& t : mod_tables())
    if (t.name == name) return &t;
  return nullptr;
}

bool is_virtual(const std::string& sql) {
  static const std::string kPrefix = "CREATE VIRTUAL TABLE";
  if (sql.size() < kPrefix.size()) return false;
  for (size_t i = 0; i < kPrefix.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(sql[i])) != kPrefix[i]) return false;
  return true;
}

// Why an object other than a table of the schema is refused.
std::string why_not(const std::string& type) {
  if (type == "trigger") return "a trigger carries code";
  if (type == "view") return "a view carries a query that would run when read";
  if (type == "index") return "an index may carry expressions, and a mod needs none";
  return "it is not part of a mod";
}

std::string a(const std::string& type) { return (type == "index" ? "an " : "a ") + type; }

Status check_table(const Database& db, const std::string& what, const std::string& name,
                   const std::string& sql) {
  const ModTable* expected = find_table(name);
  if (expected == nullptr) {
    return Status::error(what + " has a table '" + name.substr(0, 64) +
                         "' that is not in mods/schema.sql; a mod may hold only its tables");
  }
  if (is_virtual(sql)) {
    return Status::error(what + ": table " + name +
                         " is a virtual table; a mod's tables must be ordinary tables");
  }
  Result<std::vector<Column>> columns = read_columns(db, name);
  if (!columns.ok()) return columns.status().with_context(what + ": table " + name);
  for (const Column& c : *columns) {
    const auto& want = expected->columns;
    if (std::find(want.begin(), want.end(), c.name) == want.end()) {
      return Status::error(what + ": table " + name + " has a column '" + c.name.substr(0, 64) +
                           "' that is not in mods/schema.sql");
    }
    if (c.hidden != 0) {
      return Status::error(what + ": table " + name + ", column " + c.name +
                           " is generated or hidden; a mod's columns must hold plain values");
    }
  }
  for (const std::string& want : expected->columns) {
    const bool found = std::any_of(columns->begin(), columns->end(),
                                   [&](const Column& c) { return c.name == want; });
    if (!found) {
      return Status::error(what + ": table " + name + " lacks the column '" + want +
                           "' of mods/schema.sql");
    }
  }
  return Status();
}

}  // namespace

const char* mod_schema_sql() { return mod_internal::kModSchemaSql; }

const std::vector<ModTable>& mod_tables() {
  // Built once per process from the embedded schema; it is ours, so failing
  // to build it is a bug in mods/schema.sql that every mod test catches.
  static const std::vector<ModTable> tables = [] {
    Result<std::vector<ModTable>> built = build_tables();
    return built.ok() ? *built : std::vector<ModTable>{};
  }();
  return tables;
}

Result<std::set<std::string>> check_mod_schema(const Database& db, const std::string& what) {
  if (mod_tables().empty()) return Status::error("mods/schema.sql as embedded does not build");
  Result<Statement> s =
      db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid");
  if (!s.ok()) return s.status().with_context(what + ": read its schema (is it a mod?)");
  struct Object {
    std::string type, name, tbl_name, sql;
    bool has_sql;
  };
  std::vector<Object> objects;
  for (;;) {
    Result<bool> row = s->step();
    if (!row.ok()) return row.status().with_context(what + ": read its schema");
    if (!*row) break;
    // More objects than a mod can hold legitimately (a table and its
    // automatic index each): no need to read a hostile list to its end.
    if (objects.size() >= 4 * mod_tables().size()) {
      return Status::error(what + " has more schema objects than a mod can hold (" +
                           std::to_string(objects.size()) + "+)");
    }
    objects.push_back(Object{s->column_text(0), s->column_text(1), s->column_text(2),
                             s->column_text(3), !s->column_is_null(3)});
  }
  std::set<std::string> tables;
  for (const Object& o : objects) {
    if (o.type == "table") {
      Status status = check_table(db, what, o.name, o.sql);
      if (!status.ok()) return status;
      tables.insert(o.name);
      continue;
    }
    // SQLite's own index for a PRIMARY KEY or UNIQUE: it has no SQL text.
    if (o.type == "index" && !o.has_sql && find_table(o.tbl_name) != nullptr &&
        o.name.rfind("sqlite_autoindex_", 0) == 0) {
      continue;
    }
    return Status::error(what + " has " + a(o.type) + " '" + o.name.substr(0, 64) +
                         "'; a mod may hold only the tables of mods/schema.sql (" +
                         why_not(o.type) + ")");
  }
  if (tables.count("manifest") == 0) {
    return Status::error(what + " has no table manifest; every mod has one (mods/schema.sql)");
  }
  return tables;
}

}  // namespace hegemon
