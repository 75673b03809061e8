// The save file's writer: the one connection that changes a save. A save is an
// SQLite database (schema/001_initial.sql) holding the generated world and,
// tick by tick, everything that changed since; each tick is committed as one
// transaction, so a save is always exactly at some committed tick.
//
// Only the persistence actor uses a SaveFile, from one thread; it is not
// thread-safe. Readers open their own read-only connections (SaveReader):
// the save runs in WAL mode, so they never block the writer nor see a tick
// half-written.
//
// Durability: Synchronous::normal (the default) survives a crash of the
// process but may lose the last few committed ticks on power loss;
// Synchronous::full survives both, for an fsync per tick.
//
// I/O faults (Status::is_io_error: an I/O error, a full disk, a file that
// cannot be opened, a lock held elsewhere) leave the save at its last whole
// tick, as every other error does, and are worth retrying: after one, the
// next operation that writes first reopens the connection, so nothing SQLite
// kept from the failed write outlives it.
//
// A save file deleted or moved while open: SQLite would go on writing to the
// open file, which has no name any more, and lose all of it at exit. Every
// operation that writes checks first and afterwards that the file at path()
// is still the open one (SQLITE_FCNTL_HAS_MOVED: one stat()), and if not
// writes the database back to its path from the open connection (the backup
// API into PATH.restore, stale PATH-wal and PATH-shm removed, renamed over
// PATH, reopened). Where that is impossible (the directory is gone or not
// writable, another file is at the path now) the operation fails with an I/O
// error saying why, and the open connection, then the only copy, is kept for
// the next attempt. Its lock file (persistence/save_lock.h) likewise: put
// back if it was removed, and an I/O error if another process holds the
// path's lock by then.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "persistence/save_lock.h"
#include "persistence/sqlite.h"
#include "persistence/token_key.h"
#include "persistence/token_store.h"
#include "state/change_set.h"
#include "state/ids.h"
#include "state/mod_content.h"
#include "state/status.h"
#include "state/world_snapshot.h"

namespace hegemon {

enum class Synchronous { normal, full };

struct SaveOptions {
  Synchronous synchronous = Synchronous::normal;
  bool create_if_missing = true;  // else a missing file is an error
  // The SQLite VFS the save (and any copy written from it) is opened with, by
  // its registered name; empty: SQLite's default. Tests inject I/O faults
  // through a VFS of their own (persistence/testing/faulty_vfs.h); the binary never sets it.
  std::string vfs;
  // The host's token key file (token_key.h); empty: default_token_key_path().
  std::string token_key_path;
};

enum class CommitOutcome {
  committed,          // the change set is now in the save
  already_committed,  // its tick was committed before; nothing was written
};

class SaveFile {
 public:
  // Opens (or creates) the save at `path` and migrates it to the latest
  // schema. The directory must exist. Refuses files that are not Hegemon
  // saves, saves from a newer build, saves holding schema objects Hegemon did
  // not create (schema_check.h) and files that are not regular files, without
  // modifying them: an existing file is first checked on a read-only
  // connection (save_precheck.h). Takes the save's SaveLock
  // (persistence/save_lock.h) for the SaveFile's life: refused when another
  // process writes the save. The tokens of a save whose seal is not this
  // host's for this save are dropped (token_origin.h); a token key file that
  // cannot be read or made (token_key.h) refuses the open. An older save is
  // migrated only if its world then loads (migrate.h): a save refused for its
  // content is left as it was.
  static Result<std::unique_ptr<SaveFile>> open(const std::string& path,
                                                const SaveOptions& options = {});

  SaveFile(const SaveFile&) = delete;
  SaveFile& operator=(const SaveFile&) = delete;
  ~SaveFile();

  const std::string& path() const { return db_.path(); }

  // Whether a world has been created in this save.
  bool has_world() const { return has_world_; }

