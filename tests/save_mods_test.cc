// The mods a save keeps (schema/008_mods.sql, persistence/mod_rows.h): written
// byte-exact with the world, read back with their checksum, and refused when
// the rows are hostile. What a mod file holds is mod_file_test's; here a mod's
// bytes are any bytes, because the save only stores and hashes them.
#define CAF_SUITE save_mods

#include <caf/test/unit_test.hpp>

#include <string>
#include <vector>

#include "persistence/save_file.h"
#include "persistence/save_view.h"
#include "persistence/sha256.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "state/world.h"
#include "test_support.h"
#include "tools/replay.h"
#include "tools/save_summary.h"

using namespace hegemon;

namespace {

ModFileContent mod(const std::string& name, const std::string& bytes) {
  ModFileContent m;
  m.name = name;
  m.version = "1.0";
  m.bytes = bytes;
  m.sha256_hex = sha256_hex(bytes);
  return m;
}

// A new save at dir/name made with `mods`; its path.
std::string save_with(const test::TempDir& dir, const std::string& name,
                      const std::vector<ModFileContent>& mods) {
  const std::string path = dir.file(name);
  auto save = SaveFile::open(path);
  CAF_REQUIRE(save.ok());
  Status st = (*save)->create_world(generate_world(test::small_world(7)), mods);
  CAF_REQUIRE(st.ok());
  return path;
}

Result<GameContent> content_of(const std::string& path) {
  auto save = SaveFile::open(path);
  if (!save.ok()) return save.status();
  return (*save)->content();
}

}  // namespace

