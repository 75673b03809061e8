// `hegemon inspect`: a one-screen summary of a save, read through a read-only
// connection in one read transaction (so every number is of the same tick,
// even while a server keeps committing).
//
// read_save_summary() gathers the numbers; format_summary_text() and
// summary_to_json() only present them, so both show exactly the same facts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "persistence/save_view.h"
#include "state/ids.h"
#include "state/mod_content.h"
#include "state/status.h"
#include "state/world_map.h"

namespace hegemon {

struct SaveSummary {
  std::string path;
  uint64_t file_bytes = 0;  // the database file
  uint64_t wal_bytes = 0;   // its -wal file; 0 when there is none
  int64_t schema_version = 0;
  WorldParams params;   // game.params: what the world was generated from
  Tick tick = 0;        // game.tick, the last committed tick
  std::string date;     // game.date
  int64_t nations = 0;  // every nation, dead ones too
  int64_t living_nations = 0;
  // Living nations, best first (ties: lower id), at most kSummaryTop each.
  std::vector<RankedNation> top_development;  // total development of owned provinces
  std::vector<RankedNation> top_treasury;
  int64_t active_wars = 0;
  // Active wars, oldest first (ties: lower id), at most kSummaryTop.
  std::vector<WarSummary> longest_wars;
  std::vector<std::pair<std::string, int64_t>> table_rows;  // every table, by name
  std::optional<Tick> first_recorded_tick;  // min(ticks.tick); nullopt when `ticks` is empty
  std::optional<Tick> last_recorded_tick;   // max(ticks.tick)
  // The tuning values that differ from this build's defaults (docs/TUNING.md).
  std::vector<std::pair<std::string, int64_t>> tuning_overrides;
  // The mods the game was created with, in load order, and their checksum.
  GameContent content;
};

constexpr size_t kSummaryTop = 5;

// Errors: those of SaveView::open (persistence/save_view.h), or a query that
// fails (a damaged save), with the path.
Result<SaveSummary> read_save_summary(const std::string& path);

// For people: about 30 lines, one fact per line. Names and other text from
// the save are escaped for the terminal (tools/printable.h).
std::string format_summary_text(const SaveSummary& summary);

// The same facts as one JSON object (pretty-printed, ending in a newline):
// {"path", "file_bytes", "wal_bytes", "schema_version", "params": {"seed",
// "provinces", "nations"}, "tick", "date", "nations", "living_nations",
// "top_development": [{"id", "name", "value"}], "top_treasury": [...],
// "active_wars", "longest_wars": [{"id", "attacker_id", "attacker",
// "defender_id", "defender", "start_tick", "war_score"}], "tables": {name:
// rows}, "first_tick", "last_tick" (null when `ticks` is empty)}.
std::string summary_to_json(const SaveSummary& summary);

}  // namespace hegemon
