#include "persistence/world_reader.h"

#include <memory>
#include <utility>
#include <vector>

#include "state/hash_hex.h"
#include "persistence/row_codec.h"
#include "persistence/tuning_rows.h"
#include "state/state_hash.h"
#include "state/world_check.h"
#include "state/world_limits.h"

namespace hegemon {
namespace {

Status fail(const std::string& what, const std::string& message) {
  return Status::error(what + ": " + message);
}

// Runs `sql` and calls `read(row)` on each row it returns, until one returns
// an error. Every error is in the context of `what`; a failed step also says
// it was reading `rows`.
template <class Read>
Status read_rows(const Database& db, const std::string& sql, const std::string& what,
                 const char* rows, Read&& read) {
  Result<Statement> s = db.prepare(sql);
  if (!s.ok()) return s.status().with_context(what);
  for (;;) {
    Result<bool> row = s->step();
    if (!row.ok()) return row.status().with_context(what + ": read " + rows);
    if (!*row) return Status();
    if (Status ok = read(*s); !ok.ok()) return ok.with_context(what);
  }
}

// Reads `table` (provinces or nations) into the map's rows `infos` and the
// described `entities`: the id, the static columns (row_codec.h's
// read_static), then the described fields; ids 1..N in order, as the map
// numbers its `kind`s, and at most `most` rows (refused before a million-row
// table takes the memory).
template <class Info, class E>
Status read_map_table(const Database& db, const std::string& what, const char* table,
                      const char* kind, const std::vector<const char*>& static_columns,
                      int64_t most, std::vector<Info>& infos, std::vector<E>& entities) {
  std::string sql = "SELECT id";
  for (const char* column : static_columns) sql += std::string(", ") + column;
  sql += ", " + field_columns<E>(false) + " FROM " + table + " ORDER BY id";
  const int first_described = 1 + static_cast<int>(static_columns.size());
  return read_rows(db, sql, what, table, [&](const Statement& s) {
    if (infos.size() >= static_cast<size_t>(most))
      return Status::error("the save has more than " + std::to_string(most) + " " + table);
    Info info;
    info.id = static_cast<decltype(info.id)>(s.column_int64(0));
    if (info.id != static_cast<decltype(info.id)>(infos.size() + 1)) {
      return Status::error(std::string(kind) + " ids are not 1..N (found " +
                           std::to_string(info.id) + " where " + std::to_string(infos.size() + 1) +
                           " belongs)");
    }
    if (Status ok = read_static(s, info); !ok.ok()) return ok;
    infos.push_back(std::move(info));
    E e;
    (void)read_fields(s, e, 0, first_described);  // integers only: cannot fail
    entities.push_back(e);
    return Status();
  });
}

}  // namespace

Result<WorldSnapshot> read_world(const Database& db, const std::string& what, bool verify_hash) {
  // Inside the caller's own transaction (a rollback checking what it wrote
  // before it commits), that one is used.
  Result<ReadTransaction> read = ReadTransaction::begin(db);
  if (!read.ok()) return read.status().with_context(what);
  Status status;

  WorldSnapshot world;
  WorldParams params;
  std::string stored_hash_hex;
  {
    Result<Statement> s = db.prepare(
        "SELECT tick, params, state_hash, next_army_id, next_war_id FROM game WHERE id = 1");
    if (!s.ok()) return s.status().with_context(what);
    Result<bool> row = s->step();
    if (!row.ok()) return row.status().with_context(what + ": read game row");
    if (!*row) return fail(what, "the save holds no world");
    world.meta.tick = s->column_int64(0);
    status = params_from_json(s->column_text(1), params);
    if (!status.ok()) return status.with_context(what);
    stored_hash_hex = s->column_text(2);
    world.meta.next_army_id = static_cast<ArmyId>(s->column_int64(3));
    world.meta.next_war_id = static_cast<WarId>(s->column_int64(4));
  }
  const std::optional<uint64_t> stored_hash = hash_from_hex(stored_hash_hex);
  if (!stored_hash) {
    return fail(what, "game.state_hash is not 16 lowercase hex digits: '" + stored_hash_hex + "'");
  }
  world.meta.state_hash = *stored_hash;

  std::vector<ProvinceInfo> province_info;
  status = read_map_table(db, what, "provinces", "province", kProvinceStatic, kMaxProvinces,
                          province_info, world.provinces);
  if (!status.ok()) return status;
  // Primary-key order, so each neighbour list comes out sorted.
  status = read_rows(
      db, "SELECT province_id, neighbor_id FROM adjacency ORDER BY province_id, neighbor_id", what,
      "adjacency", [&](const Statement& s) {
        const auto count = static_cast<int64_t>(province_info.size());
        const int64_t a = s.column_int64(0);
        const int64_t b = s.column_int64(1);
        if (a < 1 || a > count || b < 1 || b > count) {
          return Status::error("adjacency " + std::to_string(a) + "-" + std::to_string(b) +
                               " names a province that does not exist");
        }
        province_info[static_cast<size_t>(a - 1)].neighbors.push_back(static_cast<ProvinceId>(b));
        return Status();
      });
  if (!status.ok()) return status;

  std::vector<NationInfo> nation_info;
  status = read_map_table(db, what, "nations", "nation", kNationStatic, kMaxNations, nation_info,
                          world.nations);
  if (!status.ok()) return status;
  status = read_rows(db, std::string("SELECT ") + kArmyColumns + " FROM armies ORDER BY id", what,
                     "armies", [&](const Statement& s) {
                       const int64_t most = max_armies(static_cast<int64_t>(province_info.size()),
                                                       static_cast<int64_t>(nation_info.size()));
                       if (static_cast<int64_t>(world.armies.size()) >= most)
                         return Status::error("the save has more than " + std::to_string(most) +
                                              " armies, more than its map can hold");
                       Result<Army> a = read_army(s);
                       if (!a.ok()) return a.status();
                       world.armies.push_back(std::move(*a));
                       return Status();
                     });
  if (!status.ok()) return status;
  status = read_rows(
      db, std::string("SELECT ") + kWarColumns + " FROM wars WHERE end_tick IS NULL ORDER BY id",
      what, "wars", [&](const Statement& s) {
        if (static_cast<int64_t>(world.wars.size()) >=
            max_active_wars(static_cast<int64_t>(nation_info.size())))
          return Status::error("the save has more active wars than its nations can fight");
        world.wars.push_back(read_war(s));
        return Status();
      });
  if (!status.ok()) return status;

  Result<Tuning> tuning = read_tuning_rows(db, what);
  if (!tuning.ok()) return tuning.status();
  world.map =
      std::make_shared<WorldMap>(params, std::move(province_info), std::move(nation_info), *tuning);
  // The hash proves only that the tables agree with the hash stored beside
  // them, which whoever edits the tables can store too: a world the game
  // cannot run is refused whatever its hash.
  if (Status valid = check_world(world); !valid.ok())
    return fail(what, "the save holds a world the game cannot run: " + valid.message());
  // The computed hash is not printed: it is exactly what a hand-edited save
  // would need to pass this check.
  if (verify_hash && full_state_hash(world) != *stored_hash) {
    return fail(what, "save is inconsistent at tick " + std::to_string(world.meta.tick) +
                          ": its tables do not hold the world whose hash that tick recorded"
                          " (changed outside the game?)");
  }
  return world;
}

Status check_world_loads(const Database& db) {
  const std::string what = "load world from " + db.path();
  Result<int64_t> worlds = db.query_int64("SELECT count(*) FROM game");
  if (!worlds.ok()) return worlds.status().with_context(what);
  if (*worlds == 0) return Status();
  Result<WorldSnapshot> world = read_world(db, what);
  return world.ok() ? Status() : world.status();
}

}  // namespace hegemon
