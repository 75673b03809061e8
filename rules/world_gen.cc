#include "rules/world_gen.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "rules/economy.h"
#include "rules/map_grid.h"
#include "rules/name_gen.h"
#include "rules/terrain_gen.h"
#include "rules/territory_gen.h"
#include "state/state_hash.h"

namespace hegemon {
namespace {

void validate(const WorldParams& p) {
  auto fail = [](const std::string& what) {
    throw std::invalid_argument("generate_world: " + what);
  };
  if (p.provinces < kMinProvinces || p.provinces > kMaxProvinces) {
    fail("provinces must be in " + std::to_string(kMinProvinces) + ".." +
         std::to_string(kMaxProvinces) + ", got " + std::to_string(p.provinces));
  }
  if (p.nations < kMinNations || p.nations > kMaxNations) {
    fail("nations must be in " + std::to_string(kMinNations) + ".." + std::to_string(kMaxNations) +
         ", got " + std::to_string(p.nations));
  }
  if (int64_t{p.provinces} < 4 * int64_t{p.nations}) {
    fail("need at least 4 provinces per nation, got " + std::to_string(p.provinces) +
         " provinces for " + std::to_string(p.nations) + " nations");
  }
}

void validate(const std::vector<std::string>& list, const char* what) {
  for (const std::string& name : list)
    if (name.empty() || static_cast<int64_t>(name.size()) > kMaxNameBytes)
      throw std::invalid_argument(std::string("generate_world: a name in the ") + what +
                                  " name list is empty or longer than " +
                                  std::to_string(kMaxNameBytes) + " bytes");
}

std::vector<ProvinceInfo> make_provinces(const WorldParams& params, const HexGrid& grid,
                                         const std::vector<std::string>& names) {
  const std::vector<Terrain> terrain = generate_terrain(params.seed, grid);
  const std::vector<std::string> listed =
      names.empty() ? std::vector<std::string>{} : names_from_list(names, grid.count);
  std::vector<ProvinceInfo> out(static_cast<size_t>(grid.count));
  for (ProvinceId id = 1; id <= grid.count; ++id) {
    ProvinceInfo& info = out[static_cast<size_t>(id - 1)];
    info.id = id;
    info.name =
        listed.empty() ? province_name(params.seed, id) : listed[static_cast<size_t>(id - 1)];
    info.terrain = terrain[static_cast<size_t>(id - 1)];
    info.x = grid.x_of(id);
    info.y = grid.y_of(id);
    info.neighbors = grid.neighbors(id);
  }
  return out;
}

// Integer HSV (hue 0..1535, saturation and value 0..255) to 0xRRGGBB.
uint32_t hsv_to_rgb(int64_t hue, int64_t sat, int64_t val) {
  const int64_t sector = hue / 256, f = hue % 256;
  const int64_t p = val * (255 - sat) / 255;
  const int64_t q = val * (255 - sat * f / 255) / 255;
  const int64_t t = val * (255 - sat * (255 - f) / 255) / 255;
  int64_t r = val, g = t, b = p;
  switch (sector) {
    case 0: r = val, g = t, b = p; break;
    case 1: r = q, g = val, b = p; break;
    case 2: r = p, g = val, b = t; break;
    case 3: r = p, g = q, b = val; break;
    case 4: r = t, g = p, b = val; break;
    default: r = val, g = p, b = q; break;
  }
  return static_cast<uint32_t>((r << 16) | (g << 8) | b);
}

std::vector<NationInfo> make_nations(const WorldParams& params,
                                     const std::vector<std::string>& list) {
  const std::vector<std::string> names = list.empty() ? nation_names(params.seed, params.nations)
                                                      : names_from_list(list, params.nations);
  std::vector<NationInfo> out;
  for (NationId id = 1; id <= params.nations; ++id) {
    Rng color(params.seed, 0, static_cast<uint64_t>(id), RngPurpose::worldgen_colors);
    // Golden-ratio hue steps keep consecutive nations' hues far apart.
    const int64_t hue = (int64_t{id} * 949 + color.uniform(0, 40)) % 1536;
    const uint32_t rgb = hsv_to_rgb(hue, color.uniform(160, 230), color.uniform(210, 255));
    Rng personality(params.seed, 0, static_cast<uint64_t>(id), RngPurpose::worldgen_personality);
    out.push_back(NationInfo{id, names[static_cast<size_t>(id - 1)], rgb,
                             static_cast<int32_t>(personality.uniform(10, 90))});
  }
  return out;
}

// Richer land near capitals: 3..8 at random, +4 at the capital fading by one
// per step away, at most 12.
int32_t starting_development(uint64_t seed, ProvinceId id, int32_t depth) {
  Rng rng(seed, 1, static_cast<uint64_t>(id), RngPurpose::worldgen_growth);
  return std::min<int32_t>(12, static_cast<int32_t>(rng.uniform(3, 8)) + std::max(0, 4 - depth));
}

int32_t starting_army(const Tuning& tuning, int64_t provinces) {
  return static_cast<int32_t>(std::min<int64_t>(tuning.start_army_cap, 1000 * (8 + provinces) / 8));
}

}  // namespace

Nation starting_nation(const Tuning& tuning, NationId id, ProvinceId capital,
                       int64_t owned_development) {
  return Nation{
      id, true, capital, 100, 1, manpower_cap(tuning, owned_development), tuning.peace_tax_level,
      0,  -1};
}

WorldSnapshot generate_world(const WorldParams& params, const Tuning& tuning,
                             const NameLists& names) {
  validate(params);
  validate(names.nations, "nation");
  validate(names.provinces, "province");
  if (auto problem = check_tuning(tuning)) throw std::invalid_argument(*problem);
  const HexGrid grid = HexGrid::for_provinces(params.provinces);
  std::vector<ProvinceInfo> pinfo = make_provinces(params, grid, names.provinces);
  const Territory territory = generate_territory(params.seed, grid, pinfo, params.nations);

  WorldSnapshot s;
  std::vector<int64_t> development(static_cast<size_t>(params.nations), 0);
  std::vector<int64_t> size(static_cast<size_t>(params.nations), 0);
  for (ProvinceId id = 1; id <= grid.count; ++id) {
    const NationId owner = territory.owner[static_cast<size_t>(id - 1)];
    const int32_t dev =
        starting_development(params.seed, id, territory.depth[static_cast<size_t>(id - 1)]);
    s.provinces.push_back(Province{id, owner, owner, dev, 0, 0});
    if (owner != kNoNation) {
      development[static_cast<size_t>(owner - 1)] += dev;
      ++size[static_cast<size_t>(owner - 1)];
    }
  }
  for (NationId id = 1; id <= params.nations; ++id) {
    const size_t i = static_cast<size_t>(id - 1);
    const ProvinceId capital = territory.capital[i];
    s.nations.push_back(starting_nation(tuning, id, capital, development[i]));
    s.armies.push_back(Army{id, id, capital, starting_army(tuning, size[i]), kMaxMorale, 0, {}});
  }
  s.map = std::make_shared<WorldMap>(params, std::move(pinfo), make_nations(params, names.nations),
                                     tuning);
  s.meta.tick = 0;
  s.meta.next_army_id = params.nations + 1;
  s.meta.next_war_id = 1;
  s.meta.state_hash = full_state_hash(s);
  return s;
}

}  // namespace hegemon
