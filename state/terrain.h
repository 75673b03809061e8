// The kinds of land a province can be. Its own header so that both the static
// map (world_map.h) and the balance (tuning.h, whose terrain tables are
// indexed by it) can name it without including each other.
#pragma once

#include <cstdint>
#include <string>

namespace hegemon {

enum class Terrain : uint8_t {
  plains = 0,
  forest = 1,
  hills = 2,
  mountains = 3,
  desert = 4,
  marsh = 5
};
constexpr int kTerrainCount = 6;

const char* terrain_name(Terrain t);
bool terrain_from_name(const std::string& name, Terrain& out);

}  // namespace hegemon
