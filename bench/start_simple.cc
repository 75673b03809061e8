#include "start_simple.h"

#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "persistence/row_codec.h"
#include "rules/commands.h"
#include "rules/phases.h"

namespace hegemon::bench {
namespace {

// Point reads by primary key, of the columns the entity's field list
// describes (state/entity_fields.h), decoded by read_fields() as
// persistence/world_reader.cc decodes them.
template <class E>
std::string select_by_id(const char* table) {
  return "SELECT " + field_columns<E>() + " FROM " + table + " WHERE id = ?1";
}
// The lists: idx_provinces_owner and idx_armies_nation hold (owner, rowid),
// so the ids come out of the index already sorted (no sort step).
constexpr const char kProvincesOf[] = "SELECT id FROM provinces WHERE owner_id = ?1 ORDER BY id";
constexpr const char kProvincesOfNone[] =
    "SELECT id FROM provinces WHERE owner_id IS NULL ORDER BY id";
constexpr const char kArmiesOf[] = "SELECT id FROM armies WHERE nation_id = ?1 ORDER BY id";
constexpr const char kArmiesOfNone[] = "SELECT id FROM armies WHERE nation_id IS NULL ORDER BY id";
constexpr const char kLiving[] = "SELECT id FROM nations WHERE alive = 1 ORDER BY id";
// idx_wars_active (end_tick).
constexpr const char kActive[] = "SELECT id FROM wars WHERE end_tick IS NULL ORDER BY id";

[[noreturn]] void fail(const Status& status, const std::string& what) {
  throw std::runtime_error("start simple: " + what + ": " + status.message());
}

Statement prepare(const Database& db, const std::string& sql) {
  Result<Statement> s = db.prepare(sql);
  if (!s.ok()) fail(s.status(), "prepare");
  return std::move(*s);
}

// Steps `s`: true when a row is ready. Throws on error.
bool step(Statement& s) {
  Result<bool> row = s.step();
  if (!row.ok()) fail(row.status(), s.sql());
  return *row;
}

// Resets a statement on every path out of a read.
struct ResetOnExit {
  Statement& s;
  ~ResetOnExit() { s.reset(); }
};

Database open_read_only(const std::string& path) {
  Result<Database> db = Database::open(path, SQLITE_OPEN_READONLY);
  if (!db.ok()) fail(db.status(), "open " + path);
  Status status = db->set_busy_timeout(5000);
  if (!status.ok()) fail(status, "busy timeout");
  return std::move(*db);
}

const IdList kEmpty = std::make_shared<const std::vector<int32_t>>();

// begin_tick() .. end_tick() for one scope, whatever happens in it.
class ReadTick {
 public:
  explicit ReadTick(SqliteReadSource& source) : source_(source) { source_.begin_tick(); }
  ~ReadTick() {
    if (open_) source_.end_tick();
  }
  void end() {
    open_ = false;
    source_.end_tick();
  }
  ReadTick(const ReadTick&) = delete;
  ReadTick& operator=(const ReadTick&) = delete;

