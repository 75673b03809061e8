// Tokens that come with a save are the host's only if the host sealed them
// for that save (persistence/token_origin.h) with its own key
// (persistence/token_key.h); and an older save is migrated only if its world
// then loads (persistence/migrate.h). Every hostile save here is built by
// the test itself with SQL, as its author would with sqlite3; every key file
// lives in the test's own directory.
#define CAF_SUITE token_seal
#include <caf/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "persistence/save_file.h"
#include "persistence/save_reader.h"
#include "persistence/token_key.h"
#include "persistence/token_store.h"
#include "rules/world_gen.h"
#include "schema/migrations.h"
#include "test_support.h"

using namespace hegemon;
namespace fs = std::filesystem;

namespace {

using hegemon::test::contains;

// One host: its key file, and saves opened with it.
struct Host {
  explicit Host(std::string key) : key_path(std::move(key)) {}
  std::string key_path;

  Result<std::unique_ptr<SaveFile>> open(const std::string& path) const {
    SaveOptions options;
    options.token_key_path = key_path;
    return SaveFile::open(path, options);
  }
  // Opening `path` is refused with an error saying `why`, and leaves the file
  // byte for byte as it was (`before`, read just before). Returns the error.
  std::string refuses(const std::string& path, const std::string& before,
                      const std::string& why) const {
    auto save = open(path);
    CAF_REQUIRE(!save.ok());
    const std::string message = save.status().message();
    CAF_MESSAGE("refused: " << message);
    CAF_CHECK(contains(message, why));
    CAF_CHECK(test::read_file(path) == before);
    return message;
  }
  // A save with a small generated world (seed `seed`) and, per role in
  // `roles`, a token ("admin" or "player" of nation 1); closed cleanly.
  void make_save(const std::string& path, uint64_t seed,
                 const std::vector<std::string>& tokens) const {
    auto save = open(path);
    if (!save.ok()) CAF_FAIL(save.status().message());
    // Named: CAF's check macros keep a reference to what they are given.
    const Status created = (*save)->create_world(generate_world(test::small_world(seed)));
    CAF_REQUIRE_EQUAL(created.message(), "ok");
    for (const std::string& role : tokens) {
      auto id = (*save)->issue_token(role, role == "player" ? 1 : kNoNation,
                                     token_hash(path + " " + role + " " + random_token()));
      CAF_REQUIRE(id.ok());
    }
  }
  // Opens the save (which must open) and returns how many tokens it dropped
  // and how many it kept.
  std::pair<int64_t, size_t> reopen(const std::string& path) const {
    auto save = open(path);
    if (!save.ok()) CAF_FAIL(save.status().message());
    auto tokens = (*save)->tokens();
    CAF_REQUIRE(tokens.ok());
    return {(*save)->foreign_tokens_dropped(), tokens->size()};
  }
};

std::string valid_tokens = "SELECT count(*) FROM tokens WHERE revoked_at IS NULL";

}  // namespace

// ---- the seal ----

CAF_TEST(the own save of the host keeps its tokens across restarts and issues and revocations) {
  test::TempDir dir;
  const Host host(dir.file("state/token.key"));
  const std::string path = dir.file("own.db");
  host.make_save(path, 7, {"admin", "player"});
  CAF_CHECK_EQUAL(host.reopen(path), std::make_pair(int64_t{0}, size_t{2}));
  // Issue and revoke on a running writer; each reseals, so a restart keeps
  // exactly the state they left.
  {
    auto save = host.open(path);
    CAF_REQUIRE(save.ok());
    auto id = (*save)->issue_token("player", 2, token_hash("a third token"));
    CAF_REQUIRE(id.ok());
    CAF_REQUIRE((*save)->revoke_token(1).ok());
  }
  CAF_CHECK_EQUAL(host.reopen(path), std::make_pair(int64_t{0}, size_t{3}));
  CAF_CHECK_EQUAL(test::query_int(path, valid_tokens), 2);
  auto reader = SaveReader::open(path);
  CAF_REQUIRE(reader.ok());
  CAF_CHECK((*reader)->find_token(token_hash("a third token"))->has_value());
  // A failed revocation (no such token) changes nothing and breaks no seal.
  {
    auto save = host.open(path);
    CAF_REQUIRE(save.ok());
    CAF_CHECK(!(*save)->revoke_token(99).ok());
  }
  CAF_CHECK_EQUAL(host.reopen(path), std::make_pair(int64_t{0}, size_t{3}));
}

