// The coordinator's view of its supervised collaborators: the current
// incarnation of each (persistence, one per nation, one per war), which ones
// a supervisor gave up on, and how many spawn requests are unanswered.
//
// Generations: a supervisor numbers each incarnation of a child 1, 2, ...
// Only a newer generation than the one known is adopted (adopt()); news of a
// former incarnation arriving late is stale and changes nothing, and a reply
// is from the current incarnation only if its generation still matches
// (current()). A child known but with a null handle is down and a new
// incarnation is awaited. A child is given up on when its supervisor
// escalated, until a new incarnation of it is adopted.
//
// Plain values: `Handle` is whatever names a running actor (caf::actor in the
// coordinator, anything default-constructible and testable for null in tests).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>

#include "actors/actor_key.h"

namespace hegemon {

template <class Handle>
class ChildRegistry {
 public:
  // Adopts the incarnation `generation` of `key` if it is newer than the one
  // known. Returns whether it was (then the caller asks it for missed work).
  bool adopt(const ActorKey& key, uint64_t generation, Handle handle) {
    Ref& ref = refs_[key];
    if (generation <= ref.generation) return false;  // stale: a former incarnation
    ref.generation = generation;
    ref.handle = std::move(handle);
    given_up_.erase(key);
    return true;
  }
  // Known (running, or down and awaited).
  bool known(const ActorKey& key) const { return refs_.count(key) != 0; }
  // The current incarnation's handle; null if down or unknown.
  Handle handle(const ActorKey& key) const {
    const auto it = refs_.find(key);
    return it == refs_.end() ? Handle{} : it->second.handle;
  }
  // The current generation; 0 if unknown.
  uint64_t generation(const ActorKey& key) const {
    const auto it = refs_.find(key);
    return it == refs_.end() ? 0 : it->second.generation;
  }
  // Whether `generation` is still the current incarnation of `key`.
  bool current(const ActorKey& key, uint64_t generation) const {
    return generation != 0 && this->generation(key) == generation;
  }
  // Forgets `key` (its actor is being stopped for good). Returns whether known.
  bool retire(const ActorKey& key) { return refs_.erase(key) != 0; }

  // Spawn requests: begin_spawn() per request, end_spawn() per answer; true
  // once every one is answered.
  void begin_spawn() { ++pending_spawns_; }
  bool end_spawn() { return --pending_spawns_ == 0; }
  bool spawning() const { return pending_spawns_ > 0; }

  void give_up(const ActorKey& key) { given_up_.insert(key); }
  const std::set<ActorKey>& given_up() const { return given_up_; }
  bool any_given_up() const { return !given_up_.empty(); }

 private:
  struct Ref {
    Handle handle{};
    uint64_t generation = 0;
  };
  std::map<ActorKey, Ref> refs_;
  std::set<ActorKey> given_up_;
  size_t pending_spawns_ = 0;
};

}  // namespace hegemon
