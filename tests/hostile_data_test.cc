// A save is untrusted input (issue #13, items 1, 4, 6 and 14): what it holds
// is decoded within bounds and checked before the game uses it. Every test
// builds its hostile save itself, with SQL on a real file in a temporary
// directory (PRAGMA ignore_check_constraints, as an attacker would), and
// proves the save is refused with an error naming the problem, never a
// crash, an exhausted memory or a silent "ok".
#include <caf/test/unit_test.hpp>

#include <sys/wait.h>
#include <zlib.h>

#include <cstdlib>

#include <string>
#include <vector>

#include "state/hash_hex.h"
#include "persistence/save_file.h"
#include "persistence/save_reader.h"
#include "persistence/snapshot_codec.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "state/bounded_json.h"
#include "state/command_json.h"
#include "state/state_hash.h"
#include "state/world.h"
#include "state/world_check.h"
#include "state/world_limits.h"
#include "test_support.h"
#include "tools/replay.h"

using namespace hegemon;

namespace {

using hegemon::test::contains;

#define CHECK_REFUSED(status_expr, needle)                  \
  do {                                                      \
    const Status refused_status_ = (status_expr);           \
    CAF_CHECK(!refused_status_.ok());                       \
    if (!contains(refused_status_.message(), needle))       \
      CAF_MESSAGE("got: " << refused_status_.message());    \
    CAF_CHECK(contains(refused_status_.message(), needle)); \
  } while (false)

// `hegemon ARGS` with its output in `log`; its exit code.
int run_hegemon(const std::string& args, const std::string& log) {
  const int status =
      std::system((std::string(HEGEMON_BINARY) + " " + args + " >" + log + " 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status)
                           : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::string nested_arrays(size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

// A save holding a freshly generated small world (200 provinces, 12 nations)
// at tick 0; `ticks` > 0 plays that many ticks into it.
struct Save {
  test::TempDir dir;
  std::string path = dir.file("hostile.db");
  WorldSnapshot world;

  explicit Save(Tick ticks = 0) {
    auto save = SaveFile::open(path);
    CAF_REQUIRE(save.ok());
    World w(generate_world(test::small_world()));
    CAF_REQUIRE((*save)->create_world(w.snapshot()).ok());
    for (Tick t = 1; t <= ticks; ++t) CAF_REQUIRE((*save)->commit(run_tick_sequential(w)).ok());
    world = w.snapshot();
  }

  // Runs `sql` with CHECK constraints off, then stores the hash `edited`
  // has, so the hash check passes and only validation stands in the way.
  void tamper(const std::string& sql, const WorldSnapshot& edited) const {
    test::exec_sql(path, "PRAGMA ignore_check_constraints = ON; " + sql +
                             "; UPDATE game SET state_hash = '" +
                             hash_to_hex(full_state_hash(edited)) + "'");
  }

  Status load() const {
    auto reader = SaveReader::open(path);
    if (!reader.ok()) return reader.status();
    return (*reader)->load_world().status();
  }
  Status load_with_writer() const {
    auto writer = SaveFile::open(path);
    if (!writer.ok()) return writer.status();
    return (*writer)->load_world().status();
  }
};

}  // namespace

// ---- item 1: bounded JSON ----

CAF_TEST(the bounded parser refuses deep nesting and oversized text and reads the rest) {
  // 400,000 nested arrays overflowed the stack of nlohmann's recursive
  // parser; they are refused for their size before any parse, and nesting
  // within the size is refused for its depth.
  CHECK_REFUSED(check_json(nested_arrays(400000), kEventDataLimits), "more than the 65536 allowed");
  CHECK_REFUSED(check_json(nested_arrays(30000), kEventDataLimits), "nested deeper than 2 levels");
  CHECK_REFUSED(parse_json(nested_arrays(30000), kEventDataLimits).status(), "nested deeper");
  CHECK_REFUSED(check_json("\"" + std::string(1 << 20, 'a') + "\"", kEventDataLimits),
                "bytes, more than the 65536 allowed");
  CHECK_REFUSED(check_json("{\"a\":1} trailing", kEventDataLimits), "not valid JSON");
  CAF_CHECK(parse_json_or_null(nested_arrays(400000), kEventDataLimits).is_null());
  // What the game writes: a flat event and a command with its path.
  auto event = parse_json("{\"war\":3,\"attacker\":5,\"defender\":9}", kEventDataLimits);
  CAF_REQUIRE(event.ok());
  CAF_CHECK_EQUAL((*event)["defender"].get<int>(), 9);
  auto command = command_from_event_data(
      "{\"seq\":1,\"nation\":2,\"kind\":\"move_army\",\"army\":7,\"path\":[3,4]}");
  CAF_REQUIRE(command.ok());
  CAF_CHECK_EQUAL(command->path.size(), 2u);
  CHECK_REFUSED(command_from_event_data(nested_arrays(30000)).status(),
                "not a command: JSON nested");
}

CAF_TEST(events of a save are read bounded : a nested or huge event is an error naming the row) {
  Save save;
  // The gateway's `events` handler reads through SaveReader::events_between.
  test::exec_sql(save.path,
                 "PRAGMA ignore_check_constraints = ON;"
                 " INSERT INTO event_log (tick, event_type, event_data) VALUES (0, 'battle', '" +
                     nested_arrays(400000) + "')");
  auto reader = SaveReader::open(save.path);
  CAF_REQUIRE(reader.ok());
  auto events = (*reader)->events_between(0, 0);
  CHECK_REFUSED(events.status(), "damaged event_log row at tick 0 (battle)");
  CHECK_REFUSED(events.status(), "more than the 65536 allowed");
  test::exec_sql(save.path,
                 "PRAGMA ignore_check_constraints = ON; DELETE FROM event_log;"
                 " INSERT INTO event_log (tick, event_type, event_data) VALUES (0, 'battle', '" +
                     nested_arrays(30000) + "')");
  CHECK_REFUSED((*reader)->events_between(0, 0).status(), "nested deeper than 2 levels");

  test::exec_sql(save.path,
                 "DELETE FROM event_log; INSERT INTO event_log (tick, event_type, event_data)"
                 " VALUES (0, 'battle', '{\"x\":\"' || hex(zeroblob(4000000)) || '\"}')");
  CHECK_REFUSED((*reader)->events_between(0, 0).status(), "bytes, more than the 65536 allowed");

  // A command row deeply nested: replay reads commands the same way.
  test::exec_sql(save.path,
                 "PRAGMA ignore_check_constraints = ON; DELETE FROM event_log;"
                 " INSERT INTO event_log (tick, event_type, event_data) VALUES (0, 'command', '" +
                     nested_arrays(30000) + "')");
  CHECK_REFUSED((*reader)->commands_between(0, 0).status(), "not a command: JSON nested deeper");
}

CAF_TEST(an army path nested deep or too long is refused on load) {
  Save save;
  test::exec_sql(save.path, "PRAGMA ignore_check_constraints = ON; UPDATE armies SET path = '" +
                                nested_arrays(20000) + "' WHERE id = 1");
  CHECK_REFUSED(save.load(), "army 1: army path: JSON nested deeper than 1");
  test::exec_sql(save.path,
                 "UPDATE armies SET path = '" + nested_arrays(400000) + "' WHERE id = 1");
  CHECK_REFUSED(save.load(), "army 1: army path: JSON of 800000 bytes");
}

// ---- item 4: snapshot decompression bomb ----

namespace {

// A snapshot blob: magic, a size header that says `claimed`, then `raw`
// zlib-compressed.
std::string snapshot_blob(uint64_t claimed, const std::string& raw) {
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string z(size, '\0');
  compress2(reinterpret_cast<Bytef*>(&z[0]), &size, reinterpret_cast<const Bytef*>(raw.data()),
            static_cast<uLong>(raw.size()), Z_BEST_COMPRESSION);
  z.resize(size);
  std::string blob = "HGS1";
  for (int i = 0; i < 8; ++i) blob += static_cast<char>(claimed >> (8 * i));
  return blob + z;
}

}  // namespace

CAF_TEST(a snapshot inflates to no more than its map can need) {
  const WorldSnapshot world = generate_world(test::small_world());
  const uint64_t cap = max_snapshot_bytes(*world.map);
  // A fair snapshot fits its cap (and still decodes).
  const std::string fair = encode_snapshot(world);
  WorldSnapshot back;
  CAF_REQUIRE(decode_snapshot(fair, *world.map, back).ok());
  CAF_CHECK(back.provinces == world.provinces);

  // 64 MiB of zeros compress to about 64 KiB: the old bound (1100 times the
  // blob) let a header claiming all of it allocate and inflate it.
  const std::string zeros(64u << 20, '\0');
  WorldSnapshot out;
  CHECK_REFUSED(decode_snapshot(snapshot_blob(zeros.size(), zeros), *world.map, out),
                "needs at most " + std::to_string(cap));
  // A header that lies small: inflation stops at what it claimed.
  CHECK_REFUSED(decode_snapshot(snapshot_blob(1000, zeros), *world.map, out),
                "inflates to more than 1000 bytes");
  // A header claiming an absurd size.
  CHECK_REFUSED(decode_snapshot(snapshot_blob(uint64_t{1} << 62, "x"), *world.map, out),
                "needs at most");
}

CAF_TEST(a decompression bomb in the snapshots table of a save is an error for state and replay) {
  Save save(3);
  const std::string zeros(64u << 20, '\0');
  const std::string blob = snapshot_blob(zeros.size(), zeros);
  std::string hex;
  static const char kDigits[] = "0123456789abcdef";
  for (unsigned char c : blob) hex += {kDigits[c >> 4], kDigits[c & 15]};
  test::exec_sql(save.path,
                 "INSERT OR REPLACE INTO snapshots (tick, state_hash, format, data)"
                 " VALUES (2, '0000000000000000', 1, x'" +
                     hex + "')");
  auto reader = SaveReader::open(save.path);
  CAF_REQUIRE(reader.ok());
  CHECK_REFUSED((*reader)->snapshot_at_or_before(2, save.world.map).status(), "needs at most");
  CHECK_REFUSED(state_at(save.path, 2).status(), "corrupt snapshot");
}

// ---- item 6: a loaded world is checked, whatever its hash ----

CAF_TEST(a good save loads) {
  Save save(5);
  CAF_CHECK(save.load().ok());
  CAF_CHECK(save.load_with_writer().ok());
  CAF_CHECK(check_world(save.world).ok());
}

CAF_TEST(an army on a province that does not exist is refused) {
  Save save;
  WorldSnapshot edited = save.world;
  edited.armies[0].location = 999999;
  save.tamper(
      "UPDATE armies SET province_id = 999999 WHERE id = " + std::to_string(edited.armies[0].id),
      edited);
  const std::string army = "army " + std::to_string(edited.armies[0].id);
  CHECK_REFUSED(save.load(), army + ": location 999999 is not a province of the map");
  CHECK_REFUSED(save.load_with_writer(), army + ": location 999999");
  // The tools exit 1 with the reason.
  const std::string log = save.dir.file("state.log");
  CAF_CHECK_EQUAL(run_hegemon("state " + save.path + " --tick 0", log), 1);
  CAF_CHECK(contains(test::read_file(log), army + ": location 999999"));
  CAF_CHECK_EQUAL(run_hegemon("replay " + save.path, log), 1);
  CAF_CHECK(contains(test::read_file(log), army + ": location 999999"));
}

CAF_TEST(an owner that does not exist is refused) {
  Save save;
  WorldSnapshot edited = save.world;
  edited.provinces[0].owner = 500;
  save.tamper("UPDATE provinces SET owner_id = 500 WHERE id = 1", edited);
  CHECK_REFUSED(save.load(), "province 1: owner 500 is not a nation");
}

CAF_TEST(development INT32_MAX is refused) {
  Save save;
  WorldSnapshot edited = save.world;
  edited.provinces[4].development = INT32_MAX;
  save.tamper("UPDATE provinces SET development = 2147483647 WHERE id = 5", edited);
  CHECK_REFUSED(save.load(), "province 5: development 2147483647 is outside 1..30");
}

CAF_TEST(a tick near INT64_MAX is refused) {
  Save save;
  WorldSnapshot edited = save.world;
  edited.meta.tick = INT64_MAX - 1;
  save.tamper("UPDATE game SET tick = 9223372036854775806", edited);
  CHECK_REFUSED(save.load(), "game: tick 9223372036854775806 is outside 0..");
}

CAF_TEST(a running game has room for a tick only while the next one stays within the load limits) {
  GameMeta meta;
  meta.tick = 100;
  meta.next_army_id = 50;
  meta.next_war_id = 3;
  const int64_t nations = 12;
  CAF_CHECK(check_room_for_next_tick(meta, nations).ok());
  meta.tick = kMaxTick - 1;  // the last tick a load accepts is kMaxTick
  CAF_CHECK(check_room_for_next_tick(meta, nations).ok());
  meta.tick = kMaxTick;
  CHECK_REFUSED(check_room_for_next_tick(meta, nations), "the tick is 10000000000");
  meta.tick = 100;
  meta.next_army_id = static_cast<ArmyId>(kMaxEntityId - max_new_armies_per_tick(nations));
  CAF_CHECK(check_room_for_next_tick(meta, nations).ok());
  ++meta.next_army_id;
  CHECK_REFUSED(check_room_for_next_tick(meta, nations), "next_army_id");
  meta.next_army_id = 50;
  meta.next_war_id = static_cast<WarId>(kMaxEntityId - max_new_wars_per_tick(nations));
  CAF_CHECK(check_room_for_next_tick(meta, nations).ok());
  ++meta.next_war_id;
  CHECK_REFUSED(check_room_for_next_tick(meta, nations), "next_war_id");
}

CAF_TEST(asymmetric adjacency is refused) {
  Save save;
  // The map is not part of the state hash: the stored hash still matches.
  const ProvinceId a = 1, b = save.world.map->province(1).neighbors.front();
  save.tamper("DELETE FROM adjacency WHERE province_id = " + std::to_string(b) +
                  " AND neighbor_id = " + std::to_string(a),
              save.world);
  CHECK_REFUSED(save.load(), "adjacency is not symmetric");
}

CAF_TEST(a name longer than any name is refused) {
  Save save;
  // Names are not part of the state hash either. A 100 MB name once loaded,
  // and every reply naming it cost the gateway seconds.
  save.tamper("UPDATE provinces SET name = hex(zeroblob(200)) WHERE id = 3", save.world);
  CHECK_REFUSED(save.load(), "province 3: its name is 400 bytes long, more than 256");
  Save other;
  other.tamper("UPDATE nations SET name = hex(zeroblob(200)) WHERE id = 2", other.world);
  CHECK_REFUSED(other.load(), "nation 2: its name is 400 bytes long, more than 256");
}

CAF_TEST(more provinces than a world has are refused before they are all read) {
  Save save;
  test::exec_sql(save.path,
                 "WITH RECURSIVE n(i) AS (SELECT 201 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                     std::to_string(kMaxProvinces + 1) +
                     ") INSERT INTO provinces (id, name, terrain, x, y, development, unrest,"
                     " siege_progress) SELECT i, 'p', 'plains', 0, 0, 1, 0, 0 FROM n");
  CHECK_REFUSED(save.load(), "more than 200000 provinces");
}

CAF_TEST(the hash mismatch error does not tell the hash the tables have) {
  Save save;
  WorldSnapshot edited = save.world;
  edited.provinces[0].unrest = 42;
  test::exec_sql(save.path, "UPDATE provinces SET unrest = 42 WHERE id = 1");
  const Status refused = save.load();
  CHECK_REFUSED(refused, "save is inconsistent at tick 0");
  CAF_CHECK(!contains(refused.message(), hash_to_hex(full_state_hash(edited))));
}

CAF_TEST(a snapshot with out of range fields is refused as the tables are) {
  WorldSnapshot world = generate_world(test::small_world());
  world.armies[0].morale = 1000;
  WorldSnapshot out;
  CHECK_REFUSED(decode_snapshot(encode_snapshot(world), *world.map, out),
                "army " + std::to_string(world.armies[0].id) + ": morale 1000 is outside 0..100");
}

// ---- item 14: replay reports rows the game did not write ----

namespace {

// Runs `sql` on the save, then replays it: the replay must report a
// divergence, which is returned.
Divergence diverging_replay(const Save& save, const std::string& sql) {
  test::exec_sql(save.path, sql);
  auto report = replay_save(save.path, ReplayOptions());
  CAF_REQUIRE(report.ok());
  CAF_REQUIRE(report->divergence);
  return *report->divergence;
}

}  // namespace

CAF_TEST(replay reports events of unknown types as a divergence) {
  Save save(12);
  auto clean = replay_save(save.path, ReplayOptions());
  CAF_REQUIRE(clean.ok());
  CAF_CHECK(!clean->divergence);
  const Divergence injected = diverging_replay(
      save,
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
      " INSERT INTO event_log (tick, event_type, event_data)"
      " SELECT 7, 'injected', '{}' FROM n");
  CAF_CHECK_EQUAL(injected.tick, 7);
  CAF_CHECK(contains(injected.differences.back(),
                     "1000 event(s) of a type the game does not write: 'injected'"));
  // `hegemon replay` says so: exit 4 (a divergence), not 0.
  const std::string log = save.dir.file("replay.log");
  CAF_CHECK_EQUAL(run_hegemon("replay " + save.path, log), 4);
  CAF_CHECK(contains(test::read_file(log), "a type the game does not write"));
  // Where no tick is compared: the starting tick, past the last.
  const Divergence outside =
      diverging_replay(save,
                       "UPDATE event_log SET tick = 0 WHERE event_type = 'injected';"
                       " INSERT INTO event_log (tick, event_type, event_data)"
                       " VALUES (99, 'injected', '{}')");
  CAF_CHECK(
      contains(outside.differences.front(), "1001 event(s) of a type the game does not write"));
}

CAF_TEST(replay refuses a flood of injected events instead of reading them all) {
  Save save(3);
  test::exec_sql(save.path,
                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                     std::to_string(SaveReader::kMaxEventsRead + 1) +
                     ") INSERT INTO event_log (tick, event_type, event_data)"
                     " SELECT 2, 'battle', '{}' FROM n");
  CHECK_REFUSED(replay_save(save.path, ReplayOptions{}).status(), "damaged event_log");
}
