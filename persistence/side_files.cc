#include "persistence/side_files.h"

#include <filesystem>
#include <system_error>

namespace hegemon {
namespace fs = std::filesystem;

SideFiles SideFiles::note(const std::string& path) {
  SideFiles files;
  std::error_code ec;
  files.path_ = path;
  files.had_wal_ = fs::exists(fs::symlink_status(path + "-wal", ec));
  files.had_shm_ = fs::exists(fs::symlink_status(path + "-shm", ec));
  return files;
}

void SideFiles::remove_created() const {
  if (path_.empty()) return;
  std::error_code ec;
  const std::string wal = path_ + "-wal";
  if (!had_wal_ && fs::is_regular_file(fs::symlink_status(wal, ec)) &&
      fs::file_size(wal, ec) == 0 && !ec) {
    fs::remove(wal, ec);
  }
  // The -shm only indexes the -wal; the next connection rebuilds it from the
  // -wal, so one we created goes, whether a -wal is left or not.
  if (!had_shm_) fs::remove(path_ + "-shm", ec);
}

}  // namespace hegemon
