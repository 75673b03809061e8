// A phase's working copies of some nations' armies. Rules change the copies in
// place; at the end only armies that really changed (or were destroyed) go
// into the proposal, which keeps change sets small.
#pragma once

#include <vector>

#include "state/world.h"

namespace hegemon {

class ArmyRoster {
 public:
  struct Entry {
    Army before;  // as cached
    Army now;     // working copy
    bool destroyed = false;
  };

  // Adds the armies of `owner`; entries stay sorted by army id.
  void load(const World& world, NationId owner);

  std::vector<Entry>& entries() { return entries_; }
  const std::vector<Entry>& entries() const { return entries_; }

  // Sum of the strength of living armies owned by `owner`.
  int64_t strength_of(NationId owner) const;

  // Living armies whose working copy differs from the cache, sorted by id.
  std::vector<Army> changed() const;
  std::vector<ArmyId> destroyed() const;  // sorted

 private:
  std::vector<Entry> entries_;
};

}  // namespace hegemon
