// JSON views of game state for clients. Field names are the protocol's
// (docs/PROTOCOL.md) and match the save's column names where there is one.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "actors/actor_key.h"
#include "actors/game_status.h"
#include "state/change_set.h"
#include "state/mod_content.h"
#include "state/world.h"

namespace hegemon::net {

// One entity's dynamic fields as views and deltas show them: every field of
// state/entity_fields.h not marked not_in_views, under its column's name; a
// "never" tick as null; a war's peace offer as one object (null if none).
nlohmann::json province_state(const Province& p);
nlohmann::json nation_state(const Nation& n);
nlohmann::json army_state(const Army& a);
nlohmann::json war_state(const War& w);
// "#rrggbb".
std::string color_hex(uint32_t rgb);

nlohmann::json status_json(const GameStatus& s);
// The content a game runs: {"checksum": "<sha256 hex>", "mods": [{"name",
// "version", "sha256"}, ...]} in load order (docs/MODDING.md).
nlohmann::json content_json(const GameContent& content);
nlohmann::json actors_json(const std::vector<ActorInfo>& actors);
// null when there is no such province / nation.
nlohmann::json province_json(const World& world, ProvinceId id);
nlohmann::json nation_json(const World& world, NationId id);
// A living army; a war, active or ended (ended ones come from the save).
nlohmann::json army_json(const World& world, ArmyId id);
nlohmann::json war_json(const World& world, WarId id);

// The `geometry` request's result: what is fixed for the game's life, to draw
// the map from: {"provinces": [[id, x, y, terrain], ...], "nations": [[id,
// name, "#rrggbb"], ...]}.
nlohmann::json geometry_json(const World& world);

// The whole current state for a client joining a running game: tick, date,
// hash, provinces as compact [id, owner_id, controller_id, development] rows,
// living nations, active wars.
nlohmann::json snapshot_json(const World& world);

// One committed tick: every entity it changed (whole), removed armies, its
// events. The push frame's body: {"push": "delta", ...}.
nlohmann::json delta_json(const ChangeSet& changes);

}  // namespace hegemon::net
