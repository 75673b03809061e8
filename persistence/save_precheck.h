// The checks a save passes on a READ-ONLY connection before the writer opens
// it read-write. A read-write connection is not harmless even before it
// writes: it recovers a -wal file lying next to the save and checkpoints it
// into the save when it closes, so a save refused after that (a -wal from
// another database put next to it) would be damaged for good. A read-only
// connection never checkpoints, so a refused save is left byte for byte as
// it was, and the -wal/-shm files this check created are removed again.
// Covered by tests/hostile_save_test.cc.
#pragma once

#include <string>

#include "state/status.h"

namespace hegemon {

// Ok iff SaveFile::open may open the existing file at `path` read-write:
// a regular file (and -wal, -shm), empty or a Hegemon save that migrate()
// accepts (header, schema objects), with a readable game row. When a
// non-empty PATH-wal is next to it (a server that crashed, or a file that is
// not ours) the WAL is what would be checkpointed into the save, so the save
// as the WAL makes it must also pass PRAGMA quick_check and, holding a world,
// load with the state hash it records. `vfs` as in SaveOptions.
Status precheck_for_writing(const std::string& path, const std::string& vfs);

}  // namespace hegemon
