#include "persistence/save_download.h"

#include <sqlite3.h>

#include <filesystem>
#include <memory>

#include "persistence/sqlite.h"

namespace hegemon {
namespace {

namespace fs = std::filesystem;

constexpr int kBusyTimeoutMs = 5000;  // as the writer's: a checkpoint may hold a lock briefly

}  // namespace

Result<SaveCopy> copy_save_for_download(const std::string& save_path, const std::string& dest_path,
                                        int64_t max_bytes) {
  const std::string what = "copy " + save_path + " for download";
  auto fail = [&](const std::string& why) { return Status::error(what + ": " + why); };
  std::error_code ec;
  if (!fs::is_regular_file(dest_path, ec) || fs::file_size(dest_path, ec) != 0)
    return fail("the destination must be an empty file");

  Result<Database> src = Database::open(save_path, SQLITE_OPEN_READONLY);
  if (!src.ok()) return src.status().with_context(what);
  if (Status s = src->set_busy_timeout(kBusyTimeoutMs); !s.ok()) return s.with_context(what);
  // The size bound before a byte is written: a save larger than allowed is
  // refused, not copied to the disk first.
  auto pages = src->query_int64("PRAGMA page_count");
  auto page_size = src->query_int64("PRAGMA page_size");
  if (!pages.ok()) return pages.status().with_context(what);
  if (!page_size.ok()) return page_size.status().with_context(what);
  if (*pages * *page_size > max_bytes)
    return fail("the save is " + std::to_string(*pages * *page_size) +
                " bytes, more than the download limit of " + std::to_string(max_bytes));

  Result<Database> dest = Database::open(dest_path, SQLITE_OPEN_READWRITE);
  if (!dest.ok()) return dest.status().with_context(what);
  // One step: one read transaction of the source, one committed tick.
  src->set_step_time_limit(std::chrono::milliseconds(0));
  if (Status s = copy_database(*dest, *src, what); !s.ok()) return s;
  // Hegemon's CHECKs call json_valid(), which a read-write connection parses
  // only trusted (sqlite.h); this is a page-for-page copy of the server's own
  // save.
  if (Status s = dest->trust_schema(); !s.ok()) return s.with_context(what);
  // One file to hand out, and no token hashes in it (see the header).
  if (auto mode = dest->query_text("PRAGMA journal_mode = DELETE"); !mode.ok())
    return mode.status().with_context(what);
  if (Status s = dest->exec("PRAGMA secure_delete = ON; DELETE FROM tokens;"); !s.ok())
    return s.with_context(what);
  auto tick = dest->query_int64("SELECT tick FROM game WHERE id = 1");
  if (!tick.ok()) return tick.status().with_context(what + ": the save holds no game");
  SaveCopy copy;
  copy.tick = *tick;
  copy.bytes = static_cast<int64_t>(fs::file_size(dest_path, ec));
  if (ec) return fail(ec.message());
  if (copy.bytes > max_bytes)
    return fail("the copy is " + std::to_string(copy.bytes) +
                " bytes, more than the download limit of " + std::to_string(max_bytes));
  return copy;
}

}  // namespace hegemon
