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
  {
    Result<Statement> s =
        db.prepare("SELECT id, name, terrain, x, y, " + field_columns<Province>(false) +
                   " FROM provinces ORDER BY id");
    if (!s.ok()) return s.status().with_context(what);
    for (;;) {
      Result<bool> row = s->step();
      if (!row.ok()) return row.status().with_context(what + ": read provinces");
      if (!*row) break;
      // Stop reading before a million-province table takes the memory.
      if (province_info.size() >= static_cast<size_t>(kMaxProvinces))
        return fail(what, "the save has more than " + std::to_string(kMaxProvinces) + " provinces");
      ProvinceInfo info;
      info.id = static_cast<ProvinceId>(s->column_int64(0));
      if (info.id != static_cast<ProvinceId>(province_info.size() + 1)) {
        return fail(what, "province ids are not 1..N (found " + std::to_string(info.id) +
                              " where " + std::to_string(province_info.size() + 1) + " belongs)");
      }
      info.name = s->column_text(1);
      const std::string terrain = s->column_text(2);
      if (!terrain_from_name(terrain, info.terrain)) {
        return fail(
            what, "province " + std::to_string(info.id) + " has unknown terrain '" + terrain + "'");
      }
      info.x = static_cast<int32_t>(s->column_int64(3));
      info.y = static_cast<int32_t>(s->column_int64(4));
      province_info.push_back(std::move(info));
      Province p;
      (void)read_fields(*s, p, 0, 5);  // integers only: cannot fail
      world.provinces.push_back(p);
    }
  }
  {
    // Primary-key order, so each neighbour list comes out sorted.
    Result<Statement> s = db.prepare(
        "SELECT province_id, neighbor_id FROM adjacency ORDER BY province_id, neighbor_id");
    if (!s.ok()) return s.status().with_context(what);
    const auto count = static_cast<int64_t>(province_info.size());
    for (;;) {
      Result<bool> row = s->step();
      if (!row.ok()) return row.status().with_context(what + ": read adjacency");
      if (!*row) break;
      const int64_t a = s->column_int64(0);
      const int64_t b = s->column_int64(1);
      if (a < 1 || a > count || b < 1 || b > count) {
        return fail(what, "adjacency " + std::to_string(a) + "-" + std::to_string(b) +
                              " names a province that does not exist");
      }
      province_info[static_cast<size_t>(a - 1)].neighbors.push_back(static_cast<ProvinceId>(b));
    }
  }

  std::vector<NationInfo> nation_info;
  {
    Result<Statement> s = db.prepare("SELECT id, name, color, aggression, " +
                                     field_columns<Nation>(false) + " FROM nations ORDER BY id");
    if (!s.ok()) return s.status().with_context(what);
    for (;;) {
      Result<bool> row = s->step();
      if (!row.ok()) return row.status().with_context(what + ": read nations");
      if (!*row) break;
      if (nation_info.size() >= static_cast<size_t>(kMaxNations))
        return fail(what, "the save has more than " + std::to_string(kMaxNations) + " nations");
      NationInfo info;
      info.id = static_cast<NationId>(s->column_int64(0));
      if (info.id != static_cast<NationId>(nation_info.size() + 1)) {
        return fail(what, "nation ids are not 1..N (found " + std::to_string(info.id) + " where " +
                              std::to_string(nation_info.size() + 1) + " belongs)");
      }
      info.name = s->column_text(1);
      const std::string color = s->column_text(2);
      if (!color_from_hex(color, info.color)) {
        return fail(what, "nation " + std::to_string(info.id) + " has colour '" + color +
                              "', not '#rrggbb'");
      }
      info.aggression = static_cast<int32_t>(s->column_int64(3));
      nation_info.push_back(std::move(info));
      Nation n;
      (void)read_fields(*s, n, 0, 4);  // integers only: cannot fail
      world.nations.push_back(n);
    }
  }
  {
    Result<Statement> s =
        db.prepare(std::string("SELECT ") + kArmyColumns + " FROM armies ORDER BY id");
    if (!s.ok()) return s.status().with_context(what);
    for (;;) {
      Result<bool> row = s->step();
      if (!row.ok()) return row.status().with_context(what + ": read armies");
      if (!*row) break;
      const int64_t most = max_armies(static_cast<int64_t>(province_info.size()),
                                      static_cast<int64_t>(nation_info.size()));
      if (static_cast<int64_t>(world.armies.size()) >= most)
        return fail(what, "the save has more than " + std::to_string(most) +
                              " armies, more than its map can hold");
      Result<Army> a = read_army(*s);
      if (!a.ok()) return a.status().with_context(what);
      world.armies.push_back(std::move(*a));
    }
  }
  {
    Result<Statement> s = db.prepare(std::string("SELECT ") + kWarColumns +
                                     " FROM wars WHERE end_tick IS NULL ORDER BY id");
    if (!s.ok()) return s.status().with_context(what);
    for (;;) {
      Result<bool> row = s->step();
      if (!row.ok()) return row.status().with_context(what + ": read wars");
      if (!*row) break;
      if (static_cast<int64_t>(world.wars.size()) >=
          max_active_wars(static_cast<int64_t>(nation_info.size())))
        return fail(what, "the save has more active wars than its nations can fight");
      world.wars.push_back(read_war(*s));
    }
  }

  Result<Tuning> tuning = read_tuning_rows(db, what);
  if (!tuning.ok()) return tuning.status();
  world.map = std::make_shared<WorldMap>(params, std::move(province_info), std::move(nation_info),
                                         *tuning);
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
