// The gateway's committed worlds, for the views that must not come from the
// hot cache: players' (fog of war, net/fog_views.h) and delayed spectators'
// (`--spectators delayed:N`).
//
// The hot cache runs ahead of the save by up to max_uncommitted ticks, and a
// player must see exactly the committed tick its deltas describe. So while a
// player is logged in (or spectators are delayed) the gateway keeps its own
// World: read from the save (a committed tick), then advanced by each
// committed change set the publisher hands the acceptor, before the acceptor
// relays it to the watchers. At each tick the sight of every nation one of
// whose players watches is computed once (rules/sight.h), and the tick's
// delta is cut once for that nation and shared by all its players'
// sessions. With no player logged in and spectators live, nothing is kept
// and a tick costs nothing here.
//
// Delayed spectators: a second World N ticks behind the first, advanced from
// a ring of the last N change sets. It starts at the save's latest snapshot
// at or before tick T-N and waits there (never shows anything newer than
// T-N) until the change sets held reach it; after a rollback likewise.
//
// One object per gateway, used on the middleman's I/O thread only (the
// acceptor and every connection broker run there), so it takes no lock.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/messages.h"
#include "net/fog_views.h"
#include "net/protocol.h"
#include "persistence/save_reader.h"
#include "rules/sight.h"
#include "state/world.h"

namespace hegemon::net {

class Fog {
 public:
  // `live`: the hot cache (its map is shared); `save`: the gateway's
  // read-only connection; `delay`: spectators' delay in ticks, 0 for live.
  Fog(std::shared_ptr<const World> live, std::shared_ptr<SaveReader> save, int32_t delay);

  // A player session of `nation` logged in / ended (with the number of its
  // sessions that watch). The committed world is kept while any is in.
  void player_in(NationId nation);
  void player_out(NationId nation, bool watching);
  // A player session of `nation` starts watching: its nation's deltas are
  // cut from the next tick on.
  void watch(NationId nation);

  // The committed world, read from the save at first use; nullptr if the
  // save cannot be read (logged; the caller answers with an error).
  const World* committed();
  // `nation`'s sight in committed() and the armies it sees there: computed
  // once per tick.
  PlayerSight sight(NationId nation);
  const std::vector<ArmyId>& seen_armies(NationId nation);

  // The delta of `tick` as `nation`'s players see it; nullptr if it was not
  // cut (the session sends a fresh snapshot instead).
  std::shared_ptr<const std::string> player_delta(NationId nation, Tick tick, Encoding encoding);

  // Delayed spectators: the world `delay` ticks behind (nullptr if none
  // can be read), and the change sets it advanced by after tick `after`, in
  // order (empty if `after` is older than those held: resync).
  const World* delayed();
  std::vector<ChangeSetPtr> delayed_after(Tick after);
  int32_t delay() const { return delay_; }

  // From the acceptor, before it relays them.
  void on_delta(const ChangeSetPtr& changes);
  void on_rollback();

 private:
  struct NationView {
    int players = 0;   // sessions logged in
    int watchers = 0;  // of which watching
    Tick tick = -1;    // of `sight` and `armies`
    Sight sight;
    std::vector<ArmyId> armies;
    // The last deltas cut, by tick (a few: sessions may lag the acceptor).
    std::deque<std::pair<Tick, nlohmann::json>> deltas;
    std::map<std::pair<Tick, int>, std::shared_ptr<const std::string>> encoded;
  };
  bool keep_committed() const { return players_ > 0 || delay_ > 0; }
  bool load_committed();
  void refresh(NationView& view, NationId nation);
  // refresh() of every watched nation at once: one pass over the provinces
  // and one over the armies for all of them, not one per nation.
  void refresh_watched();
  // Computes what of `cs` is public, from committed_ before it is applied.
  PublicChanges public_changes(const ChangeSet& cs) const;
  static void apply(World& world, const ChangeSet& cs);
  // committed_'s provinces' owners and controllers and armies' owners and
  // places as plain arrays: a sight's sources without a hash lookup per
  // province (rules/sight.h's sight_of computes the same from the World).
  void index(const WorldSnapshot& s);
  void index(const ChangeSet& cs);
  std::vector<ProvinceId> sources(NationId nation) const;
  std::unique_ptr<World> load(const WorldSnapshot& s) const;
  void advance_delayed();
  void restart_delayed();

  std::shared_ptr<const World> live_;
  std::shared_ptr<SaveReader> save_;
  int32_t delay_;
  int players_ = 0;
  std::unique_ptr<World> committed_;
  std::unordered_map<NationId, NationView> nations_;
  std::vector<NationId> owner_, controller_;                 // by province id
  std::unordered_map<ArmyId, std::pair<NationId, ProvinceId>> armies_;  // owner, location
  // The committed world as first read, kept while delayed spectators may
  // yet need it: their world restarts from it once T - N reaches its tick.
  std::unique_ptr<WorldSnapshot> base_;
  // Delayed spectators'.
  std::unique_ptr<World> delayed_;
  std::deque<ChangeSetPtr> pending_;   // committed, not yet shown to them
  std::deque<ChangeSetPtr> shown_;     // the last ones applied to delayed_
};

}  // namespace hegemon::net
