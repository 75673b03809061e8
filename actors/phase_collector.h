// Collects the proposals of one phase of one tick: one slot per actor, in the
// fixed merge order (ascending id), filled in whatever order replies arrive.
// A slot whose request failed stays empty so that exactly it can be asked again.
#pragma once

#include <optional>
#include <vector>

#include "state/ids.h"

namespace hegemon {

template <class Proposal>
class PhaseCollector {
 public:
  void start(std::vector<int32_t> ids) {
    ids_ = std::move(ids);
    slots_.assign(ids_.size(), std::nullopt);
    missing_ = ids_.size();
  }
  const std::vector<int32_t>& ids() const { return ids_; }
  bool filled(size_t slot) const { return slots_[slot].has_value(); }
  bool complete() const { return missing_ == 0; }

  // Stores a reply; a duplicate for a filled slot is ignored (returns false).
  bool store(size_t slot, Proposal proposal) {
    if (slot >= slots_.size() || slots_[slot]) return false;
    slots_[slot] = std::move(proposal);
    --missing_;
    return true;
  }

  // The proposals in merge order. Precondition: complete().
  std::vector<Proposal> take() {
    std::vector<Proposal> out;
    out.reserve(slots_.size());
    for (auto& s : slots_) out.push_back(std::move(*s));
    slots_.clear();
    ids_.clear();
    return out;
  }

 private:
  std::vector<int32_t> ids_;
  std::vector<std::optional<Proposal>> slots_;
  size_t missing_ = 0;
};

}  // namespace hegemon
