#include "tools/save_summary.h"

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "persistence/row_codec.h"
#include "tools/printable.h"
#include "tools/save_access.h"

namespace hegemon {
namespace {

// Living nations only: a dead nation keeps its last treasury, which would
// otherwise crowd the list with the fallen.
constexpr char kTopDevelopment[] =
    "SELECT n.id, n.name, sum(p.development) AS total FROM nations n"
    " JOIN provinces p ON p.owner_id = n.id WHERE n.alive = 1"
    " GROUP BY n.id ORDER BY total DESC, n.id LIMIT ?1";
constexpr char kTopTreasury[] =
    "SELECT id, name, treasury FROM nations WHERE alive = 1 ORDER BY treasury DESC, id LIMIT ?1";
// idx_wars_active finds them; LEFT JOIN so a war naming a missing nation
// still shows (with an empty name) instead of vanishing.
constexpr char kLongestWars[] =
    "SELECT w.id, w.attacker_id, a.name, w.defender_id, d.name, w.start_tick, w.war_score"
    " FROM wars w LEFT JOIN nations a ON a.id = w.attacker_id"
    " LEFT JOIN nations d ON d.id = w.defender_id"
    " WHERE w.end_tick IS NULL ORDER BY w.start_tick, w.id LIMIT ?1";

// "tokens" -> "\"tokens\"": a name from sqlite_master as an SQL identifier.
std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

// Runs `sql` (with ?1 = limit) and reads (id, name, value) rows.
Result<std::vector<RankedNation>> ranked(const Database& db, const char* sql, size_t limit) {
  Result<Statement> s = db.prepare(sql);
  if (!s.ok()) return s.status();
  s->bind_int64(1, static_cast<int64_t>(limit));
  std::vector<RankedNation> out;
  for (;;) {
    Result<bool> row = s->step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back(RankedNation{static_cast<NationId>(s->column_int64(0)), s->column_text(1),
                               s->column_int64(2)});
  }
}

uint64_t size_of(const std::string& path) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<uint64_t>(size);
}

std::string human_bytes(uint64_t bytes) {
  static const char* const kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 4) {
    v /= 1024;
    ++unit;
  }
  char buf[48];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  }
  return buf;
}

std::string nation_label(const std::string& name, NationId id) {
  return (name.empty() ? std::string("?") : printable(name)) + " (#" + std::to_string(id) + ")";
}

// "  Name (#3)" padded to `width`, then the value right-aligned.
std::string ranked_line(int place, const RankedNation& n) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "  %d. %-28s %12lld\n", place, nation_label(n.name, n.id).c_str(),
                static_cast<long long>(n.value));
  return buf;
}

nlohmann::ordered_json ranked_json(const std::vector<RankedNation>& list) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const RankedNation& n : list)
    out.push_back({{"id", n.id}, {"name", n.name}, {"value", n.value}});
  return out;
}

}  // namespace

Result<SaveSummary> read_save_summary(const std::string& path) {
  Result<OpenedSave> opened = open_save_read_only(path);
  if (!opened.ok()) return opened.status();
  const Database& db = opened->db;
  const std::string what = "inspect " + path;
  Result<ReadSnapshot> snapshot = ReadSnapshot::begin(db);
  if (!snapshot.ok()) return snapshot.status();

  SaveSummary s;
  s.path = path;
  s.file_bytes = size_of(path);
  s.wal_bytes = size_of(path + "-wal");
  s.schema_version = opened->schema_version;
  {
    Result<Statement> q = db.prepare("SELECT tick, date, params FROM game WHERE id = 1");
    if (!q.ok()) return q.status().with_context(what);
    Result<bool> row = q->step();
    if (!row.ok()) return row.status().with_context(what + ": read game row");
    if (!*row) return Status::error(path + " holds no world yet");
    s.tick = q->column_int64(0);
    s.date = q->column_text(1);
    Status st = params_from_json(q->column_text(2), s.params);
    if (!st.ok()) return st.with_context(what);
  }
  Result<int64_t> count = db.query_int64("SELECT count(*) FROM nations");
  if (!count.ok()) return count.status().with_context(what);
  s.nations = *count;
  count = db.query_int64("SELECT count(*) FROM nations WHERE alive = 1");
  if (!count.ok()) return count.status().with_context(what);
  s.living_nations = *count;

  Result<std::vector<RankedNation>> top = ranked(db, kTopDevelopment, kSummaryTop);
  if (!top.ok()) return top.status().with_context(what + ": top development");
  s.top_development = std::move(*top);
  top = ranked(db, kTopTreasury, kSummaryTop);
  if (!top.ok()) return top.status().with_context(what + ": top treasury");
  s.top_treasury = std::move(*top);

  count = db.query_int64("SELECT count(*) FROM wars WHERE end_tick IS NULL");
  if (!count.ok()) return count.status().with_context(what);
  s.active_wars = *count;
  {
    Result<Statement> q = db.prepare(kLongestWars);
    if (!q.ok()) return q.status().with_context(what);
    q->bind_int64(1, static_cast<int64_t>(kSummaryTop));
    for (;;) {
      Result<bool> row = q->step();
      if (!row.ok()) return row.status().with_context(what + ": wars");
      if (!*row) break;
      WarSummary w;
      w.id = static_cast<WarId>(q->column_int64(0));
      w.attacker = static_cast<NationId>(q->column_int64(1));
      w.attacker_name = q->column_text(2);
      w.defender = static_cast<NationId>(q->column_int64(3));
      w.defender_name = q->column_text(4);
      w.start_tick = q->column_int64(5);
      w.war_score = static_cast<int32_t>(q->column_int64(6));
      s.longest_wars.push_back(std::move(w));
    }
  }
  {
    std::vector<std::string> tables;
    Result<Statement> q =
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    if (!q.ok()) return q.status().with_context(what);
    for (;;) {
      Result<bool> row = q->step();
      if (!row.ok()) return row.status().with_context(what + ": list tables");
      if (!*row) break;
      tables.push_back(q->column_text(0));
    }
    for (const std::string& t : tables) {
      Result<int64_t> rows = db.query_int64("SELECT count(*) FROM " + quote_identifier(t));
      if (!rows.ok()) return rows.status().with_context(what + ": count rows of " + t);
      s.table_rows.emplace_back(t, *rows);
    }
  }
  {
    Result<Statement> q = db.prepare("SELECT min(tick), max(tick) FROM ticks");
    if (!q.ok()) return q.status().with_context(what);
    Result<bool> row = q->step();
    if (!row.ok()) return row.status().with_context(what + ": ticks");
    if (*row && !q->column_is_null(0)) {
      s.first_recorded_tick = q->column_int64(0);
      s.last_recorded_tick = q->column_int64(1);
    }
  }
  return s;
}

