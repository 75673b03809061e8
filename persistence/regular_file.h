// A save, and the -wal, -shm and -journal files SQLite keeps next to it, must
// be regular files: opening a FIFO blocks until someone writes to it (a tool
// given one hung forever), and a device or socket is never a save. Checked
// with stat() before any open, so nothing that could block is ever opened.
// Covered by tests/hostile_save_test.cc ("FIFO").
#pragma once

#include <string>

#include "state/status.h"

namespace hegemon {

// Ok when each of `path`, PATH-wal, PATH-shm and PATH-journal is a regular
// file (symlinks followed) or does not exist. Else an error naming the file
// and what it is, e.g. "saves/x.db-wal is a FIFO, not a regular file".
// ":memory:" and "" (SQLite's temporary databases) have no files: ok.
Status require_regular_files(const std::string& path);

}  // namespace hegemon
