// World generation: a deterministic function of WorldParams (seed and sizes).
#pragma once

#include <string>
#include <vector>

#include "state/tuning.h"
#include "state/world_limits.h"
#include "state/world_snapshot.h"

namespace hegemon {

// The sizes generate_world (and the command line) accept, kMinProvinces..
// kMaxProvinces and kMinNations..kMaxNations, are in state/world_limits.h.

// A new world at tick 0: a hex-grid map of params.provinces land provinces with
// terrain and adjacency, params.nations nations grown contiguously from
// scattered capitals (every province ends up owned; callers should still
// accept kNoNation owners, which hand-made or future worlds may have), each
// with a starting army in its capital, generated names and colours. O(N log N)
// in the number of provinces: 50,000 provinces take well under a second.
// `tuning` is the balance the game runs with (the generator reads
// start_army_cap, manpower_cap_per_dev and peace_tax_level; the map keeps it
// for the rules). Throws std::invalid_argument when the sizes are out of
// range, there are fewer provinces than 4x nations, or check_tuning() refuses
// `tuning`.
//
// `names`: lists to take nation and province names from (a mod's name lists,
// issue #15; rules/name_gen.h names_from_list) instead of the invented
// syllables; an empty list keeps the generated names, and the world is then
// exactly what it was without lists (same state hash). Names in a list must
// be non-empty and at most kMaxNameBytes long (std::invalid_argument).
struct NameLists {
  std::vector<std::string> nations;
  std::vector<std::string> provinces;
};
WorldSnapshot generate_world(const WorldParams& params, const Tuning& tuning = Tuning{},
                             const NameLists& names = NameLists{});

// A nation as every new world starts it (generated or a scenario's,
// rules/scenario.h): alive, at peace, 100 ducats, stability 1, manpower at its
// cap for `owned_development`, tuning.peace_tax_level taxes.
Nation starting_nation(const Tuning& tuning, NationId id, ProvinceId capital,
                       int64_t owned_development);

// The world sizes the benchmarks measure (issue #6): `hegemon serve`'s
// default, about EU4's map, and a stress world. `hegemon bench` and bench/
// both take them from here.
struct NamedWorldSize {
  const char* name;
  WorldParams params;
};
inline constexpr NamedWorldSize kWorldSizes[] = {
    {"default", {1444, 2000, 150}}, {"eu4", {1444, 5000, 500}}, {"huge", {1444, 50000, 2000}}};

}  // namespace hegemon
