// The one rollback of a save, shared by `hegemon rollback` (tools/rollback.h,
// on a save no server holds) and the live rollback of a running game (the
// persistence actor, on its own connection): write the world as of an
// earlier tick back whole, read it back, and check that the tables hash to
// what the save recorded for that tick; then checkpoint.
//
// Rebuilding that world (replaying the rules from the nearest snapshot) is
// the caller's part: persistence knows no rules (tools/replay.h's state_at).
#pragma once

#include "persistence/save_file.h"
#include "state/status.h"
#include "state/world_snapshot.h"

namespace hegemon {

struct RolledBack {
  WorldSnapshot world;  // as read back from the save: at state.meta.tick, with its hash
  // The checkpoint after the rollback. The rollback itself is committed
  // either way (a failed checkpoint leaves it in the WAL); the tool reports
  // this as an error, the live game as a warning.
  Status checkpoint;
};

// `state` must be the save's own world after `state.meta.tick` (its hash is
// what the save recorded). Errors: those of SaveFile::rollback_to (nothing
// changed), or a save that does not read back at that tick with that hash.
Result<RolledBack> roll_back(SaveFile& save, const WorldSnapshot& state);

}  // namespace hegemon
