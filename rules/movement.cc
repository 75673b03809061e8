#include "rules/movement.h"

#include <algorithm>

#include "rules/terrain_rules.h"

namespace hegemon {

void advance_army(Army& army, const WorldMap& map) {
  if (army.path.empty()) {
    army.move_progress = 0;
    return;
  }
  const ProvinceId next = army.path.front();
  if (++army.move_progress < move_days(map.province(next).terrain)) return;
  army.location = next;
  army.path.erase(army.path.begin());
  army.move_progress = 0;
}

void recover_morale(Army& army) {
  army.morale = std::min(kMaxMorale, army.morale + kMoraleRecoveryPerDay);
}

}  // namespace hegemon
