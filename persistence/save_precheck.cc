#include "persistence/save_precheck.h"

#include <sqlite3.h>

#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "persistence/migrate.h"
#include "persistence/regular_file.h"
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

// A hot rollback journal (a writer killed while it created or migrated the
// save: those run before the save is switched to WAL) must be rolled back
// before the save can be read, and a read-only connection cannot do that
// ("attempt to write a readonly database"). So check a copy: the copy's
// journal is rolled back into the copy, never into the save, and only a save
// whose rolled-back copy passes is opened for writing (which then rolls the
// same journal back into it). The copy is taken only in this rare case, and
// the journal of a save being created is small.
Status check_with_hot_journal(const std::string& path, const std::string& vfs) {
  namespace fs = std::filesystem;
  Status regular = require_regular_files(path);  // copy_file would block on a FIFO
  if (!regular.ok()) return regular;
  std::string dir_template = (fs::temp_directory_path() / "hegemon-precheck-XXXXXX").string();
  if (::mkdtemp(dir_template.data()) == nullptr) {
    return Status::io_error(path + ": cannot make a directory to check its hot journal in: " +
                            std::error_code(errno, std::generic_category()).message());
  }
  const fs::path dir = dir_template;
  const std::string copy = (dir / "save.db").string();
  std::error_code ec;
  fs::copy_file(path, copy, ec);
  if (!ec) fs::copy_file(path + "-journal", copy + "-journal", ec);
  Status status;
  if (ec) {
    status = Status::io_error(path + ": cannot copy it to check its hot journal: " + ec.message());
  } else {
    Result<Database> db = Database::open(copy, SQLITE_OPEN_READWRITE, vfs);
    // A read-write connection cannot even parse Hegemon's own schema with
    // trusted_schema off (CHECK (json_valid(...))). Trusting the copy's is
    // safe: rolling its journal back and reading run none of its code, and
    // the check below compares the schema before anything else is read.
    status = db.ok() ? db->trust_schema() : db.status();
    if (status.ok()) status = check(*db, /*hot_wal=*/false);
  }
  fs::remove_all(dir, ec);
  if (!status.ok()) {
    // The copy's errors name the copy; the operator knows the save.
    std::string message = status.message();
    for (size_t at = message.find(copy); at != std::string::npos;
         at = message.find(copy, at + path.size()))
      message.replace(at, copy.size(), path);
    const auto kind = status.is_io_error() ? &Status::io_error : &Status::error;
    return kind(message + " (read with the hot journal next to it, " + path +
                "-journal, rolled back into a copy: the save and the journal are unchanged)");
  }
  return status;
}

}  // namespace

Status precheck_for_writing(const std::string& path, const std::string& vfs) {
  std::error_code ec;
  if (const auto journal_size = std::filesystem::file_size(path + "-journal", ec);
      !ec && journal_size > 0) {
    return check_with_hot_journal(path, vfs);
  }
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
