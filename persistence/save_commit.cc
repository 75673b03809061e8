// SaveFile's writes of the world (save_file.h): create_world(), commit() and
// the rows a tick changes, with the SQL they run. Opening, I/O faults,
// rollback and maintenance are in save_file.cc. Every entity row is bound
// from its field description (state/entity_fields.h, row_codec.h).
#include "persistence/save_file.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "state/hash_hex.h"
#include "persistence/mod_rows.h"
#include "persistence/row_codec.h"
#include "persistence/snapshot_codec.h"
#include "persistence/token_origin.h"
#include "persistence/tuning_rows.h"
#include "persistence/world_reader.h"
#include "state/game_date.h"
#include "state/state_hash.h"

namespace hegemon {
namespace {

Status fail(const std::string& what, const std::string& message) {
  return Status::error(what + ": " + message);
}

// ---- SQL of commit(); each statement is prepared once per SaveFile ----
// Provinces and nations exist from create_world() on, so a tick only UPDATEs
// their dynamic columns (and an UPDATE that matches no row is an error).
// Armies and wars come and go, so they are upserted; ON CONFLICT DO UPDATE
// rather than INSERT OR REPLACE keeps the row (and its `data`) in place.

// The entity rows' SQL is made from their field descriptions (row_codec.h):
// UPDATE provinces / nations SET every described column; for a province
// whose owner stays (ChangeSet::provinces_same_owner) owner_id is left out of
// SET, which keeps SQLite from deleting and reinserting the row's
// idx_provinces_owner entry. Armies and wars are upserted; an army that
// existed before the tick and keeps its owner (ChangeSet::armies_same_owner)
// gets a plain UPDATE without nation_id, which neither tries an INSERT first
// nor touches idx_armies_nation. Every one binds with bind_fields().
std::string update_province_sql(bool same_owner) {
  return update_row_sql("provinces", described_columns<Province>(),
                        same_owner ? "owner_id" : nullptr);
}
std::string update_army_same_owner_sql() {
  return update_row_sql("armies", described_columns<Army>(), "nation_id");
}
constexpr const char kDeleteArmy[] = "DELETE FROM armies WHERE id = ?1";
constexpr const char kInsertTick[] =
    "INSERT INTO ticks (tick, date, state_hash) VALUES (?1, ?2, ?3)";
constexpr const char kInsertSnapshot[] =
    "INSERT OR REPLACE INTO snapshots (tick, state_hash, format, data) VALUES (?1, ?2, ?3, ?4)";
constexpr const char kUpdateGame[] =
    "UPDATE game SET tick = ?1, date = ?2, state_hash = ?3, next_army_id = ?4,"
    " next_war_id = ?5, updated_at = unixepoch() WHERE id = 1";

// ---- SQL used once per world ----
constexpr const char kInsertAdjacency[] =
    "INSERT INTO adjacency (province_id, neighbor_id) VALUES (?1, ?2)";
// provinces and nations: the key, the map's static columns (row_codec.h),
// then the described ones.
constexpr const char kInsertGame[] =
    "INSERT INTO game (id, tick, date, seed, params, state_hash, next_army_id, next_war_id,"
    " save_id) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, lower(hex(randomblob(16))))";

// ---- binders shared by create_world() and commit() ----

// The described fields (row_codec.h): the key to ?1, the rest from ?2.
template <class E>
Status write_fields(Statement& s, const E& e) {
  bind_fields(s, e);
  return s.run();
}

// A province's or nation's row: the key, its map's static columns
// (row_codec.h's bind_static), then its described fields.
template <class Info, class E>
Status write_map_row(Statement& s, const Info& info, const E& e) {
  bind_fields(s, e, bind_static(s, info));
  return s.run();
}

Status write_history(Statement& s, const ProvinceHistoryRow& h) {
  bind_fields(s, h);
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

Status SaveFile::prepare_commit_statements() {
  const std::pair<Statement*, std::string> all[] = {
      {&stmts_.update_province, update_province_sql(false)},
      {&stmts_.update_province_same_owner, update_province_sql(true)},
      {&stmts_.update_nation, update_row_sql("nations", described_columns<Nation>())},
      {&stmts_.upsert_army, upsert_row_sql("armies", described_columns<Army>())},
      {&stmts_.update_army_same_owner, update_army_same_owner_sql()},
      {&stmts_.delete_army, kDeleteArmy},
      {&stmts_.upsert_war, upsert_row_sql("wars", described_columns<War>())},
      {&stmts_.insert_event, insert_row_sql("event_log", {}, described_columns<Event>())},
      {&stmts_.insert_audit, insert_row_sql("audit_log", {}, described_columns<Event>())},
      {&stmts_.insert_history,
       insert_row_sql("province_history", {}, described_columns<ProvinceHistoryRow>())},
      {&stmts_.insert_tick, kInsertTick},
      {&stmts_.update_game, kUpdateGame},
      {&stmts_.insert_snapshot, kInsertSnapshot},
  };
  for (const auto& [slot, sql] : all) {
    Result<Statement> stmt = db_.prepare(sql);
    if (!stmt.ok()) return stmt.status();
    *slot = std::move(*stmt);
  }
  return Status();
}

// ---- create_world ----

Status SaveFile::create_world(const WorldSnapshot& world, const std::vector<ModFileContent>& mods) {
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

  Result<Statement> insert_province =
      db_.prepare(insert_row_sql("provinces", kProvinceStatic, described_columns<Province>()));
  if (!insert_province.ok()) return insert_province.status().with_context(what);
  Result<Statement> insert_adjacency = db_.prepare(kInsertAdjacency);
  if (!insert_adjacency.ok()) return insert_adjacency.status().with_context(what);
  Result<Statement> insert_nation =
      db_.prepare(insert_row_sql("nations", kNationStatic, described_columns<Nation>()));
  if (!insert_nation.ok()) return insert_nation.status().with_context(what);
  Result<Statement> insert_game = db_.prepare(kInsertGame);
  if (!insert_game.ok()) return insert_game.status().with_context(what);

  Result<Transaction> txn = Transaction::begin(db_);
  if (!txn.ok()) return txn.status().with_context(what);

  for (const Province& p : world.provinces) {
    const ProvinceInfo& info = map.province(p.id);
    status = write_map_row(*insert_province, info, p);
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
    status = write_map_row(*insert_nation, map.nation(n.id), n);
    if (!status.ok()) return status.with_context(what + ": insert nation " + std::to_string(n.id));
  }
  for (const Army& a : world.armies) {
    status = write_fields(stmts_.upsert_army, a);
    if (!status.ok()) return status.with_context(what + ": insert army " + std::to_string(a.id));
  }
  for (const War& w : world.wars) {
    status = write_fields(stmts_.upsert_war, w);
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
  // The balance it runs with, fixed for the game's life (persistence/tuning_rows.h).
  status = write_tuning_rows(db_, map.tuning());
  if (!status.ok()) return status.with_context(what);
  // Where that map and balance came from (persistence/mod_rows.h).
  status = write_mod_rows(db_, mods);
  if (!status.ok()) return status.with_context(what);
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

Result<GameContent> SaveFile::content() const { return read_mod_rows(db_, path()); }

// ---- commit ----

Result<CommitOutcome> SaveFile::commit(const ChangeSet& cs) {
  return commit(std::vector<const ChangeSet*>{&cs});
}

Result<CommitOutcome> SaveFile::commit(const std::vector<const ChangeSet*>& ticks) {
  if (ticks.empty()) return CommitOutcome::already_committed;
  const Tick first = ticks.front()->tick(), last = ticks.back()->tick();
  const std::string what =
      first == last ? "commit tick " + std::to_string(first)
                    : "commit ticks " + std::to_string(first) + ".." + std::to_string(last);
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
      return ticks.size() == 1 ? status : status.with_context("tick " + std::to_string(cs->tick()));
    }
    if (commit_hook_) commit_hook_(*cs);  // may throw
  }
  return txn->commit();
}

Status SaveFile::insert_event(const Event& e) {
  Statement& s = stmts_.insert_event;
  bind_fields(s, e);
  const Status status = s.run();
  return status.with_context("insert event '" + e.type + "'");
}

Status SaveFile::insert_audit(const Event& e) {
  Statement& s = stmts_.insert_audit;
  bind_fields(s, e);
  const Status status = s.run();
  return status.with_context("insert audit row '" + e.type + "'");
}

// Writes every row of `cs` inside the caller's transaction. Error messages
// name the row; the caller prefixes the tick.
Status SaveFile::write_entities(const std::vector<Province>& provinces,
                                const std::vector<Nation>& nations, const std::vector<Army>& armies,
                                const std::vector<War>& wars, const SameOwner& same_owner) {
  auto kept = [](const std::vector<int32_t>& ids, int32_t id) {
    return std::binary_search(ids.begin(), ids.end(), id);
  };
  Status status;
  for (const Province& p : provinces) {
    status = write_fields(kept(same_owner.provinces, p.id) ? stmts_.update_province_same_owner
                                                           : stmts_.update_province,
                          p);
    if (status.ok() && db_.changes() != 1) status = Status::error("no such province in the save");
    if (!status.ok()) return status.with_context("update province " + std::to_string(p.id));
  }
  for (const Nation& n : nations) {
    status = write_fields(stmts_.update_nation, n);
    if (status.ok() && db_.changes() != 1) status = Status::error("no such nation in the save");
    if (!status.ok()) return status.with_context("update nation " + std::to_string(n.id));
  }
  for (const Army& a : armies) {
    if (kept(same_owner.armies, a.id)) {
      status = write_fields(stmts_.update_army_same_owner, a);
      if (status.ok() && db_.changes() != 1) status = Status::error("no such army in the save");
      if (!status.ok()) return status.with_context("update army " + std::to_string(a.id));
    } else {
      status = write_fields(stmts_.upsert_army, a);
      if (!status.ok()) return status.with_context("upsert army " + std::to_string(a.id));
    }
  }
  for (const War& w : wars) {
    status = write_fields(stmts_.upsert_war, w);
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

}  // namespace hegemon
