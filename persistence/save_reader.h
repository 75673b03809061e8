// Read-only access to a save while the writer (SaveFile) keeps committing.
// Opens its own SQLITE_OPEN_READONLY connection, so it can never write; the
// save is in WAL mode, so each query sees the last tick committed before it
// started and never blocks the writer. Thread-safe: queries from any thread
// are serialised on one connection by an internal mutex (they are short).
//
// Also the hot cache's ColdStore: World::war() asks it for wars that ended
// and left the cache.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "persistence/sqlite.h"
#include "persistence/token_store.h"
#include "state/change_set.h"
#include "state/cold_store.h"
#include "state/command.h"
#include "state/entities.h"
#include "state/event.h"
#include "state/ids.h"
#include "state/mod_content.h"
#include "state/status.h"
#include "state/world_snapshot.h"

namespace hegemon {

class SaveReader final : public ColdStore {
 public:
  // Opens an existing save at the latest schema version. A save that still
  // needs a migration is refused: only the writer migrates.
  static Result<std::shared_ptr<SaveReader>> open(const std::string& path);

  SaveReader(const SaveReader&) = delete;
  SaveReader& operator=(const SaveReader&) = delete;
  ~SaveReader() override;

  const std::string& path() const { return db_.path(); }

  // Any war, active or ended; nullopt if there is no such war. ColdStore has
  // no error channel, so a read error also yields nullopt: callers that need
  // to tell the two apart use find_war().
  std::optional<War> load_war(WarId id) override;
  Result<std::optional<War>> find_war(WarId id);

  // The last committed tick (game.tick); -1 while the save holds no world.
  Result<Tick> last_tick();
  // The state hash recorded when `tick` was committed; nullopt if it was not.
  Result<std::optional<uint64_t>> tick_hash(Tick tick);
  // Province `id` as it was after tick `tick` (its latest history row at or
  // before it); nullopt before the province's first row.
  Result<std::optional<ProvinceHistoryRow>> province_at(ProvinceId id, Tick tick);
  // Every war nation `nation` fought or fights, as committed, by id.
  Result<std::vector<War>> wars_of(NationId nation);
  // A valid gateway token with this hash (token_store.h), if any.
  Result<std::optional<TokenRecord>> find_token(const std::string& hash);
  // Events in the log, all of them or those of one type.
  Result<int64_t> count_events(const std::string& type = "");
  // Events with from <= tick <= to, in the order they happened. A save is
  // untrusted, so the read is bounded: a row whose event_data breaks
  // kEventDataLimits (state/bounded_json.h), or more than kMaxEventsRead rows
  // or kMaxEventBytesRead bytes of data in the range, is an error naming the
  // damage, not a crash or an exhausted memory.
  static constexpr size_t kMaxEventsRead = 2'000'000;
  static constexpr size_t kMaxEventBytesRead = 128u << 20;
  Result<std::vector<Event>> events_between(Tick from, Tick to);
  // The server's own record (audit_log: incidents and operators' actions)
  // of ticks from..to, bounded as events_between is.
  Result<std::vector<Event>> audit_between(Tick from, Tick to);
  // The commands applied at ticks from..to (their `command` events), in the
  // order they were applied, each with its tick.
  Result<std::vector<Command>> commands_between(Tick from, Tick to);
  // The highest command sequence number in the log; 0 if none.
  Result<int64_t> last_command_seq();

  // ---- for replay and time travel ----
  // The whole world as of the last committed tick, checked against its hash
  // (unless `verify_hash` is false: then meta.state_hash is the recorded one).
  Result<WorldSnapshot> load_world(bool verify_hash = true);
  // The mods the game was created with, their files byte-exact and each
  // checked against its sha256 (persistence/mod_rows.h), in load order; a
  // replay's new save keeps them as the original does.
  Result<std::vector<ModFileContent>> embedded_mods();
  // The recorded state hash of every committed tick from..to, in tick order.
  Result<std::vector<std::pair<Tick, uint64_t>>> tick_hashes(Tick from, Tick to);
  // province_history rows of ticks from..to, by tick then province.
  Result<std::vector<ProvinceHistoryRow>> history_between(Tick from, Tick to);
  // The latest stored snapshot at or before `tick`, decoded onto `map` and
  // checked against its recorded hash; nullopt if there is none.
  Result<std::optional<WorldSnapshot>> snapshot_at_or_before(Tick tick, const WorldMapPtr& map);
  // The ticks that have a stored snapshot, ascending.
  Result<std::vector<Tick>> snapshot_ticks();

 private:
  explicit SaveReader(Database db) : db_(std::move(db)) {}
  // `slot`, prepared from `sql` on first use.
  Result<Statement*> statement(Statement& slot, const char* sql);
  // Runs `slot` (prepared from `sql` on first use) under the mutex: `use(s)`
  // binds and reads it, and the statement is reset on every return path (one
  // left mid-way keeps its read transaction open, which would stall the
  // writer's checkpoints). Every error is put in the context of `what`.
  template <class Use>
  Status query(Statement& slot, const char* sql, const std::string& what, Use&& use);
  // query() for the rows of ticks from..to (bound to ?1 and ?2), each passed
  // to `read`; errors say "read <rows> <from>..<to> from <path>".
  template <class Read>
  Status rows_between(Statement& slot, const char* sql, const std::string& rows, Tick from, Tick to,
                      Read&& read);
  // events_between and audit_between: the rows of `table` in a tick range.
  Result<std::vector<Event>> log_between(Statement& slot, const char* sql, const char* table,
                                         Tick from, Tick to);
  // If the file at path() is no longer the one open (the writer wrote a
  // deleted save back to its path), reopens on it, so readers do not keep
  // reading a vanished file. Called with mutex_ held and no statement active.
  void follow_if_moved();

  std::mutex mutex_;  // guards everything below
  Database db_;
  // follow_if_moved() resets every slot: a new one must be listed there too.
  Statement war_, last_tick_, tick_hash_, count_all_, count_type_, events_, province_at_, wars_of_,
      commands_, last_seq_, hashes_, history_, snapshot_, snapshot_ticks_, audit_;
};

}  // namespace hegemon
