#include "tools/save_summary.h"

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "persistence/save_view.h"
#include "tools/printable.h"

namespace hegemon {
namespace {

uint64_t size_of(const std::string& path) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<uint64_t>(size);
}

std::string human_bytes(uint64_t bytes) {
  static const char* const kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 4) {
    v /= 1024;
    ++unit;
  }
  char buf[48];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  }
  return buf;
}

std::string nation_label(const std::string& name, NationId id) {
  return (name.empty() ? std::string("?") : printable(name)) + " (#" + std::to_string(id) + ")";
}

// "  Name (#3)" padded to `width`, then the value right-aligned.
std::string ranked_line(int place, const RankedNation& n) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "  %d. %-28s %12lld\n", place, nation_label(n.name, n.id).c_str(),
                static_cast<long long>(n.value));
  return buf;
}

nlohmann::ordered_json ranked_json(const std::vector<RankedNation>& list) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const RankedNation& n : list)
    out.push_back({{"id", n.id}, {"name", n.name}, {"value", n.value}});
  return out;
}

}  // namespace

Result<SaveSummary> read_save_summary(const std::string& path) {
  Result<SaveView> opened = SaveView::open(path);
  if (!opened.ok()) return opened.status();
  const SaveView& save = *opened;
  const std::string what = "inspect " + path;
  Result<ReadTransaction> snapshot = save.begin_read();
  if (!snapshot.ok()) return snapshot.status();

  SaveSummary s;
  s.path = path;
  s.file_bytes = size_of(path);
  s.wal_bytes = size_of(path + "-wal");
  s.schema_version = save.schema_version();
  {
    Result<SavedGame> game = save.game();
    if (!game.ok()) return game.status().with_context(what);
    s.tick = game->tick;
    s.date = std::move(game->date);
    s.params = game->params;
  }
  Result<int64_t> count = save.count_nations(false);
  if (!count.ok()) return count.status().with_context(what);
  s.nations = *count;
  count = save.count_nations(true);
  if (!count.ok()) return count.status().with_context(what);
  s.living_nations = *count;

  Result<std::vector<RankedNation>> top = save.top_development(kSummaryTop);
  if (!top.ok()) return top.status().with_context(what + ": top development");
  s.top_development = std::move(*top);
  top = save.top_treasury(kSummaryTop);
  if (!top.ok()) return top.status().with_context(what + ": top treasury");
  s.top_treasury = std::move(*top);

  count = save.count_active_wars();
  if (!count.ok()) return count.status().with_context(what);
  s.active_wars = *count;
  Result<std::vector<WarSummary>> wars = save.oldest_active_wars(kSummaryTop);
  if (!wars.ok()) return wars.status().with_context(what + ": wars");
  s.longest_wars = std::move(*wars);
  Result<std::vector<std::pair<std::string, int64_t>>> tables = save.table_rows();
  if (!tables.ok()) return tables.status().with_context(what);
  s.table_rows = std::move(*tables);
  Result<std::optional<std::pair<Tick, Tick>>> ticks = save.recorded_ticks();
  if (!ticks.ok()) return ticks.status().with_context(what + ": ticks");
  if (*ticks) {
    s.first_recorded_tick = (*ticks)->first;
    s.last_recorded_tick = (*ticks)->second;
  }
  Result<Tuning> tuning = save.tuning();
  if (!tuning.ok()) return tuning.status().with_context(what);
  s.tuning_overrides = tuning_overrides(*tuning);
  Result<GameContent> content = save.content();
  if (!content.ok()) return content.status().with_context(what);
  s.content = std::move(*content);
  return s;
}

