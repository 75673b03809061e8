#include "net/fog.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "net/protocol.h"

namespace hegemon::net {
namespace {

// Deltas cut per nation and kept for sessions that lag the acceptor: all run
// on one thread, but at full speed the acceptor may take a few dozen ticks
// in one turn before a session handles the first. Older ones get a snapshot.
constexpr size_t kKeptDeltas = 64;
// Change sets already shown to delayed spectators, likewise.
constexpr size_t kKeptShown = 64;

bool same_public(const Province& a, const Province& b) {
  return a.owner == b.owner && a.controller == b.controller && a.development == b.development;
}
bool same_public(const Nation& a, const Nation& b) {
  return a.alive == b.alive && a.capital == b.capital && a.war == b.war;
}
bool same_public(const War& a, const War& b) {
  return a.attacker == b.attacker && a.defender == b.defender && a.start_tick == b.start_tick &&
         a.end_tick == b.end_tick;
}

}  // namespace

Fog::Fog(std::shared_ptr<const World> live, std::shared_ptr<SaveReader> save, int32_t delay)
    : live_(std::move(live)), save_(std::move(save)), delay_(delay) {}

void Fog::player_in(NationId nation) {
  ++players_;
  ++nations_[nation].players;
}

void Fog::player_out(NationId nation, bool watching) {
  auto it = nations_.find(nation);
  if (it == nations_.end()) return;
  --players_;
  if (watching) --it->second.watchers;
  if (--it->second.players <= 0) nations_.erase(it);
  if (!keep_committed()) {  // no player left: nothing is kept, nothing paid
    committed_.reset();
    owner_.clear();
    controller_.clear();
    armies_.clear();
  }
}

void Fog::watch(NationId nation) { ++nations_[nation].watchers; }

std::unique_ptr<World> Fog::load(const WorldSnapshot& s) const {
  WorldSnapshot copy = s;
  copy.map = live_->map_ptr();  // the same map, shared
  auto world = std::make_unique<World>(copy);
  world->set_cold_store(save_);  // ended wars
  return world;
}

bool Fog::load_committed() {
  auto snapshot = save_->load_world();
  if (!snapshot) {
    spdlog::error("gateway: cannot read the committed world for players' views: {}",
                  snapshot.status().message());
    return false;
  }
  committed_ = load(*snapshot);
  index(*snapshot);
  for (auto& [id, view] : nations_) {  // every cut delta is of the world before
    view.tick = -1;
    view.deltas.clear();
    view.encoded.clear();
  }
  if (delay_ > 0) {
    // Delayed spectators restart from here once T - N reaches it; what they
    // are shown meanwhile stays as old as it was (restart_delayed).
    base_ = std::make_unique<WorldSnapshot>(std::move(*snapshot));
    pending_.clear();
  }
  return true;
}

const World* Fog::committed() {
  if (!committed_) load_committed();
  return committed_.get();
}

void Fog::index(const WorldSnapshot& s) {
  const size_t n = static_cast<size_t>(live_->map().province_count()) + 1;
  owner_.assign(n, kNoNation);
  controller_.assign(n, kNoNation);
  for (const auto& p : s.provinces)
    if (p.id >= 1 && static_cast<size_t>(p.id) < n) owner_[p.id] = p.owner, controller_[p.id] = p.controller;
  armies_.clear();
  for (const auto& a : s.armies) armies_[a.id] = {a.owner, a.location};
}

void Fog::index(const ChangeSet& cs) {
  for (const auto& p : cs.provinces)
    if (p.id >= 1 && static_cast<size_t>(p.id) < owner_.size())
      owner_[p.id] = p.owner, controller_[p.id] = p.controller;
  for (const auto& a : cs.armies) armies_[a.id] = {a.owner, a.location};
  for (ArmyId id : cs.removed_armies) armies_.erase(id);
}

std::vector<ProvinceId> Fog::sources(NationId nation) const {
  std::vector<ProvinceId> out;
  for (size_t id = 1; id < owner_.size(); ++id)
    if (owner_[id] == nation || controller_[id] == nation) out.push_back(static_cast<ProvinceId>(id));
  for (const auto& [id, at] : armies_)
    if (at.first == nation) out.push_back(at.second);
  return out;
}

void Fog::refresh(NationView& view, NationId nation) {
  const Tick tick = committed_->meta().tick;
  if (view.tick == tick) return;
  view.sight = sight_around(committed_->map(), sources(nation),
                            committed_->map().tuning().sight_radius);
  view.armies.clear();
  for (const auto& [id, at] : armies_)
    if (at.first == nation || view.sight.sees(at.second)) view.armies.push_back(id);
  std::sort(view.armies.begin(), view.armies.end());
  view.tick = tick;
}

void Fog::refresh_watched() {
  const Tick tick = committed_->meta().tick;
  std::unordered_map<NationId, std::vector<ProvinceId>> sources;
  for (auto& [nation, view] : nations_)
    if (view.watchers > 0 && view.tick != tick) sources[nation];
  if (sources.empty()) return;
  auto add = [&](NationId n, ProvinceId p) {
    if (n == kNoNation) return;
    if (auto it = sources.find(n); it != sources.end()) it->second.push_back(p);
  };
  for (size_t id = 1; id < owner_.size(); ++id) {
    add(owner_[id], static_cast<ProvinceId>(id));
    if (controller_[id] != owner_[id]) add(controller_[id], static_cast<ProvinceId>(id));
  }
  for (const auto& [id, at] : armies_) add(at.first, at.second);
  std::vector<std::pair<NationId, NationView*>> views;
  for (auto& [nation, list] : sources) {
    NationView& view = nations_[nation];
    view.sight = sight_around(committed_->map(), list, committed_->map().tuning().sight_radius);
    view.armies.clear();
    view.tick = tick;
    views.push_back({nation, &view});
  }
  for (const auto& [id, at] : armies_)
    for (auto& [nation, view] : views)
      if (at.first == nation || view->sight.sees(at.second)) view->armies.push_back(id);
  for (auto& [nation, view] : views) std::sort(view->armies.begin(), view->armies.end());
}

PlayerSight Fog::sight(NationId nation) {
  if (!committed()) return {};
  NationView& view = nations_[nation];
  refresh(view, nation);
  return {nation, committed_.get(), &view.sight};
}

const std::vector<ArmyId>& Fog::seen_armies(NationId nation) {
  sight(nation);
  return nations_[nation].armies;
}

std::shared_ptr<const std::string> Fog::player_delta(NationId nation, Tick tick,
                                                     Encoding encoding) {
  auto it = nations_.find(nation);
  if (it == nations_.end()) return nullptr;
  NationView& view = it->second;
  const auto key = std::make_pair(tick, encoding == Encoding::json ? 0 : 1);
  if (auto e = view.encoded.find(key); e != view.encoded.end()) return e->second;
  for (const auto& [t, doc] : view.deltas) {
    if (t != tick) continue;
    auto encoded = std::make_shared<const std::string>(encode_payload(doc, encoding));
    view.encoded.emplace(key, encoded);
    while (view.encoded.size() > 2 * kKeptDeltas) view.encoded.erase(view.encoded.begin());
    return encoded;
  }
  return nullptr;
}

PublicChanges Fog::public_changes(const ChangeSet& cs) const {
  PublicChanges pub;
  for (const auto& p : cs.provinces) {
    auto old = committed_->province(p.id);
    pub.provinces.push_back(!old || !same_public(*old, p));
  }
  for (const auto& n : cs.nations) {
    auto old = committed_->nation(n.id);
    pub.nations.push_back(!old || !same_public(*old, n));
  }
  for (const auto& w : cs.wars) {
    auto old = committed_->war(w.id);
    pub.wars.push_back(!old || !same_public(*old, w));
  }
  return pub;
}

void Fog::apply(World& world, const ChangeSet& cs) {
  for (const auto& p : cs.provinces) world.put_province(p);
  for (const auto& n : cs.nations) world.put_nation(n);
  for (const auto& a : cs.armies) world.put_army(a);
  for (ArmyId id : cs.removed_armies) world.remove_army(id);
  for (const auto& w : cs.wars) {
    if (w.active()) world.put_war(w);
    else world.retire_war(w.id);
  }
  world.set_meta(cs.meta.tick, cs.meta.next_army_id, cs.meta.next_war_id);
}

void Fog::on_delta(const ChangeSetPtr& changes) {
  if (!keep_committed()) return;
  if (delay_ > 0) pending_.push_back(changes);
  if (!committed_) {
    load_committed();
  } else if (changes->tick() > committed_->meta().tick + 1) {
    // A tick that did not come (a subscription's race); the save has it.
    load_committed();
  } else if (changes->tick() == committed_->meta().tick + 1) {
    const ChangeSet& cs = *changes;
    const PublicChanges pub = public_changes(cs);
    // Each watched nation's sight and armies before the tick.
    refresh_watched();
    std::vector<std::pair<NationId, std::pair<Sight, std::vector<ArmyId>>>> before;
    for (auto& [nation, view] : nations_)
      if (view.watchers > 0)
        before.push_back({nation, {std::move(view.sight), std::move(view.armies)}});
    apply(*committed_, cs);
    index(cs);
    refresh_watched();
    for (auto& [nation, old] : before) {
      NationView& view = nations_[nation];
      const PlayerSight after{nation, committed_.get(), &view.sight};
      view.deltas.emplace_back(
          cs.tick(), player_delta_json(cs, pub, after, old.first, old.second, view.armies));
      if (view.deltas.size() > kKeptDeltas) view.deltas.pop_front();
    }
  }
  if (delay_ > 0) advance_delayed();
}

void Fog::on_rollback() {
  if (!keep_committed()) return;
  load_committed();
  if (delay_ > 0) {
    const Tick now = committed_ ? committed_->meta().tick : 0;
    if (delayed_ && delayed_->meta().tick > now) delayed_.reset();  // it showed undone ticks
    shown_.clear();
    advance_delayed();
  }
}

void Fog::restart_delayed() {
  if (!committed_ && !load_committed()) return;
  const Tick latest = committed_->meta().tick;
  const Tick shown_up_to = latest - delay_;
  const Tick at = delayed_ ? delayed_->meta().tick : -1;
  if (base_ && base_->meta.tick <= shown_up_to && base_->meta.tick > at) {
    delayed_ = load(*base_);
    base_.reset();
    shown_.clear();
    return;
  }
  // Until then: the save's latest snapshot old enough, if newer than shown.
  auto snapshot = save_->snapshot_at_or_before(shown_up_to, live_->map_ptr());
  if (snapshot && *snapshot && (*snapshot)->meta.tick > at) {
    delayed_ = load(**snapshot);
    shown_.clear();
  }
}

void Fog::advance_delayed() {
  if (!committed_) return;
  const Tick shown_up_to = committed_->meta().tick - delay_;
  if (!delayed_ || (base_ && base_->meta.tick <= shown_up_to)) restart_delayed();
  if (!delayed_) return;
  while (!pending_.empty()) {
    const ChangeSetPtr& next = pending_.front();
    const Tick at = delayed_->meta().tick;
    if (next->tick() <= at) {
      pending_.pop_front();
      continue;
    }
    if (next->tick() != at + 1 || next->tick() > shown_up_to) break;
    apply(*delayed_, *next);
    shown_.push_back(next);
    if (shown_.size() > kKeptShown) shown_.pop_front();
    pending_.pop_front();
  }
}

const World* Fog::delayed() {
  if (delay_ <= 0) return nullptr;
  if (!delayed_) advance_delayed();
  return delayed_.get();
}

std::vector<ChangeSetPtr> Fog::delayed_after(Tick after) {
  std::vector<ChangeSetPtr> out;
  if (!delayed_) return out;
  if (delayed_->meta().tick <= after) return out;
  if (shown_.empty() || shown_.front()->tick() > after + 1) return out;  // resync
  for (const auto& cs : shown_)
    if (cs->tick() > after) out.push_back(cs);
  return out;
}

}  // namespace hegemon::net
