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

// Steps `s` once and, if that gives a row, calls `read(row)` (which may
// return Status or nothing); no row is not an error.
template <class Read>
Status read_first_row(Statement& s, Read&& read) {
  Result<bool> row = s.step();
  if (!row.ok()) return row.status();
  if (!*row) return Status();
  if constexpr (std::is_void_v<std::invoke_result_t<Read&, Statement&>>) {
    read(s);
    return Status();
  } else {
    return read(s);
  }
}

std::string tick_range(Tick from, Tick to) {
  return std::to_string(from) + ".." + std::to_string(to);
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
        &wars_of_, &commands_, &last_seq_, &hashes_, &history_, &snapshot_, &snapshot_ticks_,
        &audit_})
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

template <class Use>
Status SaveReader::query(Statement& slot, const char* sql, const std::string& what, Use&& use) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<Statement*> s = statement(slot, sql);
  if (!s.ok()) return s.status().with_context(what);
  ResetOnExit reset(*s);
  return use(**s).with_context(what);
}

template <class Read>
Status SaveReader::rows_between(Statement& slot, const char* sql, const std::string& rows,
                                Tick from, Tick to, Read&& read) {
  const std::string what = "read " + rows + " " + tick_range(from, to) + " from " + path();
  return query(slot, sql, what, [&](Statement& s) {
    s.bind_int64(1, from);
    s.bind_int64(2, to);
    return each_row(s, read);
  });
}

std::optional<War> SaveReader::load_war(WarId id) {
  Result<std::optional<War>> war = find_war(id);
  return war.ok() ? *war : std::nullopt;
}

Result<std::optional<War>> SaveReader::find_war(WarId id) {
  std::optional<War> war;
  const Status status =
      query(war_, kSelectWar.c_str(), "read war " + std::to_string(id) + " from " + path(),
            [&](Statement& s) {
              s.bind_int64(1, id);
              return read_first_row(s, [&](const Statement& row) { war = read_war(row); });
            });
  if (!status.ok()) return status;
  return war;
}

Result<std::optional<ProvinceHistoryRow>> SaveReader::province_at(ProvinceId id, Tick tick) {
  std::optional<ProvinceHistoryRow> found;
  const std::string what = "read province " + std::to_string(id) + " at tick " +
                           std::to_string(tick) + " from " + path();
  const Status status = query(province_at_, kSelectProvinceAt.c_str(), what, [&](Statement& s) {
    s.bind_int64(1, id);
    s.bind_int64(2, tick);
    return read_first_row(s, [&](const Statement& row) {
      ProvinceHistoryRow h;
      (void)read_fields(row, h, 0, 1);  // integers only: cannot fail
      found = h;
    });
  });
  if (!status.ok()) return status;
  return found;
}

Result<std::vector<War>> SaveReader::wars_of(NationId nation) {
  std::vector<War> wars;
  const std::string what = "read wars of nation " + std::to_string(nation) + " from " + path();
  const Status status = query(wars_of_, kSelectWarsOf.c_str(), what, [&](Statement& s) {
    s.bind_int64(1, nation);
    return each_row(s, [&](const Statement& row) { wars.push_back(read_war(row)); });
  });
  if (!status.ok()) return status;
  return wars;
}

Result<Tick> SaveReader::last_tick() {
  Tick tick = -1;
  const Status status =
      query(last_tick_, kSelectLastTick, "read last tick from " + path(), [&](Statement& s) {
        return read_first_row(s, [&](const Statement& row) { tick = row.column_int64(0); });
      });
  if (!status.ok()) return status;
  return tick;
}

Result<std::optional<uint64_t>> SaveReader::tick_hash(Tick tick) {
  std::optional<uint64_t> hash;
  const std::string what = "read hash of tick " + std::to_string(tick) + " from " + path();
  const Status status = query(tick_hash_, kSelectTickHash, what, [&](Statement& s) {
    s.bind_int64(1, tick);
    return read_first_row(s, [&](const Statement& row) {
      const std::string hex = row.column_text(0);
      hash = hash_from_hex(hex);
      if (!hash) return Status::error("not 16 lowercase hex digits: '" + hex + "'");
      return Status();
    });
  });
  if (!status.ok()) return status;
  return hash;
}

