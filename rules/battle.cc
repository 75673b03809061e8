#include "rules/battle.h"

#include <algorithm>
#include <set>

#include "rules/events.h"

namespace hegemon {
namespace {

struct Side {
  NationId nation = kNoNation;
  std::vector<ArmyRoster::Entry*> armies;  // living, at the battle site, by id
  int64_t strength = 0;
};

Side gather(WarPlan& plan, NationId nation, ProvinceId site) {
  Side s;
  s.nation = nation;
  for (auto& e : plan.armies.entries()) {
    if (e.destroyed || e.now.owner != nation || e.now.location != site) continue;
    s.armies.push_back(&e);
    s.strength += e.now.strength;
  }
  return s;
}

bool enemy_present(const WarPlan& plan, NationId side, ProvinceId p) {
  for (const auto& e : plan.armies.entries()) {
    if (!e.destroyed && e.now.owner != side && e.now.location == p) return true;
  }
  return false;
}

int64_t power(const Tuning& tuning, const Side& s, const Province& site, Terrain terrain,
              int64_t roll) {
  int64_t effective = 0;
  for (const auto* e : s.armies) effective += int64_t{e->now.strength} * e->now.morale / 100;
  if (site.owner == s.nation) effective = effective * tuning.defence_pct_for(terrain) / 100;
  return effective * roll;
}

// Takes `losses` men from the side, shared in proportion to army size;
// returns how many were actually lost.
int64_t take_losses(Side& s, int64_t losses) {
  losses = std::min(losses, s.strength);
  if (losses <= 0 || s.strength <= 0) return 0;
  int64_t left = losses;
  for (auto* e : s.armies) {
    const int64_t share = losses * e->now.strength / s.strength;
    e->now.strength -= static_cast<int32_t>(share);
    left -= share;
  }
  for (auto* e : s.armies) {  // rounding remainder, first armies first
    const int64_t extra = std::min<int64_t>(left, e->now.strength);
    e->now.strength -= static_cast<int32_t>(extra);
    left -= extra;
  }
  return losses;
}

// Where a beaten army falls back to: a neighbouring province its nation
// controls and no enemy holds with troops, its own land first; 0 if none.
ProvinceId retreat_site(const WarPlan& plan, NationId side, ProvinceId from) {
  ProvinceId fallback = 0;
  for (ProvinceId n : plan.world.map().province(from).neighbors) {
    const Province p = plan.provinces.get(n);
    if (p.controller != side || enemy_present(plan, side, n)) continue;
    if (p.owner == side) return n;
    if (fallback == 0) fallback = n;
  }
  return fallback;
}

void fall_back(WarPlan& plan, Side& loser, ProvinceId site) {
  for (auto* e : loser.armies) {
    if (e->destroyed) continue;
    const ProvinceId to = e->now.strength < plan.tuning.min_army_strength
                              ? 0
                              : retreat_site(plan, loser.nation, site);
    if (to == 0) {
      plan.destroy(*e);
      continue;
    }
    e->now.location = to;
    e->now.path.clear();
    e->now.move_progress = 0;
  }
}

void shift_battle_score(WarPlan& plan, NationId winner, int64_t loser_losses,
                        int64_t loser_before) {
  const int64_t share = loser_before > 0 ? 20 * loser_losses / loser_before : 0;
  const int32_t shift = static_cast<int32_t>(std::clamp<int64_t>(
      int64_t{plan.tuning.battle_score_min_shift} + share,
      int64_t{plan.tuning.battle_score_min_shift}, int64_t{plan.tuning.battle_score_max_shift}));
  const int32_t signed_shift = winner == plan.attacker() ? shift : -shift;
  plan.war.battle_score =
      std::clamp(plan.war.battle_score + signed_shift, -kBattleScoreMax, kBattleScoreMax);
}

void resolve_battle(WarPlan& plan, ProvinceId site) {
  Side att = gather(plan, plan.attacker(), site);
  Side def = gather(plan, plan.defender(), site);
  if (att.armies.empty() || def.armies.empty()) return;
  const int64_t att_before = att.strength, def_before = def.strength;

  const Province province = plan.provinces.get(site);
  const Terrain terrain = plan.world.map().province(site).terrain;
  Rng rng(plan.world.seed(), plan.tick,
          (static_cast<uint64_t>(plan.war.id) << 32) | static_cast<uint32_t>(site),
          RngPurpose::battle);
  const Tuning& t = plan.tuning;
  const int64_t att_power =
      power(t, att, province, terrain, rng.uniform(1, t.dice_sides) + t.dice_bonus);
  const int64_t def_power =
      power(t, def, province, terrain, rng.uniform(1, t.dice_sides) + t.dice_bonus);
  bool attacker_wins = att_power > def_power;
  if (att_power == def_power) attacker_wins = province.owner == plan.attacker();

  const int64_t att_losses = take_losses(att, def_power / t.casualty_divisor);
  const int64_t def_losses = take_losses(def, att_power / t.casualty_divisor);
  Side& winner = attacker_wins ? att : def;
  Side& loser = attacker_wins ? def : att;
  for (auto* e : winner.armies) e->now.morale = std::max(0, e->now.morale - t.winner_morale_loss);
  for (auto* e : loser.armies) e->now.morale /= t.loser_morale_divisor;

  plan.events.push_back(make_event(plan.tick, events::kBattle,
                                   {{"war", plan.war.id},
                                    {"province", site},
                                    {"attacker_losses", att_losses},
                                    {"defender_losses", def_losses},
                                    {"winner", winner.nation}}));
  shift_battle_score(plan, winner.nation, attacker_wins ? def_losses : att_losses,
                     attacker_wins ? def_before : att_before);
  for (auto* e : winner.armies) {
    if (e->now.strength < t.min_army_strength) plan.destroy(*e);
  }
  fall_back(plan, loser, site);
}

}  // namespace

void fight_battles(WarPlan& plan) {
  std::set<ProvinceId> attacker_sites, contested;
  for (const auto& e : plan.armies.entries()) {
    if (e.now.owner == plan.attacker()) attacker_sites.insert(e.now.location);
  }
  for (const auto& e : plan.armies.entries()) {
    if (e.now.owner == plan.defender() && attacker_sites.count(e.now.location))
      contested.insert(e.now.location);
  }
  // Retreats never enter a province holding enemy troops, so no battle
  // creates another: the contested set is fixed up front.
  for (ProvinceId site : contested) resolve_battle(plan, site);
}

}  // namespace hegemon
