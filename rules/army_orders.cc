#include "rules/army_orders.h"

#include <algorithm>

#include "rules/movement.h"
#include "rules/pathfinding.h"
#include "rules/world_queries.h"

namespace hegemon {
namespace {

bool is_home(const NationPlan& plan, ProvinceId p) {
  return holds(plan.provinces.get(p), plan.id());
}

// A province worth marching on: the enemy controls it, or an enemy force we
// outnumber stands there.
bool is_target(const NationPlan& plan, const Army& army, ProvinceId p) {
  if (plan.provinces.get(p).controller == plan.enemy()) return true;
  const ArmyStacks& stacks = plan.enemy_stacks();
  auto it = std::lower_bound(stacks.begin(), stacks.end(), std::make_pair(p, int64_t{0}),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
  return it != stacks.end() && it->first == p && army.strength > it->second;
}

bool is_goal(const NationPlan& plan, const Army& army, Mission m, ProvinceId p) {
  return m == Mission::attack ? is_target(plan, army, p) : is_home(plan, p);
}

// Whether the army's current destination still serves its mission.
bool heading_fits(const NationPlan& plan, const Army& army, Mission m) {
  const bool home = is_home(plan, army.path.back());
  return m == Mission::home ? home : !home;
}

void give_new_path(const NationPlan& plan, Army& army, Mission m) {
  const WorldMap& map = plan.world.map();
  std::optional<std::vector<ProvinceId>> path;
  if (m == Mission::attack) {
    path = find_path(
        map, army.location, [&](ProvinceId p) { return is_target(plan, army, p); },
        plan.tuning.max_search_visits);
  }
  if (!path) {  // nothing to attack in reach: fall back to home ground
    path = find_path(
        map, army.location, [&](ProvinceId p) { return is_home(plan, p); },
        plan.tuning.max_search_visits);
  }
  std::vector<ProvinceId> next = path.value_or(std::vector<ProvinceId>{});
  // Days already marched count only if it keeps heading into the same province.
  if (next.empty() || army.path.empty() || next.front() != army.path.front())
    army.move_progress = 0;
  army.path = std::move(next);
}

bool idle_turn(const Tuning& tuning, Tick tick, const Army& army) {
  return (tick + army.id) % tuning.idle_search_period == 0;
}

void update_army(NationPlan& plan, ArmyRoster::Entry& e) {
  Army& army = e.now;
  recover_morale(plan.tuning, army);
  if (plan.nation.player) {  // a player's army marches only where it was sent
    advance_army(army, plan.world.map());
    return;
  }
  const Mission m = mission_for(plan, army);
  if (!army.path.empty() && !heading_fits(plan, army, m)) give_new_path(plan, army, m);
  advance_army(army, plan.world.map());
  if (!army.path.empty()) return;
  const bool arrived_today = !e.before.path.empty();
  if ((arrived_today || idle_turn(plan.tuning, plan.tick, army)) &&
      !is_goal(plan, army, m, army.location)) {
    give_new_path(plan, army, m);
  }
}

}  // namespace

Mission mission_for(const NationPlan& plan, const Army& army) {
  if (plan.at_war() && army.strength >= plan.tuning.min_siege_strength &&
      army.morale >= plan.tuning.attack_min_morale) {
    return Mission::attack;
  }
  return Mission::home;
}

void update_armies_daily(NationPlan& plan) {
  for (auto& e : plan.armies.entries()) update_army(plan, e);
}

// Follows update_army() step by step for a nation at peace: recover_morale()
// changes nothing at full morale; advance_army() changes nothing without a
// path and with no days marched; the mission is home, so with no path and no
// arrival today only the idle search can give orders, and it does so only on
// the army's idle turn when it stands off home ground. (At war, missions and
// targets move with the enemy: never idle.)
bool army_idle_today(const World& world, const Nation& nation, const Army& army, Tick tick) {
  if (nation.war != 0) return false;
  if (army.morale != kMaxMorale || !army.path.empty() || army.move_progress != 0) return false;
  if (nation.player || !idle_turn(world.map().tuning(), tick, army)) return true;
  const std::optional<Province> here = world.province(army.location);
  return here && holds(*here, nation.id);
}

}  // namespace hegemon
