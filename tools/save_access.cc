#include "tools/save_access.h"

#include <sqlite3.h>

#include <filesystem>
#include <system_error>
#include <utility>

#include "persistence/migrate.h"
#include "persistence/schema_check.h"
#include "persistence/side_files.h"
#include "schema/migrations.h"

namespace hegemon {
namespace {

// A server may hold the write lock for a moment (a commit, a checkpoint).
constexpr int kBusyTimeoutMs = 5000;

}  // namespace

namespace {

// The checks of open_save_read_only() on an open connection.
Result<OpenedSave> check_save(Database db, const std::string& path) {
  Status st = db.set_busy_timeout(kBusyTimeoutMs);
  if (!st.ok()) return st.with_context("open " + path);

  // The first read: this is where a file that is not a database shows.
  Result<SchemaInfo> info = read_schema_info(db);
  if (!info.ok()) {
    return Status::error(path + " is not a Hegemon save (" + info.status().message() + ")");
  }
  if (info->application_id != kHegemonApplicationId) {
    return Status::error(path + " is not a Hegemon save" +
                         (info->object_count == 0 ? std::string(" (an empty database)")
                                                  : std::string(" (a foreign SQLite database)")));
  }
  const int latest = latest_schema_version();
  if (info->user_version > latest) {
    return Status::error(path + ": save was written by a newer Hegemon (schema version " +
                         std::to_string(info->user_version) + "; this build reads up to " +
                         std::to_string(latest) + ")");
  }
  if (info->user_version < 1) return Status::error(path + " holds no world yet");
  // Before reading any table: a view or trigger must never get to run.
  st = check_schema_objects(db, info->user_version);
  if (!st.ok()) return st;

  Result<Statement> game = db.prepare("SELECT tick FROM game WHERE id = 1");
  if (!game.ok()) return game.status().with_context(path);
  Result<bool> row = game->step();
  if (!row.ok()) return row.status().with_context(path + ": read game row");
  if (!*row) return Status::error(path + " holds no world yet");
  const Tick last_tick = game->column_int64(0);
  game->reset();  // end the statement's implicit read transaction
  game = Statement();

  OpenedSave opened{std::move(db), info->user_version, last_tick};
  return opened;
}

}  // namespace

Result<OpenedSave> open_save_read_only(const std::string& path) {
  // SQLite's own message for a missing file ("unable to open database
  // file") does not say which of several things went wrong; say it first.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    return Status::error("no such save: " + path);
  }
  if (ec) return Status::error("cannot open " + path + ": " + ec.message());
  if (std::filesystem::is_directory(status)) {
    return Status::error(path + " is a directory, not a save");
  }

  const SideFiles side_files = SideFiles::note(path);
  Result<Database> db = Database::open(path, SQLITE_OPEN_READONLY);
  if (!db.ok()) return db.status();
  // check_save() owns the connection: closed on its way out when refused.
  Result<OpenedSave> opened = check_save(std::move(*db), path);
  if (!opened.ok()) side_files.remove_created();  // refused: leave the directory as it was
  return opened;
}

Result<ReadSnapshot> ReadSnapshot::begin(const Database& db) {
  Result<Statement> begin = db.prepare("BEGIN DEFERRED");
  if (!begin.ok()) return begin.status();
  Result<Statement> end = db.prepare("COMMIT");
  if (!end.ok()) return end.status();
  Status st = begin->run();
  if (!st.ok()) return st.with_context("begin read transaction on " + db.path());
  // A deferred transaction takes its read snapshot at the first read, so read
  // something now: every later query then sees this same tick.
  Result<int64_t> touch = db.query_int64("SELECT count(*) FROM sqlite_schema");
  if (!touch.ok()) {
    (void)end->run();
    return touch.status().with_context("begin read transaction on " + db.path());
  }
  return ReadSnapshot(&db, std::move(*end));
}

ReadSnapshot::ReadSnapshot(ReadSnapshot&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), end_(std::move(other.end_)) {}

ReadSnapshot::~ReadSnapshot() {
  // An I/O error may already have ended the transaction; COMMIT would then fail.
  if (db_ != nullptr && db_->in_transaction()) (void)end_.run();
}

}  // namespace hegemon
