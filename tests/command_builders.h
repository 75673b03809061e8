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
// A command of `kind` by `nation` with one field set.
template <typename Field, typename Value>
Command with(CommandKind kind, NationId nation, Field Command::*field, Value&& value) {
  Command c = command(kind, nation);
  c.*field = std::forward<Value>(value);
  return c;
}

inline Command move_army(NationId nation, ArmyId army, std::vector<ProvinceId> path) {
  Command c = with(CommandKind::move_army, nation, &Command::path, std::move(path));
  c.army = army;
  return c;
}
inline Command recruit(NationId nation, ProvinceId province) {
  return with(CommandKind::recruit, nation, &Command::province, province);
}
inline Command set_tax(NationId nation, int32_t level) {
  return with(CommandKind::set_tax, nation, &Command::level, level);
}
inline Command declare_war(NationId nation, NationId target) {
  return with(CommandKind::declare_war, nation, &Command::target, target);
}
inline Command offer_peace(NationId nation, PeaceTerms terms) {
  return with(CommandKind::offer_peace, nation, &Command::terms, terms);
}
inline Command accept_peace(NationId nation) { return command(CommandKind::accept_peace, nation); }
inline Command set_player(NationId nation, bool player = true) {
  return with(CommandKind::set_player, nation, &Command::player, player);
}

}  // namespace hegemon::test
