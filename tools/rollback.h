// Rollback: restore a save to exactly its state after an earlier tick, so the
// game continues from there. The state at that tick is rebuilt by replay
// (from the nearest snapshot, verified against the recorded hashes on the
// way); then roll_back (persistence/rollback.h, which the live rollback uses
// too) rewrites the tables in one transaction and the result is checked: the
// tables hash to what the save recorded for the
// tick. A save whose history does not replay cleanly up to the tick is left
// untouched. A save another process is writing (a running server) is refused
// at once (persistence/save_lock.h); a live game rolls back through the admin
// API instead.
#pragma once

#include <string>

#include "state/ids.h"
#include "state/status.h"

namespace hegemon {

struct RollbackReport {
  Tick from_tick = 0;  // the save's last tick before
  Tick to_tick = 0;
  std::string backup_path;  // a copy of the save before the rollback; empty if none was made
};

// `backup`: first copy the save to "<save>.before-rollback-<from tick>.db"
// (SQLite's backup API), so a rollback can itself be undone.
Result<RollbackReport> rollback_save(const std::string& save_path, Tick tick, bool backup = true);

}  // namespace hegemon
