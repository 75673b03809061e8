#include "rules/army_roster.h"

#include <algorithm>

namespace hegemon {

void ArmyRoster::load(const World& world, NationId owner) {
  const IdList ids = world.armies_of(owner);
  entries_.reserve(entries_.size() + ids->size());
  for (ArmyId id : *ids) {
    if (auto a = world.army(id)) entries_.push_back(Entry{*a, *a, false});
  }
  std::sort(entries_.begin(), entries_.end(),
            [](const Entry& x, const Entry& y) { return x.now.id < y.now.id; });
}

int64_t ArmyRoster::strength_of(NationId owner) const {
  int64_t sum = 0;
  for (const Entry& e : entries_) {
    if (!e.destroyed && e.now.owner == owner) sum += e.now.strength;
  }
  return sum;
}

std::vector<Army> ArmyRoster::changed() const {
  std::vector<Army> out;
  for (const Entry& e : entries_) {
    if (!e.destroyed && e.now != e.before) out.push_back(e.now);
  }
  return out;
}

std::vector<ArmyId> ArmyRoster::destroyed() const {
  std::vector<ArmyId> out;
  for (const Entry& e : entries_) {
    if (e.destroyed) out.push_back(e.now.id);
  }
  return out;
}

}  // namespace hegemon
