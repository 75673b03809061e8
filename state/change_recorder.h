// The single writer's pen for one tick: every write to the hot cache during a
// tick goes through a ChangeRecorder, which applies it to the World at once
// (later phases must see it) and remembers which entities were touched. At the
// end, finish() seals the clock and hash and returns the tick's ChangeSet with
// each touched entity's final value exactly once.
#pragma once

#include <map>
#include <set>
#include <vector>

#include "state/change_set.h"
#include "state/world.h"

namespace hegemon {

class ChangeRecorder {
 public:
  // Starts recording tick `tick` (normally world.meta().tick + 1).
  ChangeRecorder(World& world, Tick tick);

  World& world() { return world_; }
  const World& world() const { return world_; }
  Tick tick() const { return tick_; }

  void put(const Province& p);
  void put(const Nation& n);
  void put(const Army& a);
  void remove_army(ArmyId id);
  // An active war is cached; an ended one (end_tick >= 0) is recorded, then retired.
  void put(const War& w);
  void add(Event e) { events_.push_back(std::move(e)); }

  ArmyId allocate_army_id() { return next_army_id_++; }
  WarId allocate_war_id() { return next_war_id_++; }

  // Seals the tick in the World (clock, counters, hash) and returns what changed.
  ChangeSet finish();

  // What this tick has written so far, for a reader that does not see the
  // World's writes: bench/'s "start simple" baseline reads the previous tick
  // from SQLite and overlays these (state/read_source.h). Sorted ids.
  struct Touched {
    std::vector<Province> provinces;  // as they were before the tick
    std::vector<NationId> nations;
    std::vector<ArmyId> armies;  // created or changed
    std::vector<ArmyId> removed_armies;
    std::vector<War> wars;  // final values (an ended one is no longer cached)
  };
  Touched touched() const;

 private:
  World& world_;
  Tick tick_;
  ArmyId next_army_id_;
  WarId next_war_id_;
  std::map<ProvinceId, Province> province_before_;  // value at first touch this tick
  std::set<NationId> nations_;
  std::set<ArmyId> armies_;
  // Owner at first touch this tick; kNoNation if the army did not exist then
  // (or had no owner: either way it is not listed as keeping its owner).
  std::map<ArmyId, NationId> army_owner_before_;
  std::set<ArmyId> removed_armies_;
  std::map<WarId, War> wars_;  // final values (ended wars are no longer cached)
  std::vector<Event> events_;
};

}  // namespace hegemon
