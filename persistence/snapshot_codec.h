// The `snapshots.data` encoding (format 1): a world's dynamic state (the id
// counters, every province and nation, the living armies and active wars;
// not the static map, which the save holds once) as zigzag varints in a
// fixed field order, zlib-compressed. About 10 bytes per province before
// compression. A snapshot is read from a save, so it is untrusted: decoding
// inflates at most max_snapshot_bytes() of the map it is given (whatever the
// size header claims), bounds every count by the bytes left (a corrupt count
// cannot make it allocate) and checks the result as any loaded world
// (state/world_check.h), so a corrupt or hostile blob is an error, never a
// half-read world or an exhausted memory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "state/status.h"
#include "state/world_snapshot.h"

namespace hegemon {

constexpr int kSnapshotFormat = 1;

std::string encode_snapshot(const WorldSnapshot& world);

// The most a snapshot of a world on `map` can take decoded: the map's
// provinces and nations plus the most armies, path steps and wars such a map
// can hold (state/world_limits.h), each at its widest encoding.
uint64_t max_snapshot_bytes(const WorldMap& map);

// Fills `out` (all but out.map, which the caller sets; meta.state_hash is
// recomputed by the caller if needed) from `data`.
Status decode_snapshot(std::string_view data, const WorldMap& map, WorldSnapshot& out);

}  // namespace hegemon
