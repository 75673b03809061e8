// How game values map to column values, shared by the writer (SaveFile) and
// the reader (SaveReader), so both agree on every encoding:
//  - ids: 0 ("nobody") is NULL; ticks: -1 ("never" / "still active") is NULL;
//  - colours: '#rrggbb'; army paths: a JSON array of province ids;
//  - world parameters: {"seed":..,"provinces":..,"nations":..}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "persistence/sqlite.h"
#include "state/entities.h"
#include "state/entity_fields.h"
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

// ---- the described fields (state/entity_fields.h) as SQL parameters and columns ----

// One field's value as its Sql kind stores it.
inline void bind_value(Statement& stmt, int index, Sql sql, int64_t v) {
  switch (sql) {
    case Sql::id: bind_id(stmt, index, static_cast<int32_t>(v)); break;
    case Sql::tick: bind_tick(stmt, index, v); break;
    default: stmt.bind_int64(index, v); break;
  }
}
inline void bind_value(Statement& stmt, int index, Sql, const std::vector<ProvinceId>& path) {
  stmt.bind_text(index, path_to_json(path));
}
inline void bind_value(Statement& stmt, int index, Sql, const std::string& text) {
  stmt.bind_text(index, text);
}

template <class T>
Status column_value(const Statement& stmt, int column, Sql sql, T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    v = stmt.column_int64(column) != 0;
  } else if constexpr (std::is_integral_v<T>) {
    v = static_cast<T>(sql == Sql::id     ? column_id(stmt, column)
                       : sql == Sql::tick ? column_tick(stmt, column)
                                          : stmt.column_int64(column));
  } else if constexpr (std::is_same_v<T, std::string>) {
    v = stmt.column_text(column);
  } else {
    return path_from_json(stmt.column_text(column), v);
  }
  return Status();
}

// Binds every described field of `e`: its key to ?1, the others in order
// to ?first, ?first+1, ... A field whose gate is not set is bound as its
// default (entity_fields.h says why).
template <class E>
void bind_fields(Statement& stmt, const E& e, int first = 2) {
  int index = first;
  for_each_field<E>([&](const auto& f) {
    if (f.key) {
      bind_value(stmt, 1, f.sql, f.of(e));
    } else if (f.counts_in(e)) {
      bind_value(stmt, index++, f.sql, f.of(e));
    } else {
      bind_value(stmt, index++, f.sql, f.of(E{}));
    }
  });
}

// Reads every described field of `e` from a row: its key from column
// `key_column`, the others in order from columns first, first+1, ...
// (0-based). An error names the field whose column does not parse.
template <class E>
Status read_fields(const Statement& stmt, E& e, int key_column, int first) {
  Status status;
  int column = first;
  for_each_field<E>([&](const auto& f) {
    if (!status.ok()) return;
    status = column_value(stmt, f.key ? key_column : column++, f.sql, f.of(e));
  });
  return status;
}

// The described columns in order, the key first.
template <class E>
std::vector<const char*> described_columns() {
  std::vector<const char*> out;
  for_each_field<E>([&](const auto& f) { out.push_back(f.column); });
  return out;
}

// The described columns, comma-separated, in order ("id, owner_id, ..."), or
// all but the key.
template <class E>
std::string field_columns(bool with_key = true) {
  std::string out;
  for_each_field<E>([&](const auto& f) {
    if (f.key && !with_key) return;
    if (!out.empty()) out += ", ";
    out += f.column;
  });
  return out;
}

// The SQL that writes a row bound by bind_fields(stmt, e) (key ?1, the rest
// from ?2), from its columns (described_columns<E>(), key first):
//  "UPDATE table SET c2 = ?2, ... WHERE c1 = ?1", leaving `keep` (if any)
//  out of SET (its parameter is bound but unused);
std::string update_row_sql(const char* table, const std::vector<const char*>& columns,
                           const char* keep = nullptr);
//  "INSERT INTO table (c1, ...) VALUES (?1, ...) ON CONFLICT (c1) DO UPDATE
//  SET c2 = excluded.c2, ...", which keeps an existing row in place;
std::string upsert_row_sql(const char* table, const std::vector<const char*>& columns);
//  "INSERT INTO table (c1, s1.., c2..) VALUES (?1, ...)": the static
//  columns from ?2 on, the described ones after them (bind_fields(stmt, e,
//  2 + static_columns.size())).
std::string insert_row_sql(const char* table, const std::vector<const char*>& static_columns,
                           const std::vector<const char*>& columns);

// ---- provinces' and nations' static columns: the map's part of their rows ----
// Written once by create_world(); a row is its id, these columns, then the
// described fields.
extern const std::vector<const char*> kProvinceStatic;  // name, terrain, x, y
extern const std::vector<const char*> kNationStatic;    // name, color, aggression
// Binds them from ?2 on; returns the parameter the described fields start at.
int bind_static(Statement& stmt, const ProvinceInfo& info);
int bind_static(Statement& stmt, const NationInfo& info);
// Reads them from column 1 on into `info` (whose id is already read); the
// error names the row whose terrain or colour does not parse.
Status read_static(const Statement& stmt, ProvinceInfo& info);
Status read_static(const Statement& stmt, NationInfo& info);

// The wars table, read in one place: select kWarColumns, then read_war().
extern const char kWarColumns[];
War read_war(const Statement& stmt);

// The armies table likewise: select kArmyColumns, then read_army() (the error
// names the army whose path does not parse).
extern const char kArmyColumns[];
Result<Army> read_army(const Statement& stmt);

}  // namespace hegemon
