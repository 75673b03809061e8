#include "persistence/mod_text.h"

#include <cstdio>
#include <sstream>

namespace hegemon {
namespace {

std::string colour_text(uint32_t colour) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%06x", static_cast<unsigned>(colour & 0xFFFFFFu));
  return buf;
}

// Rows per INSERT statement: mod_build runs statements of at most 1 MiB, and
// a row is at most a few hundred bytes (names are bounded by kMaxNameBytes).
constexpr size_t kRowsPerInsert = 500;

// Writes "INSERT INTO table (columns) VALUES\n  row,\n  row;\n\n" for
// `count` rows, each written by row(i, out), a new statement every
// kRowsPerInsert rows; nothing when count is 0.
template <typename RowWriter>
void insert(std::ostringstream& out, const char* table, const char* columns, size_t count,
            RowWriter row) {
  for (size_t i = 0; i < count; ++i) {
    if (i % kRowsPerInsert == 0) out << "INSERT INTO " << table << " (" << columns << ") VALUES\n";
    out << "  (";
    row(i, out);
    const bool last_of_statement = i + 1 == count || (i + 1) % kRowsPerInsert == 0;
    out << (last_of_statement ? ");\n\n" : "),\n");
  }
}

}  // namespace

std::string sql_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string mod_to_sql(const ModFileContent& mod) {
  std::ostringstream out;
  out << "-- " << mod.name << " " << mod.version
      << ": rows of a Hegemon mod (docs/MODDING.md). Build it with\n"
      << "-- `hegemon mod build THIS.sql OUT.db`, which creates mods/schema.sql's tables first.\n\n";
  out << "INSERT INTO manifest (name, version, description, target_schema) VALUES\n  ("
      << sql_quote(mod.name) << ", " << sql_quote(mod.version) << ", "
      << sql_quote(mod.description) << ", " << mod.target_schema << ");\n\n";
  insert(out, "tuning", "name, value", mod.tuning.size(), [&](size_t i, std::ostringstream& o) {
    o << sql_quote(mod.tuning[i].first) << ", " << mod.tuning[i].second;
  });
  if (mod.scenario) {
    const Scenario& s = *mod.scenario;
    out << "INSERT INTO scenario (start_date) VALUES (" << sql_quote(s.start_date.to_string())
        << ");\n\n";
    insert(out, "provinces", "id, name, terrain, x, y, development", s.provinces.size(),
           [&](size_t i, std::ostringstream& o) {
             const ModProvince& p = s.provinces[i];
             o << p.id << ", " << sql_quote(p.name) << ", " << sql_quote(p.terrain) << ", " << p.x
               << ", " << p.y << ", " << p.development;
           });
    insert(out, "adjacency", "a, b", s.adjacency.size(), [&](size_t i, std::ostringstream& o) {
      o << s.adjacency[i].first << ", " << s.adjacency[i].second;
    });
    insert(out, "nations", "id, name, colour, aggression, capital", s.nations.size(),
           [&](size_t i, std::ostringstream& o) {
             const ModNation& n = s.nations[i];
             o << n.id << ", " << sql_quote(n.name) << ", " << sql_quote(colour_text(n.colour))
               << ", " << n.aggression << ", " << n.capital;
           });
    insert(out, "owners", "province, nation", s.owners.size(), [&](size_t i, std::ostringstream& o) {
      o << s.owners[i].first << ", " << s.owners[i].second;
    });
    insert(out, "armies", "nation, province, strength", s.armies.size(),
           [&](size_t i, std::ostringstream& o) {
             o << s.armies[i].nation << ", " << s.armies[i].province << ", " << s.armies[i].strength;
           });
  }
  insert(out, "nation_names", "name", mod.nation_names.size(),
         [&](size_t i, std::ostringstream& o) { o << sql_quote(mod.nation_names[i]); });
  insert(out, "province_names", "name", mod.province_names.size(),
         [&](size_t i, std::ostringstream& o) { o << sql_quote(mod.province_names[i]); });
  return out.str();
}

}  // namespace hegemon
