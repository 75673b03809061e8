// A save, and the -wal, -shm and -journal files SQLite keeps next to it, must
// be regular files: opening a FIFO blocks until someone writes to it (a tool
// given one hung forever), and a device or socket is never a save. Checked
// with stat() before any open, so nothing that could block is ever opened.
// Covered by tests/hostile_save_test.cc ("FIFO").
#pragma once

#include <cstdint>
#include <string>

#include "state/status.h"

namespace hegemon {

// Ok when each of `path`, PATH-wal, PATH-shm and PATH-journal is a regular
// file (symlinks followed) or does not exist. Else an error naming the file
// and what it is, e.g. "saves/x.db-wal is a FIFO, not a regular file".
// ":memory:" and "" (SQLite's temporary databases) have no files: ok.
Status require_regular_files(const std::string& path);

// Ok when `path` alone is a regular file (symlinks followed); also refuses
// one that does not exist ("cannot check ...: No such file or directory").
// For files read whole, without SQLite's side files (a mod, mod_file.h).
Status require_regular_file(const std::string& path);

// The whole of the regular file at `path`, of at most `max_bytes`: its size
// is checked with stat() before it is opened and with fstat() on what was
// opened (the path may have been swapped in between; O_NONBLOCK, so a FIFO
// swapped in cannot block the open), and a file that grows while it is read
// is refused. Errors name the file: "x.db is 70000000 bytes, more than the
// 67108864 allowed".
Result<std::string> read_regular_file(const std::string& path, int64_t max_bytes);

// Writes `bytes` to `path` through a temporary file next to it (fsync'd,
// mode 0644) renamed into place: `path` holds either its old content or all
// of `bytes`, never a part, and on any error the temporary is removed.
// Errors name the file and the failed step.
Status write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace hegemon
