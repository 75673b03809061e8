// A test SQLite VFS that wraps the default one and fails chosen calls, to
// test what the game does when the disk refuses: the Nth xOpen, xWrite, xSync
// or xTruncate from now fails (once, or from then on until cleared) with the
// result code asked for (VfsError: SQLite's SQLITE_FULL, SQLITE_IOERR_WRITE...),
// and nothing reaches the file. Everything else goes to the default VFS
// unchanged, so a file written through it is an ordinary SQLite file.
//
// Only connections opened with this VFS's name are affected: a save opened
// with SaveOptions::vfs = FaultyVfs::kName; readers and the test's own SQL use
// the default VFS. It lives in persistence/testing (hegemon_persistence_testing),
// which only tests and benchmarks link; the binary never does.
//
// Thread-safe: the persistence actor calls it from its own thread while a
// test arms faults and reads the counters.
#pragma once

#include <cstdint>

namespace hegemon::test {

enum class VfsOp { open, write, sync, truncate };

// Which files a fault applies to, by what SQLite opened them as (bit mask).
enum VfsFile : unsigned {
  kMainDbFile = 1,   // the save itself
  kWalFile = 2,      // PATH-wal
  kJournalFile = 4,  // a rollback journal (PATH-journal: create_world, backups)
  kOtherFile = 8,    // temporary files, statement journals
  kAnyFile = 15,
};

// The SQLite result code a fault returns, named here so that tests need no
// <sqlite3.h> (SQLite stays in persistence/).
enum class VfsError {
  full,         // SQLITE_FULL: the disk is full
  ioerr_write,  // SQLITE_IOERR_WRITE: a write failed
  ioerr_fsync,  // SQLITE_IOERR_FSYNC: a sync failed
  cantopen,     // SQLITE_CANTOPEN: the file cannot be opened
};

struct VfsFault {
  VfsOp op = VfsOp::write;
  int64_t nth = 1;  // the nth matching call after arm() fails; 1: the next one
  VfsError error = VfsError::ioerr_write;
  bool sticky = false;  // and every matching call after it, until clear()
  unsigned files = kAnyFile;
};

// Calls seen by the VFS since the process started (on every file), and faults
// injected.
struct VfsCounts {
  int64_t opens = 0;
  int64_t writes = 0;
  int64_t syncs = 0;
  int64_t truncates = 0;
  int64_t faults = 0;
};

class FaultyVfs {
 public:
  static constexpr const char* kName = "hegemon-faulty";

  // Registers the VFS with SQLite (once per process, not as the default) and
  // returns its controls.
  static FaultyVfs& instance();

  // Several faults may be armed at once; each counts its own matching calls.
  void arm(const VfsFault& fault);
  // Disarms every fault: the disk works again.
  void clear();
  VfsCounts counts() const;

 private:
  FaultyVfs() = default;
};

}  // namespace hegemon::test
