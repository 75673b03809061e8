// Saves made by an earlier build still replay and load to the same state
// hash. tests/data/pre_fields_seed7.db was written by the binary built from
// the commit before the entity field descriptions (state/entity_fields.h)
// replaced the hand-written equality, hash, codecs and SQL bindings:
//   hegemon serve --save pre_fields_seed7.db --seed 7 --provinces 60 --nations 8
//                 --speed max --ticks 400 --port 0 --snapshot-every 100
// then VACUUM. 400 ticks with wars, battles, sieges, a peace and an
// elimination. If a change alters how any field is hashed, encoded or bound,
// a tick's hash or a snapshot stops matching and these tests fail.
#define CAF_SUITE saved_games
#include <caf/test/dsl.hpp>

#include <filesystem>
#include <set>

#include "state/hash_hex.h"
#include "persistence/save_file.h"
#include "persistence/save_reader.h"
#include "persistence/snapshot_codec.h"
#include "state/state_hash.h"
#include "test_support.h"
#include "tools/replay.h"

using namespace hegemon;

namespace {

constexpr Tick kFixtureTicks = 400;

std::string hex_of(const std::string& bytes) {
  static const char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// The fixture copied into a fresh directory: the save is in WAL mode, so
// even a read-only open creates files next to it, which the source tree
// must not get.
struct Fixture {
  test::TempDir dir;
  std::string path = dir.file("pre_fields_seed7.db");
  Fixture() {
    std::filesystem::copy_file(std::string(HEGEMON_SOURCE_DIR) + "/tests/data/pre_fields_seed7.db",
                               path);
    // Made at schema 5; readers want the current schema, so the writer
    // migrates it once, as `serve` would (the migration commits only if the
    // world then loads, so this also checks the old world is accepted).
    auto migrated = SaveFile::open(path);
    CAF_REQUIRE(migrated.ok());
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(saved_games_tests, Fixture)

CAF_TEST(an old save replays tick for tick to the hashes it recorded) {
  auto save = SaveReader::open(path);
  CAF_REQUIRE(save.ok());
  auto hashes = (*save)->tick_hashes(0, kFixtureTicks);
  CAF_REQUIRE(hashes.ok());
  // Not vacuous: every tick has a recorded hash, and they differ (a world
  // that stood still, or a hash of nothing, would repeat itself).
  CAF_CHECK_EQUAL(hashes->size(), static_cast<size_t>(kFixtureTicks + 1));
  std::set<uint64_t> distinct;
  for (const auto& [tick, hash] : *hashes) distinct.insert(hash);
  CAF_CHECK_GREATER(distinct.size(), static_cast<size_t>(kFixtureTicks * 9 / 10));
  // The game did something worth hashing: battles, and a war that ended.
  auto battles = (*save)->count_events("battle");
  auto peaces = (*save)->count_events("peace");
  CAF_REQUIRE(battles.ok() && peaces.ok());
  CAF_CHECK_GREATER(*battles, 0);
  CAF_CHECK_GREATER(*peaces, 0);

  auto report = replay_save(path, {});
  CAF_REQUIRE(report.ok());
  CAF_CHECK_EQUAL(report->start_tick, 0);
  CAF_CHECK_EQUAL(report->ticks_replayed(), kFixtureTicks);
  CAF_CHECK_GREATER(report->ticks_replayed(), 0);
  if (report->divergence) {
    for (const auto& line : report->divergence->differences) CAF_MESSAGE(line);
  }
  CAF_CHECK(!report->divergence);
  // The replayed world is the recorded one.
  CAF_CHECK_EQUAL(full_state_hash(report->final_state), hashes->back().second);
}

CAF_TEST(an old save replays from each of its stored snapshots) {
  auto save = SaveReader::open(path);
  CAF_REQUIRE(save.ok());
  auto ticks = (*save)->snapshot_ticks();
  CAF_REQUIRE(ticks.ok());
  CAF_REQUIRE_EQUAL(ticks->size(), 5u);  // 0, 100, 200, 300, 400
  for (Tick t : *ticks) {
    if (t == 0) continue;
    ReplayOptions options;
    options.from_snapshot = true;
    options.to_tick = t + 50 > kFixtureTicks ? t : t + 50;
    auto report = replay_save(path, options);
    CAF_REQUIRE(report.ok());
    CAF_CHECK_GREATER(report->ticks_replayed(), 0);
    CAF_CHECK(!report->divergence);
  }
}

CAF_TEST(an old save loads to the state hash it recorded) {
  auto save = SaveReader::open(path);
  CAF_REQUIRE(save.ok());
  auto recorded = (*save)->tick_hash(kFixtureTicks);
  CAF_REQUIRE(recorded.ok() && recorded->has_value());
  // The tables as stored, hashed here rather than checked by the reader.
  auto world = (*save)->load_world(false);
  CAF_REQUIRE(world.ok());
  CAF_CHECK_EQUAL(world->meta.tick, kFixtureTicks);
  CAF_CHECK_EQUAL(world->meta.state_hash, **recorded);
  CAF_CHECK_EQUAL(full_state_hash(*world), **recorded);
  CAF_CHECK_EQUAL(hash_to_hex(full_state_hash(*world)), "bd4374776aa84ac7");
  CAF_CHECK(!world->armies.empty());
  // And each stored snapshot decodes to a world with its recorded hash.
  for (Tick t : {0, 100, 200, 300, 400}) {
    auto snap = (*save)->snapshot_at_or_before(t, world->map);
    CAF_REQUIRE(snap.ok() && snap->has_value());
    CAF_CHECK_EQUAL((*snap)->meta.tick, t);
    auto recorded_then = (*save)->tick_hash(t);
    CAF_REQUIRE(recorded_then.ok() && recorded_then->has_value());
    CAF_CHECK_EQUAL(full_state_hash(**snap), **recorded_then);
    // Encoded again, it is the same bytes the old build stored.
    const std::string stored =
        test::query_text(path, "SELECT hex(data) FROM snapshots WHERE tick = " + std::to_string(t));
    CAF_CHECK(!stored.empty());
    CAF_CHECK_EQUAL(hex_of(encode_snapshot(**snap)), stored);
  }
}

CAF_TEST(the replay check is live : a tampered tick hash is found at its tick) {
  test::exec_sql(path, "UPDATE ticks SET state_hash = '0123456789abcdef' WHERE tick = 123");
  auto report = replay_save(path, {});
  CAF_REQUIRE(report.ok());
  CAF_REQUIRE(report->divergence.has_value());
  CAF_CHECK_EQUAL(report->divergence->tick, 123);
}

CAF_TEST_FIXTURE_SCOPE_END()
