// The copy of a live save that `download_save` sends (persistence/
// save_download.h): taken while the writer keeps its last ticks in the WAL,
// it holds them; it is one file at one committed tick whose state hash
// verifies; it holds no tokens, not even in freed pages; the size limit is
// enforced before anything is written; a destination that is not a new empty
// file is refused.
#define CAF_SUITE save_download

#include <caf/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "persistence/save_download.h"
#include "persistence/save_file.h"
#include "persistence/save_reader.h"
#include "persistence/token_store.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "state/world.h"
#include "test_support.h"

using namespace hegemon;

namespace {

// A new empty file, as the worker's mkstemp makes it.
std::string empty_file(const test::TempDir& dir, const std::string& name) {
  const std::string path = dir.file(name);
  std::ofstream(path).close();
  return path;
}

// A save at dir/game.db holding a new small world, closed again; its path.
std::string closed_save(const test::TempDir& dir) {
  const std::string path = dir.file("game.db");
  auto save = SaveFile::open(path);
  CAF_REQUIRE(save.ok());
  CAF_REQUIRE((*save)->create_world(generate_world(test::small_world(7))).ok());
  return path;
}

}  // namespace

CAF_TEST(a copy of a live save holds its last committed tick and no tokens) {
  test::TempDir dir;
  const std::string path = dir.file("game.db");
  auto save = SaveFile::open(path);
  CAF_REQUIRE(save.ok());
  World w(generate_world(test::small_world(7)));
  CAF_REQUIRE((*save)->create_world(w.snapshot()).ok());
  const std::string hash = token_hash("a-player-token-for-the-copy-test");
  CAF_REQUIRE((*save)->issue_token("player", 1, hash).ok());
  for (int t = 1; t <= 30; ++t) CAF_REQUIRE((*save)->commit(run_tick_sequential(w)).ok());
  // The writer stays open and has not checkpointed: ticks are in the WAL.
  CAF_REQUIRE(std::filesystem::file_size(path + "-wal") > 0);

  const std::string copy_path = empty_file(dir, "copy.db");
  auto copy = copy_save_for_download(path, copy_path, int64_t{1} << 30);
  CAF_REQUIRE(copy.ok());
  CAF_CHECK_EQUAL(copy->tick, 30);
  CAF_CHECK_EQUAL(copy->bytes, static_cast<int64_t>(std::filesystem::file_size(copy_path)));
  // The writer goes on; the copy stays at its tick.
  CAF_REQUIRE((*save)->commit(run_tick_sequential(w)).ok());

  CAF_CHECK_EQUAL(test::query_text(copy_path, "PRAGMA integrity_check"), "ok");
  CAF_CHECK_EQUAL(test::query_text(copy_path, "PRAGMA journal_mode"), "delete");
  CAF_CHECK_EQUAL(test::query_int(copy_path, "SELECT count(*) FROM tokens"), 0);
  // Not in a freed page either (secure_delete; Debian's SQLite has it on by
  // default, so this fails here only if the copy turns it off, as a check
  // that it is asked for explicitly would need another SQLite build).
  const std::string bytes = test::read_file(copy_path);
  CAF_CHECK(bytes.find(hash) == std::string::npos);
  CAF_CHECK(test::read_file(path).find(hash) != std::string::npos ||
            test::read_file(path + "-wal").find(hash) != std::string::npos);

  auto reader = SaveReader::open(copy_path);
  CAF_REQUIRE(reader.ok());
  auto world = (*reader)->load_world(true);  // recomputes the state hash
  CAF_REQUIRE(world.ok());
  CAF_CHECK_EQUAL(world->meta.tick, 30);
  auto live = SaveReader::open(path);
  CAF_REQUIRE(live.ok());
  auto live_hash = (*live)->tick_hash(30);
  CAF_REQUIRE(live_hash.ok());
  CAF_REQUIRE(live_hash->has_value());
  CAF_CHECK_EQUAL(world->meta.state_hash, **live_hash);
}

CAF_TEST(the size limit is enforced before the copy is written) {
  test::TempDir dir;
  const std::string path = closed_save(dir);
  const std::string copy_path = empty_file(dir, "copy.db");
  auto copy = copy_save_for_download(path, copy_path, 8192);
  CAF_REQUIRE(!copy.ok());
  CAF_CHECK(copy.status().message().find("more than the download limit of 8192") !=
            std::string::npos);
  CAF_CHECK_EQUAL(std::filesystem::file_size(copy_path), 0u);
}

CAF_TEST(a destination that is not a new empty file is refused) {
  test::TempDir dir;
  const std::string path = closed_save(dir);
  // The save itself, and a missing file.
  auto onto_save = copy_save_for_download(path, path, int64_t{1} << 30);
  CAF_CHECK(!onto_save.ok());
  auto missing = copy_save_for_download(path, dir.file("missing.db"), int64_t{1} << 30);
  CAF_CHECK(!missing.ok());
  CAF_CHECK(!std::filesystem::exists(dir.file("missing.db")));
}
