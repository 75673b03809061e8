// SaveFile (save_file.h): opening a save, I/O faults, tokens, rollback and
// maintenance. Writing the world (create_world, commit) is save_commit.cc.
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

#include "state/hash_hex.h"
#include "persistence/migrate.h"
#include "persistence/save_precheck.h"
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
                            errno_text(errno) +
                            "); the save and its -wal and -shm files live there");
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
  Status status =
      migrate(*db, [](const Database& migrated) { return check_world_loads(migrated); });
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
    return Status::io_error(what +
                            ", and another file is at its path now; not overwriting "
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
      return Status::io_error(what + "; cannot remove its stale " + suffix +
                              " file: " + ec.message());
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
  last_restore_ =
      what + "; written back to its path from the open connection, at tick " + std::to_string(tick);
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
  return finish_write(insert_audit(e));  // autocommit: its own transaction
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
    return fail(what,
                "the rewritten tables do not hash to the state of tick " + std::to_string(tick));
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
  const bool empty =
      info->application_id == 0 && info->user_version == 0 && info->object_count == 0;
  if (!empty && info->application_id != kHegemonApplicationId) {
    return fail(what, "the destination is an SQLite database but not a Hegemon save");
  }
  Status status = dest->set_busy_timeout(kBusyTimeoutMs);
  if (!status.ok()) return status.with_context(what);

  return copy_database(*dest, db_, what);
}

Result<std::string> SaveFile::pragma(const std::string& name) const {
  const bool bare =
      !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos;
  if (!bare) return Status::error("pragma: '" + name + "' is not a pragma name");
  return db_.query_text("PRAGMA " + name);
}

}  // namespace hegemon