CAF_TEST(token rows copied from another save of the same host are dropped) {
  test::TempDir dir;
  const Host host(dir.file("state/token.key"));
  // Save A was shared with a player, who knows their player token of A.
  const std::string a = dir.file("a.db"), b = dir.file("b.db");
  host.make_save(a, 7, {"admin", "player"});
  host.make_save(b, 7, {"admin"});  // the same seed: only the save tells them apart
  // B as its author sends it: A's token rows and A's seal, both genuine.
  test::exec_sql(
      b, "ATTACH '" + a +
             "' AS a;"
             " DELETE FROM tokens; INSERT INTO tokens SELECT * FROM a.tokens;"
             " DELETE FROM token_origin; INSERT INTO token_origin SELECT * FROM a.token_origin;");
  CAF_CHECK_EQUAL(host.reopen(b), std::make_pair(int64_t{2}, size_t{0}));
  // The same rows with B's own seal (the old attack: copy whatever marks a
  // save as the host's): dropped too.
  host.make_save(dir.file("c.db"), 9, {"admin"});
  const std::string c = dir.file("c.db");
  test::exec_sql(c, "ATTACH '" + a +
                        "' AS a;"
                        " DELETE FROM tokens; INSERT INTO tokens SELECT * FROM a.tokens;");
  CAF_CHECK_EQUAL(host.reopen(c), std::make_pair(int64_t{2}, size_t{0}));
  // A itself is untouched and keeps its tokens.
  CAF_CHECK_EQUAL(host.reopen(a), std::make_pair(int64_t{0}, size_t{2}));
}

CAF_TEST(an edited token row is dropped with every other token) {
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"a player made admin",
       "UPDATE tokens SET role = 'admin', nation_id = NULL WHERE role = 'player'"},
      {"a player given another nation", "UPDATE tokens SET nation_id = 2 WHERE role = 'player'"},
      {"a revoked token revived", "UPDATE tokens SET revoked_at = NULL"},
      {"a token's hash replaced",
       "UPDATE tokens SET hash = '" + token_hash("mine") + "' WHERE id = 1"},
      {"a token added",
       "INSERT INTO tokens (hash, role) VALUES ('" + token_hash("mine") + "', 'admin')"},
      {"the game row's identity changed", "UPDATE game SET created_at = created_at + 1"},
      {"the save's id changed", "UPDATE game SET save_id = '" + std::string(32, '0') + "'"},
  };
  for (const auto& [name, sql] : edits) {
    CAF_MESSAGE(name);
    test::TempDir dir;
    const Host host(dir.file("state/token.key"));
    const std::string path = dir.file("edited.db");
    host.make_save(path, 7, {"admin", "player"});
    if (contains(name, "revived")) {
      auto save = host.open(path);
      CAF_REQUIRE(save.ok());
      CAF_REQUIRE((*save)->revoke_token(2).ok());
    }
    test::exec_sql(path, sql);
    const int64_t rows = test::query_int(path, "SELECT count(*) FROM tokens");
    CAF_CHECK_EQUAL(host.reopen(path), std::make_pair(rows, size_t{0}));
    // Resealed: the next start keeps what it then issues.
    {
      auto save = host.open(path);
      CAF_REQUIRE(save.ok());
      CAF_REQUIRE((*save)->issue_token("admin", kNoNation, token_hash("the host's new")).ok());
    }
    CAF_CHECK_EQUAL(host.reopen(path), std::make_pair(int64_t{0}, size_t{1}));
  }
}

