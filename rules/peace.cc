#include "rules/peace.h"

#include <algorithm>
#include <cstdlib>

#include "rules/events.h"

namespace hegemon {
namespace {

// Settles one side's occupied and besieged provinces; returns those it lost.
std::vector<ProvinceId> settle_side(WarPlan& plan, const SideFront& front, NationId side,
                                    NationId winner) {
  std::vector<ProvinceId> lost;
  const bool side_lost = winner != kNoNation && side != winner;
  for (ProvinceId id : front.occupied) {
    Province p = plan.provinces.get(id);
    if (side_lost && p.controller == winner) {
      p.owner = winner;
      lost.push_back(id);
      plan.events.push_back(
          make_event(plan.tick, events::kProvinceTransferred,
                     {{"province", id}, {"from", side}, {"to", winner}, {"war", plan.war.id}}));
    }
    p.controller = p.owner;
    p.siege_progress = 0;
    plan.provinces.set(p);
  }
  for (ProvinceId id : front.sieged) {
    Province p = plan.provinces.get(id);
    p.siege_progress = 0;
    plan.provinces.set(p);
  }
  return lost;
}

// The most developed province the nation still owns (ties: lowest id), 0 if none.
ProvinceId new_capital(const WarPlan& plan, NationId nation, const std::vector<ProvinceId>& lost) {
  ProvinceId best = 0;
  int32_t best_dev = -1;
  const IdList owned = plan.world.provinces_of(nation);
  for (ProvinceId id : *owned) {
    if (std::binary_search(lost.begin(), lost.end(), id)) continue;
    const int32_t dev = plan.provinces.get(id).development;
    if (dev > best_dev) best = id, best_dev = dev;
  }
  return best;
}

Nation at_peace(WarPlan& plan, NationId id, const std::vector<ProvinceId>& lost) {
  Nation n = plan.world.nation(id).value_or(Nation{id});
  n.war = 0;
  n.last_peace_tick = plan.tick;
  if (std::binary_search(lost.begin(), lost.end(), n.capital)) {
    if (ProvinceId capital = new_capital(plan, id, lost); capital != 0) {
      n.capital = capital;
      plan.events.push_back(
          make_event(plan.tick, events::kCapitalMoved, {{"nation", id}, {"province", capital}}));
    }
  }
  return n;
}

}  // namespace

std::optional<NationId> peace_due(const WarPlan& plan, const Front* front) {
  const int32_t score = plan.war.war_score;
  const NationId leader = score > 0 ? plan.attacker() : plan.defender();
  if (front) {
    const int32_t att = front->attacker.held, def = front->defender.held;
    if (def == 0 && att > 0) return plan.attacker();
    if (att == 0 && def > 0) return plan.defender();
    if (att == 0 && def == 0) return score == 0 ? kNoNation : leader;
  }
  if (std::abs(score) >= plan.tuning.forced_peace_score) return leader;
  // The loser's daily chance to give in is the AI's; a player decides itself.
  const NationId loser = plan.enemy_of(leader);
  const std::optional<Nation> loser_nation = plan.world.nation(loser);
  if (std::abs(score) >= plan.tuning.peace_offer_score && !(loser_nation && loser_nation->player)) {
    Rng rng(plan.world.seed(), plan.tick, static_cast<uint64_t>(plan.war.id), RngPurpose::peace);
    if (rng.chance(plan.tuning.peace_offer_per_mille)) return leader;
  }
  if (plan.tick - plan.war.start_tick >= plan.tuning.max_war_days) {
    return std::abs(score) >= plan.tuning.white_peace_below ? leader : kNoNation;
  }
  return std::nullopt;
}

void conclude_peace(WarPlan& plan, const Front& front, NationId winner) {
  const std::vector<ProvinceId> attacker_lost =
      settle_side(plan, front.attacker, plan.attacker(), winner);
  const std::vector<ProvinceId> defender_lost =
      settle_side(plan, front.defender, plan.defender(), winner);
  plan.nations = {at_peace(plan, plan.attacker(), attacker_lost),
                  at_peace(plan, plan.defender(), defender_lost)};
  std::sort(plan.nations.begin(), plan.nations.end(),
            [](const Nation& a, const Nation& b) { return a.id < b.id; });
  plan.war.end_tick = plan.tick;
  plan.war.clear_peace_offer();  // whatever was on the table, it is settled now
  plan.events.push_back(make_event(
      plan.tick, events::kPeace,
      {{"war", plan.war.id},
       {"winner", winner},
       {"provinces", static_cast<int64_t>(attacker_lost.size() + defender_lost.size())}}));
}

}  // namespace hegemon
