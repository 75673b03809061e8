#include "state/entities.h"

#include <tuple>

namespace hegemon {

bool operator==(const Province& a, const Province& b) {
  return std::tie(a.id, a.owner, a.controller, a.development, a.unrest, a.siege_progress) ==
         std::tie(b.id, b.owner, b.controller, b.development, b.unrest, b.siege_progress);
}

bool operator==(const Nation& a, const Nation& b) {
  return std::tie(a.id, a.alive, a.capital, a.treasury, a.stability, a.manpower, a.tax_level,
                  a.war, a.last_peace_tick, a.player) ==
         std::tie(b.id, b.alive, b.capital, b.treasury, b.stability, b.manpower, b.tax_level,
                  b.war, b.last_peace_tick, b.player);
}

bool operator==(const Army& a, const Army& b) {
  return std::tie(a.id, a.owner, a.location, a.strength, a.morale, a.move_progress, a.path) ==
         std::tie(b.id, b.owner, b.location, b.strength, b.morale, b.move_progress, b.path);
}

bool operator==(const War& a, const War& b) {
  return std::tie(a.id, a.attacker, a.defender, a.start_tick, a.end_tick, a.war_score,
                  a.battle_score, a.peace_offer_by, a.peace_offer_winner, a.peace_offer_tick) ==
         std::tie(b.id, b.attacker, b.defender, b.start_tick, b.end_tick, b.war_score,
                  b.battle_score, b.peace_offer_by, b.peace_offer_winner, b.peace_offer_tick);
}

}  // namespace hegemon
