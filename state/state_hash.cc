#include "state/state_hash.h"

#include "state/entity_fields.h"
#include "state/rng.h"

namespace hegemon {
namespace {

// Folds values into a running hash; the tag keeps entity kinds apart so that a
// Province and a War with equal fields never collide.
class Hasher {
 public:
  explicit Hasher(uint64_t tag) : h_(mix64(tag)) {}
  Hasher& add(int64_t v) {
    h_ = mix64(h_ ^ static_cast<uint64_t>(v));
    return *this;
  }
  Hasher& add(const std::vector<ProvinceId>& path) {
    add(static_cast<int64_t>(path.size()));
    for (ProvinceId p : path) add(p);
    return *this;
  }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_;
};

// Folds the described fields (state/entity_fields.h) in their order; a field
// with a gate only while the gate is set, so that hashes recorded in older
// saves stay valid. A bool folds as 0 or 1, a path as its length then its ids.
template <class E>
uint64_t hash_fields(const E& e) {
  Hasher h(EntityFields<E>::kHashTag);
  for_each_field<E>([&](const auto& f) {
    if (f.counts_in(e)) h.add(f.of(e));
  });
  return h.value();
}

}  // namespace

uint64_t entity_hash(const Province& p) { return hash_fields(p); }
uint64_t entity_hash(const Nation& n) { return hash_fields(n); }
uint64_t entity_hash(const Army& a) { return hash_fields(a); }
uint64_t entity_hash(const War& w) { return hash_fields(w); }

// The sum of the entity hashes, then the game row's fields.
uint64_t combine_state_hash(uint64_t entity_sum, const GameMeta& meta) {
  Hasher h(EntityFields<GameMeta>::kHashTag);
  h.add(static_cast<int64_t>(entity_sum));
  for_each_field<GameMeta>([&](const auto& f) { h.add(f.of(meta)); });
  return h.value();
}

uint64_t full_state_hash(const WorldSnapshot& s) {
  uint64_t sum = 0;
  for (const auto& p : s.provinces) sum += entity_hash(p);
  for (const auto& n : s.nations) sum += entity_hash(n);
  for (const auto& a : s.armies) sum += entity_hash(a);
  for (const auto& w : s.wars) sum += entity_hash(w);
  return combine_state_hash(sum, s.meta);
}

}  // namespace hegemon
