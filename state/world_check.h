// Is this a world the game can run? A pure check of a world read from a save
// (its tables or a snapshot), which is untrusted input: the state hash only
// proves the tables agree with the hash stored beside them, and whoever
// edits the tables can store the matching hash too. Checked against
// state/world_limits.h:
//  - sizes: provinces 1..kMaxProvinces, nations 0..kMaxNations, armies,
//    active wars and the armies' path steps within what such a map can hold;
//  - the map: adjacency in range, no province its own neighbour, symmetric;
//  - ids: provinces and nations 1..N in order, armies and wars ascending and
//    below the id counters, which (like the tick) are far from overflowing;
//  - references: every owner, controller, capital, army location and path
//    step, war side and nation's war names something that exists;
//  - every field within its documented range (state/entities.h).
// The first failure is returned, naming the entity and the field
// ("army 7: location 999999 is not a province of the map").
#pragma once

#include "state/status.h"
#include "state/world_snapshot.h"

namespace hegemon {

// The static map alone.
Status check_world_map(const WorldMap& map);

// The dynamic state of `world` against `map` (world.map is not read, so a
// decoder can check before it sets it).
Status check_world_state(const WorldSnapshot& world, const WorldMap& map);

// Both: a whole world as loaded. world.map must be set.
Status check_world(const WorldSnapshot& world);

// Is there room for one more tick? The loader refuses a tick beyond kMaxTick
// and id counters beyond kMaxEntityId, so a game that ran past them would be
// refused by its own next load and by `rollback`. The coordinator asks this
// before every tick and pauses with the returned reason when the next tick
// could pass a limit (at most max_new_armies_per_tick / max_new_wars_per_tick
// ids a tick). O(1).
Status check_room_for_next_tick(const GameMeta& meta, int64_t nations);

}  // namespace hegemon