  // Writes a whole world (normally a freshly generated one at tick 0) in one
  // transaction: the static map, every entity, the game row, the ticks row
  // and one province_history row per province, all at world.meta.tick. The
  // stored hash is recomputed from the entities (world.meta.state_hash is
  // ignored, as World's constructor ignores it). Fails if the save already
  // holds a world, or if the snapshot does not match its map (every province
  // and nation exactly once, symmetric adjacency). `mods` are the mods the
  // world was made with, in load order, kept byte-exact in the save (table
  // mods; persistence/mod_rows.h) so it plays and replays without their
  // files; each must carry its bytes and their sha256_hex.
  Status create_world(const WorldSnapshot& world, const std::vector<ModFileContent>& mods = {});

  // The mods the game was created with and their content checksum (no mods:
  // an empty list), checked as persistence/mod_rows.h describes.
  Result<GameContent> content() const;

  // Reads the whole world back: the map, every province and nation, living
  // armies and active wars (ended wars stay in the save but not in a
  // snapshot). Verifies that the entities hash to the stored state hash, so
  // a save edited by hand or half-restored is caught here and not 1000 ticks
  // later.
  Result<WorldSnapshot> load_world() const;

  // The tick the save is at (game.tick); -1 while it holds no world.
  Tick last_tick() const { return last_tick_; }

  // Commits one tick's changes in one transaction: changed provinces and
  // nations (their dynamic columns), created or changed armies, removed
  // armies, declared/changed/ended wars, events, history rows, the ticks row
  // and the game row. Ticks must come in order:
  //  - cs.tick() == last_tick() + 1: written;
  //  - cs.tick() <= last_tick(): already_committed, nothing written, so that a
  //    coordinator may resend after a restart;
  //  - cs.tick() > last_tick() + 1: an error (a tick would be missing).
  // On any error the transaction is rolled back and the save stays exactly at
  // last_tick(); the error names the tick and the row being written.
  Result<CommitOutcome> commit(const ChangeSet& cs);
  // Group commit: consecutive ticks in ONE transaction, for when ticks queue
  // up behind the disk (the persistence actor takes every commit it has
  // waiting). Per tick this writes each shared page (the game row, the
  // indexes' upper levels) and the WAL commit record once instead of once
  // per tick. Each tick stays whole: all of the group is committed or none.
  // Ticks at or below last_tick() are skipped as above; the rest must follow
  // last_tick() without a gap. already_committed if none was left to write.
  Result<CommitOutcome> commit(const std::vector<const ChangeSet*>& ticks);

  // Moves the WAL's content into the database file and truncates the WAL, so
  // it does not grow without bound. Best effort with respect to readers: if a
  // reader still needs old WAL frames after the busy timeout, everything
  // possible is checkpointed (as in PASSIVE mode), the WAL is not truncated
  // this time, and the call still succeeds; no data is at risk either way.
  // (SQLite also checkpoints by itself, inside a commit, whenever the WAL
  // exceeds 1000 pages; calling this at quiet moments keeps commits short.)
  Status checkpoint();

  // Rolls the save back to `state`, the world as it was after an earlier
  // tick N (state.meta.tick; see tools/rollback.h for how it is obtained), in
  // one transaction: every ticks, event_log, province_history and snapshots
  // row after N is deleted, the armies table rebuilt, wars declared after N
  // deleted, and every province, nation and active war rewritten to its value
  // at N. The caller vouches for `state` (its hash is what the save recorded
  // for N); before committing, the rewritten tables are read back and must
  // hash to it, else nothing changes.
  Status rollback_to(const WorldSnapshot& state);

  // Writes a consistent copy of the save (as of the last commit) to
  // `dest_path` through SQLite's online backup API, while this SaveFile stays
  // open. An existing file at `dest_path` is replaced in one transaction;
  // the live save itself is refused.
  Status backup_to(const std::string& dest_path);