std::string format_summary_text(const SaveSummary& s) {
  std::string out;
  auto field = [&](const char* label, const std::string& value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%-14s", label);
    out += buf + value + "\n";
  };
  // Every text from the save (and its path) through printable(): a save is
  // untrusted, and its names must not drive the operator's terminal.
  field("save", printable(s.path));
  field("size", human_bytes(s.file_bytes) +
                    (s.wal_bytes > 0 ? " + WAL " + human_bytes(s.wal_bytes) : std::string()));
  field("schema", "version " + std::to_string(s.schema_version));
  field("world", "seed " + std::to_string(s.params.seed) + ", " +
                     std::to_string(s.params.provinces) + " provinces, " +
                     std::to_string(s.params.nations) + " nations");
  field("date", printable(s.date) + " (tick " + std::to_string(s.tick) + ")");
  field("ticks", s.first_recorded_tick ? std::to_string(*s.first_recorded_tick) + " .. " +
                                             std::to_string(*s.last_recorded_tick) + " recorded"
                                       : std::string("none recorded"));
  field("nations", std::to_string(s.living_nations) + " living of " + std::to_string(s.nations));
  std::string tuning = s.tuning_overrides.empty() ? "the defaults" : "";
  for (const auto& [name, value] : s.tuning_overrides)
    tuning += (tuning.empty() ? "" : ", ") + name + " = " + std::to_string(value);
  field("tuning", tuning);
  std::string mods = s.content.mods.empty() ? "none" : "";
  for (const SavedMod& m : s.content.mods) {
    mods += (mods.empty() ? "" : ", ") + printable(m.name) + " " + printable(m.version) + " (" +
            m.sha256_hex.substr(0, 12) + ")";
  }
  field("mods", mods);
  field("content", s.content.checksum_hex);

  out += "\ntop development (owned provinces)\n";
  for (size_t i = 0; i < s.top_development.size(); ++i)
    out += ranked_line(static_cast<int>(i + 1), s.top_development[i]);
  out += "top treasury (ducats)\n";
  for (size_t i = 0; i < s.top_treasury.size(); ++i)
    out += ranked_line(static_cast<int>(i + 1), s.top_treasury[i]);

  out += "\nactive wars   " + std::to_string(s.active_wars) + "\n";
  for (const WarSummary& w : s.longest_wars) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "  war %-5d %s vs %s, since tick %lld (%lld days), score %+d\n",
                  w.id, nation_label(w.attacker_name, w.attacker).c_str(),
                  nation_label(w.defender_name, w.defender).c_str(),
                  static_cast<long long>(w.start_tick),
                  static_cast<long long>(s.tick - w.start_tick), w.war_score);
    out += buf;
  }

  out += "\ntables (rows)\n";
  for (const auto& [name, rows] : s.table_rows) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "  %-20s %12lld\n", printable(name).c_str(),
                  static_cast<long long>(rows));
    out += buf;
  }
  return out;
}

std::string summary_to_json(const SaveSummary& s) {
  nlohmann::ordered_json j;
  j["path"] = s.path;
  j["file_bytes"] = s.file_bytes;
  j["wal_bytes"] = s.wal_bytes;
  j["schema_version"] = s.schema_version;
  j["params"] = {
      {"seed", s.params.seed}, {"provinces", s.params.provinces}, {"nations", s.params.nations}};
  j["tick"] = s.tick;
  j["date"] = s.date;
  j["nations"] = s.nations;
  j["living_nations"] = s.living_nations;
  j["tuning_overrides"] = nlohmann::ordered_json::object();
  for (const auto& [name, value] : s.tuning_overrides) j["tuning_overrides"][name] = value;
  j["mods"] = nlohmann::ordered_json::array();
  for (const SavedMod& m : s.content.mods) {
    j["mods"].push_back({{"position", m.position},
                         {"name", m.name},
                         {"version", m.version},
                         {"sha256", m.sha256_hex},
                         {"bytes", m.size}});
  }
  j["content_checksum"] = s.content.checksum_hex;
  j["top_development"] = ranked_json(s.top_development);
  j["top_treasury"] = ranked_json(s.top_treasury);
  j["active_wars"] = s.active_wars;
  j["longest_wars"] = nlohmann::ordered_json::array();
  for (const WarSummary& w : s.longest_wars) {
    j["longest_wars"].push_back({{"id", w.id},
                                 {"attacker_id", w.attacker},
                                 {"attacker", w.attacker_name},
                                 {"defender_id", w.defender},
                                 {"defender", w.defender_name},
                                 {"start_tick", w.start_tick},
                                 {"war_score", w.war_score}});
  }
  j["tables"] = nlohmann::ordered_json::object();
  for (const auto& [name, rows] : s.table_rows) j["tables"][name] = rows;
  j["first_tick"] = s.first_recorded_tick ? nlohmann::ordered_json(*s.first_recorded_tick)
                                          : nlohmann::ordered_json();
  j["last_tick"] = s.last_recorded_tick ? nlohmann::ordered_json(*s.last_recorded_tick)
                                        : nlohmann::ordered_json();
  // Names come from the save; replace bytes that are not UTF-8 rather than
  // throw halfway through the output, and write everything beyond ASCII as
  // \uXXXX: the same JSON to a parser, and no C1 control or right-to-left
  // override reaches a terminal the output is shown on.
  return j.dump(2, ' ', true, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace hegemon
