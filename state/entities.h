// The world's mutable entities as plain value types. These are what the hot
// cache holds, what change sets carry and what the save's tables store. All game
// quantities are integers so that every platform computes identical results.
// Static facts (names, terrain, adjacency) live in WorldMap instead.
#pragma once

#include <cstdint>
#include <vector>

#include "state/ids.h"

namespace hegemon {

struct Province {
  ProvinceId id = 0;
  NationId owner = kNoNation;
  NationId controller = kNoNation;  // differs from owner while occupied
  int32_t development = 1;          // 1..kMaxDevelopment; drives tax and manpower
  int32_t unrest = 0;               // 0..100; a monthly revolt risk above revolt_threshold
  int32_t siege_progress = 0;       // days an occupier has besieged it; 0 when none
};

struct Nation {
  NationId id = 0;
  bool alive = true;
  ProvinceId capital = 0;
  int64_t treasury = 0;       // ducats
  int32_t stability = 0;      // -3..3
  int32_t manpower = 0;       // men available to recruit
  int32_t tax_level = 2;      // 0..4; higher taxes raise income and unrest
  WarId war = 0;              // the war it fights, 0 at peace (at most one at a time)
  Tick last_peace_tick = -1;  // tick of its last peace, -1 if never
  // Held by a player: the AI leaves its diplomacy, recruitment, taxes and army
  // orders to the player's commands (state/command.h).
  bool player = false;
};

struct Army {
  ArmyId id = 0;
  NationId owner = kNoNation;
  ProvinceId location = 0;
  int32_t strength = 0;          // men
  int32_t morale = 100;          // 0..100
  int32_t move_progress = 0;     // days spent marching towards path.front()
  std::vector<ProvinceId> path;  // remaining provinces to enter, next first
};

struct War {
  WarId id = 0;
  NationId attacker = kNoNation;
  NationId defender = kNoNation;
  Tick start_tick = 0;
  Tick end_tick = -1;        // -1 while active
  int32_t war_score = 0;     // -100..100, positive favours the attacker
  int32_t battle_score = 0;  // the battles' share of war_score, -40..40
  // A player's standing peace offer, awaiting the other side's answer.
  NationId peace_offer_by = kNoNation;      // kNoNation: none
  NationId peace_offer_winner = kNoNation;  // the winner it proposes; kNoNation: white peace
  Tick peace_offer_tick = -1;               // when it was made
  bool has_peace_offer() const { return peace_offer_by != kNoNation; }
  void clear_peace_offer() {
    peace_offer_by = peace_offer_winner = kNoNation;
    peace_offer_tick = -1;
  }
  bool active() const { return end_tick < 0; }
};

bool operator==(const Province& a, const Province& b);
bool operator==(const Nation& a, const Nation& b);
bool operator==(const Army& a, const Army& b);
bool operator==(const War& a, const War& b);
inline bool operator!=(const Province& a, const Province& b) { return !(a == b); }
inline bool operator!=(const Nation& a, const Nation& b) { return !(a == b); }
inline bool operator!=(const Army& a, const Army& b) { return !(a == b); }
inline bool operator!=(const War& a, const War& b) { return !(a == b); }

}  // namespace hegemon
