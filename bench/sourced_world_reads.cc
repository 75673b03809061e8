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

std::optional<Province> World::province(ProvinceId id) const {
  if (auto* s = source_of(this)) return s->province(id);
  return cached_province(id);
}
std::optional<Nation> World::nation(NationId id) const {
  if (auto* s = source_of(this)) return s->nation(id);
  return cached_nation(id);
}
std::optional<Army> World::army(ArmyId id) const {
  if (auto* s = source_of(this)) return s->army(id);
  return cached_army(id);
}
std::optional<War> World::war(WarId id) const {
  if (auto* s = source_of(this)) return s->war(id);
  return cached_war(id);
}
IdList World::provinces_of(NationId id) const {
  if (auto* s = source_of(this)) return s->provinces_of(id);
  return cached_provinces_of(id);
}
IdList World::armies_of(NationId id) const {
  if (auto* s = source_of(this)) return s->armies_of(id);
  return cached_armies_of(id);
}
std::vector<NationId> World::living_nations() const {
  if (auto* s = source_of(this)) return s->living_nations();
  return cached_living_nations();
}
std::vector<WarId> World::active_wars() const {
  if (auto* s = source_of(this)) return s->active_wars();
  return cached_active_wars();
}

}  // namespace hegemon
