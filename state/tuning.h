// The game's balance as a value. Every number a rule uses is a field of
// Tuning, and every field is named, ranged and documented once, in the table
// of tuning.cc, so a designer can read (and a mod can override) the whole
// economy and war model without reading the code that applies it.
//
// Contract:
// - A default-constructed Tuning holds the compiled balance; every game made
//   before mods existed ran with it, so its values never change silently (a
//   test pins them to the state hashes of saves made before Tuning existed).
// - All quantities are integers: the simulation must compute identical
//   results on every platform.
// - The range of each field is what the rules can take without overflow,
//   division by zero or unbounded work; set_tuning_value refuses anything
//   outside it, so a Tuning built only through it is always safe to run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "state/ids.h"
#include "state/terrain.h"
#include "state/world_limits.h"

namespace hegemon {

struct Tuning {
  // ---- provinces ----
  // Monthly chance (per mille) that a calm, controlled province develops by
  // one: base plus a bonus per point of (positive) stability.
  int32_t dev_growth_base_per_mille = 4;
  int32_t dev_growth_per_stability_per_mille = 3;
  // Unrest moves toward a target each month by at most unrest_step, so a
  // revolt (which resets unrest) buys a few quiet months before the next one.
  int32_t unrest_per_tax_level = 5;
  int32_t unrest_per_negative_stability = 7;
  int32_t unrest_occupied = 20;
  int32_t unrest_at_war = 5;
  int32_t unrest_step = 10;
  // Above this a province may revolt: chance per month is
  // (unrest - threshold) * revolt_per_mille_per_point per mille.
  int32_t revolt_threshold = 30;
  int32_t revolt_per_mille_per_point = 10;

  // ---- economy (all monthly) ----
  // Income: sum of development * (tax_level + 1) over controlled provinces / divisor.
  int64_t income_divisor = 4;
  int64_t upkeep_per_thousand_men = 5;  // ducats per 1000 men per month
  int32_t peace_tax_level = 2;
  int32_t war_tax_level = 3;
  int32_t unstable_tax_level = 1;  // when stability < 0: keep unrest down
  // Buying a point of stability costs base + total development.
  int64_t stability_cost_base = 60;

  // ---- manpower and armies ----
  int32_t manpower_cap_per_dev = 250;
  int32_t manpower_regen_per_dev = 10;  // per month
  // A nation keeps at most this many men per point of development under arms.
  int32_t force_limit_per_dev = 60;
  int32_t recruit_strength = 1000;
  int64_t recruit_cost = 40;          // ducats per recruitment
  int32_t reinforce_per_army = 1000;  // men per army per month at most
  int32_t start_army_cap = 10000;
  int32_t morale_recovery_per_day = 5;
  // Bankruptcy: a share of every army deserts (percent).
  int32_t bankruptcy_desertion_pct = 10;
  // Armies smaller than this cannot hold together and are destroyed.
  int32_t min_army_strength = 100;

  // ---- AI ----
  // At war an army attacks only while it is at least this steady; otherwise
  // it goes home to recover.
  int32_t attack_min_morale = 50;
  // Breadth-first searches stop after this many provinces: an army with
  // nothing in reach stays where it is rather than searching the whole map.
  // At most kMaxArmyPath, so every path found fits what a save may hold.
  int32_t max_search_visits = 4096;
  // An idle army at war looks for a target once every this many days
  // (staggered by army id), which models mobilisation and bounds search cost.
  int32_t idle_search_period = 8;
  // A nation at peace reviews its neighbours' strength once every this many
  // months, staggered by nation id: the costliest question the AI asks.
  int32_t threat_review_months = 3;
  // Monthly chance to declare war is aggression * factor per mille.
  int32_t war_chance_per_aggression = 1;
  Tick min_days_between_wars = 730;
  // A target must be weaker than ours by this ratio (num/den).
  int64_t weaker_num = 3;
  int64_t weaker_den = 4;

  // ---- terrain (indexed by Terrain: plains, forest, hills, mountains, desert, marsh) ----
  int32_t move_days[kTerrainCount] = {4, 6, 6, 9, 5, 7};                // days to enter a province
  int32_t defence_pct[kTerrainCount] = {100, 120, 130, 150, 110, 125};  // owner's bonus
  int32_t siege_pct[kTerrainCount] = {100, 110, 125, 150, 100, 120};    // siege duration

