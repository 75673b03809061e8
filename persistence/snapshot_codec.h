// The `snapshots.data` encoding (format 1): a world's dynamic state (the id
// counters, every province and nation, the living armies and active wars;
// not the static map, which the save holds once) as zigzag varints in a
// fixed field order, zlib-compressed. About 10 bytes per province before
// compression. Decoding bounds every count by the bytes left (a corrupt count
// cannot make it allocate) and checks every id against the map it is given,
// so a corrupt blob is an error, never a half-read world.
#pragma once

#include <string>
#include <string_view>

#include "state/status.h"
#include "state/world_snapshot.h"

namespace hegemon {

constexpr int kSnapshotFormat = 1;

std::string encode_snapshot(const WorldSnapshot& world);

// Fills `out` (all but out.map, which the caller sets; meta.state_hash is
// recomputed by the caller if needed) from `data`.
Status decode_snapshot(std::string_view data, const WorldMap& map, WorldSnapshot& out);

}  // namespace hegemon
