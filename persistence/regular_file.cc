#include "persistence/regular_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace hegemon {
namespace {

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

}  // namespace

Status require_regular_files(const std::string& path) {
  if (path.empty() || path == ":memory:") return Status();
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::string file = path + suffix;
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) continue;  // SQLite says what is missing
      return Status::error("cannot check " + file + ": " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
      return Status::error(file + " is " + kind_of(st.st_mode) +
                           ", not a regular file; a save and its -wal, -shm and -journal files "
                           "must be regular files");
    }
  }
  return Status();
}

}  // namespace hegemon
