// Sieges. After the battles, armies of one belligerent that stand still
// (empty path) in a province the enemy controls besiege it, if together they
// have at least min_siege_strength men: its siege_progress grows by a day
// (sometimes two, by luck). At siege_threshold() the province falls: its
// controller becomes the besieger's nation (an enemy province is occupied, an
// occupied province of ours is liberated) and progress resets. Sieges no army
// keeps up decay (front.h).
#pragma once

#include <vector>

#include "rules/war_plan.h"

namespace hegemon {

// Days of progress needed to take a province.
int32_t siege_threshold(const Tuning& tuning, int32_t development, Terrain terrain);

struct SiegeReport {
  std::vector<ProvinceId> besieged;  // besieged today, sorted
  int32_t fallen = 0;                // how many of them fell
};

// Advances every siege of the war.
SiegeReport progress_sieges(WarPlan& plan);

}  // namespace hegemon
