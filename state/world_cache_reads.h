// World's reads of its hot cache, inline: the bodies behind World::province,
// nation, army, war, provinces_of, armies_of, living_nations and
// active_wars. Private to World's own translation units (state/world.cc,
// state/world_reads.cc) and to bench/sourced_world_reads.cc, the benchmark's
// replacement of world_reads.cc; nothing else includes it.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "state/world.h"

namespace hegemon {
namespace world_detail {

inline const IdList& empty_id_list() {
  static const IdList empty = std::make_shared<const std::vector<int32_t>>();
  return empty;
}

template <class Map, class Value>
std::optional<Value> find_in(const Map& map, int32_t id) {
  Value v;
  if (map.find(id, v)) return v;
  return std::nullopt;
}

template <class Map>
std::vector<int32_t> sorted_keys(const Map& map) {
  std::vector<int32_t> ids;
  {
    auto locked = const_cast<Map&>(map).lock_table();
    ids.reserve(locked.size());
    for (const auto& kv : locked) ids.push_back(kv.first);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace world_detail

inline IdList World::index_get(const IdIndex& index, NationId key) {
  IdList list;
  if (index.find(key, list) && list) return list;
  return world_detail::empty_id_list();
}

inline std::optional<Province> World::cached_province(ProvinceId id) const {
  return world_detail::find_in<decltype(provinces_), Province>(provinces_, id);
}
inline std::optional<Nation> World::cached_nation(NationId id) const {
  return world_detail::find_in<decltype(nations_), Nation>(nations_, id);
}
inline std::optional<Army> World::cached_army(ArmyId id) const {
  return world_detail::find_in<decltype(armies_), Army>(armies_, id);
}
inline std::optional<War> World::cached_war(WarId id) const {
  if (auto w = world_detail::find_in<decltype(wars_), War>(wars_, id)) return w;
  if (cold_) return cold_->load_war(id);
  return std::nullopt;
}

inline IdList World::cached_provinces_of(NationId id) const {
  return index_get(provinces_by_owner_, id);
}
inline IdList World::cached_armies_of(NationId id) const { return index_get(armies_by_owner_, id); }

inline std::vector<NationId> World::cached_living_nations() const {
  std::vector<NationId> out;
  for (NationId id = 1; id <= map_->nation_count(); ++id) {
    bool alive = false;  // read in place: no copy of the whole nation
    nations_.find_fn(id, [&alive](const Nation& n) { alive = n.alive; });
    if (alive) out.push_back(id);
  }
  return out;
}

inline std::vector<WarId> World::cached_active_wars() const {
  return world_detail::sorted_keys(wars_);
}

}  // namespace hegemon