Result<int64_t> SaveReader::count_events(const std::string& type) {
  std::optional<int64_t> count;
  const std::string what = "count events in " + path();
  Statement& slot = type.empty() ? count_all_ : count_type_;
  const Status status = query(slot, type.empty() ? kCountAll : kCountType, what, [&](Statement& s) {
    if (!type.empty()) s.bind_text(1, type);
    return read_first_row(s, [&](const Statement& row) { count = row.column_int64(0); });
  });
  if (!status.ok()) return status;
  if (!count) return Status::error(what + ": no row");
  return *count;
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
  std::vector<Event> events;
  size_t bytes = 0;
  const Status status = rows_between(
      slot, sql, std::string(table) + " of ticks", from, to, [&](const Statement& row) {
        if (events.size() >= kMaxEventsRead || bytes > kMaxEventBytesRead)
          return Status::error("damaged " + std::string(table) + ": more than " +
                               std::to_string(events.size()) + " events (" + std::to_string(bytes) +
                               " bytes) in these ticks, more than a game writes");
        Event e;
        (void)read_fields(row, e, 0, 1);  // integers and text: cannot fail
        // A save is untrusted: data nested 400,000 deep would overflow the
        // stack of whoever parses it (the gateway's I/O thread). Refused here,
        // once, for every reader; the error names the row.
        if (Status ok = check_json(e.data, kEventDataLimits); !ok.ok())
          return ok.with_context("damaged " + std::string(table) + " row at tick " +
                                 std::to_string(e.tick) + " (" + e.type.substr(0, 64) +
                                 "): event_data");
        bytes += e.type.size() + e.data.size();
        events.push_back(std::move(e));
        return Status();
      });
  if (!status.ok()) return status;
  return events;
}

Result<std::vector<Command>> SaveReader::commands_between(Tick from, Tick to) {
  std::vector<Command> commands;
  const Status status = rows_between(
      commands_, kSelectCommands, "commands of ticks", from, to, [&](const Statement& row) {
        Result<Command> c = command_from_event_data(row.column_text(1));
        if (!c.ok()) return c.status();
        c->tick = row.column_int64(0);
        commands.push_back(std::move(*c));
        return Status();
      });
  if (!status.ok()) return status;
  return commands;
}

Result<int64_t> SaveReader::last_command_seq() {
  int64_t seq = 0;
  const Status status = query(
      last_seq_, kSelectLastSeq, "read the last command number from " + path(), [&](Statement& s) {
        return read_first_row(s, [&](const Statement& row) { seq = row.column_int64(0); });
      });
  if (!status.ok()) return status;
  return seq;
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
  std::vector<std::pair<Tick, uint64_t>> out;
  const Status status =
      rows_between(hashes_, kSelectHashes, "tick hashes", from, to, [&](const Statement& row) {
        const std::string hex = row.column_text(1);
        const std::optional<uint64_t> hash = hash_from_hex(hex);
        if (!hash)
          return Status::error("tick " + std::to_string(row.column_int64(0)) + " has hash '" + hex +
                               "'");
        out.emplace_back(row.column_int64(0), *hash);
        return Status();
      });
  if (!status.ok()) return status;
  return out;
}

Result<std::vector<ProvinceHistoryRow>> SaveReader::history_between(Tick from, Tick to) {
  std::vector<ProvinceHistoryRow> out;
  const Status status = rows_between(history_, kSelectHistory.c_str(), "province history", from, to,
                                     [&](const Statement& row) {
                                       ProvinceHistoryRow h;
                                       (void)read_fields(row, h, 0, 1);  // integers only
                                       out.push_back(h);
                                     });
  if (!status.ok()) return status;
  return out;
}

Result<std::optional<WorldSnapshot>> SaveReader::snapshot_at_or_before(Tick tick,
                                                                       const WorldMapPtr& map) {
  std::optional<WorldSnapshot> found;
  const std::string what =
      "read the snapshot at or before tick " + std::to_string(tick) + " from " + path();
  const Status status = query(snapshot_, kSelectSnapshot, what, [&](Statement& s) {
    s.bind_int64(1, tick);
    return read_first_row(s, [&](const Statement& row) {
      const Tick at = row.column_int64(0);
      const std::string where = "snapshot of tick " + std::to_string(at);
      const std::optional<uint64_t> hash = hash_from_hex(row.column_text(1));
      if (!hash) return Status::error(where + " has a malformed hash");
      if (row.column_int64(2) != kSnapshotFormat)
        return Status::error(where + " has format " + std::to_string(row.column_int64(2)) +
                             ", this version reads format " + std::to_string(kSnapshotFormat));
      WorldSnapshot snap;
      snap.map = map;
      if (Status ok = decode_snapshot(row.column_blob(3), *map, snap); !ok.ok())
        return ok.with_context(where);
      if (snap.meta.tick != at)
        return Status::error(where + " holds tick " + std::to_string(snap.meta.tick));
      snap.meta.state_hash = full_state_hash(snap);
      if (snap.meta.state_hash != *hash)
        return Status::error(where + " does not match its recorded hash " + hash_to_hex(*hash));
      found = std::move(snap);
      return Status();
    });
  });
  if (!status.ok()) return status;
  return found;
}

Result<std::vector<Tick>> SaveReader::snapshot_ticks() {
  std::vector<Tick> out;
  const Status status = query(
      snapshot_ticks_, kSelectSnapshotTicks, "list snapshots in " + path(), [&](Statement& s) {
        return each_row(s, [&](const Statement& row) { out.push_back(row.column_int64(0)); });
      });
  if (!status.ok()) return status;
  return out;
}

}  // namespace hegemon
