#include "persistence/save_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>
#include <utility>

namespace hegemon {

// One per lock file this process holds, shared by every SaveLock on it.
struct SaveLock::Held {
  std::string save_path;
  std::string lock_path;
  int fd = -1;
  dev_t dev = 0;
  ino_t ino = 0;
  int refs = 0;
  // The process that locked it. A child forked from it inherits the registry
  // (and the descriptor) but is another process: for it the entry is not
  // its own, and its own attempt is refused as any other process's would be.
  pid_t owner = 0;
};

namespace {

// Attempts to lock a lock file that another process keeps replacing before
// giving up (each one means a holder released it as we opened it).
constexpr int kAttempts = 8;

using Key = std::pair<dev_t, ino_t>;

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
// The lock files this process holds, by device and inode.
std::map<Key, SaveLock::Held*>& registry() {
  static auto* held = new std::map<Key, SaveLock::Held*>();  // never destroyed: used at exit
  return *held;
}

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

// The PID a holder wrote into the lock file, as text; "unknown" if it has not
// written it yet or it is not a number.
std::string holder_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "unknown";
  char* end = nullptr;
  const long pid = std::strtol(buf, &end, 10);
  if (end == buf || pid <= 0) return "unknown";
  return std::to_string(pid);
}

Status write_pid(int fd, const std::string& lock_path) {
  const std::string text = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    return Status::io_error("write " + lock_path + ": " + errno_text(errno));
  }
  return Status();
}

// Whether `path` names the file open as `fd` (it was not removed or replaced
// between our open and our lock).
bool still_at_path(int fd, const std::string& path) {
  struct stat by_fd {};
  struct stat by_path {};
  if (::fstat(fd, &by_fd) != 0 || ::stat(path.c_str(), &by_path) != 0) return false;
  return by_fd.st_dev == by_path.st_dev && by_fd.st_ino == by_path.st_ino;
}

struct Locked {
  int fd;
  Key key;
};

// Opens and locks the lock file at `lock_path` for this process, unless this
// process holds it already (then `*shared` is set to its entry). Call with the
// registry mutex held.
Result<Locked> lock_file(const std::string& save_path, const std::string& lock_path,
                         SaveLock::Held** shared) {
  *shared = nullptr;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
      const int err = errno;
      if (err == EACCES || err == EROFS) {
        // The usual cause, said as SaveFile::open says it: the lock is the
        // first file a writer creates beside the save.
        std::string dir = std::filesystem::path(lock_path).parent_path().string();
        if (dir.empty()) dir = ".";
        return Status::io_error("cannot lock " + save_path + ": directory " + dir +
                                " is not writable (" + errno_text(err) +
                                "); the save and its -wal, -shm and .lock files live there");
      }
      return Status::io_error("cannot lock " + save_path + ": create " + lock_path + ": " +
                              errno_text(err));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      return Status::io_error("cannot lock " + save_path + ": " + errno_text(err));
    }
    const Key key{st.st_dev, st.st_ino};
    auto it = registry().find(key);
    if (it != registry().end() && it->second->owner == ::getpid()) {
      // Ours already. Closing this second descriptor leaves the lock alone:
      // flock locks belong to the first one's open file description.
      ::close(fd);
      *shared = it->second;
      return Locked{-1, key};
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      if (err == EWOULDBLOCK) {
        const std::string pid = holder_pid(fd);
        ::close(fd);
        return Status::error(save_path + " is in use by another Hegemon process (pid " + pid +
                             "); stop it first");
      }
      ::close(fd);
      return Status::io_error("cannot lock " + save_path + ": flock " + lock_path + ": " +
                              errno_text(err));
    }
    // The holder before us may have removed the file between our open and
    // our lock: then we hold a file nobody else will look at. Start over.
    if (!still_at_path(fd, lock_path)) {
      ::close(fd);
      continue;
    }
    if (Status ok = write_pid(fd, lock_path); !ok.ok()) {
      ::close(fd);
      return ok.with_context("cannot lock " + save_path);
    }
    return Locked{fd, key};
  }
  return Status::io_error("cannot lock " + save_path + ": " + lock_path +
                          " keeps being replaced by other processes");
}

}  // namespace

std::string SaveLock::lock_path(const std::string& save_path) {
  // Named after the file the path leads to: SQLite follows a symlink to the
  // save (and names its -wal after the target), so a lock named after the
  // link would let a second writer in through it.
  std::error_code ec;
  const std::filesystem::path resolved = std::filesystem::weakly_canonical(save_path, ec);
  return (ec || resolved.empty() ? save_path : resolved.string()) + ".lock";
}

Result<SaveLock> SaveLock::acquire(const std::string& save_path) {
  const std::string path = lock_path(save_path);
  std::lock_guard<std::mutex> guard(registry_mutex());
  Held* shared = nullptr;
  Result<Locked> locked = lock_file(save_path, path, &shared);
  if (!locked.ok()) return locked.status();
  if (shared != nullptr) {
    ++shared->refs;
    return SaveLock(shared);
  }
  auto* held =
      new Held{save_path, path, locked->fd, locked->key.first, locked->key.second, 1, ::getpid()};
  registry()[locked->key] = held;
  return SaveLock(held);
}

SaveLock::SaveLock(SaveLock&& other) noexcept : held_(std::exchange(other.held_, nullptr)) {}

SaveLock& SaveLock::operator=(SaveLock&& other) noexcept {
  if (this != &other) {
    release();
    held_ = std::exchange(other.held_, nullptr);
  }
  return *this;
}

SaveLock::~SaveLock() { release(); }

void SaveLock::release() {
  if (held_ == nullptr) return;
  Held* held = std::exchange(held_, nullptr);
  std::lock_guard<std::mutex> guard(registry_mutex());
  if (--held->refs > 0) return;
  registry().erase({held->dev, held->ino});
  // Removed while still locked, and only if it is still ours: nobody else can
  // hold a lock file at this path while we hold this one.
  if (still_at_path(held->fd, held->lock_path)) ::unlink(held->lock_path.c_str());
  ::close(held->fd);
  delete held;
}

Status SaveLock::reassert() {
  if (held_ == nullptr) return Status::error("no lock held");
  std::lock_guard<std::mutex> guard(registry_mutex());
  if (still_at_path(held_->fd, held_->lock_path)) return Status();
  Held* shared = nullptr;
  Result<Locked> locked = lock_file(held_->save_path, held_->lock_path, &shared);
  if (!locked.ok()) return locked.status();
  if (shared != nullptr) return Status();  // another SaveLock of ours re-created it already
  // Our old lock file is gone from the path: let it go, keep the new one.
  registry().erase({held_->dev, held_->ino});
  ::close(held_->fd);
  held_->fd = locked->fd;
  held_->dev = locked->key.first;
  held_->ino = locked->key.second;
  registry()[locked->key] = held_;
  return Status();
}

}  // namespace hegemon
