// World's public reads, each its cache read (state/world_cache_reads.h).
//
// They have this translation unit to themselves so that a program can link
// other definitions of them: bench/start_simple_bench links
// bench/sourced_world_reads.cc, which sends them to SQLite while a read
// source is attached, and the linker then never takes this file's object out
// of the static hegemon_state library. That only works while this file
// defines nothing but these eight functions: anything else defined here
// would pull the object in, and the bench would no longer link (duplicate
// symbols), which is the loud failure wanted.
#include "state/world_cache_reads.h"

namespace hegemon {

std::optional<Province> World::province(ProvinceId id) const { return cached_province(id); }
std::optional<Nation> World::nation(NationId id) const { return cached_nation(id); }
std::optional<Army> World::army(ArmyId id) const { return cached_army(id); }
std::optional<War> World::war(WarId id) const { return cached_war(id); }
IdList World::provinces_of(NationId id) const { return cached_provinces_of(id); }
IdList World::armies_of(NationId id) const { return cached_armies_of(id); }
std::vector<NationId> World::living_nations() const { return cached_living_nations(); }
std::vector<WarId> World::active_wars() const { return cached_active_wars(); }

}  // namespace hegemon
