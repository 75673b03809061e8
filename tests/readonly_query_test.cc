// An operator's SQL over the network (persistence/readonly_query.h): each way
// a query could change, escape or exhaust the save is refused or stopped, on
// a real save. docs/queries.sql running through it unchanged is checked in
// queries_test.
#define CAF_SUITE readonly_query

#include <caf/test/unit_test.hpp>

#include <fstream>
#include <string>

#include "persistence/readonly_query.h"
#include "persistence/save_file.h"
#include "persistence/token_store.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "state/world.h"
#include "test_support.h"

using namespace hegemon;

namespace {

struct Save {
  test::TempDir dir;
  std::string path = dir.file("live.db");
  Save() {
    auto save = SaveFile::open(path);
    CAF_REQUIRE(save.ok());
    World w(generate_world(test::small_world(7)));
    CAF_REQUIRE((*save)->create_world(w.snapshot()).ok());
    for (int t = 0; t < 10; ++t) CAF_REQUIRE((*save)->commit(run_tick_sequential(w)).ok());
    CAF_REQUIRE((*save)->issue_token("admin", kNoNation, token_hash("secret")).ok());
  }
  Result<QueryAnswer> ask(const std::string& sql, const QueryParams& params = {},
                          const QueryLimits& limits = {}) const {
    return run_readonly_query(path, sql, params, limits);
  }
};

using hegemon::test::contains;

}  // namespace

CAF_TEST(a reading query answers with its columns and typed values) {
  Save save;
  auto a = save.ask("SELECT id, name, 1.5 AS half, NULL AS absent FROM provinces WHERE id <= :n"
                    " ORDER BY id",
                    {{"n", int64_t{3}}});
  if (!a.ok()) CAF_FAIL(a.status().message());
  CAF_CHECK_EQUAL(a->columns.size(), 4u);
  CAF_CHECK_EQUAL(a->columns[1], "name");
  CAF_REQUIRE_EQUAL(a->rows.size(), 3u);
  CAF_CHECK_EQUAL(std::get<int64_t>(a->rows[2][0]), 3);
  CAF_CHECK(std::holds_alternative<std::string>(a->rows[0][1]));
  CAF_CHECK_EQUAL(std::get<double>(a->rows[0][2]), 1.5);
  CAF_CHECK(std::holds_alternative<std::monostate>(a->rows[0][3]));
  CAF_CHECK_EQUAL(a->stopped, "");
  // A blob is answered by its size.
  auto blob = save.ask("SELECT data FROM snapshots LIMIT 1");
  CAF_REQUIRE(blob.ok());
  CAF_REQUIRE_EQUAL(blob->rows.size(), 1u);
  CAF_CHECK(std::get<BlobSize>(blob->rows[0][0]).bytes > 0);
  // PRAGMAs that only report are allowed.
  CAF_CHECK(save.ask("PRAGMA table_info(provinces)").ok());
  auto version = save.ask("PRAGMA user_version");
  CAF_REQUIRE(version.ok());
  CAF_CHECK(std::get<int64_t>(version->rows.at(0).at(0)) >= 8);
}

CAF_TEST(writes attaches settings and transactions are refused and change nothing) {
  Save save;
  const int64_t tokens = test::query_int(save.path, "SELECT count(*) FROM tokens");
  const char* refused[] = {
      "INSERT INTO tokens (hash, role) VALUES ('x', 'admin')",
      "UPDATE provinces SET development = 30",
      "DELETE FROM tokens",
      "DROP TABLE provinces",
      "CREATE TABLE t (x)",
      "CREATE TEMP TABLE t (x)",
      "ATTACH DATABASE '/tmp/hegemon-attack.db' AS other",
      "PRAGMA user_version = 5",
      "PRAGMA journal_mode = DELETE",
      "PRAGMA writable_schema = ON",
      "BEGIN",
      "SELECT load_extension('/tmp/evil.so')",
      "VACUUM INTO '/tmp/hegemon-copy.db'",
  };
  for (const char* sql : refused) {
    CAF_MESSAGE(sql);
    auto a = save.ask(sql);
    CAF_REQUIRE(!a.ok());
    CAF_MESSAGE("refused: " << a.status().message());
    CAF_CHECK(contains(a.status().message(), "not authorised"));
  }
  // A second statement is refused, not silently dropped.
  auto two = save.ask("SELECT 1; DELETE FROM tokens");
  CAF_REQUIRE(!two.ok());
  CAF_CHECK(contains(two.status().message(), "more than one statement"));
  CAF_CHECK_EQUAL(test::query_int(save.path, "SELECT count(*) FROM tokens"), tokens);
  CAF_CHECK(!std::ifstream("/tmp/hegemon-attack.db").good());
  CAF_CHECK(!std::ifstream("/tmp/hegemon-copy.db").good());
}

CAF_TEST(token hashes read as NULL) {
  Save save;
  auto a = save.ask("SELECT role, hash FROM tokens");
  CAF_REQUIRE(a.ok());
  CAF_REQUIRE(!a->rows.empty());
  CAF_CHECK_EQUAL(std::get<std::string>(a->rows[0][0]), "admin");
  CAF_CHECK(std::holds_alternative<std::monostate>(a->rows[0][1]));
  // Also when asked for indirectly.
  auto b = save.ask("SELECT count(*) FROM tokens WHERE hash = :h", {{"h", token_hash("secret")}});
  CAF_REQUIRE(b.ok());
  CAF_CHECK_EQUAL(std::get<int64_t>(b->rows[0][0]), 0);
}

CAF_TEST(limits stop a query and say which) {
  Save save;
  QueryLimits few;
  few.max_rows = 10;
  auto rows = save.ask("SELECT id FROM provinces", {}, few);
  CAF_REQUIRE(rows.ok());
  CAF_CHECK_EQUAL(rows->rows.size(), 10u);
  CAF_CHECK(contains(rows->stopped, "row limit of 10"));

  QueryLimits quick;
  quick.time = std::chrono::milliseconds(200);
  auto runaway = save.ask(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
      {}, quick);
  CAF_REQUIRE(runaway.ok());
  CAF_CHECK(runaway->rows.empty());
  CAF_CHECK(contains(runaway->stopped, "time limit of 200 ms"));

  QueryLimits small;
  small.max_bytes = 1000;
  auto big = save.ask("SELECT name FROM provinces", {}, small);
  CAF_REQUIRE(big.ok());
  CAF_CHECK(contains(big->stopped, "answer size limit"));
  CAF_CHECK(!big->rows.empty());

  QueryLimits short_sql;
  short_sql.max_sql_bytes = 10;
  CAF_CHECK(!save.ask("SELECT 1 + 1 + 1", {}, short_sql).ok());
}

CAF_TEST(parameters must match the query) {
  Save save;
  auto missing = save.ask("SELECT :tick");
  CAF_REQUIRE(!missing.ok());
  CAF_CHECK(contains(missing.status().message(), "no value given for parameter :tick"));
  auto extra = save.ask("SELECT 1", {{"tick", int64_t{1}}});
  CAF_REQUIRE(!extra.ok());
  CAF_CHECK(contains(extra.status().message(), "no parameter :tick"));
  auto nameless = save.ask("SELECT ?");
  CAF_REQUIRE(!nameless.ok());
  CAF_CHECK(contains(nameless.status().message(), "has no name"));
}
