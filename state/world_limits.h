// What a world can hold: its sizes, the ranges of every entity field, and the
// headroom left to the tick and id counters. One place for these facts: world
// generation and the command line take the sizes from here, the rules and the
// ranges of state/tuning.cc take the entity ranges, and every world read from a
// save (its tables or a snapshot) is checked against them (world_check.h),
// because a save is untrusted input and its author controls every byte.
#pragma once

#include <cstdint>

#include "state/ids.h"

namespace hegemon {

// ---- sizes (generate_world and `hegemon serve` accept these) ----
constexpr int32_t kMinProvinces = 16;
constexpr int32_t kMaxProvinces = 200000;
constexpr int32_t kMinNations = 2;
constexpr int32_t kMaxNations = 10000;

// ---- province fields ----
constexpr int32_t kMinDevelopment = 1;
constexpr int32_t kMaxDevelopment = 30;
constexpr int32_t kMaxUnrest = 100;  // unrest is 0..kMaxUnrest

// ---- nation fields ----
constexpr int32_t kMinTaxLevel = 0;
constexpr int32_t kMaxTaxLevel = 4;
constexpr int32_t kMinStability = -3;
constexpr int32_t kMaxStability = 3;

// ---- army and war fields ----
constexpr int32_t kMaxArmyStrength = 30000;  // strength is 0..kMaxArmyStrength
constexpr int32_t kMaxMorale = 100;          // morale is 0..kMaxMorale
constexpr int32_t kWarScoreMax = 100;        // war_score is -kWarScoreMax..kWarScoreMax
constexpr int32_t kBattleScoreMax = 40;      // battle_score likewise

// ---- sanity bounds: far beyond any game, far below an overflow ----
// The rules add to these every tick or month; a loaded value beyond them
// could overflow (undefined behaviour) long before the game noticed.
// 10^10 ticks are 27 million years: GameDate::year still fits an int.
constexpr Tick kMaxTick = 10'000'000'000;
// next_army_id / next_war_id: a game allocates a few ids a day.
constexpr int32_t kMaxEntityId = 1 << 30;
// A treasury's magnitude (income is at most a few million ducats a month).
constexpr int64_t kMaxTreasury = 1'000'000'000'000'000;
// Days counted in a province's siege or an army's march (both reset long
// before: a siege takes at most a few hundred days, a step at most ten).
constexpr int32_t kMaxDayCounter = 100000;

// ---- how fast the counters grow (the room a running game keeps) ----
// A nation recruits at most this many armies a day, by command and by its
// AI together (commands beyond it are refused), and declares at most one
// war. So one tick takes at most nations * kMaxRecruitmentsPerDay army ids
// and nations / 2 war ids, and the coordinator can tell before a tick
// whether it could carry a counter past the limits above
// (check_room_for_next_tick in world_check.h).
constexpr int32_t kMaxRecruitmentsPerDay = 10;
constexpr int64_t max_new_armies_per_tick(int64_t nations) {
  return nations * kMaxRecruitmentsPerDay;
}
constexpr int64_t max_new_wars_per_tick(int64_t nations) { return nations / 2; }

// ---- the static map ----
// A province's or nation's name, in bytes: far more than any real name, and
// small enough that every reply naming one stays cheap (a 100 MB name made
// each `province` reply cost seconds of the gateway's I/O thread).
constexpr int64_t kMaxNameBytes = 256;
// Hex-grid coordinates: a 200,000-province map is about 450 cells across.
constexpr int32_t kMaxMapCoordinate = 1 << 20;
constexpr int32_t kMaxAggression = 100;  // aggression is 0..kMaxAggression

// A player's sight (Tuning::sight_radius): steps beyond its provinces and
// armies. A breadth-first search of that depth per watched nation and tick;
// a few steps already cover a region, more would be no fog at all.
constexpr int32_t kMaxSightRadius = 8;

// ---- how many armies and how far they march ----
// Upkeep bounds the armies a nation can pay for to about a quarter of its
// development, i.e. under 8 per province at the highest development; a
// nation's starting army comes on top.
constexpr int32_t kMaxArmiesPerProvince = 8;
// One army's remaining path: the AI's searches stop at max_search_visits
// provinces (state/tuning.cc ranges it to fit) and a player's move_army takes
// at most kMaxPathLength (state/command_json.cc asserts it fits).
constexpr int32_t kMaxArmyPath = 4096;
// All armies' paths together, per province of the map: a path is the
// shortest way to a nearby target, a few dozen steps at most.
constexpr int64_t kMaxPathStepsPerProvince = 256;

// The most armies / path steps / active wars a world of this size can hold.
constexpr int64_t max_armies(int64_t provinces, int64_t nations) {
  return provinces * kMaxArmiesPerProvince + nations;
}
constexpr int64_t max_path_steps(int64_t provinces) { return provinces * kMaxPathStepsPerProvince; }
// A nation fights at most one war at a time and every war has two sides.
constexpr int64_t max_active_wars(int64_t nations) { return nations / 2; }

}  // namespace hegemon
