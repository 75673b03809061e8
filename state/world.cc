#include "state/world.h"

#include <algorithm>

#include "state/state_hash.h"
#include "state/world_cache_reads.h"

namespace hegemon {
namespace {
template <class Map, class Value>
std::vector<Value> sorted_values(const Map& map) {
  std::vector<Value> out;
  {
    auto locked = const_cast<Map&>(map).lock_table();
    out.reserve(locked.size());
    for (const auto& kv : locked) out.push_back(kv.second);
  }
  std::sort(out.begin(), out.end(), [](const Value& a, const Value& b) { return a.id < b.id; });
  return out;
}
}  // namespace

World::World(const WorldSnapshot& s)
    : map_(s.map),
      provinces_(s.provinces.size() + 1),
      nations_(s.nations.size() + 1),
      armies_(std::max<size_t>(64, s.armies.size() * 2)),
      wars_(64),
      provinces_by_owner_(s.nations.size() + 1),
      armies_by_owner_(s.nations.size() + 1) {
  load(s);
}

void World::load(const WorldSnapshot& s) {
  for (const auto& p : s.provinces) put_province(p);
  for (const auto& n : s.nations) put_nation(n);
  for (const auto& a : s.armies) put_army(a);
  for (const auto& w : s.wars) put_war(w);
  set_meta(s.meta.tick, s.meta.next_army_id, s.meta.next_war_id);
}

void World::reset(const WorldSnapshot& s) {
  provinces_.clear();
  nations_.clear();
  armies_.clear();
  wars_.clear();
  provinces_by_owner_.clear();
  armies_by_owner_.clear();
  entity_sum_ = 0;
  load(s);
}

GameMeta World::meta() const {
  std::lock_guard<std::mutex> lock(meta_mutex_);
  return meta_;
}

WorldSnapshot World::snapshot() const {
  WorldSnapshot s;
  s.map = map_;
  s.meta = meta();
  s.provinces = sorted_values<decltype(provinces_), Province>(provinces_);
  s.nations = sorted_values<decltype(nations_), Nation>(nations_);
  s.armies = sorted_values<decltype(armies_), Army>(armies_);
  s.wars = sorted_values<decltype(wars_), War>(wars_);
  return s;
}

uint64_t World::recompute_hash() const { return full_state_hash(snapshot()); }

void World::index_add(IdIndex& index, NationId key, int32_t id) {
  auto list = std::make_shared<std::vector<int32_t>>(*index_get(index, key));
  list->insert(std::upper_bound(list->begin(), list->end(), id), id);
  index.insert_or_assign(key, IdList(std::move(list)));
}

void World::index_remove(IdIndex& index, NationId key, int32_t id) {
  auto list = std::make_shared<std::vector<int32_t>>(*index_get(index, key));
  auto it = std::lower_bound(list->begin(), list->end(), id);
  if (it != list->end() && *it == id) list->erase(it);
  index.insert_or_assign(key, IdList(std::move(list)));
}

// Replaces an entity in `map`, keeping the hash sum and the owner index right.
template <class Map, class Entity>
void World::put_owned(Map& map, IdIndex& index, const Entity& e) {
  Entity old;
  if (map.find(e.id, old)) {
    entity_sum_ -= entity_hash(old);
    if (old.owner != e.owner) {
      index_remove(index, old.owner, e.id);
      index_add(index, e.owner, e.id);
    }
  } else {
    index_add(index, e.owner, e.id);
  }
  entity_sum_ += entity_hash(e);
  map.insert_or_assign(e.id, e);
}

void World::put_province(const Province& p) { put_owned(provinces_, provinces_by_owner_, p); }

void World::put_nation(const Nation& n) {
  Nation old;
  if (nations_.find(n.id, old)) entity_sum_ -= entity_hash(old);
  entity_sum_ += entity_hash(n);
  nations_.insert_or_assign(n.id, n);
}

void World::put_army(const Army& a) { put_owned(armies_, armies_by_owner_, a); }

void World::remove_army(ArmyId id) {
  Army old;
  if (!armies_.find(id, old)) return;
  entity_sum_ -= entity_hash(old);
  index_remove(armies_by_owner_, old.owner, id);
  armies_.erase(id);
}

void World::put_war(const War& w) {
  War old;
  if (wars_.find(w.id, old)) entity_sum_ -= entity_hash(old);
  entity_sum_ += entity_hash(w);
  wars_.insert_or_assign(w.id, w);
}

void World::retire_war(WarId id) {
  War old;
  if (!wars_.find(id, old)) return;
  entity_sum_ -= entity_hash(old);
  wars_.erase(id);
}

void World::set_meta(Tick tick, ArmyId next_army_id, WarId next_war_id) {
  GameMeta m{tick, next_army_id, next_war_id, 0};
  m.state_hash = combine_state_hash(entity_sum_, m);
  std::lock_guard<std::mutex> lock(meta_mutex_);
  meta_ = m;
}

}  // namespace hegemon
