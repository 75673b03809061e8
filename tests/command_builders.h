// Commands as tests write them: one builder per kind. The sequence number is
// left 0: the game numbers commands when it accepts them, and the rules tests
// number them in the order they list them.
#pragma once

#include <utility>
#include <vector>

#include "state/command.h"

namespace hegemon::test {

inline Command command(CommandKind kind, NationId nation) {
  Command c;
  c.kind = kind;
  c.nation = nation;
  return c;
}
inline Command move_army(NationId nation, ArmyId army, std::vector<ProvinceId> path) {
  Command c = command(CommandKind::move_army, nation);
  c.army = army;
  c.path = std::move(path);
  return c;
}
inline Command recruit(NationId nation, ProvinceId province) {
  Command c = command(CommandKind::recruit, nation);
  c.province = province;
  return c;
}
inline Command set_tax(NationId nation, int32_t level) {
  Command c = command(CommandKind::set_tax, nation);
  c.level = level;
  return c;
}
inline Command declare_war(NationId nation, NationId target) {
  Command c = command(CommandKind::declare_war, nation);
  c.target = target;
  return c;
}
inline Command offer_peace(NationId nation, PeaceTerms terms) {
  Command c = command(CommandKind::offer_peace, nation);
  c.terms = terms;
  return c;
}
inline Command accept_peace(NationId nation) { return command(CommandKind::accept_peace, nation); }
inline Command set_player(NationId nation, bool player = true) {
  Command c = command(CommandKind::set_player, nation);
  c.player = player;
  return c;
}

}  // namespace hegemon::test
