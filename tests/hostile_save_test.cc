// A save is untrusted input: each test here builds a hostile save itself
// (through a raw connection, persistence/testing/raw_database.h, as its author
// would with sqlite3) and checks that every way Hegemon opens a save refuses
// it with an error naming what is wrong, and leaves the file byte for byte as
// it was. Also the defences of every
// connection (persistence/connection_guard.h), a foreign -wal
// (save_precheck.h) and FIFOs (regular_file.h, through the binary). Tokens
// that come with a save: tests/token_seal_test.cc.
#define CAF_SUITE hostile_save
#include <caf/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>

#include "persistence/connection_guard.h"
#include "persistence/save_file.h"
#include "persistence/save_reader.h"
#include "persistence/sqlite.h"
#include "persistence/token_store.h"
#include "rules/world_gen.h"
#include "test_support.h"
#include "persistence/save_view.h"

using namespace hegemon;
namespace fs = std::filesystem;

namespace {

using hegemon::test::contains;

// A statement that never ends on its own.
constexpr const char kRunaway[] =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

// After a statement was stopped, the connection still answers.
void check_still_answers(const Database& db) {
  const auto answer_result = db.query_int64("SELECT 41 + 1");
  CAF_REQUIRE(answer_result.ok());
  const int64_t answer = *answer_result;
  CAF_CHECK_EQUAL(answer, 42);
}

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

// A save holding a small generated world (seed `seed`), closed cleanly (so no
// -wal or -shm is left next to it).
void make_save(const std::string& path, uint64_t seed = 7) {
  auto save = SaveFile::open(path);
  if (!save.ok()) CAF_FAIL(save.status().message());
  // Named: CAF's check macros keep a reference to what they are given.
  const Status created = (*save)->create_world(generate_world(test::small_world(seed)));
  CAF_REQUIRE_EQUAL(created.message(), "ok");
}

// Each way Hegemon opens a save: its error, "" if it opened.
struct Openers {
  std::string writer, reader, tool;
};
Openers open_every_way(const std::string& path) {
  Openers o;
  if (auto s = SaveFile::open(path); !s.ok()) o.writer = s.status().message();
  if (auto r = SaveReader::open(path); !r.ok()) o.reader = r.status().message();
  if (auto t = SaveView::open(path); !t.ok()) o.tool = t.status().message();
  return o;
}

// `binary ARGS...` with its output in `log`, killed by SIGALRM after 20 s so
// that a regression that blocks fails instead of hanging the suite. Returns
// the wait status.
int run_binary(const std::vector<std::string>& args, const std::string& log) {
  // alarm() survives exec; its default action kills a binary that blocks.
  const pid_t pid = test::spawn_hegemon(HEGEMON_BINARY, args, log, [] { alarm(20); });
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

}  // namespace

// ---- item 2: schema objects Hegemon did not create ----

CAF_TEST(a save with a schema object the migrations did not create is refused untouched) {
  test::TempDir dir;
  struct Case {
    const char* name;
    const char* sql;       // run by the save's author on the good save
    const char* expected;  // in every opener's error
  };
  const Case cases[] = {
      {"trigger",
       "CREATE TRIGGER backdoor AFTER INSERT ON ticks BEGIN"
       " INSERT INTO tokens (hash, role) VALUES (printf('%064d', new.tick), 'admin'); END",
       "has a trigger 'backdoor' that Hegemon did not create; refusing to open a save that "
       "would run code"},
      {"view",
       "CREATE VIEW spin AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"
       " SELECT x FROM c",
       "has a view 'spin' that Hegemon did not create; refusing to open a save that would run "
       "code"},
      {"virtual table", "CREATE VIRTUAL TABLE spy USING rtree(id, x0, x1)",
       "has a virtual table 'spy' that Hegemon did not create; refusing to open a save that "
       "would run code"},
      {"index", "CREATE INDEX extra ON provinces(name)",
       "has an index 'extra' that Hegemon did not create; refusing to open a save whose schema "
       "was changed"},
      {"table", "CREATE TABLE notes (x)", "has a table 'notes' that Hegemon did not create"},
      // The trick behind `PRAGMA ignore_check_constraints`-style edits: the
      // stored CREATE statement rewritten to drop a CHECK.
      {"changed CREATE",
       "PRAGMA writable_schema = ON;"
       " UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (length(hash) = 64)', '')"
       " WHERE name = 'tokens'",
       "table 'tokens' is not as Hegemon created it"},
      // A trigger may share its name with a table: ordered after the table
      // (rowids rewritten), it once hid behind it in a comparison by name.
      {"trigger named like a table",
       "CREATE TRIGGER token_origin AFTER UPDATE ON game BEGIN"
       " INSERT OR IGNORE INTO tokens (hash, role) VALUES (printf('%064d', new.tick), 'admin'); "
       "END;"
       " PRAGMA writable_schema = ON;"
       " UPDATE sqlite_schema SET rowid = 1000 WHERE type = 'table' AND name = 'token_origin';"
       " PRAGMA writable_schema = OFF",
       "two schema objects are named 'token_origin'"},
  };
  for (const Case& c : cases) {
    CAF_MESSAGE("a save with an extra " << c.name);
    const std::string path = dir.file(std::string("hostile_") + std::to_string(&c - cases) + ".db");
    make_save(path);
    test::exec_sql(path, c.sql);
    CAF_REQUIRE(!exists(path + "-wal"));
    const std::string before = test::read_file(path);
    const Openers o = open_every_way(path);
    CAF_CHECK(contains(o.writer, c.expected));
    CAF_CHECK(contains(o.reader, c.expected));
    CAF_CHECK(contains(o.tool, c.expected));
    CAF_CHECK(contains(o.writer, path));
    CAF_CHECK(test::read_file(path) == before);
    // The read-only checks removed the -wal and -shm they created.
    CAF_CHECK(!exists(path + "-wal"));
    CAF_CHECK(!exists(path + "-shm"));
  }
}

CAF_TEST(an untouched save opens every way) {
  test::TempDir dir;
  const std::string path = dir.file("good.db");
  make_save(path);
  const Openers o = open_every_way(path);
  CAF_CHECK_EQUAL(o.writer, "");
  CAF_CHECK_EQUAL(o.reader, "");
  CAF_CHECK_EQUAL(o.tool, "");
}

// ---- item 2: defences of every connection ----

// (A save that brings triggers never reaches a writer: see the first test.)
CAF_TEST(every connection refuses attach triggers views and schema writes) {
  test::TempDir dir;
  const std::string path = dir.file("plain.db");
  test::exec_sql(
      path,
      "CREATE TABLE t (x INTEGER); CREATE TABLE log (x INTEGER);"
      " CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.x); END;"
      " CREATE VIEW v AS SELECT x FROM t");
  auto db = Database::open(path, test::kOpenReadWrite);
  CAF_REQUIRE(db.ok());
  CAF_CHECK(!db->exec("ATTACH '" + dir.file("other.db") + "' AS other").ok());
  CAF_CHECK(!exists(dir.file("other.db")));
  CAF_CHECK(!db->exec("CREATE TRIGGER t2 AFTER DELETE ON t BEGIN DELETE FROM log; END").ok());
  CAF_CHECK(!db->exec("CREATE VIEW v2 AS SELECT 1").ok());
  CAF_CHECK(!db->exec("CREATE VIRTUAL TABLE r USING rtree(id, a, b)").ok());
  CAF_CHECK(
      !db->exec("PRAGMA writable_schema = ON; DELETE FROM sqlite_schema WHERE name = 'v'").ok());
  // The file's own view does not run.
  CAF_CHECK(!db->query_int64("SELECT count(*) FROM v").ok());
  const auto trusted_result = db->query_int64("PRAGMA trusted_schema");
  CAF_REQUIRE(trusted_result.ok());
  const int64_t trusted = *trusted_result;
  CAF_CHECK_EQUAL(trusted, 0);
}

// ---- item 3: bounded time ----

CAF_TEST(a runaway statement is stopped by the step time limit) {
  auto db = Database::open(":memory:", test::kOpenReadWrite);
  CAF_REQUIRE(db.ok());
  db->set_step_time_limit(std::chrono::milliseconds(200));
  auto count = db->query_int64(kRunaway);
  CAF_REQUIRE(!count.ok());
  CAF_CHECK(contains(count.status().message(), "stopped after 200 ms: the statement ran too long"));
  check_still_answers(*db);
}

CAF_TEST(interrupt_running_statements stops a running statement and no later one) {
  auto db = Database::open(":memory:", test::kOpenReadWrite);
  CAF_REQUIRE(db.ok());
  db->set_step_time_limit(std::chrono::milliseconds(0));  // only the interrupt can stop it
  std::atomic<bool> done{false};
  // Until the statement has ended: it must be running at some call.
  std::thread stopper([&] {
    while (!done) {
      interrupt_running_statements();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  auto count = db->query_int64(kRunaway);
  done = true;
  stopper.join();
  CAF_REQUIRE(!count.ok());
  CAF_CHECK(contains(count.status().message(), "interrupted: the process is stopping"));
  check_still_answers(*db);
}

// ---- item 5: a foreign -wal ----

CAF_TEST(a save with a foreign wal next to it is refused byte for byte untouched) {
  test::TempDir dir;
  const std::string save = dir.file("save.db");
  const std::string other = dir.file("other.db");
  make_save(save, 7);
  make_save(other, 99);
  // The other save's WAL, as a running server would leave it: changes not
  // yet checkpointed.
  {
    auto db = test::RawDatabase::open(other);
    CAF_REQUIRE(db.ok());
    CAF_REQUIRE(db->exec("PRAGMA wal_autocheckpoint = 0;"
                         " UPDATE provinces SET development = development + 1;"
                         " UPDATE nations SET treasury = treasury + 1")
                    .ok());
    fs::copy_file(other + "-wal", save + "-wal");  // while the connection holds it open
  }
  CAF_REQUIRE(fs::file_size(save + "-wal") > 0);
  const std::string before = test::read_file(save);
  const std::string wal_before = test::read_file(save + "-wal");

  // The writer refuses it (as `serve` would after loading the world): before
  // the fix it recovered the WAL and checkpointed it into the save on close.
  auto writer = SaveFile::open(save);
  if (writer.ok()) CAF_CHECK(!(*writer)->load_world().ok());
  CAF_CHECK(!writer.ok());
  if (!writer.ok()) CAF_CHECK(contains(writer.status().message(), save + "-wal"));
  writer = Status::error("closed");
  // Readers may or may not make sense of it, but never change it.
  (void)SaveReader::open(save);
  (void)SaveView::open(save);
  CAF_CHECK(test::read_file(save) == before);
  CAF_CHECK(test::read_file(save + "-wal") == wal_before);

  // The save itself was never damaged: without the stray WAL it opens.
  fs::remove(save + "-wal");
  fs::remove(save + "-shm");
  auto opened = SaveFile::open(save);
  if (!opened.ok()) CAF_FAIL(opened.status().message());
  CAF_CHECK((*opened)->load_world().ok());
}

CAF_TEST(the wal of our own crashed writer is recovered) {
  test::TempDir dir;
  const std::string path = dir.file("live.db");
  const std::string crashed = dir.file("crashed.db");
  {
    auto save = SaveFile::open(path);
    CAF_REQUIRE(save.ok());
    CAF_REQUIRE((*save)->create_world(generate_world(test::small_world())).ok());
    // The files as a kill -9 would leave them: the world only in the WAL.
    fs::copy_file(path, crashed);
    fs::copy_file(path + "-wal", crashed + "-wal");
  }
  CAF_REQUIRE(fs::file_size(crashed + "-wal") > 0);
  auto save = SaveFile::open(crashed);
  CAF_REQUIRE(save.ok());
  CAF_CHECK((*save)->has_world());
  CAF_CHECK((*save)->load_world().ok());
}

// Leaves `path` as a writer killed inside a transaction in rollback-journal
// mode leaves it (as `hegemon serve` is while it creates or migrates a save,
// before the switch to WAL): pages of the unfinished transaction already in
// the file, the hot journal that undoes them beside it. `sql` runs inside the
// transaction; a child process does it and _exits without committing.
// The child's side of leave_hot_journal: args are the path and the SQL.
int die_in_transaction(const std::vector<std::string>& args) {
  auto db = test::RawDatabase::open(args.at(0));
  if (!db.ok()) return 2;
  // A one-page cache spills the transaction's pages into the file itself.
  const std::string script =
      "PRAGMA journal_mode = DELETE; PRAGMA cache_size = 1; BEGIN; " + args.at(1);
  if (!db->exec(script).ok()) return 3;
  db->abandon();  // the role exits without COMMIT or close: the journal stays hot
  return 0;
}
const test::ChildRole kDieInTransaction("die-in-transaction", &die_in_transaction);

void leave_hot_journal(const std::string& path, const std::string& sql) {
  const pid_t child = test::spawn_child_role("die-in-transaction", {path, sql});
  CAF_REQUIRE_EQUAL(test::wait_child(child), 0);
  CAF_REQUIRE(fs::file_size(path + "-journal") > 0);
}

CAF_TEST(
    a save whose writer was killed in a rollback journal transaction is rolled back and opens) {
  test::TempDir dir;
  // A new save: the killed server had begun to write the schema.
  const std::string fresh = dir.file("new.db");
  leave_hot_journal(fresh,
                    "CREATE TABLE game (id INTEGER PRIMARY KEY, blob BLOB);"
                    " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)"
                    " INSERT INTO game (blob) SELECT randomblob(4000) FROM n;");
  {
    auto save = SaveFile::open(fresh);
    if (!save.ok()) CAF_FAIL(save.status().message());
    CAF_CHECK(!(*save)->has_world());
    CAF_CHECK((*save)->create_world(generate_world(test::small_world())).ok());
  }
  // A save with a world, killed in a rollback-journal transaction (as during
  // a migration: they run before the switch to WAL). Its committed schema
  // holds CHECK (json_valid(...)), which a read-write connection can parse
  // only with trusted_schema on.
  const std::string old = dir.file("old.db");
  make_save(old);
  test::exec_sql(old, "PRAGMA journal_mode = DELETE");
  leave_hot_journal(old, "UPDATE provinces SET name = hex(randomblob(3000));");
  auto save = SaveFile::open(old);
  if (!save.ok()) CAF_FAIL(save.status().message());
  CAF_CHECK((*save)->load_world().ok());
}

CAF_TEST(a hot journal that rolls back into a foreign database is refused untouched) {
  test::TempDir dir;
  const std::string path = dir.file("foreign.db");
  test::exec_sql(path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)");
  leave_hot_journal(path,
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)"
                    " INSERT INTO notes (text) SELECT hex(randomblob(2000)) FROM n;");
  const std::string before = test::read_file(path);
  const std::string journal_before = test::read_file(path + "-journal");
  auto save = SaveFile::open(path);
  CAF_REQUIRE(!save.ok());
  CAF_MESSAGE("refused: " << save.status().message());
  CAF_CHECK(contains(save.status().message(), "not a Hegemon save"));
  CAF_CHECK(contains(save.status().message(), path + "-journal"));
  CAF_CHECK(
      !contains(save.status().message(), "hegemon-precheck"));  // names the save, not the copy
  CAF_CHECK(test::read_file(path) == before);
  CAF_CHECK(test::read_file(path + "-journal") == journal_before);
}

// ---- item 7: FIFOs ----

CAF_TEST(a FIFO as the save or its wal is refused at once by every command) {
  test::TempDir dir;
  const std::string fifo = dir.file("fifo.db");
  CAF_REQUIRE_EQUAL(mkfifo(fifo.c_str(), 0600), 0);
  const std::string good = dir.file("good.db");
  make_save(good);
  const std::string good_wal_fifo = good + "-wal";
  CAF_REQUIRE_EQUAL(mkfifo(good_wal_fifo.c_str(), 0600), 0);

  for (const std::string& save : {fifo, good}) {
    const std::string named = save == fifo ? fifo : good_wal_fifo;
    const std::vector<std::vector<std::string>> commands = {
        {"inspect", save},
        {"replay", save},
        {"map", save, "--out", dir.file("map.svg")},
        {"state", save, "--tick", "0"},
        {"rollback", save, "--to-tick", "0", "--no-backup"},
        {"serve", "--save", save, "--port", "0", "--ticks", "1"},
    };
    for (const auto& args : commands) {
      CAF_MESSAGE(args[0] << " on " << save);
      const std::string log = dir.file("out.log");
      const int status = run_binary(args, log);
      CAF_CHECK(WIFEXITED(status));  // not killed by the alarm: it did not block
      if (WIFEXITED(status)) CAF_CHECK_EQUAL(WEXITSTATUS(status), 1);
      const std::string out = test::read_file(log);
      CAF_CHECK(contains(out, named + " is a FIFO, not a regular file"));
    }
  }
}

// ---- item 2: tokens travel with a save ----
// Whose tokens a save holds (the seal, persistence/token_origin.h) and the
// host's key file: tests/token_seal_test.cc.
