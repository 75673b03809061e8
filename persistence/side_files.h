// The -wal and -shm files a read-only connection leaves behind. Reading a
// WAL-mode save creates PATH-shm (and an empty PATH-wal) when they are
// missing, and a read-only connection never removes them. A save that was
// refused, or only looked at, should be left as it was found: note which of
// them existed before opening, and after the connection is closed remove
// those it created: the -shm (only an index of the -wal, rebuilt by the next
// connection) and the -wal as long as it is still empty (non-empty, someone
// else wrote to it: it is theirs).
// Covered by tests/hostile_save_test.cc.
#pragma once

#include <string>

namespace hegemon {

class SideFiles {
 public:
  // Notes which of PATH-wal and PATH-shm exist now.
  static SideFiles note(const std::string& path);
  // Removes PATH-wal if it did not exist at note() and is empty now, and
  // PATH-shm if it did not exist at note(). Call only after every connection
  // of this process to `path` is closed.
  void remove_created() const;

 private:
  std::string path_;
  bool had_wal_ = true;
  bool had_shm_ = true;
};

}  // namespace hegemon
