#include "persistence/save_precheck.h"

#include <sqlite3.h>

#include <filesystem>
#include <system_error>

#include "persistence/migrate.h"
#include "persistence/side_files.h"
#include "persistence/sqlite.h"
#include "persistence/world_reader.h"

namespace hegemon {
namespace {

constexpr int kBusyTimeoutMs = 5000;  // as the writer's: a checkpoint may hold a lock briefly

Status check(const Database& db, bool hot_wal) {
  Status status = check_migratable(db);
  if (!status.ok()) return status;
  Result<SchemaInfo> info = read_schema_info(db);
  if (!info.ok()) return info.status().with_context(db.path());
  if (info->user_version < 1) return Status();  // empty: nothing more to read
  Result<Statement> game = db.prepare("SELECT tick FROM game WHERE id = 1");
  if (!game.ok()) return game.status().with_context(db.path());
  Result<bool> has_world = game->step();
  if (!has_world.ok()) return has_world.status().with_context(db.path() + ": read game row");
  game->reset();
  if (!hot_wal) return Status();
  Result<std::string> quick = db.query_text("PRAGMA quick_check");
  if (!quick.ok()) return quick.status().with_context(db.path());
  if (*quick != "ok") return Status::error(db.path() + ": quick_check: " + *quick);
  if (*has_world) {
    Result<WorldSnapshot> world = read_world(db, "load world from " + db.path());
    if (!world.ok()) return world.status();
  }
  return Status();
}

}  // namespace

Status precheck_for_writing(const std::string& path, const std::string& vfs) {
  std::error_code ec;
  const auto wal_size = std::filesystem::file_size(path + "-wal", ec);
  const bool hot_wal = !ec && wal_size > 0;
  const SideFiles side_files = SideFiles::note(path);
  Status status;
  {
    Result<Database> db = Database::open(path, SQLITE_OPEN_READONLY, vfs);
    if (!db.ok()) {
      status = db.status();
    } else {
      status = db->set_busy_timeout(kBusyTimeoutMs);
      if (status.ok()) status = check(*db, hot_wal);
    }
  }  // closed: a read-only connection never checkpoints
  side_files.remove_created();
  if (!status.ok() && hot_wal) {
    const auto kind = status.is_io_error() ? &Status::io_error : &Status::error;
    return kind(status.message() + " (read with the -wal file next to it, " + path +
                         "-wal, which may not belong to this save: it was not applied, and the "
                         "save is unchanged; move the -wal away to open the save as of its last "
                         "checkpoint)");
  }
  return status;
}

}  // namespace hegemon
