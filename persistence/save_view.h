// A save as the tools that only look at it see it (map, inspect): a
// read-only connection, so a tool can never change a save, not even by
// migrating it, and may run beside a server that is writing it (WAL mode: a
// reader sees the last committed tick and never blocks the writer).
//
// Every query the tools need is a method here returning plain values, so the
// SQL (and SQLite) stays in persistence/: a tool never sees a statement.
// Several calls see one committed tick when made inside begin_read().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "persistence/sqlite.h"
#include "state/ids.h"
#include "state/mod_content.h"
#include "state/status.h"
#include "state/world_map.h"

namespace hegemon {

// A nation with one number (total development, treasury).
struct RankedNation {
  NationId id = kNoNation;
  std::string name;
  int64_t value = 0;
};

// An active war, with the names of its sides ("" for a missing nation).
struct WarSummary {
  WarId id = 0;
  NationId attacker = kNoNation;
  std::string attacker_name;
  NationId defender = kNoNation;
  std::string defender_name;
  Tick start_tick = 0;
  int32_t war_score = 0;  // -100..100, positive favours the attacker
};

// The game row's facts a summary shows.
struct SavedGame {
  Tick tick = 0;       // game.tick, the last committed tick
  std::string date;    // game.date
  WorldParams params;  // game.params
};

// The static part of a province: where it is drawn and what it is called.
struct ProvincePlace {
  ProvinceId id = 0;
  std::string name;
  int32_t x = 0;
  int32_t y = 0;
};

// A nation's name and colour as stored ("#rrggbb", unchecked).
struct NationLabel {
  NationId id = 0;
  std::string name;
  std::string color;
};

// One province_history row: who held a province from that tick on.
struct ProvinceHolding {
  ProvinceId id = 0;
  NationId owner = kNoNation;
  NationId controller = kNoNation;
  int32_t development = 0;
};

class SaveView {
 public:
  // Opens `path` read-only and checks that it is a Hegemon save holding a
  // world. Unlike SaveReader it accepts any schema version this build knows
  // (1 up to the latest), since the tools read only columns every version
  // has; an older save is read as it is, not migrated. Errors name the path
  // and say which of these it is: no such file, not a Hegemon save (not
  // SQLite at all, or a foreign database), written by a newer Hegemon, or no
  // world in it yet.
  static Result<SaveView> open(const std::string& path);

  SaveView(SaveView&&) noexcept = default;
  SaveView& operator=(SaveView&&) noexcept = default;

  const std::string& path() const { return db_.path(); }
  int64_t schema_version() const { return schema_version_; }  // PRAGMA user_version
  Tick last_tick() const { return last_tick_; }               // game.tick when opened

  // Until the returned value is destroyed, every query below sees the same
  // committed tick. The view must not be moved meanwhile.
  Result<ReadTransaction> begin_read() const { return ReadTransaction::begin(db_); }

  // The queries. Errors are SQLite's (a damaged save); callers add context.
  Result<Tick> tick() const;  // game.tick now
  Result<SavedGame> game() const;
  Result<int64_t> count_nations(bool living_only) const;
  // Living nations, best first (ties: lower id), at most `limit`.
  Result<std::vector<RankedNation>> top_development(size_t limit) const;
  Result<std::vector<RankedNation>> top_treasury(size_t limit) const;
  Result<int64_t> count_active_wars() const;
  // Active wars, oldest first (ties: lower id), at most `limit`.
  Result<std::vector<WarSummary>> oldest_active_wars(size_t limit) const;
  // Every table by name, with its number of rows.
  Result<std::vector<std::pair<std::string, int64_t>>> table_rows() const;
  // min and max of ticks.tick; nullopt when `ticks` is empty.
  Result<std::optional<std::pair<Tick, Tick>>> recorded_ticks() const;
  // The balance the game runs with (table tuning; the compiled defaults for a
  // save without rows), checked as loading checks it (tuning_rows.h).
  Result<Tuning> tuning() const;
  // The mods the game was created with and their content checksum
  // (persistence/mod_rows.h); the mods' files themselves, for export.
  Result<GameContent> content() const;
  Result<std::vector<ModFileContent>> embedded_mods() const;

  Result<std::vector<ProvincePlace>> provinces() const;  // by id
  Result<std::vector<NationLabel>> nations() const;      // by id
  // Each province's latest history row at or before `tick`; provinces
  // without one are absent.
  Result<std::vector<ProvinceHolding>> holdings_at(Tick tick) const;
  // The history rows after tick `after` up to `upto`, oldest first, so
  // applying them in order leaves each province's latest.
  Result<std::vector<ProvinceHolding>> holding_changes(Tick after, Tick upto) const;

 private:
  SaveView(Database db, int64_t schema_version, Tick last_tick)
      : db_(std::move(db)), schema_version_(schema_version), last_tick_(last_tick) {}

  Database db_;
  int64_t schema_version_ = 0;
  Tick last_tick_ = -1;
};

}  // namespace hegemon
