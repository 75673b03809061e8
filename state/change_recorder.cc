#include "state/change_recorder.h"

#include "state/game_date.h"

namespace hegemon {

ChangeRecorder::ChangeRecorder(World& world, Tick tick) : world_(world), tick_(tick) {
  const GameMeta meta = world.meta();
  next_army_id_ = meta.next_army_id;
  next_war_id_ = meta.next_war_id;
}

void ChangeRecorder::put(const Province& p) {
  if (province_before_.find(p.id) == province_before_.end()) {
    province_before_.emplace(p.id, world_.province(p.id).value_or(Province{}));
  }
  world_.put_province(p);
}

void ChangeRecorder::put(const Nation& n) {
  if (world_.nation(n.id) == n) return;  // unchanged: keep the change set small
  nations_.insert(n.id);
  world_.put_nation(n);
}

void ChangeRecorder::put(const Army& a) {
  const std::optional<Army> before = world_.army(a.id);
  if (before == a) return;
  army_owner_before_.emplace(a.id, before ? before->owner : kNoNation);  // first touch only
  armies_.insert(a.id);
  removed_armies_.erase(a.id);
  world_.put_army(a);
}

void ChangeRecorder::remove_army(ArmyId id) {
  armies_.erase(id);
  removed_armies_.insert(id);
  world_.remove_army(id);
}

void ChangeRecorder::put(const War& w) {
  wars_[w.id] = w;
  if (w.active()) {
    world_.put_war(w);
  } else {
    world_.retire_war(w.id);
  }
}

ChangeSet ChangeRecorder::finish() {
  world_.set_meta(tick_, next_army_id_, next_war_id_);

  ChangeSet cs;
  cs.meta = world_.meta();
  cs.date = date_of_tick(tick_).to_string();
  for (const auto& [id, before] : province_before_) {
    const Province now = world_.province(id).value_or(Province{});
    if (now == before) continue;  // touched but ended where it started
    cs.provinces.push_back(now);
    if (before.id == id && now.owner == before.owner) cs.provinces_same_owner.push_back(id);
    if (now.owner != before.owner || now.controller != before.controller ||
        now.development != before.development) {
      cs.history.push_back({tick_, id, now.owner, now.controller, now.development});
    }
  }
  for (NationId id : nations_) {
    if (auto n = world_.nation(id)) cs.nations.push_back(*n);
  }
  for (ArmyId id : armies_) {
    const std::optional<Army> a = world_.army(id);
    if (!a) continue;
    cs.armies.push_back(*a);
    const NationId owner_before = army_owner_before_.at(id);
    if (owner_before != kNoNation && owner_before == a->owner) cs.armies_same_owner.push_back(id);
  }
  cs.removed_armies.assign(removed_armies_.begin(), removed_armies_.end());
  for (const auto& [id, w] : wars_) cs.wars.push_back(w);
  cs.events = std::move(events_);
  return cs;
}

ChangeRecorder::Touched ChangeRecorder::touched() const {
  Touched t;
  for (const auto& [id, before] : province_before_) {
    t.provinces.push_back(before);
    t.provinces.back().id = id;  // a province new this tick was recorded as Province{}
  }
  t.nations.assign(nations_.begin(), nations_.end());
  t.armies.assign(armies_.begin(), armies_.end());
  t.removed_armies.assign(removed_armies_.begin(), removed_armies_.end());
  for (const auto& entry : wars_) t.wars.push_back(entry.second);
  return t;
}

}  // namespace hegemon
