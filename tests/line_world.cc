#include "line_world.h"

#include <algorithm>
#include <memory>

namespace hegemon::test {

std::vector<ProvinceInfo> line_provinces(ProvinceId n) {
  std::vector<ProvinceInfo> pinfo;
  for (ProvinceId id = 1; id <= n; ++id) {
    ProvinceInfo info;
    info.id = id;
    info.name = "P" + std::to_string(id);
    info.x = id;
    if (id > 1) info.neighbors.push_back(id - 1);
    if (id < n) info.neighbors.push_back(id + 1);
    pinfo.push_back(info);
  }
  return pinfo;
}

WorldSnapshot line_world(const std::vector<NationId>& owners, const std::vector<Terrain>& terrain) {
  const ProvinceId n = static_cast<ProvinceId>(owners.size());
  std::vector<ProvinceInfo> pinfo = line_provinces(n);
  for (size_t i = 0; i < terrain.size() && i < pinfo.size(); ++i) pinfo[i].terrain = terrain[i];
  const NationId nations = *std::max_element(owners.begin(), owners.end());
  std::vector<NationInfo> ninfo;
  for (NationId id = 1; id <= nations; ++id)
    ninfo.push_back({id, "N" + std::to_string(id), 0x808080, 0});
  WorldSnapshot s;
  s.map = std::make_shared<WorldMap>(WorldParams{1, n, nations}, pinfo, ninfo);
  for (ProvinceId id = 1; id <= n; ++id) {
    const NationId owner = owners[static_cast<size_t>(id - 1)];
    s.provinces.push_back(Province{id, owner, owner, 4, 0, 0});
  }
  for (NationId id = 1; id <= nations; ++id) {
    auto first = std::find(owners.begin(), owners.end(), id);
    const ProvinceId capital =
        first == owners.end() ? 0 : static_cast<ProvinceId>(first - owners.begin()) + 1;
    s.nations.push_back(Nation{id, true, capital, 1000, 1, 10000, 2, 0, -1});
  }
  return s;
}

void add_army(WorldSnapshot& s, Army a) {
  s.meta.next_army_id = std::max(s.meta.next_army_id, a.id + 1);
  s.armies.push_back(std::move(a));
}

void add_war(WorldSnapshot& s, NationId a, NationId b, Tick start) {
  s.wars.push_back(War{1, a, b, start, -1, 0, 0});
  s.nations[static_cast<size_t>(a - 1)].war = 1;
  s.nations[static_cast<size_t>(b - 1)].war = 1;
  s.meta.next_war_id = 2;
}

size_t count_events(const std::vector<Event>& events, const std::string& type) {
  return static_cast<size_t>(
      std::count_if(events.begin(), events.end(), [&](const Event& e) { return e.type == type; }));
}

}  // namespace hegemon::test
