#include "persistence/save_reader.h"

#include <sqlite3.h>

#include <utility>

#include "state/hash_hex.h"
#include "persistence/migrate.h"
#include "persistence/mod_rows.h"
#include "persistence/row_codec.h"
#include "persistence/side_files.h"
#include "persistence/snapshot_codec.h"
#include "persistence/world_reader.h"
#include "state/bounded_json.h"
#include "state/command_json.h"
#include "state/state_hash.h"

namespace hegemon {
namespace {

constexpr int kBusyTimeoutMs = 5000;

const std::string kSelectWar = std::string("SELECT ") + kWarColumns + " FROM wars WHERE id = ?1";
constexpr const char kSelectLastTick[] = "SELECT tick FROM game WHERE id = 1";
constexpr const char kSelectTickHash[] = "SELECT state_hash FROM ticks WHERE tick = ?1";
constexpr const char kCountAll[] = "SELECT count(*) FROM event_log";
constexpr const char kCountType[] = "SELECT count(*) FROM event_log WHERE event_type = ?1";
// idx_events_tick finds the range; id is the order of insertion.
constexpr const char kSelectEvents[] =
    "SELECT tick, event_type, event_data FROM event_log WHERE tick BETWEEN ?1 AND ?2"
    " ORDER BY id";
constexpr const char kSelectAudit[] =
    "SELECT tick, event_type, event_data FROM audit_log WHERE tick BETWEEN ?1 AND ?2"
    " ORDER BY id";

// idx_events_type (event_type, tick) finds them.
constexpr const char kSelectCommands[] =
    "SELECT tick, event_data FROM event_log WHERE event_type = 'command'"
    " AND tick BETWEEN ?1 AND ?2 ORDER BY id";
constexpr const char kSelectLastSeq[] =
    "SELECT coalesce(max(json_extract(event_data, '$.seq')), 0) FROM event_log"
    " WHERE event_type = 'command'";

constexpr const char kSelectHashes[] =
    "SELECT tick, state_hash FROM ticks WHERE tick BETWEEN ?1 AND ?2 ORDER BY tick";
// province_history's described columns, as the writer inserts them; read
// back with read_fields(row, h, 0, 1). idx_history_tick finds the range.
const std::string kHistoryColumns = field_columns<ProvinceHistoryRow>();
const std::string kSelectHistory = "SELECT " + kHistoryColumns +
                                   " FROM province_history"
                                   " WHERE tick BETWEEN ?1 AND ?2 ORDER BY tick, province_id";
constexpr const char kSelectSnapshot[] =
    "SELECT tick, state_hash, format, data FROM snapshots WHERE tick <= ?1"
    " ORDER BY tick DESC LIMIT 1";
constexpr const char kSelectSnapshotTicks[] = "SELECT tick FROM snapshots ORDER BY tick";

// "Who owned province P at tick T": the latest history row at or before T.
const std::string kSelectProvinceAt = "SELECT " + kHistoryColumns +
                                      " FROM province_history"
                                      " WHERE province_id = ?1 AND tick <= ?2"
                                      " ORDER BY tick DESC LIMIT 1";
const std::string kSelectWarsOf =
    std::string("SELECT ") + kWarColumns +
    " FROM wars WHERE attacker_id = ?1 OR defender_id = ?1 ORDER BY id";

// Resets a statement on every return path: a statement left mid-way keeps
// its read transaction open, which would stall the writer's checkpoints.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement* s) : s_(s) {}
  ~ResetOnExit() { s_->reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement* s_;
};

// Runs a statement expected to return exactly one integer.
Result<int64_t> single_int64(Statement& s) {
  Result<bool> row = s.step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::error("no row");
  return s.column_int64(0);
}

}  // namespace

Result<std::shared_ptr<SaveReader>> SaveReader::open(const std::string& path) {
  const SideFiles side_files = SideFiles::note(path);
  Status status;
  {
    // NOMUTEX is added by Database::open; our own mutex serialises callers.
    Result<Database> db = Database::open(path, SQLITE_OPEN_READONLY);
    if (!db.ok()) return db.status();
    status = db->set_busy_timeout(kBusyTimeoutMs).with_context("open " + path);
    if (status.ok()) status = check_schema_current(*db);
    if (status.ok()) return std::shared_ptr<SaveReader>(new SaveReader(std::move(*db)));
  }
  side_files.remove_created();  // refused: leave the directory as it was
  return status;
}

SaveReader::~SaveReader() = default;

void SaveReader::follow_if_moved() {
  int moved = 0;
  if (sqlite3_file_control(db_.handle(), "main", SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK ||
      moved == 0)
    return;
  // Nothing at the path (yet), or not a readable save there: keep reading the
  // open file and look again at the next query.
  Result<Database> db = Database::open(path(), SQLITE_OPEN_READONLY);
  if (!db.ok() || !db->set_busy_timeout(kBusyTimeoutMs).ok() || !check_schema_current(*db).ok())
    return;
  for (Statement* slot :
       {&war_, &last_tick_, &tick_hash_, &count_all_, &count_type_, &events_, &province_at_,
        &wars_of_, &commands_, &last_seq_, &hashes_, &history_, &snapshot_, &snapshot_ticks_})
    *slot = Statement();  // prepared on the old connection
  db_ = std::move(*db);
}

Result<Statement*> SaveReader::statement(Statement& slot, const char* sql) {
  follow_if_moved();
  if (!slot.valid()) {
    Result<Statement> prepared = db_.prepare(sql);
    if (!prepared.ok()) return prepared.status();
    slot = std::move(*prepared);
  }
  return &slot;
}

std::optional<War> SaveReader::load_war(WarId id) {
  Result<std::optional<War>> war = find_war(id);
  return war.ok() ? *war : std::nullopt;
}

Result<std::optional<War>> SaveReader::find_war(WarId id) {
  const std::string what = "read war " + std::to_string(id) + " from " + path();
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement*> s = statement(war_, kSelectWar.c_str());
  if (!s.ok()) return s.status().with_context(what);
  ResetOnExit reset(*s);
  (*s)->bind_int64(1, id);
  Result<bool> row = (*s)->step();
  if (!row.ok()) return row.status().with_context(what);
  std::optional<War> war;
  if (*row) war = read_war(**s);
  return war;
}

Result<std::optional<ProvinceHistoryRow>> SaveReader::province_at(ProvinceId id, Tick tick) {
  const std::string what = "read province " + std::to_string(id) + " at tick " +
                           std::to_string(tick) + " from " + path();
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement*> s = statement(province_at_, kSelectProvinceAt.c_str());
  if (!s.ok()) return s.status().with_context(what);
  ResetOnExit reset(*s);
  (*s)->bind_int64(1, id);
  (*s)->bind_int64(2, tick);
  Result<bool> row = (*s)->step();
  if (!row.ok()) return row.status().with_context(what);
  if (!*row) return std::optional<ProvinceHistoryRow>();
  ProvinceHistoryRow h;
  (void)read_fields(**s, h, 0, 1);  // integers only: cannot fail
  return std::optional<ProvinceHistoryRow>(h);
}

Result<std::vector<War>> SaveReader::wars_of(NationId nation) {
  const std::string what = "read wars of nation " + std::to_string(nation) + " from " + path();
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement*> s = statement(wars_of_, kSelectWarsOf.c_str());
  if (!s.ok()) return s.status().with_context(what);
  ResetOnExit reset(*s);
  (*s)->bind_int64(1, nation);
  std::vector<War> wars;
  for (;;) {
    Result<bool> row = (*s)->step();
    if (!row.ok()) return row.status().with_context(what);
    if (!*row) break;
    wars.push_back(read_war(**s));
  }
  return wars;
}

Result<Tick> SaveReader::last_tick() {
  const std::string what = "read last tick from " + path();
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement*> s = statement(last_tick_, kSelectLastTick);
  if (!s.ok()) return s.status().with_context(what);
  ResetOnExit reset(*s);
  Result<bool> row = (*s)->step();
  if (!row.ok()) return row.status().with_context(what);
  const Tick tick = *row ? (*s)->column_int64(0) : -1;
  return tick;
}

Result<std::optional<uint64_t>> SaveReader::tick_hash(Tick tick) {
  const std::string what = "read hash of tick " + std::to_string(tick) + " from " + path();
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement*> s = statement(tick_hash_, kSelectTickHash);
  if (!s.ok()) return s.status().with_context(what);
  ResetOnExit reset(*s);
  (*s)->bind_int64(1, tick);
  Result<bool> row = (*s)->step();
  if (!row.ok()) return row.status().with_context(what);
  if (!*row) return std::optional<uint64_t>();
  const std::string hex = (*s)->column_text(0);
  const std::optional<uint64_t> hash = hash_from_hex(hex);
  if (!hash) return Status::error(what + ": not 16 lowercase hex digits: '" + hex + "'");
  return hash;
}

Result<int64_t> SaveReader::count_events(const std::string& type) {
  const std::string what = "count events in " + path();
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement*> s =
      type.empty() ? statement(count_all_, kCountAll) : statement(count_type_, kCountType);
  if (!s.ok()) return s.status().with_context(what);
  ResetOnExit reset(*s);
  if (!type.empty()) (*s)->bind_text(1, type);
  Result<int64_t> count = single_int64(**s);
  if (!count.ok()) return count.status().with_context(what);
  return count;
}

Result<std::optional<TokenRecord>> SaveReader::find_token(const std::string& hash) {
  std::lock_guard<std::mutex> lock(mutex_);
  follow_if_moved();
  return hegemon::find_token(db_, hash);
}

Result<std::vector<Event>> SaveReader::events_between(Tick from, Tick to) {
  return log_between(events_, kSelectEvents, "event_log", from, to);
}

Result<std::vector<Event>> SaveReader::audit_between(Tick from, Tick to) {
  return log_between(audit_, kSelectAudit, "audit_log", from, to);
}

Result<std::vector<Event>> SaveReader::log_between(Statement& slot, const char* sql,
                                                   const char* table, Tick from, Tick to) {
  const std::string what = "read " + std::string(table) + " of ticks " + std::to_string(from) +
                           ".." + std::to_string(to) + " from " + path();
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement*> s = statement(slot, sql);
  if (!s.ok()) return s.status().with_context(what);
  ResetOnExit reset(*s);
  (*s)->bind_int64(1, from);
  (*s)->bind_int64(2, to);
  std::vector<Event> events;
  size_t bytes = 0;
  for (;;) {
    Result<bool> row = (*s)->step();
    if (!row.ok()) return row.status().with_context(what);
    if (!*row) break;
    if (events.size() >= kMaxEventsRead || bytes > kMaxEventBytesRead)
      return Status::error(what + ": damaged " + table + ": more than " +
                           std::to_string(events.size()) + " events (" + std::to_string(bytes) +
                           " bytes) in these ticks, more than a game writes");
    Event e;
    (void)read_fields(**s, e, 0, 1);  // integers and text: cannot fail
    // A save is untrusted: data nested 400,000 deep would overflow the stack
    // of whoever parses it (the gateway's I/O thread). Refused here, once,
    // for every reader; the error names the row.
    if (Status ok = check_json(e.data, kEventDataLimits); !ok.ok())
      return ok.with_context(what + ": damaged " + table + " row at tick " + std::to_string(e.tick) +
                             " (" + e.type.substr(0, 64) + "): event_data");
    bytes += e.type.size() + e.data.size();
    events.push_back(std::move(e));
  }
  return events;
}

Result<std::vector<Command>> SaveReader::commands_between(Tick from, Tick to) {
  const std::string what = "read commands of ticks " + std::to_string(from) + ".." +
                           std::to_string(to) + " from " + path();
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement*> s = statement(commands_, kSelectCommands);
  if (!s.ok()) return s.status().with_context(what);
  ResetOnExit reset(*s);
  (*s)->bind_int64(1, from);
  (*s)->bind_int64(2, to);
  std::vector<Command> commands;
  for (;;) {
    Result<bool> row = (*s)->step();
    if (!row.ok()) return row.status().with_context(what);
    if (!*row) break;
    Result<Command> c = command_from_event_data((*s)->column_text(1));
    if (!c.ok()) return c.status().with_context(what);
    c->tick = (*s)->column_int64(0);
    commands.push_back(std::move(*c));
  }
  return commands;
}

Result<int64_t> SaveReader::last_command_seq() {
  const std::string what = "read the last command number from " + path();
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement*> s = statement(last_seq_, kSelectLastSeq);
  if (!s.ok()) return s.status().with_context(what);
  ResetOnExit reset(*s);
  Result<bool> row = (*s)->step();
  if (!row.ok()) return row.status().with_context(what);
  return *row ? (*s)->column_int64(0) : int64_t{0};
}

Result<WorldSnapshot> SaveReader::load_world(bool verify_hash) {
  std::lock_guard<std::mutex> lock(mutex_);
  follow_if_moved();
  return read_world(db_, "load world from " + path(), verify_hash);
}

Result<std::vector<ModFileContent>> SaveReader::embedded_mods() {
  return read_embedded_mods(db_, db_.path());
}

Result<std::vector<std::pair<Tick, uint64_t>>> SaveReader::tick_hashes(Tick from, Tick to) {
  const std::string what =
      "read tick hashes " + std::to_string(from) + ".." + std::to_string(to) + " from " + path();
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement*> s = statement(hashes_, kSelectHashes);
  if (!s.ok()) return s.status().with_context(what);
  ResetOnExit reset(*s);
  (*s)->bind_int64(1, from);
  (*s)->bind_int64(2, to);
  std::vector<std::pair<Tick, uint64_t>> out;
  for (;;) {
    Result<bool> row = (*s)->step();
    if (!row.ok()) return row.status().with_context(what);
    if (!*row) break;
    const std::string hex = (*s)->column_text(1);
    const std::optional<uint64_t> hash = hash_from_hex(hex);
    if (!hash)
      return Status::error(what + ": tick " + std::to_string((*s)->column_int64(0)) +
                           " has hash '" + hex + "'");
    out.emplace_back((*s)->column_int64(0), *hash);
  }
  return out;
}

Result<std::vector<ProvinceHistoryRow>> SaveReader::history_between(Tick from, Tick to) {
  const std::string what = "read province history " + std::to_string(from) + ".." +
                           std::to_string(to) + " from " + path();
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement*> s = statement(history_, kSelectHistory.c_str());
  if (!s.ok()) return s.status().with_context(what);
  ResetOnExit reset(*s);
  (*s)->bind_int64(1, from);
  (*s)->bind_int64(2, to);
  std::vector<ProvinceHistoryRow> out;
  for (;;) {
    Result<bool> row = (*s)->step();
    if (!row.ok()) return row.status().with_context(what);
    if (!*row) break;
    ProvinceHistoryRow h;
    (void)read_fields(**s, h, 0, 1);  // integers only: cannot fail
    out.push_back(h);
  }
  return out;
}

Result<std::optional<WorldSnapshot>> SaveReader::snapshot_at_or_before(Tick tick,
                                                                       const WorldMapPtr& map) {
  const std::string what =
      "read the snapshot at or before tick " + std::to_string(tick) + " from " + path();
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement*> s = statement(snapshot_, kSelectSnapshot);
  if (!s.ok()) return s.status().with_context(what);
  ResetOnExit reset(*s);
  (*s)->bind_int64(1, tick);
  Result<bool> row = (*s)->step();
  if (!row.ok()) return row.status().with_context(what);
  if (!*row) return std::optional<WorldSnapshot>();
  const Tick at = (*s)->column_int64(0);
  const std::string where = what + ": snapshot of tick " + std::to_string(at);
  const std::optional<uint64_t> hash = hash_from_hex((*s)->column_text(1));
  if (!hash) return Status::error(where + " has a malformed hash");
  if ((*s)->column_int64(2) != kSnapshotFormat)
    return Status::error(where + " has format " + std::to_string((*s)->column_int64(2)) +
                         ", this version reads format " + std::to_string(kSnapshotFormat));
  WorldSnapshot snap;
  snap.map = map;
  if (Status ok = decode_snapshot((*s)->column_blob(3), *map, snap); !ok.ok())
    return ok.with_context(where);
  if (snap.meta.tick != at)
    return Status::error(where + " holds tick " + std::to_string(snap.meta.tick));
  snap.meta.state_hash = full_state_hash(snap);
  if (snap.meta.state_hash != *hash)
    return Status::error(where + " does not match its recorded hash " + hash_to_hex(*hash));
  return std::optional<WorldSnapshot>(std::move(snap));
}

Result<std::vector<Tick>> SaveReader::snapshot_ticks() {
  const std::string what = "list snapshots in " + path();
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement*> s = statement(snapshot_ticks_, kSelectSnapshotTicks);
  if (!s.ok()) return s.status().with_context(what);
  ResetOnExit reset(*s);
  std::vector<Tick> out;
  for (;;) {
    Result<bool> row = (*s)->step();
    if (!row.ok()) return row.status().with_context(what);
    if (!*row) break;
    out.push_back((*s)->column_int64(0));
  }
  return out;
}

}  // namespace hegemon
