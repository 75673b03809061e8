#include "persistence/save_file.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "persistence/hash_hex.h"
#include "persistence/migrate.h"
#include "persistence/row_codec.h"
#include "persistence/save_precheck.h"
#include "persistence/snapshot_codec.h"
#include "persistence/token_key.h"
#include "persistence/token_origin.h"
#include "persistence/world_reader.h"
#include "state/game_date.h"
#include "state/state_hash.h"

namespace hegemon {
namespace fs = std::filesystem;
namespace {

// Long enough to ride out a reader's checkpoint or a backup, short enough that
// a stuck lock becomes an error instead of a hang.
constexpr int kBusyTimeoutMs = 5000;

// ---- SQL of commit(); each statement is prepared once per SaveFile ----
// Provinces and nations exist from create_world() on, so a tick only UPDATEs
// their dynamic columns (and an UPDATE that matches no row is an error).
// Armies and wars come and go, so they are upserted; ON CONFLICT DO UPDATE
// rather than INSERT OR REPLACE keeps the row (and its `data`) in place.

constexpr const char kUpdateProvince[] =
    "UPDATE provinces SET owner_id = ?2, controller_id = ?3, development = ?4, unrest = ?5,"
    " siege_progress = ?6 WHERE id = ?1";
// The same for a province whose owner stays (ChangeSet::provinces_same_owner):
// leaving owner_id out of SET keeps SQLite from deleting and reinserting the
// row's idx_provinces_owner entry. Same parameters; ?2 is bound but unused.
constexpr const char kUpdateProvinceSameOwner[] =
    "UPDATE provinces SET controller_id = ?3, development = ?4, unrest = ?5,"
    " siege_progress = ?6 WHERE id = ?1";
constexpr const char kUpdateNation[] =
    "UPDATE nations SET alive = ?2, capital_id = ?3, treasury = ?4, stability = ?5,"
    " manpower = ?6, tax_level = ?7, war_id = ?8, last_peace_tick = ?9, player = ?10 WHERE id = ?1";
constexpr const char kUpsertArmy[] =
    "INSERT INTO armies (id, nation_id, province_id, strength, morale, move_progress, path)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (id) DO UPDATE SET nation_id = excluded.nation_id,"
    " province_id = excluded.province_id, strength = excluded.strength,"
    " morale = excluded.morale, move_progress = excluded.move_progress, path = excluded.path";
// An army that existed before the tick and keeps its owner
// (ChangeSet::armies_same_owner): a plain UPDATE, which neither tries an
// INSERT first nor touches idx_armies_nation. Same parameters as kUpsertArmy.
constexpr const char kUpdateArmySameOwner[] =
    "UPDATE armies SET province_id = ?3, strength = ?4, morale = ?5, move_progress = ?6,"
    " path = ?7 WHERE id = ?1";
constexpr const char kDeleteArmy[] = "DELETE FROM armies WHERE id = ?1";
constexpr const char kUpsertWar[] =
    "INSERT INTO wars (id, attacker_id, defender_id, start_tick, end_tick, war_score,"
    " battle_score, peace_offer_by, peace_offer_winner, peace_offer_tick)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    " ON CONFLICT (id) DO UPDATE SET attacker_id = excluded.attacker_id,"
    " defender_id = excluded.defender_id, start_tick = excluded.start_tick,"
    " end_tick = excluded.end_tick, war_score = excluded.war_score,"
    " battle_score = excluded.battle_score, peace_offer_by = excluded.peace_offer_by,"
    " peace_offer_winner = excluded.peace_offer_winner,"
    " peace_offer_tick = excluded.peace_offer_tick";
constexpr const char kInsertEvent[] =
    "INSERT INTO event_log (tick, event_type, event_data) VALUES (?1, ?2, ?3)";
constexpr const char kInsertHistory[] =
    "INSERT INTO province_history (tick, province_id, owner_id, controller_id, development)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char kInsertTick[] =
    "INSERT INTO ticks (tick, date, state_hash) VALUES (?1, ?2, ?3)";
constexpr const char kInsertSnapshot[] =
    "INSERT OR REPLACE INTO snapshots (tick, state_hash, format, data) VALUES (?1, ?2, ?3, ?4)";
constexpr const char kUpdateGame[] =
    "UPDATE game SET tick = ?1, date = ?2, state_hash = ?3, next_army_id = ?4,"
    " next_war_id = ?5, updated_at = unixepoch() WHERE id = 1";

// ---- SQL used once per world ----
constexpr const char kInsertProvince[] =
    "INSERT INTO provinces (id, name, terrain, x, y, owner_id, controller_id, development,"
    " unrest, siege_progress) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr const char kInsertAdjacency[] =
    "INSERT INTO adjacency (province_id, neighbor_id) VALUES (?1, ?2)";
constexpr const char kInsertNation[] =
    "INSERT INTO nations (id, name, color, aggression, alive, capital_id, treasury, stability,"
    " manpower, tax_level, war_id, last_peace_tick, player)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
constexpr const char kInsertGame[] =
    "INSERT INTO game (id, tick, date, seed, params, state_hash, next_army_id, next_war_id,"
    " save_id) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, lower(hex(randomblob(16))))";

// ---- binders shared by create_world() and commit() ----

Status write_province_dynamic(Statement& s, const Province& p) {
  s.bind_int64(1, p.id);
  bind_id(s, 2, p.owner);
  bind_id(s, 3, p.controller);
  s.bind_int64(4, p.development);
  s.bind_int64(5, p.unrest);
  s.bind_int64(6, p.siege_progress);
  return s.run();
}

Status write_army(Statement& s, const Army& a) {
  s.bind_int64(1, a.id);
  bind_id(s, 2, a.owner);
  s.bind_int64(3, a.location);
  s.bind_int64(4, a.strength);
  s.bind_int64(5, a.morale);
  s.bind_int64(6, a.move_progress);
  s.bind_text(7, path_to_json(a.path));
  return s.run();
}

Status write_war(Statement& s, const War& w) {
  s.bind_int64(1, w.id);
  bind_id(s, 2, w.attacker);
  bind_id(s, 3, w.defender);
  s.bind_int64(4, w.start_tick);
  bind_tick(s, 5, w.end_tick);
  s.bind_int64(6, w.war_score);
  s.bind_int64(7, w.battle_score);
  bind_id(s, 8, w.peace_offer_by);
  bind_id(s, 9, w.has_peace_offer() ? w.peace_offer_winner : kNoNation);
  bind_tick(s, 10, w.has_peace_offer() ? w.peace_offer_tick : -1);
  return s.run();
}

Status write_history(Statement& s, const ProvinceHistoryRow& h) {
  s.bind_int64(1, h.tick);
  s.bind_int64(2, h.province);
  bind_id(s, 3, h.owner);
  bind_id(s, 4, h.controller);
  s.bind_int64(5, h.development);
  return s.run();
}

Status write_tick(Statement& s, Tick tick, const std::string& date, uint64_t hash) {
  s.bind_int64(1, tick);
  s.bind_text(2, date);
  s.bind_text(3, hash_to_hex(hash));
  return s.run();
}

Status write_snapshot(Statement& s, const WorldSnapshot& world, uint64_t hash) {
  s.bind_int64(1, world.meta.tick);
  s.bind_text(2, hash_to_hex(hash));
  s.bind_int64(3, kSnapshotFormat);
  s.bind_blob(4, encode_snapshot(world));
  return s.run();
}

Status fail(const std::string& what, const std::string& message) {
  return Status::error(what + ": " + message);
}

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

fs::path directory_of(const std::string& path) {
  fs::path dir = fs::path(path).parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

// Opens the write connection: read-write, in `options.vfs`, with the busy
// timeout. Shared by open() and reconnect().
Result<Database> connect(const std::string& path, const SaveOptions& options, bool create) {
  const std::string what = "open " + path;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  Result<Database> db = Database::open(path, flags, options.vfs);
  if (!db.ok()) return db.status();
  // SQLite silently falls back to read-only for a write-protected file; every
  // commit would then fail with a less helpful message.
  if (sqlite3_db_readonly(db->handle(), "main") == 1) return fail(what, "the file is read-only");
  // Before the first statement parses the schema (sqlite.h says why): open()
  // checked it on a read-only connection first, and migrate() and reconnect()
  // check it again before anything is written.
  Status status = db->trust_schema();
  if (!status.ok()) return status.with_context(what);
  status = db->set_busy_timeout(kBusyTimeoutMs);
  if (!status.ok()) return status.with_context(what);
  // The writer runs only Hegemon's own SQL, on a schema checked before this
  // connection was opened: its cost follows the save's size, and a rollback
  // of a big save may take longer than a read should (connection_guard.h).
  db->set_step_time_limit(std::chrono::milliseconds(0));
  return db;
}

// The per-connection settings of the writer. After migrate(): on a foreign or
// newer file they would already be modifications.
Status configure(Database& db, const SaveOptions& options) {
  const std::string what = "open " + db.path();
  // WAL: readers see the last committed tick while the writer writes the next.
  Result<std::string> mode = db.query_text("PRAGMA journal_mode = WAL");
  if (!mode.ok()) return mode.status().with_context(what);
  if (*mode != "wal") return fail(what, "cannot use WAL mode (journal_mode is " + *mode + ")");
  // Foreign keys stay off: the schema declares none, and per-row checks would
  // only slow commits down; consistency is guarded by the state hash.
  Status status = db.exec(std::string("PRAGMA synchronous = ") +
                          (options.synchronous == Synchronous::full ? "FULL" : "NORMAL") +
                          "; PRAGMA foreign_keys = OFF");
  return status.with_context(what);
}

// Flushes a directory entry (a rename) to disk; best effort, as the rename
// itself already happened.
void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

// Checks that a snapshot describes its map exactly: the save stores static
// and dynamic columns in the same rows, so they must pair up one to one.
Status check_snapshot(const WorldSnapshot& world) {
  if (!world.map) return Status::error("the snapshot has no map");
  const WorldMap& map = *world.map;
  if (world.provinces.size() != static_cast<size_t>(map.province_count())) {
    return Status::error("the snapshot has " + std::to_string(world.provinces.size()) +
                         " provinces but its map has " + std::to_string(map.province_count()));
  }
  if (world.nations.size() != static_cast<size_t>(map.nation_count())) {
    return Status::error("the snapshot has " + std::to_string(world.nations.size()) +
                         " nations but its map has " + std::to_string(map.nation_count()));
  }
  for (size_t i = 0; i < world.provinces.size(); ++i) {
    if (world.provinces[i].id != static_cast<ProvinceId>(i + 1)) {
      return Status::error("snapshot provinces are not sorted ids 1..N (id " +
                           std::to_string(world.provinces[i].id) + " at position " +
                           std::to_string(i) + ")");
    }
  }
  for (size_t i = 0; i < world.nations.size(); ++i) {
    if (world.nations[i].id != static_cast<NationId>(i + 1)) {
      return Status::error("snapshot nations are not sorted ids 1..N (id " +
                           std::to_string(world.nations[i].id) + " at position " +
                           std::to_string(i) + ")");
    }
  }
  for (const ProvinceInfo& info : map.provinces()) {
    for (ProvinceId n : info.neighbors) {
      if (!map.adjacent(n, info.id)) {
        return Status::error("adjacency is not symmetric: province " + std::to_string(info.id) +
                             " lists " + std::to_string(n) + " but not the reverse");
      }
    }
  }
  for (size_t i = 1; i < world.armies.size(); ++i) {
    if (world.armies[i].id <= world.armies[i - 1].id) {
      return Status::error("snapshot armies are not sorted by unique id (army " +
                           std::to_string(world.armies[i].id) + ")");
    }
  }
  for (size_t i = 0; i < world.wars.size(); ++i) {
    if (!world.wars[i].active()) {
      return Status::error("snapshot holds ended war " + std::to_string(world.wars[i].id) +
                           "; a snapshot holds active wars only");
    }
    if (i > 0 && world.wars[i].id <= world.wars[i - 1].id) {
      return Status::error("snapshot wars are not sorted by unique id (war " +
                           std::to_string(world.wars[i].id) + ")");
    }
  }
  if (world.meta.tick < 0) return Status::error("the snapshot's tick is negative");
  return Status();
}

}  // namespace

// ---- open ----

SaveFile::SaveFile(Database db, SaveOptions options)
    : db_(std::move(db)), options_(std::move(options)) {}
SaveFile::~SaveFile() = default;

Result<std::unique_ptr<SaveFile>> SaveFile::open(const std::string& path,
                                                 const SaveOptions& options) {
  const std::string what = "open " + path;
  // SQLite would say "unable to open database file" for all of these.
  std::error_code ec;
  const fs::path dir = directory_of(path);
  if (!fs::is_directory(dir, ec)) {
    return fail(what, "directory " + dir.string() + " does not exist");
  }
  const bool exists = fs::exists(path, ec);
  if (exists && fs::is_directory(path, ec)) return fail(what, "is a directory");
  if (!exists && !options.create_if_missing) return fail(what, "no such file");
  // A WAL-mode save needs its directory writable even when the file exists:
  // SQLite creates PATH-wal and PATH-shm next to it (and would only say
  // "unable to open database file" at the first statement).
  if (::faccessat(AT_FDCWD, dir.c_str(), W_OK | X_OK, AT_EACCESS) != 0) {
    return Status::io_error(what + ": directory " + dir.string() + " is not writable (" +
                            errno_text(errno) + "); the save and its -wal and -shm files live there");
  }

  // The host's key first: without it no token can be checked, and nothing
  // about the save has been touched yet.
  Result<std::string> key_path = options.token_key_path.empty()
                                     ? default_token_key_path()
                                     : Result<std::string>(options.token_key_path);
  if (!key_path.ok()) return key_path.status().with_context(what);
  Result<TokenKey> key = load_or_create_token_key(*key_path);
  if (!key.ok()) return key.status().with_context(what);

  Result<SaveLock> lock = SaveLock::acquire(path);  // one writing process per save
  if (!lock.ok()) return lock.status();

  if (exists) {
    // Read-only first: a read-write connection would recover (and on close
    // checkpoint) a -wal lying next to a file that is then refused.
    Status checked = precheck_for_writing(path, options.vfs);
    if (!checked.ok()) return checked;
  }

  Result<Database> db = connect(path, options, options.create_if_missing);
  if (!db.ok()) return db.status();

  // Migrate before anything else writes: migrate() refuses foreign and newer
  // files before writing, and the PRAGMAs below would modify them. An older
  // save is migrated in one transaction that commits only if its world then
  // loads, so a save refused for its content is left unmigrated.
  Status status = migrate(*db, [](const Database& migrated) { return check_world_loads(migrated); });
  if (!status.ok()) return status;
  // Before configure(): a new save records its seal with its schema, in
  // the same journal mode, so a WAL that cannot be written fails at the
  // world, not here.
  Result<int64_t> dropped = authenticate_tokens(*db, *key);
  if (!dropped.ok()) return dropped.status();
  status = configure(*db, options);
  if (!status.ok()) return status;

  std::unique_ptr<SaveFile> save(new SaveFile(std::move(*db), options));
  save->lock_ = std::move(*lock);
  save->token_key_ = *key;
  save->foreign_tokens_dropped_ = *dropped;
  status = save->read_game_row();
  if (!status.ok()) return status.with_context(what);
  status = save->prepare_commit_statements();
  if (!status.ok()) return status.with_context(what);
  return save;
}

// ---- I/O faults ----

Status SaveFile::ensure_ready() {
  Status status = restore_if_moved();
  if (!status.ok()) return status;
  // SAVE.lock removed under us (taken for a stale lock): put it back before
  // another process takes the path with a new one; if one already has, stop
  // writing (one stat per write, as the check above).
  if (status = lock_.reassert(); !status.ok()) {
    return Status::io_error("write " + path() + ": its lock file was removed: " + status.message());
  }
  return stale_ ? reconnect() : Status();
}

Status SaveFile::finish_write(Status outcome) {
  if (!outcome.ok()) {
    if (outcome.is_io_error()) stale_ = true;
    return outcome;
  }
  return restore_if_moved();
}

Status SaveFile::reconnect() {
  const std::string what = "reopen";  // the errors below name the file
  Result<Database> db = connect(path(), options_, false);
  if (!db.ok()) return db.status().with_context(what);
  Status status = check_schema_current(*db);
  if (!status.ok()) return status.with_context(what);
  status = configure(*db, options_);
  if (!status.ok()) return status.with_context(what);
  stmts_ = CommitStatements();  // finalized on the old connection before it closes
  db_ = std::move(*db);
  stale_ = true;  // until the new connection is fully set up
  written_back_ = false;
  status = read_game_row();
  if (status.ok()) status = prepare_commit_statements();
  if (!status.ok()) return status.with_context(what);
  stale_ = false;
  return Status();
}

Status SaveFile::restore_if_moved() {
  if (written_back_) return Status();  // path() holds our copy already; reconnect() follows
  int moved = 0;
  const int rc = sqlite3_file_control(db_.handle(), "main", SQLITE_FCNTL_HAS_MOVED, &moved);
  if (rc == SQLITE_NOTFOUND) return Status();  // a VFS that cannot tell
  if (rc != SQLITE_OK) {
    return sqlite_error(db_.handle(), rc, "check that " + path() + " is still in place");
  }
  if (moved == 0) return Status();

  const std::string what = "the save " + path() + " was deleted or moved while open";
  std::error_code ec;
  const fs::path dir = directory_of(path());
  if (fs::exists(fs::symlink_status(path(), ec))) {
    // Perhaps an operator's restored backup: never overwrite it.
    return Status::io_error(what + ", and another file is at its path now; not overwriting "
                            "it: move that file away and the save is written back there");
  }
  if (!fs::is_directory(dir, ec)) {
    return Status::io_error(what + "; cannot write it back: directory " + dir.string() +
                            " does not exist");
  }
  // The lock file may have gone with the save: the path is ours to write to
  // only while we hold the lock there.
  if (Status locked = lock_.reassert(); !locked.ok()) {
    return Status::io_error(what + "; not writing it back: " + locked.message());
  }
  // A consistent copy from the open connection (the file it reads has no name
  // any more, but is intact), synced by the backup's own transaction.
  const std::string temp = path() + ".restore";
  fs::remove(temp, ec);
  fs::remove(temp + "-journal", ec);
  Status status = backup_to(temp);
  if (!status.ok()) {
    fs::remove(temp, ec);
    return Status::io_error(what + "; cannot write it back: " + status.message());
  }
  // A -wal or -shm left by name (only the .db was deleted) belongs to the
  // vanished file and must never meet the copy; the open connection keeps its
  // own handles on them.
  for (const char* suffix : {"-wal", "-shm"}) {
    if (!fs::remove(path() + suffix, ec) && ec) {
      fs::remove(temp, ec);
      return Status::io_error(what + "; cannot remove its stale " + suffix + " file: " +
                              ec.message());
    }
  }
  fs::rename(temp, path(), ec);
  if (ec) {
    const std::string reason = ec.message();
    fs::remove(temp, ec);
    return Status::io_error(what + "; cannot write it back: rename " + temp + ": " + reason);
  }
  sync_directory(dir);
  // From here on path() holds the save: the old connection must never write
  // again, and a failed reopen is retried by the next operation.
  written_back_ = true;
  stale_ = true;
  const Tick tick = last_tick_;
  status = reconnect();
  if (!status.ok()) return status.with_context(what + "; written back to its path, but");
  if (last_tick_ != tick) {
    return Status::error(what + "; written back to its path, but the copy is at tick " +
                         std::to_string(last_tick_) + ", not " + std::to_string(tick));
  }
  ++restores_;
  last_restore_ = what + "; written back to its path from the open connection, at tick " +
                  std::to_string(tick);
  return Status();
}

Status SaveFile::read_game_row() {
  Result<Statement> stmt = db_.prepare("SELECT tick FROM game WHERE id = 1");
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->step();
  if (!row.ok()) return row.status().with_context("read game row");
  has_world_ = *row;
  last_tick_ = has_world_ ? stmt->column_int64(0) : -1;
  return Status();
}

Status SaveFile::prepare_commit_statements() {
  const std::pair<Statement*, const char*> all[] = {
      {&stmts_.update_province, kUpdateProvince},
      {&stmts_.update_province_same_owner, kUpdateProvinceSameOwner},
      {&stmts_.update_nation, kUpdateNation},
      {&stmts_.upsert_army, kUpsertArmy},
      {&stmts_.update_army_same_owner, kUpdateArmySameOwner},
      {&stmts_.delete_army, kDeleteArmy},
      {&stmts_.upsert_war, kUpsertWar},           {&stmts_.insert_event, kInsertEvent},
      {&stmts_.insert_history, kInsertHistory},   {&stmts_.insert_tick, kInsertTick},
      {&stmts_.update_game, kUpdateGame},         {&stmts_.insert_snapshot, kInsertSnapshot},
  };
  for (const auto& [slot, sql] : all) {
    Result<Statement> stmt = db_.prepare(sql);
    if (!stmt.ok()) return stmt.status();
    *slot = std::move(*stmt);
  }
  return Status();
}

// ---- create_world ----

Status SaveFile::create_world(const WorldSnapshot& world) {
  const std::string what = "create world in " + path();
  if (has_world_) {
    return fail(what,
                "the save already holds a world (at tick " + std::to_string(last_tick_) + ")");
  }
  Status status = check_snapshot(world);
  if (!status.ok()) return status.with_context(what);
  const WorldMap& map = *world.map;
  const uint64_t hash = full_state_hash(world);
  const std::string date = date_of_tick(world.meta.tick).to_string();

  Result<Statement> insert_province = db_.prepare(kInsertProvince);
  if (!insert_province.ok()) return insert_province.status().with_context(what);
  Result<Statement> insert_adjacency = db_.prepare(kInsertAdjacency);
  if (!insert_adjacency.ok()) return insert_adjacency.status().with_context(what);
  Result<Statement> insert_nation = db_.prepare(kInsertNation);
  if (!insert_nation.ok()) return insert_nation.status().with_context(what);
  Result<Statement> insert_game = db_.prepare(kInsertGame);
  if (!insert_game.ok()) return insert_game.status().with_context(what);

  Result<Transaction> txn = Transaction::begin(db_);
  if (!txn.ok()) return txn.status().with_context(what);

  for (const Province& p : world.provinces) {
    const ProvinceInfo& info = map.province(p.id);
    Statement& s = *insert_province;
    s.bind_int64(1, p.id);
    s.bind_text(2, info.name);
    s.bind_text(3, terrain_name(info.terrain));
    s.bind_int64(4, info.x);
    s.bind_int64(5, info.y);
    bind_id(s, 6, p.owner);
    bind_id(s, 7, p.controller);
    s.bind_int64(8, p.development);
    s.bind_int64(9, p.unrest);
    s.bind_int64(10, p.siege_progress);
    status = s.run();
    if (!status.ok()) {
      return status.with_context(what + ": insert province " + std::to_string(p.id));
    }
    for (ProvinceId n : info.neighbors) {
      insert_adjacency->bind_int64(1, p.id);
      insert_adjacency->bind_int64(2, n);
      status = insert_adjacency->run();
      if (!status.ok()) {
        return status.with_context(what + ": insert adjacency " + std::to_string(p.id) + "-" +
                                   std::to_string(n));
      }
    }
    status = write_history(stmts_.insert_history,
                           {world.meta.tick, p.id, p.owner, p.controller, p.development});
    if (!status.ok()) {
      return status.with_context(what + ": insert history of province " + std::to_string(p.id));
    }
  }
  for (const Nation& n : world.nations) {
    const NationInfo& info = map.nation(n.id);
    Statement& s = *insert_nation;
    s.bind_int64(1, n.id);
    s.bind_text(2, info.name);
    s.bind_text(3, color_to_hex(info.color));
    s.bind_int64(4, info.aggression);
    s.bind_int64(5, n.alive ? 1 : 0);
    bind_id(s, 6, n.capital);
    s.bind_int64(7, n.treasury);
    s.bind_int64(8, n.stability);
    s.bind_int64(9, n.manpower);
    s.bind_int64(10, n.tax_level);
    bind_id(s, 11, n.war);
    bind_tick(s, 12, n.last_peace_tick);
    s.bind_int64(13, n.player ? 1 : 0);
    status = s.run();
    if (!status.ok()) return status.with_context(what + ": insert nation " + std::to_string(n.id));
  }
  for (const Army& a : world.armies) {
    status = write_army(stmts_.upsert_army, a);
    if (!status.ok()) return status.with_context(what + ": insert army " + std::to_string(a.id));
  }
  for (const War& w : world.wars) {
    status = write_war(stmts_.upsert_war, w);
    if (!status.ok()) return status.with_context(what + ": insert war " + std::to_string(w.id));
  }
  {
    Statement& s = *insert_game;
    s.bind_int64(1, world.meta.tick);
    s.bind_text(2, date);
    // The seed is a uint64; SQLite integers are int64, so it is stored as the
    // same 64 bits read as signed (params holds it unsigned).
    s.bind_int64(3, static_cast<int64_t>(map.params().seed));
    s.bind_text(4, params_to_json(map.params()));
    s.bind_text(5, hash_to_hex(hash));
    s.bind_int64(6, world.meta.next_army_id);
    s.bind_int64(7, world.meta.next_war_id);
    status = s.run();
    if (!status.ok()) return status.with_context(what + ": insert game row");
  }
  status = write_tick(stmts_.insert_tick, world.meta.tick, date, hash);
  if (!status.ok()) return status.with_context(what + ": insert ticks row");
  // The starting world itself, so a replay never depends on regenerating it.
  status = write_snapshot(stmts_.insert_snapshot, world, hash);
  if (!status.ok()) return status.with_context(what + ": insert snapshot");
  // The seal covers the game row, which exists from now on.
  status = seal_tokens(db_, token_key_);
  if (!status.ok()) return status.with_context(what);

  status = txn->commit();
  if (!status.ok()) return status.with_context(what);
  has_world_ = true;
  last_tick_ = world.meta.tick;
  return Status();
}

// ---- load_world ----

Result<WorldSnapshot> SaveFile::load_world() const {
  return read_world(db_, "load world from " + path());
}

// ---- commit ----

Result<CommitOutcome> SaveFile::commit(const ChangeSet& cs) {
  return commit(std::vector<const ChangeSet*>{&cs});
}

Result<CommitOutcome> SaveFile::commit(const std::vector<const ChangeSet*>& ticks) {
  if (ticks.empty()) return CommitOutcome::already_committed;
  const Tick first = ticks.front()->tick(), last = ticks.back()->tick();
  const std::string what = first == last ? "commit tick " + std::to_string(first)
                                         : "commit ticks " + std::to_string(first) + ".." +
                                               std::to_string(last);
  if (!has_world_) return fail(what, "the save holds no world");
  // First: a resend after a fault finds a vanished file written back (and a
  // fresh connection) before it is told its tick is already committed.
  Status status = ensure_ready();
  if (!status.ok()) return status.with_context(what);
  std::vector<const ChangeSet*> fresh;
  for (const ChangeSet* cs : ticks) {
    const Tick expected = fresh.empty() ? last_tick_ + 1 : fresh.back()->tick() + 1;
    if (cs->tick() < expected) continue;  // committed before, or twice in the group
    if (cs->tick() != expected) {
      return fail(what, "the save is at tick " + std::to_string(last_tick_) + ", so ticks " +
                            std::to_string(expected) + ".." + std::to_string(cs->tick() - 1) +
                            " would be missing");
    }
    fresh.push_back(cs);
  }
  if (fresh.empty()) return CommitOutcome::already_committed;
  status = commit_transaction(fresh);
  if (!status.ok()) {
    if (status.is_io_error()) stale_ = true;
    return status.with_context(what);
  }
  last_tick_ = fresh.back()->tick();
  // The ticks are committed, but perhaps to a file deleted meanwhile: then it
  // is written back now, or this fails and the next attempt tries again.
  status = restore_if_moved();
  if (!status.ok()) return status.with_context(what + " (committed to the open file only)");
  return CommitOutcome::committed;
}

// BEGIN ... COMMIT of one or more whole ticks; on any error (or exception
// from the hook) ~Transaction rolls back, unless SQLite already did (I/O
// errors, full disk).
Status SaveFile::commit_transaction(const std::vector<const ChangeSet*>& ticks) {
  Result<Transaction> txn = Transaction::begin(db_);
  if (!txn.ok()) return txn.status();
  for (const ChangeSet* cs : ticks) {
    Status status = write_changes(*cs);
    if (!status.ok()) {
      return ticks.size() == 1 ? status
                               : status.with_context("tick " + std::to_string(cs->tick()));
    }
    if (commit_hook_) commit_hook_(*cs);  // may throw
  }
  return txn->commit();
}

Status SaveFile::insert_event(const Event& e) {
  Statement& s = stmts_.insert_event;
  s.bind_int64(1, e.tick);
  s.bind_text(2, e.type);
  s.bind_text(3, e.data);
  const Status status = s.run();
  return status.with_context("insert event '" + e.type + "'");
}

Result<int64_t> SaveFile::issue_token(const std::string& role, NationId nation,
                                      const std::string& hash) {
  Status status = ensure_ready();
  if (!status.ok()) return status;
  Result<int64_t> id = Status::error("unset");
  {
    // The token and the seal that covers it, together or not at all.
    Result<Transaction> txn = Transaction::begin(db_);
    if (!txn.ok()) return finish_write(txn.status().with_context("issue " + role + " token"));
    id = insert_token(db_, role, nation, hash);
    status = id.status();
    if (status.ok()) status = seal_tokens(db_, token_key_);
    if (status.ok()) status = txn->commit();
  }
  status = finish_write(status);
  if (!status.ok()) return status;
  return id;
}

Status SaveFile::revoke_token(int64_t id) {
  Status status = ensure_ready();
  if (!status.ok()) return status;
  {
    Result<Transaction> txn = Transaction::begin(db_);
    if (!txn.ok()) return finish_write(txn.status().with_context("revoke token"));
    status = hegemon::revoke_token(db_, id);
    if (status.ok()) status = seal_tokens(db_, token_key_);
    if (status.ok()) status = txn->commit();
  }
  return finish_write(status);
}

Result<std::vector<TokenRecord>> SaveFile::tokens() const { return list_tokens(db_); }

Result<bool> SaveFile::has_admin_token() const { return hegemon::has_admin_token(db_); }

Status SaveFile::log_incident(const Event& e) {
  if (!has_world_) return Status::error("log event '" + e.type + "': the save holds no world");
  Status status = ensure_ready();
  if (!status.ok()) return status.with_context("log event '" + e.type + "'");
  return finish_write(insert_event(e));  // autocommit: its own transaction
}

// Writes every row of `cs` inside the caller's transaction. Error messages
// name the row; the caller prefixes the tick.
Status SaveFile::write_entities(const std::vector<Province>& provinces,
                                const std::vector<Nation>& nations,
                                const std::vector<Army>& armies, const std::vector<War>& wars,
                                const SameOwner& same_owner) {
  auto kept = [](const std::vector<int32_t>& ids, int32_t id) {
    return std::binary_search(ids.begin(), ids.end(), id);
  };
  Status status;
  for (const Province& p : provinces) {
    status = write_province_dynamic(kept(same_owner.provinces, p.id)
                                        ? stmts_.update_province_same_owner
                                        : stmts_.update_province,
                                    p);
    if (status.ok() && db_.changes() != 1) status = Status::error("no such province in the save");
    if (!status.ok()) return status.with_context("update province " + std::to_string(p.id));
  }
  for (const Nation& n : nations) {
    Statement& s = stmts_.update_nation;
    s.bind_int64(1, n.id);
    s.bind_int64(2, n.alive ? 1 : 0);
    bind_id(s, 3, n.capital);
    s.bind_int64(4, n.treasury);
    s.bind_int64(5, n.stability);
    s.bind_int64(6, n.manpower);
    s.bind_int64(7, n.tax_level);
    bind_id(s, 8, n.war);
    bind_tick(s, 9, n.last_peace_tick);
    s.bind_int64(10, n.player ? 1 : 0);
    status = s.run();
    if (status.ok() && db_.changes() != 1) status = Status::error("no such nation in the save");
    if (!status.ok()) return status.with_context("update nation " + std::to_string(n.id));
  }
  for (const Army& a : armies) {
    if (kept(same_owner.armies, a.id)) {
      status = write_army(stmts_.update_army_same_owner, a);
      if (status.ok() && db_.changes() != 1) status = Status::error("no such army in the save");
      if (!status.ok()) return status.with_context("update army " + std::to_string(a.id));
    } else {
      status = write_army(stmts_.upsert_army, a);
      if (!status.ok()) return status.with_context("upsert army " + std::to_string(a.id));
    }
  }
  for (const War& w : wars) {
    status = write_war(stmts_.upsert_war, w);
    if (!status.ok()) return status.with_context("upsert war " + std::to_string(w.id));
  }
  return Status();
}

Status SaveFile::write_game_row(const GameMeta& meta, const std::string& date) {
  Statement& s = stmts_.update_game;
  s.bind_int64(1, meta.tick);
  s.bind_text(2, date);
  s.bind_text(3, hash_to_hex(meta.state_hash));
  s.bind_int64(4, meta.next_army_id);
  s.bind_int64(5, meta.next_war_id);
  Status status = s.run();
  if (status.ok() && db_.changes() != 1) status = Status::error("no game row");
  return status.with_context("update game row");
}

Status SaveFile::write_changes(const ChangeSet& cs) {
  Status status = write_entities(cs.provinces, cs.nations, cs.armies, cs.wars,
                                 {cs.provinces_same_owner, cs.armies_same_owner});
  if (!status.ok()) return status;
  // An army created and removed within the tick was never written: deleting
  // nothing is fine.
  for (ArmyId id : cs.removed_armies) {
    stmts_.delete_army.bind_int64(1, id);
    status = stmts_.delete_army.run();
    if (!status.ok()) return status.with_context("delete army " + std::to_string(id));
  }
  for (const Event& e : cs.events) {
    if (e.tick != cs.tick()) {
      return Status::error("event '" + e.type + "' belongs to tick " + std::to_string(e.tick));
    }
    status = insert_event(e);
    if (!status.ok()) return status;
  }
  for (const ProvinceHistoryRow& h : cs.history) {
    if (h.tick != cs.tick()) {
      return Status::error("history row of province " + std::to_string(h.province) +
                           " belongs to tick " + std::to_string(h.tick));
    }
    status = write_history(stmts_.insert_history, h);
    if (!status.ok()) {
      return status.with_context("insert history of province " + std::to_string(h.province));
    }
  }
  if (cs.snapshot) {
    status = write_snapshot(stmts_.insert_snapshot, *cs.snapshot, cs.meta.state_hash);
    if (!status.ok()) return status.with_context("insert snapshot");
  }
  status = write_tick(stmts_.insert_tick, cs.tick(), cs.date, cs.meta.state_hash);
  if (!status.ok()) return status.with_context("insert ticks row");
  return write_game_row(cs.meta, cs.date);
}

// ---- rollback ----

Status SaveFile::rollback_to(const WorldSnapshot& state) {
  const Tick tick = state.meta.tick;
  const std::string what = "roll " + path() + " back to tick " + std::to_string(tick);
  if (!has_world_) return fail(what, "the save holds no world");
  if (tick > last_tick_ || tick < 0)
    return fail(what, "the save is at tick " + std::to_string(last_tick_));
  if (Status ready = ensure_ready(); !ready.ok()) return ready.with_context(what);
  Result<Transaction> txn = Transaction::begin(db_);
  if (!txn.ok()) return txn.status().with_context(what);
  // Everything recorded after the tick goes; the armies table is rebuilt
  // whole (armies come and go), wars declared after the tick go, and every
  // other row is rewritten to its value at the tick.
  const std::string after = " WHERE tick > " + std::to_string(tick);
  const std::string next_war = std::to_string(state.meta.next_war_id);
  for (const std::string& sql :
       {"DELETE FROM ticks" + after, "DELETE FROM event_log" + after,
        "DELETE FROM province_history" + after, "DELETE FROM snapshots" + after,
        std::string("DELETE FROM armies"), "DELETE FROM wars WHERE id >= " + next_war}) {
    Result<Statement> s = db_.prepare(sql);
    Status status = s.ok() ? s->run() : s.status();
    if (!status.ok()) return status.with_context(what + ": " + sql);
  }
  const std::vector<int32_t> none;  // every row written in full
  Status status =
      write_entities(state.provinces, state.nations, state.armies, state.wars, {none, none});
  if (status.ok()) status = write_game_row(state.meta, date_of_tick(tick).to_string());
  if (!status.ok()) return status.with_context(what);
  // Before committing: the tables must now hold exactly `state` (they hash
  // to its hash); else nothing is committed and the save stays as it was.
  auto written = read_world(db_, what + ": check");
  if (!written) return written.status();
  if (written->meta.tick != tick || full_state_hash(*written) != state.meta.state_hash)
    return fail(what, "the rewritten tables do not hash to the state of tick " + std::to_string(tick));
  status = txn->commit();
  if (!status.ok()) return finish_write(status.with_context(what));
  last_tick_ = tick;
  return finish_write(Status());
}

// ---- maintenance ----

Status SaveFile::checkpoint() {
  // Before and after: a checkpoint of a vanished file would only tidy up a
  // file nobody will ever open again.
  if (Status ready = ensure_ready(); !ready.ok()) return ready.with_context("checkpoint " + path());
  int wal_frames = 0;
  int checkpointed = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                           &wal_frames, &checkpointed);
  // SQLITE_BUSY: a reader kept old frames alive past the busy timeout; SQLite
  // then checkpointed what it could, as PASSIVE would. Not an error (see .h).
  if (rc == SQLITE_OK || rc == SQLITE_BUSY) return finish_write(Status());
  return finish_write(sqlite_error(db_.handle(), rc, "checkpoint " + path() + ": " + db_.errmsg()));
}

namespace {
struct BackupFinisher {
  void operator()(sqlite3_backup* b) const { sqlite3_backup_finish(b); }
};
}  // namespace

Status SaveFile::backup_to(const std::string& dest_path) {
  const std::string what = "back up " + path() + " to " + dest_path;
  std::error_code ec;
  if (fs::exists(dest_path, ec)) {
    if (fs::equivalent(dest_path, path(), ec)) return fail(what, "that is the live save itself");
  }
  // Nor a save another process is writing (a server's, for "save as").
  Result<SaveLock> dest_lock = SaveLock::acquire(dest_path);
  if (!dest_lock.ok()) return dest_lock.status().with_context(what);
  // Never clobber something that is not ours: the destination must be new,
  // empty, or an earlier Hegemon save (typically an older backup).
  Result<Database> dest =
      Database::open(dest_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, options_.vfs);
  if (!dest.ok()) return dest.status().with_context("back up " + path());
  // An earlier backup has Hegemon's schema, which a read-write connection can
  // only parse trusted (sqlite.h); the backup then replaces every page of it
  // without running anything.
  Status trusted = dest->trust_schema();
  if (!trusted.ok()) return trusted.with_context(what);
  Result<SchemaInfo> info = read_schema_info(*dest);
  if (!info.ok()) return info.status().with_context(what);
  const bool empty = info->application_id == 0 && info->user_version == 0 &&
                     info->object_count == 0;
  if (!empty && info->application_id != kHegemonApplicationId) {
    return fail(what, "the destination is an SQLite database but not a Hegemon save");
  }
  Status status = dest->set_busy_timeout(kBusyTimeoutMs);
  if (!status.ok()) return status.with_context(what);

  std::unique_ptr<sqlite3_backup, BackupFinisher> backup(
      sqlite3_backup_init(dest->handle(), "main", db_.handle(), "main"));
  if (!backup) return fail(what, dest->errmsg());
  // -1: every page in one step, so the copy is one consistent read of the
  // source and one write transaction on the destination.
  const int step_rc = sqlite3_backup_step(backup.get(), -1);
  const int finish_rc = sqlite3_backup_finish(backup.release());
  if (step_rc != SQLITE_DONE) return sqlite_error(nullptr, step_rc, what + ": " + sqlite3_errstr(step_rc));
  if (finish_rc != SQLITE_OK) return sqlite_error(dest->handle(), finish_rc, what + ": " + dest->errmsg());
  return Status();
}

Result<std::string> SaveFile::pragma(const std::string& name) const {
  const bool bare = !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") ==
                                         std::string::npos;
  if (!bare) return Status::error("pragma: '" + name + "' is not a pragma name");
  return db_.query_text("PRAGMA " + name);
}

}  // namespace hegemon
