// start_simple_bench's replacement of state/world_reads.cc (see there for
// why the linker takes it): World's eight public reads, each first asking
// whether a read source is attached to this World (AttachedSource) and
// answering from it if so, else from the cache exactly as production does.
// The test is one load and compare on a branch marked unlikely; both
// contenders of start_simple_bench run with it, production never does.
#include "read_source.h"
#include "state/world_cache_reads.h"

namespace hegemon::bench {
namespace {
// The World reads go to, and its source: both null when none is attached.
const World* sourced_world = nullptr;
ReadSource* attached = nullptr;
}  // namespace

AttachedSource::AttachedSource(const World& world, ReadSource& source) {
  sourced_world = &world;
  attached = &source;
}
AttachedSource::~AttachedSource() {
  sourced_world = nullptr;
  attached = nullptr;
}

// The source attached to `world`, or null.
static inline ReadSource* source_of(const World* world) {
  return __builtin_expect(world == sourced_world, 0) ? attached : nullptr;
}

}  // namespace hegemon::bench

namespace hegemon {

using bench::source_of;

// Each of World's reads: the attached source's answer, else the cache's.
#define HEGEMON_SOURCED_READ(Type, read, Params, args)  \
  Type World::read Params const {                       \
    if (auto* s = source_of(this)) return s->read args; \
    return cached_##read args;                          \
  }
HEGEMON_SOURCED_READ(std::optional<Province>, province, (ProvinceId id), (id))
HEGEMON_SOURCED_READ(std::optional<Nation>, nation, (NationId id), (id))
HEGEMON_SOURCED_READ(std::optional<Army>, army, (ArmyId id), (id))
HEGEMON_SOURCED_READ(std::optional<War>, war, (WarId id), (id))
HEGEMON_SOURCED_READ(IdList, provinces_of, (NationId id), (id))
HEGEMON_SOURCED_READ(IdList, armies_of, (NationId id), (id))
HEGEMON_SOURCED_READ(std::vector<NationId>, living_nations, (), ())
HEGEMON_SOURCED_READ(std::vector<WarId>, active_wars, (), ())
#undef HEGEMON_SOURCED_READ

}  // namespace hegemon