std::string format_summary_text(const SaveSummary& s) {
  std::string out;
  auto field = [&](const char* label, const std::string& value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%-14s", label);
    out += buf + value + "\n";
  };
  // Every text from the save (and its path) through printable(): a save is
  // untrusted, and its names must not drive the operator's terminal.
  field("save", printable(s.path));
  field("size", human_bytes(s.file_bytes) +
                    (s.wal_bytes > 0 ? " + WAL " + human_bytes(s.wal_bytes) : std::string()));
  field("schema", "version " + std::to_string(s.schema_version));
  field("world", "seed " + std::to_string(s.params.seed) + ", " +
                     std::to_string(s.params.provinces) + " provinces, " +
                     std::to_string(s.params.nations) + " nations");
  field("date", printable(s.date) + " (tick " + std::to_string(s.tick) + ")");
  field("ticks", s.first_recorded_tick ? std::to_string(*s.first_recorded_tick) + " .. " +
                                             std::to_string(*s.last_recorded_tick) + " recorded"
                                       : std::string("none recorded"));
  field("nations", std::to_string(s.living_nations) + " living of " + std::to_string(s.nations));

  out += "\ntop development (owned provinces)\n";
  for (size_t i = 0; i < s.top_development.size(); ++i)
    out += ranked_line(static_cast<int>(i + 1), s.top_development[i]);
  out += "top treasury (ducats)\n";
  for (size_t i = 0; i < s.top_treasury.size(); ++i)
    out += ranked_line(static_cast<int>(i + 1), s.top_treasury[i]);

  out += "\nactive wars   " + std::to_string(s.active_wars) + "\n";
  for (const WarSummary& w : s.longest_wars) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "  war %-5d %s vs %s, since tick %lld (%lld days), score %+d\n",
                  w.id, nation_label(w.attacker_name, w.attacker).c_str(),
                  nation_label(w.defender_name, w.defender).c_str(),
                  static_cast<long long>(w.start_tick),
                  static_cast<long long>(s.tick - w.start_tick), w.war_score);
    out += buf;
  }

  out += "\ntables (rows)\n";
  for (const auto& [name, rows] : s.table_rows) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "  %-20s %12lld\n", printable(name).c_str(),
                  static_cast<long long>(rows));
    out += buf;
  }
  return out;
}

std::string summary_to_json(const SaveSummary& s) {
  nlohmann::ordered_json j;
  j["path"] = s.path;
  j["file_bytes"] = s.file_bytes;
  j["wal_bytes"] = s.wal_bytes;
  j["schema_version"] = s.schema_version;
  j["params"] = {
      {"seed", s.params.seed}, {"provinces", s.params.provinces}, {"nations", s.params.nations}};
  j["tick"] = s.tick;
  j["date"] = s.date;
  j["nations"] = s.nations;
  j["living_nations"] = s.living_nations;
  j["top_development"] = ranked_json(s.top_development);
  j["top_treasury"] = ranked_json(s.top_treasury);
  j["active_wars"] = s.active_wars;
  j["longest_wars"] = nlohmann::ordered_json::array();
  for (const WarSummary& w : s.longest_wars) {
    j["longest_wars"].push_back({{"id", w.id},
                                 {"attacker_id", w.attacker},
                                 {"attacker", w.attacker_name},
                                 {"defender_id", w.defender},
                                 {"defender", w.defender_name},
                                 {"start_tick", w.start_tick},
                                 {"war_score", w.war_score}});
  }
  j["tables"] = nlohmann::ordered_json::object();
  for (const auto& [name, rows] : s.table_rows) j["tables"][name] = rows;
  j["first_tick"] =
      s.first_recorded_tick ? nlohmann::ordered_json(*s.first_recorded_tick) : nlohmann::ordered_json();
  j["last_tick"] = s.last_recorded_tick ? nlohmann::ordered_json(*s.last_recorded_tick) : nlohmann::ordered_json();
  // Names come from the save; replace bytes that are not UTF-8 rather than
  // throw halfway through the output, and write everything beyond ASCII as
  // \uXXXX: the same JSON to a parser, and no C1 control or right-to-left
  // override reaches a terminal the output is shown on.
  return j.dump(2, ' ', true, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace hegemon
