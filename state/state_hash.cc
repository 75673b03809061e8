#include "state/state_hash.h"

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
  uint64_t value() const { return h_; }

 private:
  uint64_t h_;
};

}  // namespace

uint64_t entity_hash(const Province& p) {
  return Hasher(1)
      .add(p.id).add(p.owner).add(p.controller).add(p.development).add(p.unrest)
      .add(p.siege_progress).value();
}

// Fields added after schema version 2 are folded in only when they differ from
// their default, so every hash recorded in an older save stays valid.
uint64_t entity_hash(const Nation& n) {
  Hasher h(2);
  h.add(n.id).add(n.alive).add(n.capital).add(n.treasury).add(n.stability).add(n.manpower)
      .add(n.tax_level).add(n.war).add(n.last_peace_tick);
  if (n.player) h.add(1);
  return h.value();
}

uint64_t entity_hash(const Army& a) {
  Hasher h(3);
  h.add(a.id).add(a.owner).add(a.location).add(a.strength).add(a.morale).add(a.move_progress);
  h.add(static_cast<int64_t>(a.path.size()));
  for (ProvinceId p : a.path) h.add(p);
  return h.value();
}

uint64_t entity_hash(const War& w) {
  Hasher h(4);
  h.add(w.id).add(w.attacker).add(w.defender).add(w.start_tick).add(w.end_tick)
      .add(w.war_score).add(w.battle_score);
  if (w.has_peace_offer()) h.add(w.peace_offer_by).add(w.peace_offer_winner).add(w.peace_offer_tick);
  return h.value();
}

uint64_t combine_state_hash(uint64_t entity_sum, const GameMeta& meta) {
  return Hasher(5).add(static_cast<int64_t>(entity_sum)).add(meta.tick).add(meta.next_army_id)
      .add(meta.next_war_id).value();
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