CAF_TEST(a save sealed by another host loses its tokens to the writer and keeps them for readers) {
  test::TempDir dir;
  const Host author(dir.file("author/token.key")), host(dir.file("host/token.key"));
  const std::string path = dir.file("travelled.db");
  author.make_save(path, 7, {"admin"});
  CAF_CHECK_EQUAL(author.reopen(path), std::make_pair(int64_t{0}, size_t{1}));
  // Read-only openers change nothing (a server reads tokens only after its
  // writer opened the save).
  const std::string before = test::read_file(path);
  {
    auto reader = SaveReader::open(path);
    CAF_REQUIRE(reader.ok());
  }
  CAF_CHECK(test::read_file(path) == before);
  CAF_CHECK_EQUAL(host.reopen(path), std::make_pair(int64_t{1}, size_t{0}));
  CAF_CHECK_EQUAL(host.reopen(path), std::make_pair(int64_t{0}, size_t{0}));
}

CAF_TEST(a save with a wrong seal whose world does not load loses nothing) {
  test::TempDir dir;
  const Host host(dir.file("state/token.key"));
  const std::string path = dir.file("refused.db");
  host.make_save(path, 7, {"admin"});
  test::exec_sql(path, "UPDATE token_origin SET machine = '" + std::string(64, 'b') +
                           "';"
                           " UPDATE provinces SET development = development + 1 WHERE id = 1");
  const std::string before = test::read_file(path);
  host.refuses(path, before, "do not hold the world");
  CAF_CHECK_EQUAL(test::query_int(path, "SELECT count(*) FROM tokens"), 1);
}

// ---- the key file ----

