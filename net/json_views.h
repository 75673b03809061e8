// JSON views of game state for clients. Field names are the protocol's
// (docs/PROTOCOL.md) and match the save's column names where there is one.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "actors/actor_key.h"
#include "actors/game_status.h"
#include "state/world.h"

namespace hegemon::net {

nlohmann::json status_json(const GameStatus& s);
nlohmann::json actors_json(const std::vector<ActorInfo>& actors);
// null when there is no such province / nation.
nlohmann::json province_json(const World& world, ProvinceId id);
nlohmann::json nation_json(const World& world, NationId id);

}  // namespace hegemon::net
