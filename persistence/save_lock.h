// One process at a time writes a save: an OS lock beside SQLite's own.
//
// SQLite's locks order transactions, not owners: two servers on one save both
// run, and the second's commits make the first fail on a UNIQUE constraint;
// an offline `hegemon rollback` rewrites the tables under a running server. So
// whatever opens a save to write it (SaveFile::open, and the offline tools
// before their long read-only work) first takes a SaveLock on it and holds it
// for as long as it may write. A second process is refused at once, with the
// holder's PID; readers (SaveReader: inspect, map, state, replay) take no lock
// and keep working on a live save.
//
// The lock is flock(2) on a separate file, SAVE.lock, holding the holder's PID
// as text. Why not a lock on the save itself: SQLite locks the save with POSIX
// fcntl locks, which belong to the process and are all dropped when ANY
// descriptor of the file is closed, so opening and closing the save for a lock
// of ours would silently drop SQLite's. flock locks belong to one open file
// description, are unaffected by fcntl locks, and are released by the kernel
// when the holder dies however it dies (a SIGKILLed server never blocks the
// save). A lock file left behind by a killed process is harmless: it is
// locked afresh and its PID rewritten.
//
// Within one process the lock is shared: every SaveLock on the same lock file
// (by device and inode) counts as one holder, since a persistence actor's new
// incarnation may reopen the save before the crashed one's SaveFile is gone;
// SQLite orders one process's connections itself. The last one released
// removes SAVE.lock, while still holding it (a process waiting on the removed
// file finds it is no longer at the path and opens the new one).
//
// Limits: the lock guards one file path (symlinks resolved). A hard link to
// the save under another name has another lock file; a network file system
// may not implement flock.
//
// Thread-safe. Tests: save_lock_test.
#pragma once

#include <string>

#include "state/status.h"

namespace hegemon {

class SaveLock {
 public:
  // Takes the lock of the save at `save_path` (which need not exist yet; its
  // directory must). Refused, with the holder's PID, when another process
  // holds it: "saves/x.db is in use by another Hegemon process (pid 1234);
  // stop it first". An I/O error when the lock file cannot be created.
  static Result<SaveLock> acquire(const std::string& save_path);

  // The lock file of a save: the path of the file save_path leads to
  // (symlinks resolved) + ".lock".
  static std::string lock_path(const std::string& save_path);

  SaveLock() = default;  // holds nothing
  SaveLock(SaveLock&& other) noexcept;
  SaveLock& operator=(SaveLock&& other) noexcept;
  SaveLock(const SaveLock&) = delete;
  SaveLock& operator=(const SaveLock&) = delete;
  ~SaveLock();

  bool held() const { return held_ != nullptr; }

  // For a save written back to its path after it was deleted or moved while
  // open (SaveFile::restore_if_moved): the lock file may have gone with it.
  // Ok when SAVE.lock is still the file this process locked; else locks the
  // file now at the path (creating it), refused as acquire() is when another
  // process holds that one.
  Status reassert();

  struct Held;  // opaque: this process's record of one lock file it holds

 private:
  explicit SaveLock(Held* held) : held_(held) {}
  void release();

  Held* held_ = nullptr;
};

}  // namespace hegemon
