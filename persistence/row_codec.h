// How game values map to column values, shared by the writer (SaveFile) and
// the reader (SaveReader), so both agree on every encoding:
//  - ids: 0 ("nobody") is NULL; ticks: -1 ("never" / "still active") is NULL;
//  - colours: '#rrggbb'; army paths: a JSON array of province ids;
//  - world parameters: {"seed":..,"provinces":..,"nations":..}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/sqlite.h"
#include "state/entities.h"
#include "state/status.h"
#include "state/world_map.h"

namespace hegemon {

// 0 <-> NULL, for nation, province and war ids.
void bind_id(Statement& stmt, int index, int32_t id);
int32_t column_id(const Statement& stmt, int column);

// -1 <-> NULL, for "no such tick" (a war's end, a nation's last peace).
void bind_tick(Statement& stmt, int index, Tick tick);
Tick column_tick(const Statement& stmt, int column);

std::string color_to_hex(uint32_t rgb);  // 0x12ab34 -> "#12ab34"
bool color_from_hex(std::string_view text, uint32_t& rgb);

std::string path_to_json(const std::vector<ProvinceId>& path);  // "[3,4,9]"
Status path_from_json(const std::string& json, std::vector<ProvinceId>& path);

std::string params_to_json(const WorldParams& params);
Status params_from_json(const std::string& json, WorldParams& params);

// The wars table, read in one place: select kWarColumns, then read_war().
extern const char kWarColumns[];
War read_war(const Statement& stmt);

// The armies table likewise: select kArmyColumns, then read_army() (the error
// names the army whose path does not parse).
extern const char kArmyColumns[];
Result<Army> read_army(const Statement& stmt);

}  // namespace hegemon
