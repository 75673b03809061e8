// The game's balance in one place. Every number a rule uses is named here, so
// a designer can read (and tune) the whole economy and war model without
// reading the code that applies it. All quantities are integers: the
// simulation must compute identical results on every platform.
#pragma once

#include <cstdint>

#include "state/ids.h"
#include "state/world_limits.h"  // the ranges of every entity field

namespace hegemon {

// ---- provinces ----
// Monthly chance (per mille) that a calm, controlled province develops by one:
// base plus a bonus per point of (positive) stability.
constexpr int32_t kDevGrowthBasePerMille = 4;
constexpr int32_t kDevGrowthPerStabilityPerMille = 3;

// Unrest moves toward a target each month by at most kUnrestStep, so a revolt
// (which resets unrest) buys a few quiet months before the next one.
constexpr int32_t kUnrestPerTaxLevel = 5;
constexpr int32_t kUnrestPerNegativeStability = 7;
constexpr int32_t kUnrestOccupied = 20;
constexpr int32_t kUnrestAtWar = 5;
constexpr int32_t kUnrestStep = 10;
// Above this a province may revolt: chance per month is
// (unrest - threshold) * kRevoltPerMillePerPoint per mille.
constexpr int32_t kRevoltThreshold = 30;
constexpr int32_t kRevoltPerMillePerPoint = 10;

// ---- economy (all monthly) ----
// Income: sum of development * (tax_level + 1) over controlled provinces / divisor.
constexpr int64_t kIncomeDivisor = 4;
// Upkeep: ducats per 1000 men per month.
constexpr int64_t kUpkeepPerThousandMen = 5;
constexpr int32_t kPeaceTaxLevel = 2;
constexpr int32_t kWarTaxLevel = 3;
constexpr int32_t kUnstableTaxLevel = 1;  // when stability < 0: keep unrest down
// Buying a point of stability costs base + total development.
constexpr int64_t kStabilityCostBase = 60;

// ---- manpower and armies ----
constexpr int32_t kManpowerCapPerDev = 250;
constexpr int32_t kManpowerRegenPerDev = 10;  // per month
// A nation keeps at most this many men per point of development under arms.
constexpr int32_t kForceLimitPerDev = 60;
constexpr int32_t kRecruitStrength = 1000;
constexpr int64_t kRecruitCost = 40;         // ducats per recruitment
constexpr int32_t kReinforcePerArmy = 1000;  // men per army per month at most
constexpr int32_t kStartArmyCap = 10000;
constexpr int32_t kMoraleRecoveryPerDay = 5;
// Bankruptcy: a share of every army deserts (percent).
constexpr int32_t kBankruptcyDesertionPct = 10;
// Armies smaller than this cannot hold together and are destroyed.
constexpr int32_t kMinArmyStrength = 100;

// ---- AI ----
// At war an army attacks only while it is at least this strong and steady;
// otherwise it goes home to recover.
constexpr int32_t kAttackMinMorale = 50;
// Breadth-first searches stop after this many provinces: an army with nothing
// in reach stays where it is rather than searching the whole map.
constexpr int32_t kMaxSearchVisits = 4096;
// A path found by a search is never longer than it visited; a loaded save
// holds paths to kMaxArmyPath.
static_assert(kMaxSearchVisits <= kMaxArmyPath, "AI paths must fit what a save may hold");
// An idle army at war looks for a target once every this many days (staggered
// by army id), which models mobilisation and bounds search cost.
constexpr int32_t kIdleSearchPeriod = 8;
// A nation at peace reviews its neighbours' strength (to arm if one is
// stronger) once every this many months, staggered by nation id: the survey
// reads every neighbour's armies, the costliest question the AI asks.
constexpr int32_t kThreatReviewMonths = 3;
// Monthly chance to declare war is aggression * factor per mille.
constexpr int32_t kWarChancePerAggression = 1;
constexpr Tick kMinDaysBetweenWars = 730;
// A target must be weaker than ours by this ratio (num/den).
constexpr int64_t kWeakerNum = 3;
constexpr int64_t kWeakerDen = 4;

// ---- movement: days to enter a province of each terrain ----
// (indexed by Terrain: plains, forest, hills, mountains, desert, marsh)
constexpr int32_t kMoveDays[] = {4, 6, 6, 9, 5, 7};
// Defensive bonus (percent) of the side owning the province.
constexpr int32_t kDefencePct[] = {100, 120, 130, 150, 110, 125};
// Siege duration multiplier (percent).
constexpr int32_t kSiegePct[] = {100, 110, 125, 150, 100, 120};

// ---- battle ----
constexpr int32_t kDiceSides = 6;
constexpr int32_t kDiceBonus = 4;  // a roll is 1..6 + 4: luck matters, strength more
// Casualties a side inflicts = its power / divisor, where power is
// strength * morale / 100, times the terrain bonus (percent) / 100, times the
// dice roll (5..10): a fresh army of 10,000 kills about 1,500 on an average roll.
constexpr int64_t kCasualtyDivisor = 50;
constexpr int32_t kLoserMoraleDivisor = 3;
constexpr int32_t kWinnerMoraleLoss = 10;
constexpr int32_t kBattleScoreMinShift = 2;
constexpr int32_t kBattleScoreMaxShift = 15;

// ---- siege ----
constexpr int32_t kMinSiegeStrength = 1000;
constexpr int32_t kSiegeBaseDays = 20;
constexpr int32_t kSiegeDaysPerTwoDev = 5;   // threshold = base + 5 * dev / 2
constexpr int32_t kSiegeLuckPerMille = 200;  // chance of an extra day's progress
// Abandoned sieges lose this much progress at each front survey (below).
constexpr int32_t kSiegeDecayPerSurvey = 10;

// ---- war score and peace ----
// A war surveys its front (a pass over both belligerents' provinces) on the
// days a siege falls and otherwise once every this many days (staggered by
// war id); in between, occupation cannot have changed except through the
// slow drift of development, so the score carries over.
constexpr Tick kFrontSurveyPeriod = 7;
constexpr int32_t kOccupationScoreMax = 60;
constexpr int32_t kForcedPeaceScore = 90;
constexpr int32_t kPeaceOfferScore = 50;
constexpr int32_t kPeaceOfferPerMille = 40;  // daily chance once the score allows it
constexpr Tick kMaxWarDays = 3 * 365;
constexpr int32_t kWhitePeaceBelow = 10;  // a timed-out war this close is a draw
// A player's peace offer to another player stands this many days.
constexpr Tick kPeaceOfferDays = 30;
// The AI answers a player's white peace offer with yes unless its own side's
// war score is at least this high.
constexpr int32_t kAiRefusesWhitePeaceAt = 25;

}  // namespace hegemon
