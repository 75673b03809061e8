// A hand-made world (issue #15): checking a Scenario read from a mod, which is
// untrusted input, and building the world a game starts from out of it.
// Data flow: mod file -> Scenario (persistence/mod_file) -> check_scenario ->
// build_world -> WorldSnapshot -> SaveFile::create_world.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "state/mod_content.h"
#include "state/status.h"
#include "state/tuning.h"
#include "state/world_snapshot.h"

namespace hegemon {

// The earliest start date a scenario may have: tick 0 (state/game_date.h).
constexpr GameDate kEarliestStartDate{1444, 11, 11};

// Is `scenario` a world the game can run? The first problem found, naming the
// table, the row and what is wrong ("adjacency row (3, 99): province 99 does
// not exist"); ok otherwise. Checks: ids 1..n dense and unique (provinces,
// nations), sizes within state/world_limits.h, names (non-empty, at most
// kMaxNameBytes; nation names distinct), terrain names, development,
// positions, colours, aggression, adjacency (no missing province, no
// self-adjacency, no pair twice in either order, the map connected), owners
// (existing province and nation, each province once), capitals the nation
// owns, armies (existing nation, a province it owns, strength 1..
// kMaxArmyStrength, not more than the map can hold) and the start date (a
// real date, not before kEarliestStartDate). O(P + A log A) in provinces and
// adjacency rows.
Status check_scenario(const Scenario& scenario);

// The world at the scenario's start: the map (names, terrain, positions,
// adjacency, nations' colours and aggression), owners and controllers (a
// province not in `owners` has neither), each nation with the generator's
// starting values (treasury 100, stability 1, manpower at its cap for its
// development, tuning.peace_tax_level taxes), the scenario's armies (ids 1..k
// in the order given, full morale). meta.tick is tick_of_date(start_date):
// the world's first tick is the day after the start date, so the calendar
// reads right. `seed` seeds the game's RNG (the scenario fixes everything
// else); map->params() is {seed, province count, nation count}. Deterministic.
// An error when check_scenario or check_tuning refuses. Integer math only.
//
// A world starting after tick 0 has no tick-0 snapshot: tools/replay starts
// such a game at its first snapshot, which create_world writes.
Result<WorldSnapshot> build_world(const Scenario& scenario, const Tuning& tuning, uint64_t seed);

// The way back (`hegemon mod export`): a world as a scenario a modder can
// edit and a new game can start from. A scenario holds a world's start, not
// its history, so what it cannot say is left out or moved, and each such
// change is listed in `notes` for the exporter to show:
//  - nations that own no province (dead, or landless) are left out, and the
//    rest renumbered 1..n in id order (a scenario's ids are dense);
//  - a nation whose capital is held by another gets its lowest owned
//    province as capital;
//  - armies standing outside their nation's provinces are placed in its
//    capital, armies of no strength are left out, marches are dropped;
//  - treasuries, manpower, stability, unrest, occupations, sieges and wars
//    are not part of a scenario: a game built from it starts them afresh.
// The map (names, terrain, positions, borders, colours, aggression),
// owners, development and the date (start_date = the world's date) carry
// over unchanged, so a world at tick 0 as the generator made it comes back
// as the same world (same state hash, for the same seed and tuning).
// An error when fewer than kMinNations nations would remain.
struct ExportedScenario {
  Scenario scenario;
  std::vector<std::string> notes;
};
Result<ExportedScenario> scenario_from_world(const WorldSnapshot& world);

}  // namespace hegemon
