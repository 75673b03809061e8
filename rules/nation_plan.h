// The working state of one nation's plan for one tick: copies of its record
// and armies, an overlay of its province edits, and what it asks the merge to
// do. The nation-phase rules (economy, province life, statecraft, military and
// diplomatic AI, army orders) each take a NationPlan and change it; the plan
// then becomes a NationProposal holding only what really changed.
#pragma once

#include <utility>
#include <vector>

#include "rules/army_roster.h"
#include "rules/proposals.h"
#include "rules/province_edits.h"
#include "state/rng.h"
#include "state/world.h"

namespace hegemon {

// Where an enemy's armies stand: (province, total strength) sorted by province.
using ArmyStacks = std::vector<std::pair<ProvinceId, int64_t>>;

class NationPlan {
 public:
  // Precondition: `nation` is the cached record of a living nation.
  NationPlan(const World& world, const Nation& nation, Tick tick);

  const World& world;
  const Tuning& tuning;  // the game's balance: world.map().tuning()
  const Tick tick;
  Nation nation;  // working copy of its own record
  ArmyRoster armies;
  ProvinceEdits provinces;
  std::vector<Recruitment> recruitments;
  NationId declare_war_on = kNoNation;
  std::vector<Event> events;

  NationId id() const { return nation.id; }
  bool at_war() const { return enemy_ != kNoNation; }
  NationId enemy() const { return enemy_; }  // kNoNation at peace
  Rng rng(RngPurpose purpose) const { return Rng(world.seed(), tick, nation.id, purpose); }
  // The enemy's armies, read from the cache on first use. Empty at peace.
  const ArmyStacks& enemy_stacks() const;

  NationProposal to_proposal() const;

 private:
  const Nation before_;
  NationId enemy_ = kNoNation;
  mutable bool stacks_loaded_ = false;
  mutable ArmyStacks enemy_stacks_;
};

}  // namespace hegemon