CAF_TEST(the sha256 and the checksum are the standard ones) {
  // FIPS 180-2's test vector, and the empty string's digest.
  CAF_CHECK_EQUAL(sha256_hex("abc"),
                  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CAF_CHECK_EQUAL(content_checksum_hex({}),
                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CAF_CHECK(is_sha256_hex(sha256_hex("x")));
  CAF_CHECK(!is_sha256_hex(std::string(64, 'A')));
  CAF_CHECK(!is_sha256_hex(std::string(63, 'a')));
}

CAF_TEST(a save keeps its mods byte for byte in load order) {
  test::TempDir dir;
  std::string binary("\0\x01\xffmod", 6);  // a blob, not text: NULs survive
  const std::vector<ModFileContent> mods = {mod("balance", binary), mod("names", "second")};
  const std::string path = save_with(dir, "a.db", mods);

  auto content = content_of(path);
  CAF_REQUIRE(content.ok());
  CAF_REQUIRE_EQUAL(content->mods.size(), 2u);
  CAF_CHECK_EQUAL(content->mods[0].position, 1);
  CAF_CHECK_EQUAL(content->mods[0].name, "balance");
  CAF_CHECK_EQUAL(content->mods[0].size, 6);
  CAF_CHECK_EQUAL(content->mods[1].name, "names");
  CAF_CHECK_EQUAL(content->checksum_hex,
                  content_checksum_hex({mods[0].sha256_hex, mods[1].sha256_hex}));

  auto view = SaveView::open(path);
  CAF_REQUIRE(view.ok());
  auto embedded = view->embedded_mods();
  CAF_REQUIRE(embedded.ok());
  CAF_REQUIRE_EQUAL(embedded->size(), 2u);
  CAF_CHECK((*embedded)[0].bytes == binary);
  CAF_CHECK_EQUAL((*embedded)[1].bytes, "second");

  // inspect shows them.
  auto summary = read_save_summary(path);
  CAF_REQUIRE(summary.ok());
  CAF_CHECK_EQUAL(summary->content.checksum_hex, content->checksum_hex);
  const std::string text = format_summary_text(*summary);
  CAF_CHECK(text.find("balance 1.0") != std::string::npos);
}

CAF_TEST(the same mods in another order give another checksum) {
  test::TempDir dir;
  const ModFileContent a = mod("a", "first"), b = mod("b", "second");
  auto ab = content_of(save_with(dir, "ab.db", {a, b}));
  auto ba = content_of(save_with(dir, "ba.db", {b, a}));
  auto none = content_of(save_with(dir, "none.db", {}));
  CAF_REQUIRE(ab.ok() && ba.ok() && none.ok());
  CAF_CHECK_NOT_EQUAL(ab->checksum_hex, ba->checksum_hex);
  CAF_CHECK(none->mods.empty());
  CAF_CHECK_EQUAL(none->checksum_hex, content_checksum_hex({}));
  CAF_CHECK_NOT_EQUAL(none->checksum_hex, ab->checksum_hex);
}

CAF_TEST(a mod whose bytes do not match its sha256 is not written) {
  test::TempDir dir;
  ModFileContent lying = mod("liar", "bytes");
  lying.bytes = "other bytes";
  const std::string path = dir.file("liar.db");
  auto save = SaveFile::open(path);
  CAF_REQUIRE(save.ok());
  Status st = (*save)->create_world(generate_world(test::small_world(7)), {lying});
  CAF_REQUIRE(!st.ok());
  CAF_MESSAGE("refused: " << st.message());
  CAF_CHECK(st.message().find("do not hash to its sha256") != std::string::npos);
  CAF_CHECK(!(*save)->has_world());  // the whole world was rolled back with it
}

CAF_TEST(hostile mod rows refuse the content and name the row) {
  struct Case {
    const char* what;
    const char* sql;
    const char* expected;
  };
  const Case cases[] = {
      {"content changed", "UPDATE mods SET content = X'00' WHERE position = 1",
       "row 1: content does not hash to its sha256"},
      {"sha256 not hex", "UPDATE mods SET sha256 = upper(sha256) WHERE position = 2",
       "row 2: sha256 is not 64 lowercase hex digits"},
      {"a gap in the order", "UPDATE mods SET position = 5 WHERE position = 2",
       "row 5: positions must be 1..n"},
      {"oversized content",
       "UPDATE mods SET content = zeroblob(64 * 1024 * 1024 + 1) WHERE position = 1",
       "row 1: content is larger than"},
  };
  for (const Case& c : cases) {
    CAF_MESSAGE(c.what);
    test::TempDir dir;
    const std::string path =
        save_with(dir, "hostile.db", {mod("one", "first"), mod("two", "second")});
    test::exec_sql(path, c.sql);
    auto content = content_of(path);
    CAF_REQUIRE(!content.ok());
    CAF_MESSAGE("refused: " << content.status().message());
    CAF_CHECK(content.status().message().find(c.expected) != std::string::npos);
    CAF_CHECK(content.status().message().find("table mods") != std::string::npos);
  }
  // More rows than kMaxMods, each valid on its own.
  test::TempDir dir;
  const ModFileContent empty = mod("m", "");
  const std::string path = save_with(dir, "many.db", {});
  std::string sql;
  for (int i = 1; i <= kMaxMods + 1; ++i) {
    sql += "INSERT INTO mods VALUES (" + std::to_string(i) + ", 'm', '1', '" + empty.sha256_hex +
           "', X'');";
  }
  test::exec_sql(path, sql);
  auto content = content_of(path);
  CAF_REQUIRE(!content.ok());
  CAF_CHECK(content.status().message().find("more than 64 mods") != std::string::npos);
}

CAF_TEST(a replay checks the embedded mods and its new save keeps them) {
  test::TempDir dir;
  const std::vector<ModFileContent> mods = {mod("a", "first"), mod("b", "second")};
  const std::string path = dir.file("played.db");
  {
    auto save = SaveFile::open(path);
    CAF_REQUIRE(save.ok());
    World w(generate_world(test::small_world(7)));
    CAF_REQUIRE((*save)->create_world(w.snapshot(), mods).ok());
    for (int t = 0; t < 20; ++t) CAF_REQUIRE((*save)->commit(run_tick_sequential(w)).ok());
  }
  ReplayOptions options;
  options.out_path = dir.file("replayed.db");
  auto report = replay_save(path, options);
  CAF_REQUIRE(report.ok());
  CAF_CHECK(!report->divergence);
  CAF_CHECK_EQUAL(report->ticks_replayed(), 20);
  CAF_REQUIRE_EQUAL(report->mod_sha256.size(), 2u);
  CAF_CHECK_EQUAL(report->mod_sha256[1], mods[1].sha256_hex);
  auto original = content_of(path);
  auto replayed = content_of(options.out_path);
  CAF_REQUIRE(original.ok() && replayed.ok());
  CAF_CHECK_EQUAL(replayed->checksum_hex, original->checksum_hex);

  // A mod altered in the save stops the replay before any tick.
  test::exec_sql(path, "UPDATE mods SET content = X'00' WHERE position = 2");
  auto refused = replay_save(path, ReplayOptions{});
  CAF_REQUIRE(!refused.ok());
  CAF_MESSAGE("refused: " << refused.status().message());
  CAF_CHECK(refused.status().message().find("row 2: content does not hash") != std::string::npos);
}
