#include "persistence/mod_tables.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "schema/migrations.h"
#include "state/hash_hex.h"
#include "state/terrain.h"
#include "state/tuning.h"

namespace hegemon {
namespace {

const char* type_name(Statement::Type type) {
  switch (type) {
    case Statement::Type::integer: return "an integer";
    case Statement::Type::real: return "a real number";
    case Statement::Type::text: return "text";
    case Statement::Type::blob: return "a blob";
    case Statement::Type::null: return "NULL";
  }
  return "of no known type";
}

// Well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF) without control characters: names reach JSON replies and
// terminals, where either would break or mislead.
std::optional<std::string> text_problem(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return std::string("holds a control character");
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      extra = 1, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3, cp = c & 0x07;
    } else {
      return std::string("is not valid UTF-8");
    }
    if (i + static_cast<size_t>(extra) >= s.size()) return std::string("is not valid UTF-8");
    for (int k = 1; k <= extra; ++k) {
      const auto d = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
      if ((d & 0xc0) != 0x80) return std::string("is not valid UTF-8");
      cp = cp << 6 | (d & 0x3f);
    }
    static const uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
        (cp >= 0x80 && cp < 0xa0))
      return std::string("is not valid UTF-8 (or holds a control character)");
    i += static_cast<size_t>(extra) + 1;
  }
  return std::nullopt;
}

// One table read row by row. Every value is checked as it is taken; the first
// problem is kept (with the table and the row) and later calls return
// placeholders, so a row is read straight through and checked once.
class TableReader {
 public:
  TableReader(const Database& db, std::string what, std::string table, const std::string& columns,
              int64_t max_rows)
      : what_(std::move(what)), table_(std::move(table)), max_rows_(max_rows) {
    Result<Statement> s =
        db.prepare("SELECT rowid, " + columns + " FROM \"" + table_ + "\" ORDER BY rowid");
    if (s.ok()) {
      s_ = std::move(*s);
    } else {
      status_ = s.status().with_context(what_ + ": table " + table_ +
                                        ": cannot read it (a WITHOUT ROWID table?)");
    }
  }

  // Steps to the next row: false at the end. An error when the table has more
  // rows than the limit, or SQLite fails.
  Result<bool> next() {
    if (!status_.ok()) return status_;
    Result<bool> row = s_.step();
    if (!row.ok()) return status_ = row.status().with_context(what_ + ": table " + table_);
    if (!*row) return false;
    if (rows_ >= max_rows_) {
      return status_ =
                 Status::error(what_ + ": table " + table_ + " has more than " +
                               std::to_string(max_rows_) + " row" + (max_rows_ == 1 ? "" : "s") +
                               ", the most this mod may hold there (docs/MODDING.md)");
    }
    ++rows_;
    label_ = "rowid " + std::to_string(s_.column_int64(0));
    return true;
  }

  // Calls read() on each row in turn until the rows end (ok) or an error:
  // next()'s, or the one a check in read() left. read() may stop at its
  // first failed check; every check after a failed one does nothing.
  template <class Read>
  Status each(Read&& read) {
    for (;;) {
      Result<bool> row = next();
      if (!row.ok()) return row.status();
      if (!*row) return Status();
      read();
      if (!status_.ok()) return status_;
    }
  }

  // How the current row is named in errors, once its key is known.
  void name_row(const std::string& key) { label_ = "row " + key; }

  // The row's key: an id in 1..max, in `column`, which names the row in
  // errors from here on.
  int32_t id(int column, int64_t max) {
    const auto id = static_cast<int32_t>(integer(column, "id", 1, max));
    if (status_.ok()) name_row("id " + std::to_string(id));
    return id;
  }

