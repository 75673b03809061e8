// Everything one tick changed: the final value of each entity it touched (once,
// however many phases touched it), the armies it removed, its events and history
// rows, and the clock and hash after it. Persistence writes one change set as one
// SQLite transaction; network deltas are cut from it as well.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "state/entities.h"
#include "state/event.h"
#include "state/game_meta.h"
#include "state/world_snapshot.h"

namespace hegemon {

// One row of province_history: the state of a province after a tick in which
// its owner, controller or development changed.
struct ProvinceHistoryRow {
  Tick tick = 0;
  ProvinceId province = 0;
  NationId owner = kNoNation;
  NationId controller = kNoNation;
  int32_t development = 0;
};

inline bool operator==(const ProvinceHistoryRow& a, const ProvinceHistoryRow& b) {
  return a.tick == b.tick && a.province == b.province && a.owner == b.owner &&
         a.controller == b.controller && a.development == b.development;
}

struct ChangeSet {
  GameMeta meta;     // meta.tick is this change set's tick; meta.state_hash the hash after it
  std::string date;  // the in-game date of meta.tick, "YYYY-MM-DD"
  std::vector<Province> provinces;          // sorted by id
  std::vector<Nation> nations;              // sorted by id
  std::vector<Army> armies;                 // created or changed, sorted by id
  std::vector<ArmyId> removed_armies;       // sorted
  std::vector<War> wars;                    // declared, changed or ended, sorted by id
  std::vector<Event> events;                // in the order they happened
  std::vector<ProvinceHistoryRow> history;  // sorted by province
  // Of `provinces` and `armies`: those that existed before this tick and
  // still have the owner they had then (sorted ids). Persistence writes them
  // without rewriting their entry in the save's owner index, the dearest
  // part of such an UPDATE, and most rows a tick writes are of this kind
  // (sieges, marches). Empty is always correct, only slower.
  std::vector<ProvinceId> provinces_same_owner;
  std::vector<ArmyId> armies_same_owner;
  // On snapshot ticks (attach_snapshot_if_due): the whole world after this
  // tick, stored with it so replays can start here.
  std::shared_ptr<const WorldSnapshot> snapshot;

  Tick tick() const { return meta.tick; }
  size_t row_count() const {
    return provinces.size() + nations.size() + armies.size() + removed_armies.size() + wars.size() +
           events.size() + history.size();
  }
};

// Snapshots are taken every `every` ticks (0: never); by default once a game year.
constexpr Tick kDefaultSnapshotEvery = 365;
inline bool snapshot_due(Tick tick, Tick every) { return every > 0 && tick % every == 0; }

}  // namespace hegemon