CAF_TEST(a missing key file is made 0600 with 32 random bytes and kept) {
  test::TempDir dir;
  const std::string key = dir.file("new/state/token.key");
  const Host host(key);
  const std::string path = dir.file("save.db");
  host.make_save(path, 7, {"admin"});
  struct stat st {};
  CAF_REQUIRE_EQUAL(::stat(key.c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 07777, 0600u);
  CAF_CHECK_EQUAL(st.st_size, 32);
  CAF_REQUIRE_EQUAL(::stat(dir.file("new/state").c_str(), &st), 0);
  CAF_CHECK_EQUAL(st.st_mode & 07777, 0700u);
  const std::string bytes = test::read_file(key);
  CAF_CHECK_EQUAL(host.reopen(path), std::make_pair(int64_t{0}, size_t{1}));
  CAF_CHECK(test::read_file(key) == bytes);  // read, never replaced
  // Two hosts' keys differ (RAND_bytes), so do their seals.
  auto other = load_or_create_token_key(dir.file("other/token.key"));
  auto mine = load_or_create_token_key(key);
  CAF_REQUIRE(other.ok() && mine.ok());
  CAF_CHECK(other->bytes != mine->bytes);
  CAF_CHECK(token_mac(*other, "m") != token_mac(*mine, "m"));
  // Moved away: a new key, and the old save's tokens are no longer the host's.
  fs::rename(key, key + ".old");
  CAF_CHECK_EQUAL(host.reopen(path), std::make_pair(int64_t{1}, size_t{0}));
}

CAF_TEST(servers making the key at once agree on one) {
  test::TempDir dir;
  const std::string key = dir.file("state/token.key");
  constexpr int kThreads = 8;
  std::vector<Result<TokenKey>> keys(kThreads, Status::error("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] { keys[i] = load_or_create_token_key(key); });
  for (auto& t : threads) t.join();
  for (const auto& k : keys) {
    CAF_REQUIRE(k.ok());
    CAF_CHECK(k->bytes == keys[0]->bytes);
  }
  // Only the key is left: no temporary file of a loser stays behind.
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir.file("state"))) {
    CAF_MESSAGE("state/" << entry.path().filename().string());
    ++files;
  }
  CAF_CHECK_EQUAL(files, 1u);
}

CAF_TEST(a bad key file refuses the open and is left alone with the save) {
  struct Case {
    std::string name;
    std::function<void(const std::string&)> make;  // makes the key file at its path
    std::string error;
  };
  const std::vector<Case> cases = {
      {"readable by others",
       [](const std::string& p) {
         std::ofstream(p) << std::string(32, 'k');
         ::chmod(p.c_str(), 0644);
       },
       "has mode 0644, not 0600"},
      {"too short",
       [](const std::string& p) {
         std::ofstream(p) << std::string(31, 'k');
         ::chmod(p.c_str(), 0600);
       },
       "holds 31 bytes, not 32"},
      {"a directory", [](const std::string& p) { fs::create_directory(p); },
       "is not a regular file"},
      {"a FIFO", [](const std::string& p) { ::mkfifo(p.c_str(), 0600); }, "is not a regular file"},
      {"a symbolic link",
       [](const std::string& p) {
         std::ofstream(p + ".target") << std::string(32, 'k');
         ::chmod((p + ".target").c_str(), 0600);
         fs::create_symlink(p + ".target", p);
       },
       "is a symbolic link"},
  };
  for (const Case& c : cases) {
    CAF_MESSAGE(c.name);
    test::TempDir dir;
    const std::string key = dir.file("token.key");
    const std::string path = dir.file("save.db");
    Host(dir.file("good.key")).make_save(path, 7, {"admin"});
    c.make(key);
    const std::string before = test::read_file(path);
    const std::string message = Host(key).refuses(path, before, "token key file " + key);
    CAF_CHECK(contains(message, c.error));
    std::error_code ec;
    CAF_CHECK(fs::exists(fs::symlink_status(key, ec)));  // never replaced
  }
}

// ---- migrate before check ----

namespace {

// The save at `path` (latest schema) taken back to schema version 4: the
// shape of a save written by a build before token_origin (schema/005) and
// save_id (schema/006), tuning (schema/007), mods (schema/008) and audit_log (schema/009). DROP COLUMN restores the
// CREATE TABLE text that ADD COLUMN extended, so the schema is exactly
// version 4's.
void downgrade_to_4(const std::string& path) {
  CAF_REQUIRE_EQUAL(latest_schema_version(), 9);  // a new migration: extend this
  test::exec_sql(path,
                 "DROP TABLE audit_log; DROP TABLE mods; DROP TABLE tuning; ALTER TABLE game DROP "
                 "COLUMN save_id;"
                 " DROP TABLE token_origin; PRAGMA user_version = 4");
}

}  // namespace

CAF_TEST(an older save whose world does not load is refused unmigrated and byte for byte as it was) {
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"an army on a province that does not exist",
       "INSERT INTO armies (id, nation_id, province_id, strength, morale, move_progress)"
       " VALUES ((SELECT next_army_id FROM game), 1, 999999, 1000, 100, 0);"
       " UPDATE game SET next_army_id = next_army_id + 1"},
      {"tables that do not hash to the recorded hash",
       "UPDATE provinces SET development = development + 1 WHERE id = 1"},
  };
  for (const auto& [name, sql] : edits) {
    CAF_MESSAGE(name);
    test::TempDir dir;
    const Host host(dir.file("state/token.key"));
    const std::string path = dir.file("old.db");
    host.make_save(path, 7, {"admin"});
    downgrade_to_4(path);
    test::exec_sql(path, sql);
    const std::string before = test::read_file(path);
    CAF_REQUIRE(!before.empty());
    host.refuses(path, before, "migration was rolled back");
    CAF_CHECK_EQUAL(test::query_int(path, "PRAGMA user_version"), 4);
    CAF_CHECK(!fs::exists(path + "-wal"));
    CAF_CHECK(!fs::exists(path + "-journal"));
  }
}

CAF_TEST(an older save that loads is migrated and its unsealed tokens dropped) {
  test::TempDir dir;
  const Host host(dir.file("state/token.key"));
  const std::string path = dir.file("old.db");
  host.make_save(path, 7, {"admin", "player"});
  downgrade_to_4(path);
  CAF_CHECK_EQUAL(host.reopen(path), std::make_pair(int64_t{2}, size_t{0}));
  CAF_CHECK_EQUAL(test::query_int(path, "PRAGMA user_version"), latest_schema_version());
  CAF_CHECK_EQUAL(host.reopen(path), std::make_pair(int64_t{0}, size_t{0}));
}
