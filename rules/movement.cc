#include "rules/movement.h"

#include <algorithm>

namespace hegemon {

void advance_army(Army& army, const WorldMap& map) {
  if (army.path.empty()) {
    army.move_progress = 0;
    return;
  }
  const ProvinceId next = army.path.front();
  if (++army.move_progress < map.tuning().move_days_for(map.province(next).terrain)) return;
  army.location = next;
  army.path.erase(army.path.begin());
  army.move_progress = 0;
}

void recover_morale(const Tuning& tuning, Army& army) {
  army.morale = std::min(kMaxMorale, army.morale + tuning.morale_recovery_per_day);
}

}  // namespace hegemon
