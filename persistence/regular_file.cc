#include "persistence/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
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

std::string too_big(int64_t size, int64_t max_bytes) {
  return std::to_string(size) + " bytes, more than the " + std::to_string(max_bytes) + " allowed";
}

}  // namespace

Status require_regular_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::error("cannot check " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return Status::error(path + " is " + kind_of(st.st_mode) + ", not a regular file");
  }
  return Status();
}

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

Result<std::string> read_regular_file(const std::string& path, int64_t max_bytes) {
  Status regular = require_regular_file(path);
  if (!regular.ok()) return regular;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Status::error("cannot check " + path + ": " + std::strerror(errno));
  if (st.st_size > max_bytes) return Status::error(path + " is " + too_big(st.st_size, max_bytes));
  // O_NONBLOCK: should a FIFO be swapped in after the check, opening it does
  // not block; fstat below then refuses it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Status::io_error("cannot open " + path + ": " + std::strerror(errno));
  std::string bytes;
  Status status;
  if (::fstat(fd, &st) != 0) {
    status = Status::io_error("cannot check " + path + ": " + std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    status = Status::error(path + " is not a regular file");
  } else if (st.st_size > max_bytes) {
    status = Status::error(path + " is " + too_big(st.st_size, max_bytes));
  } else {
    bytes.resize(static_cast<size_t>(st.st_size) + 1);  // one more: a file that grew shows
    size_t got = 0;
    while (got < bytes.size()) {
      const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        status = Status::io_error("cannot read " + path + ": " + std::strerror(errno));
        break;
      }
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    bytes.resize(got);
    if (status.ok() && got > static_cast<size_t>(st.st_size))
      status = Status::error(path + " changed while it was read");
  }
  ::close(fd);
  if (!status.ok()) return status;
  return bytes;
}

Status write_file_atomically(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0)
    return Status::io_error("cannot create a file next to " + path + ": " + std::strerror(errno));
  size_t done = 0;
  Status status;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = Status::io_error("write " + tmp + ": " + std::strerror(errno));
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (status.ok() && ::fsync(fd) != 0)
    status = Status::io_error("sync " + tmp + ": " + std::strerror(errno));
  if (::fchmod(fd, 0644) != 0 && status.ok())
    status = Status::io_error("chmod " + tmp + ": " + std::strerror(errno));
  ::close(fd);
  if (status.ok() && std::rename(tmp.c_str(), path.c_str()) != 0)
    status = Status::io_error("rename " + tmp + " to " + path + ": " + std::strerror(errno));
  if (!status.ok()) ::unlink(tmp.c_str());
  return status;
}

}  // namespace hegemon
