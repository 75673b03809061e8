// The working state of one war's resolution for one tick: the war record,
// copies of both belligerents' armies, an overlay of province edits, and (at
// peace) the two nations' records. The war-phase rules (battle, siege, front,
// war score, peace) each take a WarPlan and change it; the plan then becomes
// a WarProposal holding only what really changed.
#pragma once

#include <vector>

#include "rules/army_roster.h"
#include "rules/proposals.h"
#include "rules/province_edits.h"
#include "state/world.h"

namespace hegemon {

class WarPlan {
 public:
  // Precondition: `war` is active and its belligerents exist.
  WarPlan(const World& world, const War& war, Tick tick);

  const World& world;
  const Tuning& tuning;  // the game's balance: world.map().tuning()
  const Tick tick;
  const War before;   // as cached at the start of the phase
  War war;            // working copy
  ArmyRoster armies;  // both belligerents'
  ProvinceEdits provinces;
  std::vector<Nation> nations;  // set at peace
  std::vector<Event> events;

  NationId attacker() const { return war.attacker; }
  NationId defender() const { return war.defender; }
  NationId enemy_of(NationId n) const { return n == war.attacker ? war.defender : war.attacker; }

  // Marks an army destroyed and records the event.
  void destroy(ArmyRoster::Entry& e);

  WarProposal to_proposal() const;
};

}  // namespace hegemon
