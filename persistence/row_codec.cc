#include "persistence/row_codec.h"

#include <limits>

#include <nlohmann/json.hpp>

#include "state/bounded_json.h"
#include "state/hash_hex.h"
#include "state/world_limits.h"

namespace hegemon {

void bind_id(Statement& stmt, int index, int32_t id) {
  if (id == 0) {
    stmt.bind_null(index);
  } else {
    stmt.bind_int64(index, id);
  }
}

int32_t column_id(const Statement& stmt, int column) {
  return stmt.column_is_null(column) ? 0 : static_cast<int32_t>(stmt.column_int64(column));
}

void bind_tick(Statement& stmt, int index, Tick tick) {
  if (tick < 0) {
    stmt.bind_null(index);
  } else {
    stmt.bind_int64(index, tick);
  }
}

Tick column_tick(const Statement& stmt, int column) {
  return stmt.column_is_null(column) ? -1 : stmt.column_int64(column);
}

std::string color_to_hex(uint32_t rgb) { return "#" + to_hex_digits(rgb, 6); }

bool color_from_hex(std::string_view text, uint32_t& rgb) {
  if (text.empty() || text[0] != '#') return false;
  std::optional<uint64_t> value = from_hex_digits(text.substr(1), 6);
  if (!value) return false;
  rgb = static_cast<uint32_t>(*value);
  return true;
}

std::string path_to_json(const std::vector<ProvinceId>& path) {
  // Written by hand: this runs for every moving army every tick, and a list of
  // integers needs no escaping.
  std::string json = "[";
  for (size_t i = 0; i < path.size(); ++i) {
    if (i > 0) json += ',';
    json += std::to_string(path[i]);
  }
  json += ']';
  return json;
}

Status path_from_json(const std::string& json, std::vector<ProvinceId>& path) {
  // From the save, so bounded: at most kMaxArmyPath ids of up to 10 digits.
  constexpr JsonLimits kPathLimits{static_cast<size_t>(kMaxArmyPath) * 11 + 2, 1};
  Result<nlohmann::json> read = parse_json(json, kPathLimits);
  if (!read.ok()) return read.status().with_context("army path");
  const nlohmann::json& parsed = *read;
  if (!parsed.is_array()) return Status::error("army path is not a JSON array: " + json);
  if (parsed.size() > static_cast<size_t>(kMaxArmyPath))
    return Status::error("army path has " + std::to_string(parsed.size()) + " steps, more than " +
                         std::to_string(kMaxArmyPath));
  path.clear();
  path.reserve(parsed.size());
  for (const auto& element : parsed) {
    if (!element.is_number_integer()) {
      return Status::error("army path holds a non-integer: " + json);
    }
    const int64_t id = element.get<int64_t>();
    if (id < 1 || id > std::numeric_limits<ProvinceId>::max()) {
      return Status::error("army path holds an invalid province id: " + json);
    }
    path.push_back(static_cast<ProvinceId>(id));
  }
  return Status();
}

std::string params_to_json(const WorldParams& params) {
  nlohmann::ordered_json json;
  json["seed"] = params.seed;
  json["provinces"] = params.provinces;
  json["nations"] = params.nations;
  return json.dump();
}

Status params_from_json(const std::string& json, WorldParams& params) {
  Result<nlohmann::json> read = parse_json(json, kParamsLimits);
  if (!read.ok()) return read.status().with_context("game.params");
  const nlohmann::json& parsed = *read;
  const auto is_count = [](const nlohmann::json& v) {
    return v.is_number_integer() && v.get<int64_t>() >= 0 &&
           v.get<int64_t>() <= std::numeric_limits<int32_t>::max();
  };
  if (!parsed.is_object() || !parsed.contains("seed") || !parsed["seed"].is_number_unsigned() ||
      !parsed.contains("provinces") || !is_count(parsed["provinces"]) ||
      !parsed.contains("nations") || !is_count(parsed["nations"])) {
    return Status::error("game.params is not {\"seed\":..,\"provinces\":..,\"nations\":..}: " +
                         json);
  }
  params.seed = parsed["seed"].get<uint64_t>();
  params.provinces = parsed["provinces"].get<int32_t>();
  params.nations = parsed["nations"].get<int32_t>();
  return Status();
}

namespace {
std::string param(size_t i) { return "?" + std::to_string(i); }
}  // namespace

std::string update_row_sql(const char* table, const std::vector<const char*>& columns,
                           const char* keep) {
  std::string set;
  for (size_t i = 1; i < columns.size(); ++i) {
    if (keep && std::string_view(columns[i]) == keep) continue;
    set += (set.empty() ? "" : ", ") + std::string(columns[i]) + " = " + param(i + 1);
  }
  return "UPDATE " + std::string(table) + " SET " + set + " WHERE " + columns[0] + " = ?1";
}

std::string upsert_row_sql(const char* table, const std::vector<const char*>& columns) {
  std::string names, params, set;
  for (size_t i = 0; i < columns.size(); ++i) {
    names += (i ? ", " : "") + std::string(columns[i]);
    params += (i ? ", " : "") + param(i + 1);
    if (i > 0) set += (i > 1 ? ", " : "") + std::string(columns[i]) + " = excluded." + columns[i];
  }
  return "INSERT INTO " + std::string(table) + " (" + names + ") VALUES (" + params +
         ") ON CONFLICT (" + columns[0] + ") DO UPDATE SET " + set;
}

std::string insert_row_sql(const char* table, const std::vector<const char*>& static_columns,
                           const std::vector<const char*>& columns) {
  std::vector<const char*> all{columns[0]};
  all.insert(all.end(), static_columns.begin(), static_columns.end());
  all.insert(all.end(), columns.begin() + 1, columns.end());
  std::string names, params;
  for (size_t i = 0; i < all.size(); ++i) {
    names += (i ? ", " : "") + std::string(all[i]);
    params += (i ? ", " : "") + param(i + 1);
  }
  return "INSERT INTO " + std::string(table) + " (" + names + ") VALUES (" + params + ")";
}

const std::vector<const char*> kProvinceStatic{"name", "terrain", "x", "y"};
const std::vector<const char*> kNationStatic{"name", "color", "aggression"};

int bind_static(Statement& stmt, const ProvinceInfo& info) {
  stmt.bind_text(2, info.name);
  stmt.bind_text(3, terrain_name(info.terrain));
  stmt.bind_int64(4, info.x);
  stmt.bind_int64(5, info.y);
  return 2 + static_cast<int>(kProvinceStatic.size());
}

int bind_static(Statement& stmt, const NationInfo& info) {
  stmt.bind_text(2, info.name);
  stmt.bind_text(3, color_to_hex(info.color));
  stmt.bind_int64(4, info.aggression);
  return 2 + static_cast<int>(kNationStatic.size());
}

Status read_static(const Statement& stmt, ProvinceInfo& info) {
  info.name = stmt.column_text(1);
  const std::string terrain = stmt.column_text(2);
  if (!terrain_from_name(terrain, info.terrain))
    return Status::error("province " + std::to_string(info.id) + " has unknown terrain '" +
                         terrain + "'");
  info.x = static_cast<int32_t>(stmt.column_int64(3));
  info.y = static_cast<int32_t>(stmt.column_int64(4));
  return Status();
}

Status read_static(const Statement& stmt, NationInfo& info) {
  info.name = stmt.column_text(1);
  const std::string color = stmt.column_text(2);
  if (!color_from_hex(color, info.color))
    return Status::error("nation " + std::to_string(info.id) + " has colour '" + color +
                         "', not '#rrggbb'");
  info.aggression = static_cast<int32_t>(stmt.column_int64(3));
  return Status();
}

const char kWarColumns[] =
    "id, attacker_id, defender_id, start_tick, end_tick, war_score, battle_score,"
    " peace_offer_by, peace_offer_winner, peace_offer_tick";

const char kArmyColumns[] = "id, nation_id, province_id, strength, morale, move_progress, path";

Result<Army> read_army(const Statement& stmt) {
  Army a;
  Status status = read_fields(stmt, a, 0, 1);
  if (!status.ok()) return status.with_context("army " + std::to_string(a.id));
  return a;
}

War read_war(const Statement& stmt) {
  War w;
  (void)read_fields(stmt, w, 0, 1);  // integers only: cannot fail
  return w;
}

}  // namespace hegemon
