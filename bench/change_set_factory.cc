#include "change_set_factory.h"

#include <stdexcept>

#include "bench_support.h"
#include "state/event.h"
#include "state/game_date.h"

namespace hegemon::bench {

ChangeSet make_change_set(const WorldSnapshot& world, Tick tick, int rows, const RowMix& mix) {
  if (rows % 100 != 0) throw std::invalid_argument("rows must be a multiple of 100");
  const int per = rows / 100;
  const auto seed = static_cast<uint64_t>(tick) * 1000003u + static_cast<uint64_t>(rows);
  const auto province_count = static_cast<int32_t>(world.provinces.size());
  const auto nation_count = static_cast<int32_t>(world.nations.size());
  const auto step = static_cast<int32_t>(tick % 3);

  ChangeSet cs;
  cs.meta.tick = tick;
  cs.meta.next_army_id = kArmyIdPool + 1;
  cs.meta.next_war_id = kWarIdPool + 1;
  cs.meta.state_hash = static_cast<uint64_t>(seed) * 0x9e3779b97f4a7c15ULL;  // never checked
  cs.date = date_of_tick(tick).to_string();

  for (int32_t id :
       distinct_sorted_ids(static_cast<size_t>(mix.provinces * per), province_count, seed + 1)) {
    Province p = world.provinces[static_cast<size_t>(id - 1)];
    p.development += step;  // monthly development, unrest drift: the common changes
    p.unrest = static_cast<int32_t>((tick + id) % 40);
    cs.provinces.push_back(p);
    cs.provinces_same_owner.push_back(p.id);  // as ChangeRecorder lists it
  }
  // History rows belong to provinces whose development changed: the first ones.
  for (int i = 0; i < mix.history * per; ++i) {
    const Province& p = cs.provinces[static_cast<size_t>(i)];
    cs.history.push_back({tick, p.id, p.owner, p.controller, p.development});
  }
  for (int32_t id :
       distinct_sorted_ids(static_cast<size_t>(mix.nations * per), nation_count, seed + 2)) {
    Nation n = world.nations[static_cast<size_t>(id - 1)];
    n.treasury += tick * 3;
    n.manpower += static_cast<int32_t>(tick % 500);
    cs.nations.push_back(n);
  }
  for (int32_t id :
       distinct_sorted_ids(static_cast<size_t>(mix.armies * per), kArmyIdPool, seed + 3)) {
    Army a;
    a.id = id;
    a.owner = 1 + id % nation_count;
    a.location = 1 + (id * 7 + static_cast<int32_t>(tick)) % province_count;
    a.strength = 5000 + static_cast<int32_t>(tick % 1000);
    a.morale = 60 + step * 10;
    a.move_progress = step;
    for (int k = 0; k < id % 4; ++k) a.path.push_back(1 + (a.location + k) % province_count);
    cs.armies.push_back(a);
  }
  for (int32_t id :
       distinct_sorted_ids(static_cast<size_t>(mix.wars * per), kWarIdPool, seed + 4)) {
    War w;
    w.id = id;
    w.attacker = 1 + id % nation_count;
    w.defender = 1 + (id * 13 + 1) % nation_count;
    w.start_tick = 1;
    w.war_score = static_cast<int32_t>(tick % 100);
    w.battle_score = static_cast<int32_t>(tick % 40);
    cs.wars.push_back(w);
  }
  for (int i = 0; i < mix.events * per; ++i) {
    cs.events.push_back(make_event(tick, "battle",
                                   {{"war", 1 + i % kWarIdPool},
                                    {"province", 1 + (i * 31) % province_count},
                                    {"attacker_losses", 1200 + i},
                                    {"defender_losses", 900 + i},
                                    {"winner", 1 + i % nation_count}}));
  }
  return cs;
}

}  // namespace hegemon::bench
