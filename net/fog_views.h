// What a player may read: the views of net/json_views.h cut to its nation's
// sight (rules/sight.h). Plain functions of a committed world, a nation and
// its sight; no CAF, no session. net/fog.h keeps the committed world and the
// sights, net/session_views.cc picks these for a player's session.
//
// A player sees (docs/PROTOCOL.md, "Fog of war"):
// - its own nation whole, its own armies whole, the wars it fights whole;
// - of every other nation its public face: id, name, color, alive, capital,
//   war (the war it fights, whose sides are public) and how many provinces
//   it owns; never its treasury, manpower, stability, taxes or armies' count;
// - of every war it is not in: its sides and dates, its war score only once
//   it has ended, never a peace offer;
// - of every province its owner, controller and development; its unrest and
//   siege progress only where it has sight;
// - other nations' armies only in provinces it sees, without their orders
//   (path, march progress);
// - events only where they concern it or happened where it sees.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/sight.h"
#include "state/change_set.h"
#include "state/world.h"

namespace hegemon::net {

struct PlayerSight {
  NationId nation = kNoNation;
  const World* world = nullptr;  // the committed world (net/fog.h)
  const Sight* sight = nullptr;  // the nation's sight in it
};

// The public faces of entities (every viewer may see them).
nlohmann::json public_province(const Province& p);
nlohmann::json public_nation(const Nation& n);
nlohmann::json public_war(const War& w);
// What an army's view shows of a foreign army in sight.
nlohmann::json foreign_army(const Army& a);

bool fights_in(const War& w, NationId nation);
// An army the player sees: its own, or one standing in a province it sees.
bool sees_army(const PlayerSight& v, const Army& a);

// The queries, as json_views.h's (null: no such entity, or not seen).
nlohmann::json province_json(const PlayerSight& v, ProvinceId id);
nlohmann::json nation_json(const PlayerSight& v, NationId id);
nlohmann::json army_json(const PlayerSight& v, ArmyId id);
nlohmann::json war_json(const PlayerSight& v, WarId id);
// A war as a player sees it (whole when it fights in it).
nlohmann::json war_row(const War& w, NationId nation);

// Whether the player may see a game event (`data` parsed; null or garbage:
// no). Public: war_declared, peace, province_transferred, capital_moved,
// nation_eliminated. Its own: commands and their failures, bankruptcies,
// refused declarations, its armies destroyed, peace offers of its wars.
// Where it sees: battles, sieges won, revolts, recruitments.
// Sight is today's: an event of an earlier tick (`past`, the `events`
// history) is shown for where it happened only if it concerns the player
// (its own recruitments, sieges and revolts; battles of its wars), since the
// place may have come into sight only later and the player must not learn
// what happened there before it saw it.
enum class EventTime { this_tick, past };
bool event_visible(const PlayerSight& v, const std::string& type, const nlohmann::json& data,
                   EventTime when = EventTime::this_tick);

// The watch snapshot of a player: as snapshot_json, the entities cut as
// above, plus "armies" (every army it sees, whole or foreign), "sight" (the
// provinces it sees, ascending) and "nation"; no state hash (a hash of the
// whole world would let a client test guesses about what it cannot see).
nlohmann::json player_snapshot_json(const PlayerSight& v, const std::vector<ArmyId>& armies);

// What of a tick's change set is public: for each of cs.provinces,
// cs.nations, cs.wars, whether its public face changed in that tick
// (net/fog.cc compares them with the world before the tick).
struct PublicChanges {
  std::vector<uint8_t> provinces, nations, wars;
};

// One tick's delta as a player sees it, from the change set, what of it is
// public, the world after it and the sights and armies seen before and
// after: provinces it sees whole (those it starts to see even if unchanged),
// others only when their public face changed; its nation whole, others'
// public faces when they changed; every army it sees that changed or came
// into sight; `removed_armies` every army it saw and sees no longer
// (destroyed or out of sight); wars as war_row when their public face
// changed or it fights them; the events it may see; "sight" when it changed.
nlohmann::json player_delta_json(const ChangeSet& cs, const PublicChanges& pub,
                                 const PlayerSight& after, const Sight& before,
                                 const std::vector<ArmyId>& armies_before,
                                 const std::vector<ArmyId>& armies_after);

}  // namespace hegemon::net
