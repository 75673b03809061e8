#include "persistence/tuning_rows.h"

#include <set>

namespace hegemon {

Status write_tuning_rows(Database& db, const Tuning& tuning) {
  Result<Statement> insert = db.prepare("INSERT INTO tuning (name, value) VALUES (?1, ?2)");
  if (!insert.ok()) return insert.status();
  for (const auto& [name, value] : tuning_values(tuning)) {
    insert->bind_text(1, name);
    insert->bind_int64(2, value);
    Status status = insert->run();
    if (!status.ok()) return status.with_context("insert tuning row '" + name + "'");
  }
  return Status();
}

Result<Tuning> read_tuning_rows(const Database& db, const std::string& what) {
  Tuning tuning;
  Result<int64_t> has_table = db.query_int64(
      "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'tuning'");
  if (!has_table.ok()) return has_table.status().with_context(what);
  if (*has_table == 0) return tuning;  // schema version 6 or older: the defaults

  auto fail = [&](const std::string& message) {
    return Status::error(what + ": table tuning: " + message);
  };
  // typeof() rather than trusting STRICT: the save's author may have written
  // the file with the table's declaration rewritten.
  Result<Statement> s =
      db.prepare("SELECT rowid, name, typeof(name), typeof(value), value FROM tuning ORDER BY rowid");
  if (!s.ok()) return s.status().with_context(what);
  const size_t most = tuning_fields().size();
  std::set<std::string> seen;
  for (;;) {
    Result<bool> row = s->step();
    if (!row.ok()) return row.status().with_context(what + ": read table tuning");
    if (!*row) break;
    const std::string rowid = std::to_string(s->column_int64(0));
    if (seen.size() >= most) {
      return fail("row " + rowid + ": more rows than there are tuning fields (" +
                  std::to_string(most) + ")");
    }
    const std::string name = s->column_text(1);
    if (s->column_text(2) != "text") return fail("row " + rowid + ": the name is not text");
    const std::string row_name = "row " + rowid + " ('" + name.substr(0, 64) + "')";
    if (!find_tuning_field(name)) return fail(row_name + ": unknown tuning value name");
    if (!seen.insert(name).second) return fail(row_name + ": the name appears twice");
    if (s->column_text(3) != "integer") {
      return fail(row_name + ": the value is " + s->column_text(3) + ", not an integer");
    }
    if (auto problem = set_tuning_value(tuning, name, s->column_int64(4))) {
      return fail(row_name + ": " + *problem);
    }
  }
  if (auto problem = check_tuning(tuning)) return fail(*problem);
  return tuning;
}

}  // namespace hegemon