  // Writes one row to audit_log (schema/009_audit_log.sql) at once, in its
  // own transaction, outside any tick: operational incidents (an actor
  // crashed, the game paused) and operators' actions that must reach the
  // record even while the tick they happened in stays uncommitted, and that
  // no rollback removes. Never use it for game events: those belong to a tick.
  Status log_incident(const Event& e);

  // Gateway access tokens (persistence/token_store.h), stored by hash only.
  Result<int64_t> issue_token(const std::string& role, NationId nation, const std::string& hash);
  Status revoke_token(int64_t id);
  Result<std::vector<TokenRecord>> tokens() const;
  Result<bool> has_admin_token() const;
  // Issuing and revoking reseal the tokens in the same transaction.
  // How many tokens open() dropped because their seal was not this host's
  // for this save (token_origin.h); 0 for the host's own save.
  int64_t foreign_tokens_dropped() const { return foreign_tokens_dropped_; }

  // Fault injection: called inside every commit's transaction after all rows
  // are written and before COMMIT. A hook that throws aborts the commit (the
  // transaction is rolled back) and the exception propagates to the caller,
  // as a crash mid-transaction would.
  using CommitHook = std::function<void(const ChangeSet&)>;
  void set_commit_hook(CommitHook hook) { commit_hook_ = std::move(hook); }

  // How many times the save was written back to its path after it was
  // deleted or moved while open, and a sentence on the last time (this layer
  // does not log; the caller does).
  int64_t restores() const { return restores_; }
  const std::string& last_restore() const { return last_restore_; }

  // The value of `PRAGMA <name>` on the writer's connection (for diagnostics
  // and tests: journal_mode, synchronous, ... are per connection). `name`
  // must be a bare identifier.
  Result<std::string> pragma(const std::string& name) const;

 private:
  // Statements commit() runs every tick: prepared once in open(), reused.
  struct CommitStatements {
    Statement update_province;
    Statement update_province_same_owner;
    Statement update_nation;
    Statement upsert_army;
    Statement update_army_same_owner;
    Statement delete_army;
    Statement upsert_war;
    Statement insert_event;
    Statement insert_audit;
    Statement insert_history;
    Statement insert_tick;
    Statement update_game;
    Statement insert_snapshot;
  };

  SaveFile(Database db, SaveOptions options);
  Status prepare_commit_statements();
  // I/O fault handling (see the top of this file). ensure_ready() before an
  // operation that writes; finish_write() with its outcome.
  Status ensure_ready();
  Status finish_write(Status outcome);
  Status restore_if_moved();
  Status reconnect();
  Status commit_transaction(const std::vector<const ChangeSet*>& ticks);
  Status read_game_row();
  Status write_changes(const ChangeSet& cs);
  // Rows known to keep their owner (ChangeSet::provinces_same_owner and
  // armies_same_owner; sorted ids): written without touching the owner index.
  struct SameOwner {
    const std::vector<ProvinceId>& provinces;
    const std::vector<ArmyId>& armies;
  };
  Status write_entities(const std::vector<Province>& provinces, const std::vector<Nation>& nations,
                        const std::vector<Army>& armies, const std::vector<War>& wars,
                        const SameOwner& same_owner);
  Status write_game_row(const GameMeta& meta, const std::string& date);
  Status insert_event(const Event& e);
  Status insert_audit(const Event& e);

  TokenKey token_key_;  // seals the tokens (token_origin.h)
  SaveLock lock_;       // declared before db_: released after the connection closes
  Database db_;
  SaveOptions options_;
  CommitHook commit_hook_;
  CommitStatements stmts_;  // declared after db_: finalized before it closes
  bool has_world_ = false;
  Tick last_tick_ = -1;
  bool stale_ = false;         // an I/O fault happened: reconnect before writing again
  bool written_back_ = false;  // path() holds our copy; db_ still the vanished file
  int64_t restores_ = 0;
  std::string last_restore_;
  int64_t foreign_tokens_dropped_ = 0;
};

}  // namespace hegemon
