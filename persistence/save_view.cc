#include "persistence/save_view.h"

#include <sqlite3.h>

#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>

#include "persistence/migrate.h"
#include "persistence/row_codec.h"
#include "persistence/schema_check.h"
#include "persistence/side_files.h"
#include "persistence/mod_rows.h"
#include "persistence/tuning_rows.h"
#include "schema/migrations.h"

namespace hegemon {
namespace {

// A server may hold the write lock for a moment (a commit, a checkpoint).
constexpr int kBusyTimeoutMs = 5000;

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
constexpr char kOldestWars[] =
    "SELECT w.id, w.attacker_id, a.name, w.defender_id, d.name, w.start_tick, w.war_score"
    " FROM wars w LEFT JOIN nations a ON a.id = w.attacker_id"
    " LEFT JOIN nations d ON d.id = w.defender_id"
    " WHERE w.end_tick IS NULL ORDER BY w.start_tick, w.id LIMIT ?1";

// The state of every province as of a tick: the latest history row at or
// before it, found for each province through the (province_id, tick)
// primary key. Provinces without such a row are absent. CROSS JOIN fixes the
// loop order (provinces outside): left to itself the planner scans every
// history row instead, O(history) rather than O(provinces).
constexpr char kHoldingsAt[] =
    "SELECT h.province_id, h.owner_id, h.controller_id, h.development"
    " FROM provinces p CROSS JOIN province_history h ON h.province_id = p.id AND h.tick ="
    " (SELECT tick FROM province_history WHERE province_id = p.id AND tick <= ?1"
    "  ORDER BY tick DESC LIMIT 1)";

// What changed after one tick up to another, oldest first (idx_history_tick).
constexpr char kHoldingChanges[] =
    "SELECT province_id, owner_id, controller_id, development FROM province_history"
    " WHERE tick > ?1 AND tick <= ?2 ORDER BY tick, province_id";

// "tokens" -> "\"tokens\"": a name from sqlite_master as an SQL identifier.
std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

// Steps `s` to its end, turning each row into a T with `read`.
template <typename T, typename Read>
Result<std::vector<T>> rows_of(Statement& s, Read read) {
  std::vector<T> out;
  for (;;) {
    Result<bool> row = s.step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back(read(s));
  }
}

// Runs `sql` (with ?1 = limit) and reads (id, name, value) rows.
Result<std::vector<RankedNation>> ranked(const Database& db, const char* sql, size_t limit) {
  Result<Statement> s = db.prepare(sql);
  if (!s.ok()) return s.status();
  s->bind_int64(1, static_cast<int64_t>(limit));
  return rows_of<RankedNation>(*s, [](const Statement& q) {
    return RankedNation{static_cast<NationId>(q.column_int64(0)), q.column_text(1),
                        q.column_int64(2)};
  });
}

ProvinceHolding holding_of(const Statement& s) {
  ProvinceHolding h;
  h.id = static_cast<ProvinceId>(s.column_int64(0));
  h.owner = column_id(s, 1);
  h.controller = column_id(s, 2);
  h.development = static_cast<int32_t>(s.column_int64(3));
  return h;
}

// The checks of SaveView::open() on an open connection; returns the schema
// version and the last tick.
Result<std::pair<int64_t, Tick>> check_save(Database& db, const std::string& path) {
  Status st = db.set_busy_timeout(kBusyTimeoutMs);
  if (!st.ok()) return st.with_context("open " + path);

  // The first read: this is where a file that is not a database shows.
  Result<SchemaInfo> info = read_schema_info(db);
  if (!info.ok()) {
    return Status::error(path + " is not a Hegemon save (" + info.status().message() + ")");
  }
  if (info->application_id != kHegemonApplicationId) {
    return Status::error(path + " is not a Hegemon save" +
                         (info->object_count == 0 ? std::string(" (an empty database)")
                                                  : std::string(" (a foreign SQLite database)")));
  }
  const int latest = latest_schema_version();
  if (info->user_version > latest) {
    return Status::error(path + ": save was written by a newer Hegemon (schema version " +
                         std::to_string(info->user_version) + "; this build reads up to " +
                         std::to_string(latest) + ")");
  }
  if (info->user_version < 1) return Status::error(path + " holds no world yet");
  // Before reading any table: a view or trigger must never get to run.
  st = check_schema_objects(db, info->user_version);
  if (!st.ok()) return st;

  Result<Statement> game = db.prepare("SELECT tick FROM game WHERE id = 1");
  if (!game.ok()) return game.status().with_context(path);
  Result<bool> row = game->step();
  if (!row.ok()) return row.status().with_context(path + ": read game row");
  if (!*row) return Status::error(path + " holds no world yet");
  const Tick last_tick = game->column_int64(0);
  game->reset();  // end the statement's implicit read transaction
  return std::make_pair(static_cast<int64_t>(info->user_version), last_tick);
}

}  // namespace

Result<SaveView> SaveView::open(const std::string& path) {
  // SQLite's own message for a missing file ("unable to open database
  // file") does not say which of several things went wrong; say it first.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    return Status::error("no such save: " + path);
  }
  if (ec) return Status::error("cannot open " + path + ": " + ec.message());
  if (std::filesystem::is_directory(status)) {
    return Status::error(path + " is a directory, not a save");
  }

  const SideFiles side_files = SideFiles::note(path);
  Result<Database> db = Database::open(path, SQLITE_OPEN_READONLY);
  if (!db.ok()) return db.status();
  std::optional<Database> conn(std::move(*db));
  Result<std::pair<int64_t, Tick>> checked = check_save(*conn, path);
  if (!checked.ok()) {
    conn.reset();                 // closed before tidying up after it
    side_files.remove_created();  // refused: leave the directory as it was
    return checked.status();
  }
  return SaveView(std::move(*conn), checked->first, checked->second);
}

