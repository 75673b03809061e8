// The content of a set of mods, as plain values (issue #15): what
// persistence/mod_file reads from one mod database (mods/schema.sql is its
// schema), and what tools/mod_set makes of several in load order. Ids are
// dense 1..n once validated (rules/scenario); ranges are those of
// state/world_limits.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "state/game_date.h"
#include "state/tuning.h"

namespace hegemon {

struct ModProvince {
  int32_t id = 0;
  std::string name;
  std::string terrain;  // a Terrain name, checked by rules/scenario
  int32_t x = 0, y = 0;
  int32_t development = 1;
};

struct ModNation {
  int32_t id = 0;
  std::string name;
  uint32_t colour = 0;  // 0xRRGGBB
  int32_t aggression = 0;
  int32_t capital = 0;  // a province id the nation owns at start
};

struct ModArmy {
  int32_t nation = 0;
  int32_t province = 0;
  int32_t strength = 0;
};

struct Scenario {
  GameDate start_date{};
  std::vector<ModProvince> provinces;
  std::vector<std::pair<int32_t, int32_t>> adjacency;  // each pair once, either order
  std::vector<ModNation> nations;
  std::vector<std::pair<int32_t, int32_t>> owners;  // (province, nation)
  std::vector<ModArmy> armies;
};

// Bounds on what a mod, and a save's record of mods, may hold.
constexpr int64_t kMaxModBytes = 64 << 20;  // one mod file
constexpr int32_t kMaxMods = 64;            // mods in one load order

// One mod as read from its file, before any merging.
struct ModFileContent {
  std::string path;
  std::string name, version, description;
  int64_t target_schema = 0;
  std::string sha256_hex;                               // over the file's bytes
  std::string bytes;  // the file itself (at most kMaxModBytes), embedded in the save
  std::vector<std::pair<std::string, int64_t>> tuning;  // names as in tuning_fields()
  std::optional<Scenario> scenario;
  std::vector<std::string> nation_names, province_names;  // empty = not set
};

// The effective content of mods applied in load order (later overrides earlier).
struct ModContent {
  Tuning tuning;                     // defaults + overrides, check_tuning() passed
  std::optional<Scenario> scenario;  // absent = the generator makes the world
  std::vector<std::string> nation_names, province_names;
  std::vector<ModFileContent> mods;  // in load order (name, version, sha256 per mod)
  // content_checksum_hex (persistence/sha256.h): over the mods' sha256, in order.
  std::string content_checksum_hex;
};

// What a save records of one of its mods (table mods, schema/008_mods.sql).
struct SavedMod {
  int32_t position = 0;  // 1..n, the load order
  std::string name, version, sha256_hex;
  int64_t size = 0;  // bytes
};

// The content a game runs: its mods in load order and their checksum, what
// `status` and `hello` tell clients so they can refuse a server running other
// content. No mods: an empty list and the checksum of an empty load order.
struct GameContent {
  std::vector<SavedMod> mods;
  std::string checksum_hex;
};

}  // namespace hegemon
