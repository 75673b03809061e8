// A consistent copy of a live save to send over the network (`hegemon client
// download-save`, issue #17: the seed's "send one file to a friend"). The
// save is in WAL mode while the game runs, so its file alone is not the game:
// committed ticks may still be in the -wal file, and a copy of the bytes taken
// during a checkpoint is torn. The copy is made with SQLite's online backup
// API from a read-only connection of its own, in one step, so it is one
// committed tick, read without a lock the writer waits on (WAL readers never
// block commits): the game goes on ticking while it is taken.
//
// The copy is made self-contained and safe to hand out: rollback-journal mode
// (one file, no -wal beside it), and no token hashes (the tokens table is
// emptied with secure_delete, so the freed pages hold zeros, not hashes). The
// game itself (state, history, event and audit logs, mods, tuning) is whole:
// the copy opens, plays and replays on its own.
#pragma once

#include <cstdint>
#include <string>

#include "state/ids.h"
#include "state/status.h"

namespace hegemon {

struct SaveCopy {
  int64_t bytes = 0;  // the copy's size
  Tick tick = 0;      // the committed tick it holds
};

// Copies the save at `save_path` into `dest_path`, which must exist and be
// empty (a file the caller made with mkstemp, so no other path is clobbered).
// Errors: the save cannot be read, the copy would exceed `max_bytes` (judged
// from the source's page count before copying, checked again after), or the
// disk refuses the copy. On error the caller removes dest_path.
Result<SaveCopy> copy_save_for_download(const std::string& save_path, const std::string& dest_path,
                                        int64_t max_bytes);

}  // namespace hegemon
