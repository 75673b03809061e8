// What differs between two states of the same world, entity by entity and
// field by field, in words: "nation 7 treasury: recorded 120, replayed 95".
// Replay uses it to say what went wrong at a divergent tick.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "state/change_set.h"
#include "state/event.h"
#include "state/world_snapshot.h"

namespace hegemon {

// At most `limit` lines, provinces first, then nations, armies, wars, then the
// id counters; the last line says how many more there were, if any.
std::vector<std::string> diff_worlds(const WorldSnapshot& recorded, const WorldSnapshot& replayed,
                                     size_t limit = 40);

// One tick's province_history rows (both sorted by province).
std::vector<std::string> diff_history(const std::vector<ProvinceHistoryRow>& recorded,
                                      const std::vector<ProvinceHistoryRow>& replayed,
                                      size_t limit = 40);

// One tick's events, in order.
std::vector<std::string> diff_events(const std::vector<Event>& recorded,
                                     const std::vector<Event>& replayed, size_t limit = 20);

}  // namespace hegemon