Result<Tick> SaveView::tick() const {
  return db_.query_int64("SELECT tick FROM game WHERE id = 1");
}

Result<SavedGame> SaveView::game() const {
  Result<Statement> q = db_.prepare("SELECT tick, date, params FROM game WHERE id = 1");
  if (!q.ok()) return q.status();
  Result<bool> row = q->step();
  if (!row.ok()) return row.status().with_context("read game row");
  if (!*row) return Status::error(path() + " holds no world yet");
  SavedGame g;
  g.tick = q->column_int64(0);
  g.date = q->column_text(1);
  Status st = params_from_json(q->column_text(2), g.params);
  if (!st.ok()) return st;
  return g;
}

Result<int64_t> SaveView::count_nations(bool living_only) const {
  return db_.query_int64(living_only ? "SELECT count(*) FROM nations WHERE alive = 1"
                                     : "SELECT count(*) FROM nations");
}

Result<std::vector<RankedNation>> SaveView::top_development(size_t limit) const {
  return ranked(db_, kTopDevelopment, limit);
}

Result<std::vector<RankedNation>> SaveView::top_treasury(size_t limit) const {
  return ranked(db_, kTopTreasury, limit);
}

Result<int64_t> SaveView::count_active_wars() const {
  return db_.query_int64("SELECT count(*) FROM wars WHERE end_tick IS NULL");
}

Result<std::vector<WarSummary>> SaveView::oldest_active_wars(size_t limit) const {
  Result<Statement> q = db_.prepare(kOldestWars);
  if (!q.ok()) return q.status();
  q->bind_int64(1, static_cast<int64_t>(limit));
  return rows_of<WarSummary>(*q, [](const Statement& s) {
    WarSummary w;
    w.id = static_cast<WarId>(s.column_int64(0));
    w.attacker = static_cast<NationId>(s.column_int64(1));
    w.attacker_name = s.column_text(2);
    w.defender = static_cast<NationId>(s.column_int64(3));
    w.defender_name = s.column_text(4);
    w.start_tick = s.column_int64(5);
    w.war_score = static_cast<int32_t>(s.column_int64(6));
    return w;
  });
}

Result<std::vector<std::pair<std::string, int64_t>>> SaveView::table_rows() const {
  Result<Statement> q =
      db_.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  if (!q.ok()) return q.status();
  Result<std::vector<std::string>> tables =
      rows_of<std::string>(*q, [](const Statement& s) { return s.column_text(0); });
  if (!tables.ok()) return tables.status().with_context("list tables");
  std::vector<std::pair<std::string, int64_t>> out;
  for (const std::string& t : *tables) {
    Result<int64_t> rows = db_.query_int64("SELECT count(*) FROM " + quote_identifier(t));
    if (!rows.ok()) return rows.status().with_context("count rows of " + t);
    out.emplace_back(t, *rows);
  }
  return out;
}

Result<std::optional<std::pair<Tick, Tick>>> SaveView::recorded_ticks() const {
  Result<Statement> q = db_.prepare("SELECT min(tick), max(tick) FROM ticks");
  if (!q.ok()) return q.status();
  Result<bool> row = q->step();
  if (!row.ok()) return row.status();
  std::optional<std::pair<Tick, Tick>> range;
  if (*row && !q->column_is_null(0)) range = std::make_pair(q->column_int64(0), q->column_int64(1));
  return range;
}

Result<Tuning> SaveView::tuning() const { return read_tuning_rows(db_, db_.path()); }

Result<GameContent> SaveView::content() const { return read_mod_rows(db_, db_.path()); }

Result<std::vector<ModFileContent>> SaveView::embedded_mods() const {
  return read_embedded_mods(db_, db_.path());
}

Result<std::vector<ProvincePlace>> SaveView::provinces() const {
  Result<Statement> s = db_.prepare("SELECT id, name, x, y FROM provinces ORDER BY id");
  if (!s.ok()) return s.status();
  return rows_of<ProvincePlace>(*s, [](const Statement& q) {
    ProvincePlace p;
    p.id = static_cast<ProvinceId>(q.column_int64(0));
    p.name = q.column_text(1);
    p.x = static_cast<int32_t>(q.column_int64(2));
    p.y = static_cast<int32_t>(q.column_int64(3));
    return p;
  });
}

Result<std::vector<NationLabel>> SaveView::nations() const {
  Result<Statement> s = db_.prepare("SELECT id, name, color FROM nations ORDER BY id");
  if (!s.ok()) return s.status();
  return rows_of<NationLabel>(*s, [](const Statement& q) {
    return NationLabel{static_cast<NationId>(q.column_int64(0)), q.column_text(1),
                       q.column_text(2)};
  });
}

Result<std::vector<ProvinceHolding>> SaveView::holdings_at(Tick tick) const {
  Result<Statement> s = db_.prepare(kHoldingsAt);
  if (!s.ok()) return s.status();
  s->bind_int64(1, tick);
  return rows_of<ProvinceHolding>(*s, holding_of);
}

Result<std::vector<ProvinceHolding>> SaveView::holding_changes(Tick after, Tick upto) const {
  Result<Statement> s = db_.prepare(kHoldingChanges);
  if (!s.ok()) return s.status();
  s->bind_int64(1, after);
  s->bind_int64(2, upto);
  return rows_of<ProvinceHolding>(*s, holding_of);
}

}  // namespace hegemon
