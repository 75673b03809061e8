// A phase's private overlay of province writes on top of the (read-only) hot
// cache. Rules read through it so that later steps of the same plan see
// earlier steps' edits (a siege flips a controller, then peace annexes it),
// and at the end only provinces that really differ from the cache go into the
// proposal.
#pragma once

#include <map>
#include <vector>

#include "state/world.h"

namespace hegemon {

class ProvinceEdits {
 public:
  explicit ProvinceEdits(const World& world) : world_(world) {}

  // The edited value if any, else the cached one. Precondition: the province exists.
  Province get(ProvinceId id) const;
  void set(const Province& p) { edits_[p.id] = p; }

  // Edited provinces that differ from the cache, sorted by id.
  std::vector<Province> changed() const;

 private:
  const World& world_;
  std::map<ProvinceId, Province> edits_;
};

}  // namespace hegemon
