// What one actor proposes in one phase of a tick. Actors compute proposals
// concurrently from the previous state in the hot cache; the coordinator merges
// them in a fixed order (ascending nation id, then ascending war id), so the
// result never depends on which proposal arrived first.
//
// One writer per field and phase:
//  - nation phase: a nation writes its own Nation record (economy, stability,
//    manpower, tax), the development and unrest of provinces it owns, and the
//    movement of its own armies; it may ask to recruit and to declare war;
//  - war phase: a war writes itself, the armies of its two belligerents
//    (battles, retreats, losses), the controller and siege progress of their
//    provinces, and at peace the owners of transferred provinces and the two
//    nations' war fields. A nation fights at most one war at a time, so no two
//    wars ever write the same army, province or nation.
#pragma once

#include <optional>
#include <vector>

#include "state/entities.h"
#include "state/event.h"

namespace hegemon {

// A new army; its id is assigned at merge time, in merge order.
struct Recruitment {
  ProvinceId location = 0;
  int32_t strength = 0;
};

struct NationProposal {
  NationId nation = kNoNation;
  std::optional<Nation> nation_update;    // its own record, if changed
  std::vector<Province> provinces;        // provinces it owns whose development/unrest changed
  std::vector<Army> armies;               // its own armies that moved or changed
  std::vector<Recruitment> recruitments;  // paid for in nation_update already
  NationId declare_war_on = kNoNation;    // kNoNation: none
  std::vector<Event> events;
};

struct WarProposal {
  WarId war = 0;
  War war_update;                   // always present (score, or end_tick at peace)
  std::vector<Province> provinces;  // controller/siege changes; owner changes at peace
  std::vector<Army> armies;         // belligerents' armies after battles/retreats
  std::vector<ArmyId> destroyed_armies;
  std::vector<Nation> nations;  // at peace: both belligerents (war = 0, last_peace_tick)
  std::vector<Event> events;
};

inline bool operator==(const Recruitment& a, const Recruitment& b) {
  return a.location == b.location && a.strength == b.strength;
}
inline bool operator==(const NationProposal& a, const NationProposal& b) {
  return a.nation == b.nation && a.nation_update == b.nation_update && a.provinces == b.provinces &&
         a.armies == b.armies && a.recruitments == b.recruitments &&
         a.declare_war_on == b.declare_war_on && a.events == b.events;
}
inline bool operator==(const WarProposal& a, const WarProposal& b) {
  return a.war == b.war && a.war_update == b.war_update && a.provinces == b.provinces &&
         a.armies == b.armies && a.destroyed_armies == b.destroyed_armies &&
         a.nations == b.nations && a.events == b.events;
}

}  // namespace hegemon