  int64_t integer(int column, const std::string& name, int64_t min, int64_t max) {
    if (!status_.ok()) return min;
    const Statement::Type type = s_.column_type(column);
    if (type != Statement::Type::integer) {
      fail(name + " is " + type_name(type) + ", expected an integer");
      return min;
    }
    const int64_t value = s_.column_int64(column);
    if (value < min || value > max) {
      fail(name + " is " + std::to_string(value) + ", outside " + std::to_string(min) + ".." +
           std::to_string(max));
      return min;
    }
    return value;
  }

  std::string text(int column, const std::string& name, size_t max_bytes, bool may_be_empty) {
    if (!status_.ok()) return std::string();
    const Statement::Type type = s_.column_type(column);
    if (type != Statement::Type::text) {
      fail(name + " is " + type_name(type) + ", expected text");
      return std::string();
    }
    if (static_cast<size_t>(s_.column_bytes(column)) > max_bytes) {
      fail(name + " is " + std::to_string(s_.column_bytes(column)) + " bytes, more than the " +
           std::to_string(max_bytes) + " allowed");
      return std::string();
    }
    std::string value = s_.column_text(column);
    if (value.empty() && !may_be_empty) {
      fail(name + " is empty");
    } else if (auto problem = text_problem(value)) {
      fail(name + " " + *problem);
      value.clear();
    }
    return value;
  }

  void fail(const std::string& message) {
    if (status_.ok())
      status_ = Status::error(what_ + ": table " + table_ + ", " + label_ + ": " + message);
  }
  const Status& status() const { return status_; }
  int64_t rows() const { return rows_; }

 private:
  std::string what_, table_;
  int64_t max_rows_;
  Statement s_;
  Status status_;
  int64_t rows_ = 0;
  std::string label_;
};

// '#rrggbb', in either case (a mod is written by hand).
std::optional<uint32_t> parse_colour(const std::string& text) {
  if (text.size() != 7 || text[0] != '#') return std::nullopt;
  std::string lower = text.substr(1);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  const std::optional<uint64_t> value = from_hex_digits(lower, 6);
  if (!value) return std::nullopt;
  return static_cast<uint32_t>(*value);
}