  // ---- battle ----
  int32_t dice_sides = 6;
  int32_t dice_bonus = 4;  // a roll is 1..6 + 4: luck matters, strength more
  // Casualties a side inflicts = its power / divisor, where power is
  // strength * morale / 100, times the terrain bonus (percent) / 100, times
  // the dice roll (5..10): a fresh army of 10,000 kills about 1,500 on an
  // average roll.
  int64_t casualty_divisor = 50;
  int32_t loser_morale_divisor = 3;
  int32_t winner_morale_loss = 10;
  int32_t battle_score_min_shift = 2;
  int32_t battle_score_max_shift = 15;

  // ---- siege ----
  int32_t min_siege_strength = 1000;
  int32_t siege_base_days = 20;
  int32_t siege_days_per_two_dev = 5;  // threshold = base + 5 * dev / 2
  int32_t siege_luck_per_mille = 200;  // chance of an extra day's progress
  // Abandoned sieges lose this much progress at each front survey.
  int32_t siege_decay_per_survey = 10;

  // ---- war score and peace ----
  // A war surveys its front on the days a siege falls and otherwise once
  // every this many days (staggered by war id); in between, occupation cannot
  // have changed except through the slow drift of development.
  Tick front_survey_period = 7;
  int32_t occupation_score_max = 60;
  int32_t forced_peace_score = 90;
  int32_t peace_offer_score = 50;
  int32_t peace_offer_per_mille = 40;  // daily chance once the score allows it
  Tick max_war_days = 3 * 365;
  int32_t white_peace_below = 10;  // a timed-out war this close is a draw
  // A player's peace offer to another player stands this many days.
  Tick peace_offer_days = 30;
  // The AI answers a player's white peace offer with yes unless its own
  // side's war score is at least this high.
  int32_t ai_refuses_white_peace_at = 25;

  // ---- fog of war ----
  // A player sees armies, sieges and battles in the provinces it owns or
  // controls, those its armies stand in, and every province within this many
  // steps of them (rules/sight.h). Read by the gateway only: no rule of the
  // simulation depends on it, so it never changes a state hash.
  int32_t sight_radius = 1;

  int32_t move_days_for(Terrain t) const { return move_days[static_cast<int>(t)]; }
  int32_t defence_pct_for(Terrain t) const { return defence_pct[static_cast<int>(t)]; }
  int32_t siege_pct_for(Terrain t) const { return siege_pct[static_cast<int>(t)]; }

  friend bool operator==(const Tuning& a, const Tuning& b);
  friend bool operator!=(const Tuning& a, const Tuning& b) { return !(a == b); }
};

// One named value of Tuning. Names are snake_case and stable: mods and saves
// refer to them. Terrain tables are one field per terrain ("move_days_hills").
struct TuningField {
  std::string name;
  int64_t min = 0;
  int64_t max = 0;
  std::string doc;  // one line, for docs/MODDING.md and `hegemon mod check`
  int64_t (*get)(const Tuning&) = nullptr;
  void (*set)(Tuning&, int64_t) = nullptr;
};

// Every field, in a fixed order (the order of the struct). This table is the
// one place a tuning value is named, ranged and documented.
const std::vector<TuningField>& tuning_fields();

// nullptr when no field has that name.
const TuningField* find_tuning_field(std::string_view name);

// Sets one field by name. Returns an error (and leaves `tuning` unchanged)
// when the name is unknown or the value is outside the field's range; the
// message names the field and its range.
std::optional<std::string> set_tuning_value(Tuning& tuning, std::string_view name, int64_t value);

// Checks every field against its range and the relations between fields
// (peace_offer_score <= forced_peace_score, weaker_num < weaker_den, ...).
// Returns the first problem, or nothing when `tuning` is safe to run.
std::optional<std::string> check_tuning(const Tuning& tuning);

// (name, value) for every field, in table order.
std::vector<std::pair<std::string, int64_t>> tuning_values(const Tuning& tuning);

// The fields whose value differs from the compiled default, in table order.
std::vector<std::pair<std::string, int64_t>> tuning_overrides(const Tuning& tuning);

// A Markdown table (name, default, min, max, doc) of every field, as
// docs/MODDING.md holds it; a test keeps the two equal.
std::string tuning_markdown_table();

}  // namespace hegemon