 private:
  SqliteReadSource& source_;
  bool open_ = true;
};

}  // namespace

SqliteReadSource::SqliteReadSource(const std::string& path) : db_(open_read_only(path)) {
  begin_ = prepare(db_, "BEGIN DEFERRED");
  commit_ = prepare(db_, "COMMIT");
  province_ = prepare(db_, select_by_id<Province>("provinces"));
  nation_ = prepare(db_, select_by_id<Nation>("nations"));
  army_ = prepare(db_, std::string("SELECT ") + kArmyColumns + " FROM armies WHERE id = ?1");
  war_ = prepare(db_, std::string("SELECT ") + kWarColumns + " FROM wars WHERE id = ?1");
  provinces_of_ = prepare(db_, kProvincesOf);
  provinces_of_none_ = prepare(db_, kProvincesOfNone);
  armies_of_ = prepare(db_, kArmiesOf);
  armies_of_none_ = prepare(db_, kArmiesOfNone);
  living_ = prepare(db_, kLiving);
  active_ = prepare(db_, kActive);
}

void SqliteReadSource::begin_tick() {
  clear_overlay();
  Status status = begin_.run();
  if (!status.ok()) fail(status, "BEGIN");
}

void SqliteReadSource::end_tick() {
  clear_overlay();
  Status status = commit_.run();
  if (!status.ok()) fail(status, "COMMIT");
}

void SqliteReadSource::clear_overlay() {
  staged_ = false;
  provinces_.clear();
  nations_.clear();
  armies_.clear();
  wars_.clear();
  province_lists_.clear();
  army_lists_.clear();
}

void SqliteReadSource::stage(const World& world, const ChangeRecorder::Touched& touched) {
  clear_overlay();
  staged_ = true;
  // A list changes only when an entity enters or leaves it: its owner in the
  // save (the previous tick) and in the cache (now) differ. Those lists are
  // answered from the cache too.
  std::vector<NationId> dirty_provinces, dirty_armies;
  for (const Province& before : touched.provinces) {
    const std::optional<Province> now = world.province(before.id);
    if (!now) throw std::logic_error("start simple: a touched province left the cache");
    provinces_.emplace(before.id, *now);
    if (before.owner != now->owner) {
      dirty_provinces.push_back(before.owner);
      dirty_provinces.push_back(now->owner);
    }
  }
  auto stage_army = [&](ArmyId id) {
    const std::optional<Army> now = world.army(id);
    armies_.emplace(id, now);
    ++counts_.staging;
    const std::optional<Army> before = query_army(id);
    const NationId before_owner = before ? before->owner : -1;
    const NationId now_owner = now ? now->owner : -1;
    if (before_owner != now_owner) {
      if (before) dirty_armies.push_back(before_owner);
      if (now) dirty_armies.push_back(now_owner);
    }
  };
  for (ArmyId id : touched.armies) stage_army(id);
  for (ArmyId id : touched.removed_armies) stage_army(id);
  for (NationId id : touched.nations) {
    if (auto n = world.nation(id)) nations_.emplace(id, *n);
  }
  for (const War& w : touched.wars) wars_.emplace(w.id, w);
  for (NationId owner : dirty_provinces) province_lists_[owner] = world.provinces_of(owner);
  for (NationId owner : dirty_armies) army_lists_[owner] = world.armies_of(owner);
}

// ---- point reads ----

template <class Map>
std::optional<typename Map::mapped_type> SqliteReadSource::from_overlay(const Map& overlay,
                                                                        int32_t id) {
  if (staged_) {
    if (auto it = overlay.find(id); it != overlay.end()) {
      ++counts_.overlay;
      return it->second;
    }
  }
  ++counts_.sqlite;
  return std::nullopt;
}

std::optional<Province> SqliteReadSource::query_province(ProvinceId id) {
  ResetOnExit reset{province_};
  province_.bind_int64(1, id);
  if (!step(province_)) return std::nullopt;
  Province p;
  (void)read_fields(province_, p, 0, 1);  // integers only: cannot fail
  return p;
}

std::optional<Army> SqliteReadSource::query_army(ArmyId id) {
  ResetOnExit reset{army_};
  army_.bind_int64(1, id);
  if (!step(army_)) return std::nullopt;
  Result<Army> a = read_army(army_);
  if (!a.ok()) fail(a.status(), "read");
  return std::move(*a);
}

std::optional<Province> SqliteReadSource::province(ProvinceId id) {
  if (auto staged = from_overlay(provinces_, id)) return *staged;
  return query_province(id);
}

std::optional<Nation> SqliteReadSource::nation(NationId id) {
  if (auto staged = from_overlay(nations_, id)) return *staged;
  ResetOnExit reset{nation_};
  nation_.bind_int64(1, id);
  if (!step(nation_)) return std::nullopt;
  Nation n;
  (void)read_fields(nation_, n, 0, 1);  // integers only: cannot fail
  return n;
}

std::optional<Army> SqliteReadSource::army(ArmyId id) {
  if (auto staged = from_overlay(armies_, id)) return *staged;
  return query_army(id);
}

std::optional<War> SqliteReadSource::war(WarId id) {
  if (auto staged = from_overlay(wars_, id)) return *staged;
  ResetOnExit reset{war_};
  war_.bind_int64(1, id);
  if (!step(war_)) return std::nullopt;
  return read_war(war_);
}

// ---- lists ----

std::vector<int32_t> SqliteReadSource::query_id_column(Statement& s) {
  ResetOnExit reset{s};
  std::vector<int32_t> ids;
  while (step(s)) ids.push_back(static_cast<int32_t>(s.column_int64(0)));
  return ids;
}

IdList SqliteReadSource::query_ids(Statement& by_owner, Statement& by_no_owner, NationId owner) {
  Statement& s = owner == kNoNation ? by_no_owner : by_owner;
  if (owner != kNoNation) s.bind_int64(1, owner);
  std::vector<int32_t> ids = query_id_column(s);
  if (ids.empty()) return kEmpty;
  return std::make_shared<const std::vector<int32_t>>(std::move(ids));
}

IdList SqliteReadSource::provinces_of(NationId id) {
  if (staged_) {
    if (auto it = province_lists_.find(id); it != province_lists_.end()) {
      ++counts_.overlay;
      return it->second;
    }
  }
  ++counts_.sqlite;
  return query_ids(provinces_of_, provinces_of_none_, id);
}

IdList SqliteReadSource::armies_of(NationId id) {
  if (staged_) {
    if (auto it = army_lists_.find(id); it != army_lists_.end()) {
      ++counts_.overlay;
      return it->second;
    }
  }
  ++counts_.sqlite;
  return query_ids(armies_of_, armies_of_none_, id);
}

// The query, then what the tick changed: a staged nation is alive or not, a
// staged war active or not, whatever the save says.
std::vector<NationId> SqliteReadSource::living_nations() {
  ++counts_.sqlite;
  std::vector<NationId> ids = query_id_column(living_);
  if (!staged_ || nations_.empty()) return ids;
  for (const auto& [id, n] : nations_) {
    auto it = std::lower_bound(ids.begin(), ids.end(), id);
    const bool listed = it != ids.end() && *it == id;
    if (n.alive && !listed) ids.insert(it, id);
    if (!n.alive && listed) ids.erase(it);
  }
  return ids;
}

std::vector<WarId> SqliteReadSource::active_wars() {
  ++counts_.sqlite;
  std::vector<WarId> ids = query_id_column(active_);
  if (!staged_ || wars_.empty()) return ids;
  for (const auto& [id, w] : wars_) {
    auto it = std::lower_bound(ids.begin(), ids.end(), id);
    const bool listed = it != ids.end() && *it == id;
    if (w.active() && !listed) ids.insert(it, id);
    if (!w.active() && listed) ids.erase(it);
  }
  return ids;
}

// ---- the tick ----

ChangeSet run_tick_start_simple(World& world, SqliteReadSource& source,
                                const std::vector<Command>& commands) {
  // Keep in step with run_tick_sequential (rules/tick.cc); the benchmark
  // checks that both give the same state hash at every tick.
  const Tick tick = world.meta().tick + 1;
  ChangeRecorder rec(world, tick);
  record_commands(rec, commands);
  ReadTick reads(source);

  std::vector<NationProposal> nations;
  {
    AttachedSource attached(world, source);
    for (NationId id : world.living_nations())
      nations.push_back(plan_nation(world, id, tick, commands_of_nation(commands, id)));
  }
  merge_nation_phase(rec, nations);  // writes and reads the cache, as in Hegemon

  source.stage(world, rec.touched());
  std::vector<WarProposal> wars;
  {
    AttachedSource attached(world, source);
    for (WarId id : world.active_wars()) {
      const std::vector<Command> peace =
          commands_of_war(world, commands, world.war(id).value_or(War{id}));
      wars.push_back(resolve_war(world, id, tick, peace));
    }
  }
  reads.end();  // the read transaction ends before the caller commits
  merge_war_phase(rec, wars);

  end_of_tick(rec);
  return rec.finish();
}

// ---- the self-check ----

namespace {

template <class T>
std::string describe_mismatch(const char* what, int64_t id, const std::optional<T>& from_sqlite,
                              const std::optional<T>& from_cache) {
  if (from_sqlite == from_cache) return "";
  return std::string(what) + " " + std::to_string(id) + " differs between SQLite (" +
         (from_sqlite ? "present" : "absent") + ") and the cache (" +
         (from_cache ? "present" : "absent") + ")";
}

}  // namespace

std::string compare_source_with_cache(SqliteReadSource& source, const World& world) {
  ReadTick reads(source);
  const GameMeta meta = world.meta();
  const int32_t provinces = world.map().province_count();
  const int32_t nations = world.map().nation_count();
  std::string diff;
  for (ProvinceId id = 0; id <= provinces + 1 && diff.empty(); ++id)
    diff = describe_mismatch("province", id, source.province(id), world.province(id));
  for (NationId id = 0; id <= nations + 1 && diff.empty(); ++id) {
    diff = describe_mismatch("nation", id, source.nation(id), world.nation(id));
    if (diff.empty() && *source.provinces_of(id) != *world.provinces_of(id))
      diff = "provinces of nation " + std::to_string(id) + " differ";
    if (diff.empty() && *source.armies_of(id) != *world.armies_of(id))
      diff = "armies of nation " + std::to_string(id) + " differ";
  }
  for (ArmyId id = 0; id <= meta.next_army_id && diff.empty(); ++id)
    diff = describe_mismatch("army", id, source.army(id), world.army(id));
  for (WarId id = 0; id <= meta.next_war_id && diff.empty(); ++id)
    diff = describe_mismatch("war", id, source.war(id), world.war(id));
  if (diff.empty() && source.living_nations() != world.living_nations())
    diff = "living nations differ";
  if (diff.empty() && source.active_wars() != world.active_wars()) diff = "active wars differ";
  return diff;
}

}  // namespace hegemon::bench