std::optional<GameDate> parse_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](size_t from, size_t length) -> int {
    int value = 0;
    for (size_t i = from; i < from + length; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const GameDate date{number(0, 4), number(5, 2), number(8, 2)};
  if (date.year < 0 || date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31)
    return std::nullopt;
  if (!(date_of_tick(tick_of_date(date)) == date)) return std::nullopt;  // 30 February
  return date;
}

Status read_manifest(const Database& db, const std::string& what, ModFileContent& out) {
  TableReader r(db, what, "manifest", "name, version, description, target_schema", 1);
  const Status read = r.each([&] {
    out.name = r.text(1, "name", kMaxNameBytes, false);
    out.version = r.text(2, "version", kMaxModVersionBytes, false);
    out.description = r.text(3, "description", kMaxModDescriptionBytes, true);
    out.target_schema = r.integer(4, "target_schema", 1, latest_schema_version());
  });
  if (!read.ok()) return read;
  if (r.rows() == 0) {
    return Status::error(what + ": table manifest is empty; a mod has exactly one manifest row");
  }
  return Status();
}

Status read_tuning(const Database& db, const std::string& what, ModFileContent& out) {
  TableReader r(db, what, "tuning", "name, value", static_cast<int64_t>(tuning_fields().size()));
  std::set<std::string> seen;
  Tuning scratch;  // each value's range, through the one setter that checks it
  return r.each([&] {
    const std::string name = r.text(1, "name", 64, false);
    if (!r.status().ok()) return;
    r.name_row("'" + name + "'");
    if (find_tuning_field(name) == nullptr) {
      r.fail("unknown tuning name (docs/TUNING.md lists them all)");
    } else if (!seen.insert(name).second) {
      r.fail("the name appears twice");
    }
    const int64_t value = r.integer(2, "the value", std::numeric_limits<int64_t>::min(),
                                    std::numeric_limits<int64_t>::max());
    if (!r.status().ok()) return;
    if (auto problem = set_tuning_value(scratch, name, value)) r.fail(*problem);
    if (!r.status().ok()) return;
    out.tuning.emplace_back(name, value);
  });
}

Status read_provinces(const Database& db, const std::string& what, Scenario& sc) {
  TableReader r(db, what, "provinces", "id, name, terrain, x, y, development", kMaxProvinces);
  return r.each([&] {
    ModProvince p;
    p.id = r.id(1, kMaxProvinces);
    p.name = r.text(2, "name", kMaxNameBytes, false);
    p.terrain = r.text(3, "terrain", 16, false);
    Terrain terrain;
    if (r.status().ok() && !terrain_from_name(p.terrain, terrain))
      r.fail("terrain '" + p.terrain +
             "' is not one of plains, forest, hills, mountains, desert, marsh");
    p.x = static_cast<int32_t>(r.integer(4, "x", -kMaxMapCoordinate, kMaxMapCoordinate));
    p.y = static_cast<int32_t>(r.integer(5, "y", -kMaxMapCoordinate, kMaxMapCoordinate));
    p.development =
        static_cast<int32_t>(r.integer(6, "development", kMinDevelopment, kMaxDevelopment));
    if (!r.status().ok()) return;
    sc.provinces.push_back(std::move(p));
  });
}

Status read_start_date(const Database& db, const std::string& what, Scenario& sc) {
  TableReader r(db, what, "scenario", "start_date", 1);
  const Status read = r.each([&] {
    const std::string text = r.text(1, "start_date", 10, false);
    if (!r.status().ok()) return;
    const std::optional<GameDate> date = parse_date(text);
    if (!date) {
      r.fail("start_date '" + text + "' is not a date written YYYY-MM-DD");
    } else if (tick_of_date(*date) < 0) {
      r.fail("start_date " + text + " is before 1444-11-11, the earliest start");
    } else {
      sc.start_date = *date;
    }
  });
  if (!read.ok()) return read;
  if (r.rows() == 0) return Status::error(what + ": table scenario is empty; it needs one row");
  return Status();
}

Status read_adjacency(const Database& db, const std::string& what, Scenario& sc) {
  const int64_t provinces = static_cast<int64_t>(sc.provinces.size());
  TableReader r(db, what, "adjacency", "a, b", kMaxModAdjacencyPerProvince * provinces);
  return r.each([&] {
    const auto a = static_cast<int32_t>(r.integer(1, "a", 1, kMaxProvinces));
    const auto b = static_cast<int32_t>(r.integer(2, "b", 1, kMaxProvinces));
    if (!r.status().ok()) return;
    sc.adjacency.emplace_back(a, b);
  });
}

Status read_nations(const Database& db, const std::string& what, Scenario& sc) {
  const int64_t most = std::min<int64_t>(kMaxNations, static_cast<int64_t>(sc.provinces.size()));
  TableReader r(db, what, "nations", "id, name, colour, aggression, capital", most);
  return r.each([&] {
    ModNation n;
    n.id = r.id(1, kMaxNations);
    n.name = r.text(2, "name", kMaxNameBytes, false);
    const std::string colour = r.text(3, "colour", 7, false);
    if (r.status().ok()) {
      if (auto parsed = parse_colour(colour)) {
        n.colour = *parsed;
      } else {
        r.fail("colour '" + colour + "' is not written #rrggbb");
      }
    }
    n.aggression = static_cast<int32_t>(r.integer(4, "aggression", 0, kMaxAggression));
    n.capital = static_cast<int32_t>(r.integer(5, "capital", 1, kMaxProvinces));
    if (!r.status().ok()) return;
    sc.nations.push_back(std::move(n));
  });
}

Status read_owners(const Database& db, const std::string& what, Scenario& sc) {
  TableReader r(db, what, "owners", "province, nation", static_cast<int64_t>(sc.provinces.size()));
  return r.each([&] {
    const auto province = static_cast<int32_t>(r.integer(1, "province", 1, kMaxProvinces));
    if (!r.status().ok()) return;
    r.name_row("province " + std::to_string(province));
    const auto nation = static_cast<int32_t>(r.integer(2, "nation", 1, kMaxNations));
    if (!r.status().ok()) return;
    sc.owners.emplace_back(province, nation);
  });
}

Status read_armies(const Database& db, const std::string& what, Scenario& sc) {
  TableReader r(db, what, "armies", "nation, province, strength",
                kMaxModArmiesPerProvince * static_cast<int64_t>(sc.provinces.size()));
  return r.each([&] {
    ModArmy a;
    a.nation = static_cast<int32_t>(r.integer(1, "nation", 1, kMaxNations));
    a.province = static_cast<int32_t>(r.integer(2, "province", 1, kMaxProvinces));
    a.strength = static_cast<int32_t>(r.integer(3, "strength", 1, kMaxArmyStrength));
    if (!r.status().ok()) return;
    sc.armies.push_back(a);
  });
}

Status read_names(const Database& db, const std::string& what, const std::string& table,
                  int64_t most, std::vector<std::string>& out) {
  TableReader r(db, what, table, "name", most);
  return r.each([&] {
    std::string name = r.text(1, "name", kMaxNameBytes, false);
    if (!r.status().ok()) return;
    out.push_back(std::move(name));
  });
}

// Whether `table` holds a row: for the tables of a scenario in a mod without
// provinces, which must be empty.
Result<bool> has_rows(const Database& db, const std::string& table) {
  Result<Statement> s = db.prepare("SELECT 1 FROM \"" + table + "\" LIMIT 1");
  if (!s.ok()) return s.status();
  return s->step();
}

// The scenario, when the mod has provinces; else no other scenario table
// may hold rows (a modder who forgot the provinces should hear so).
Status read_scenario(const Database& db, const std::set<std::string>& tables,
                     const std::string& what, ModFileContent& out) {
  static const char* const kParts[] = {"scenario", "adjacency", "nations", "owners", "armies"};
  Scenario sc;
  if (tables.count("provinces") != 0) {
    Status status = read_provinces(db, what, sc);
    if (!status.ok()) return status;
  }
  if (sc.provinces.empty()) {
    for (const char* part : kParts) {
      if (tables.count(part) == 0) continue;
      Result<bool> rows = has_rows(db, part);
      if (!rows.ok()) return rows.status().with_context(what + ": table " + part);
      if (*rows) {
        return Status::error(what + ": table " + part +
                             " has rows, but table provinces has none; a scenario needs its "
                             "provinces");
      }
    }
    return Status();
  }
  for (const char* part : kParts) {
    if (tables.count(part) == 0 && std::string(part) != "armies") {
      return Status::error(what + " has provinces but no table " + part +
                           "; a scenario needs scenario, adjacency, nations and owners too");
    }
  }
  Status status = read_start_date(db, what, sc);
  if (status.ok()) status = read_adjacency(db, what, sc);
  if (status.ok()) status = read_nations(db, what, sc);
  if (status.ok()) status = read_owners(db, what, sc);
  if (status.ok() && tables.count("armies") != 0) status = read_armies(db, what, sc);
  if (!status.ok()) return status;
  out.scenario = std::move(sc);
  return Status();
}

}  // namespace

Status read_mod_tables(const Database& db, const std::set<std::string>& tables,
                       const std::string& what, ModFileContent& out) {
  Status status = read_manifest(db, what, out);
  if (status.ok() && tables.count("tuning") != 0) status = read_tuning(db, what, out);
  if (status.ok()) status = read_scenario(db, tables, what, out);
  if (status.ok() && tables.count("nation_names") != 0)
    status = read_names(db, what, "nation_names", kMaxModNationNames, out.nation_names);
  if (status.ok() && tables.count("province_names") != 0)
    status = read_names(db, what, "province_names", kMaxModProvinceNames, out.province_names);
  return status;
}

}  // namespace hegemon
