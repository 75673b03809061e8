// The requests that read game state (rows of net/request_table.cc marked
// Reads::world) and the watch stream, all through the session's View: the
// hot cache for admins and live spectators, a player's nation's sight in the
// committed world (net/fog.h, net/fog_views.h), or the world N ticks ago for
// delayed spectators. A handler here never reads ctx_->world directly except
// through a live View, so what a player or a delayed spectator may not see
// cannot reach it by a request that forgot the filter.
#include <algorithm>
#include <chrono>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/io/broker.hpp>
#include <spdlog/spdlog.h>

#include "actors/atoms.h"
#include "actors/game_status.h"
#include "actors/messages.h"
#include "net/fog_views.h"
#include "net/gateway_parts.h"
#include "net/json_views.h"
#include "net/protocol.h"
#include "net/session.h"
#include "net/view_cache.h"
#include "state/bounded_json.h"
#include "state/game_date.h"
#include "state/hash_hex.h"

namespace hegemon::net {
namespace {

json map_json(const World& world) {
  json rows = json::array();
  for (ProvinceId id = 1; id <= world.map().province_count(); ++id)
    if (auto p = world.province(id)) rows.push_back(json::array({p->id, p->owner, p->controller}));
  return {{"tick", world.meta().tick}, {"provinces", std::move(rows)}};
}

}  // namespace

View::Kind Session::view_kind() const {
  if (session_.role == Role::player) return View::Kind::player;
  if (session_.role == Role::spectator && ctx_->options.spectator_delay > 0)
    return View::Kind::delayed;
  return View::Kind::live;
}

View Session::view() {
  View v;
  v.kind = view_kind();
  switch (v.kind) {
    case View::Kind::live:
      v.world = ctx_->world.get();
      break;
    case View::Kind::player:
      v.fog = ctx_->fog->sight(session_.nation);
      v.world = v.fog.world;
      if (!v.world) v.why = "the committed world cannot be read now; try again";
      break;
    case View::Kind::delayed:
      v.world = ctx_->fog->delayed();
      if (!v.world)
        v.why = "spectators see the game " + std::to_string(ctx_->options.spectator_delay) +
                " ticks late, and it has not been running that long yet";
      break;
  }
  return v;
}

void Session::fog_login(NationId nation) {
  fog_logout();
  ctx_->fog->player_in(nation);
  if (session_.watching) ctx_->fog->watch(nation);  // a watcher that logged in again
  session_.fog_player = true;
}

void Session::fog_logout() {
  if (!session_.fog_player) return;
  ctx_->fog->player_out(session_.nation, session_.watching);
  session_.fog_player = false;
}

void Session::status(const Request& r) {
  auto id = r.id;
  auto* self = this;
  auto failed = [self, id](caf::error& err) {
    self->send(reply_error(id, errc::kFailed, describe(err)));
  };
  self_->request(ctx_->game, std::chrono::seconds(30), status_atom::value)
      .then(
          [self, id, failed](GameStatus& s) {
            json out = status_json(s);
            out["content"] = content_json(self->ctx_->options.content);
            // How many armies there are in all is not a player's business;
            // a delayed spectator's clock is the delayed world's.
            View v = self->view();
            if (v.kind != View::Kind::live) out.erase("armies");
            if (v.kind == View::Kind::delayed) {
              if (!v.world) return self->send(reply_error(id, errc::kFailed, v.why));
              const GameMeta meta = v.world->meta();
              out["tick"] = out["committed_tick"] = meta.tick;
              out["date"] = date_of_tick(meta.tick).to_string();
              out["state_hash"] = hash_to_hex(meta.state_hash);
              out["living_nations"] = v.world->living_nations().size();
              out["active_wars"] = v.world->active_wars().size();
            }
            if (v.kind == View::Kind::player) out.erase("state_hash");
            self->self_->request(self->acceptor(), std::chrono::seconds(10), clients_atom::value)
                .then(
                    [self, id, out](std::vector<ClientSummary>& clients) mutable {
                      out["clients"] = clients.size();
                      self->send(reply_result(id, out));
                    },
                    failed);
          },
          failed);
}

void Session::lookup(const Request& r) {
  auto id = id_field(r, r.type.c_str());  // {"type": "province", "province": 12}
  if (!id) return send(reply_error(r.id, errc::kBadRequest, id.status().message()));
  const View v = view();
  if (!v.world) return send(reply_error(r.id, errc::kFailed, v.why));
  const int32_t x = *id;
  json found;
  if (v.kind == View::Kind::player) {  // cut to the player's sight (net/fog_views.h)
    found = r.type == "province" ? province_json(v.fog, x)
            : r.type == "nation" ? nation_json(v.fog, x)
            : r.type == "army"   ? army_json(v.fog, x)
                                 : war_json(v.fog, x);
  } else {
    const World& world = *v.world;
    found = r.type == "province" ? province_json(world, x)
            : r.type == "nation" ? nation_json(world, x)
            : r.type == "army"   ? army_json(world, x)
                                 : war_json(world, x);
    // The delayed world reads ended wars from the save, which also knows
    // wars declared after its tick.
    if (v.kind == View::Kind::delayed && r.type == "war" && !found.is_null() &&
        found["start_tick"].get<Tick>() > v.world->meta().tick)
      found = nullptr;
  }
  // Unseen is answered as absent, so that the error tells nothing either.
  if (found.is_null())
    return send(reply_error(r.id, errc::kNotFound, "no " + r.type + " " + std::to_string(*id)));
  send(reply_result(r.id, found));
}

void Session::from_cache(const Request& r) {
  const View v = view();
  if (!v.world) return send(reply_error(r.id, errc::kFailed, v.why));
  const World& world = *v.world;
  if (r.type == "map") {  // owner and controller of every province: public
    if (v.kind != View::Kind::live) return send(reply_result(r.id, map_json(world)));
    const EncodedView& map = map_view(ctx_->world, session_.encoding);
    return send_payload(reply_payload(r.id, map.payload, session_.encoding), r.id);
  }
  if (r.type == "geometry")  // fixed for the game's life: the browser map draws from it
    return send(reply_result(r.id, geometry_json(world)));
  auto nation = id_field(r, "nation");  // provinces_of: owners are public
  if (!nation) return send(reply_error(r.id, errc::kBadRequest, nation.status().message()));
  if (!world.map().has_nation(*nation))
    return send(reply_error(r.id, errc::kNotFound, "no nation " + std::to_string(*nation)));
  send(reply_result(r.id, *world.provinces_of(*nation)));
}

void Session::from_save(const Request& r) {
  SaveReader& save = *ctx_->save;
  const View v = view();
  if (!v.world) return send(reply_error(r.id, errc::kFailed, v.why));
  // The newest tick this viewer may read of the save's history.
  const Tick now = v.world->meta().tick;
  if (r.type == "events") {  // {"from": T1, "to": T2}, both optional: the last 30 days
    constexpr Tick kMaxSpan = 3650;
    auto field_or = [&](const char* name, Tick fallback) -> Result<Tick> {
      if (!r.body.contains(name)) return fallback;
      return int_field(r, name);
    };
    auto to = field_or("to", now);
    // No subtraction may overflow: both ends come from the client, and
    // to - from with from = -2^62, to = 2^62 overflowed (undefined; in
    // practice a negative span that passed the check below: the whole
    // event log in one reply). With from <= to the unsigned difference is
    // exact. tests/reliability/bad_clients.py sends such ranges.
    auto from = to ? field_or("from", *to > 30 ? *to - 30 : 0) : to;
    if (!to || !from)
      return send(reply_error(r.id, errc::kBadRequest, "\"from\" and \"to\" must be integers"));
    if (*from > *to || static_cast<uint64_t>(*to) - static_cast<uint64_t>(*from) > kMaxSpan)
      return send(
          reply_error(r.id, errc::kBadRequest, "need from <= to, at most 3650 ticks apart"));
    // Nothing after the viewer's tick: the save may be ahead of a player's
    // committed world by a tick, and is ahead of a delayed spectator's by N.
    if (v.kind != View::Kind::live) *to = std::min(*to, now);
    auto events = save.events_between(*from, *to);
    if (!events) return send(reply_error(r.id, errc::kFailed, events.status().message()));
    // An admin also sees the server's own record (incidents, operators'
    // actions: audit_log), each after the game's events of its tick.
    std::vector<Event> audit;
    if (session_.role == Role::admin) {
      auto rows = save.audit_between(*from, *to);
      if (!rows) return send(reply_error(r.id, errc::kFailed, rows.status().message()));
      audit = std::move(*rows);
      // In order of insertion, which after a rollback is not that of ticks.
      std::stable_sort(audit.begin(), audit.end(),
                       [](const Event& a, const Event& b) { return a.tick < b.tick; });
    }
    json out = json::array();
    auto add = [&](const Event& e, bool incident) {
      json data = parse_json_or_null(e.data, kEventDataLimits);
      // A player: what concerns it, and what happened where it sees now
      // only if it happened now (fog_views.h, EventTime).
      const EventTime when = e.tick < now ? EventTime::past : EventTime::this_tick;
      if (v.kind == View::Kind::player && !event_visible(v.fog, e.type, data, when)) return;
      json row{{"tick", e.tick}, {"type", e.type}, {"data", std::move(data)}};
      if (incident) row["audit"] = true;
      out.push_back(std::move(row));
    };
    size_t next = 0;
    for (const auto& e : *events) {
      for (; next < audit.size() && audit[next].tick < e.tick; ++next) add(audit[next], true);
      add(e, false);
    }
    for (; next < audit.size(); ++next) add(audit[next], true);
    return send(reply_result(r.id, out));
  }
  if (r.type == "province_at") {  // {"province": P, "tick": T}: owners are public
    auto id = id_field(r, "province");
    auto tick = int_field(r, "tick");
    if (!id || !tick)
      return send(
          reply_error(r.id, errc::kBadRequest, "\"province\" and \"tick\" must be integers"));
    auto row = save.province_at(*id, v.kind == View::Kind::live ? *tick : std::min(*tick, now));
    if (!row) return send(reply_error(r.id, errc::kFailed, row.status().message()));
    if (!*row)
      return send(
          reply_error(r.id, errc::kNotFound, "no history for province " + std::to_string(*id)));
    const auto& h = **row;
    return send(reply_result(r.id, {{"province", h.province},
                                    {"since_tick", h.tick},
                                    {"owner_id", h.owner},
                                    {"controller_id", h.controller},
                                    {"development", h.development}}));
  }
  auto nation = id_field(r, "nation");  // wars_of
  if (!nation) return send(reply_error(r.id, errc::kBadRequest, nation.status().message()));
  auto wars = save.wars_of(*nation);
  if (!wars) return send(reply_error(r.id, errc::kFailed, wars.status().message()));
  json out = json::array();
  for (War w : *wars) {
    if (v.kind != View::Kind::live) {
      if (w.start_tick > now) continue;  // declared after the viewer's tick
      if (w.end_tick > now) {            // still going at the viewer's tick
        auto then = v.world->war(w.id);
        if (!then) continue;
        w = *then;
      }
    }
    json row = v.kind == View::Kind::player ? war_row(w, session_.nation) : war_state(w);
    row.erase("peace_offer");
    out.push_back(std::move(row));
  }
  send(reply_result(r.id, out));
}

void Session::push_snapshot(const char* reason) {
  const View v = view();
  if (!v.world)  // a delayed world that went away (rollback): nothing to show yet
    return send({{"push", "error"}, {"reason", v.why}});
  json snapshot = v.kind == View::Kind::player
                      ? player_snapshot_json(v.fog, ctx_->fog->seen_armies(session_.nation))
                      : snapshot_json(*v.world);
  session_.watched_tick = snapshot["tick"].get<Tick>();
  snapshot["push"] = "snapshot";
  snapshot["reason"] = reason;
  send(snapshot);
  session_.snapshot_bytes = session_.last_frame_bytes;
}

void Session::watch(const Request& r) {
  const View v = view();
  if (!v.world) return send(reply_error(r.id, errc::kFailed, v.why));
  if (!session_.watching) {
    session_.watching = true;
    if (v.kind == View::Kind::player) ctx_->fog->watch(session_.nation);
    self_->send(acceptor(), watching_atom::value, id_);  // which relays the deltas
  }
  if (v.kind == View::Kind::live) {
    const EncodedView& snapshot = snapshot_view(ctx_->world, session_.encoding);
    session_.watched_tick = snapshot.tick;
    send_payload(reply_payload(r.id, snapshot.payload, session_.encoding), r.id);
  } else {
    json snapshot = v.kind == View::Kind::player
                        ? player_snapshot_json(v.fog, ctx_->fog->seen_armies(session_.nation))
                        : snapshot_json(*v.world);
    session_.watched_tick = snapshot["tick"].get<Tick>();
    send(reply_result(r.id, snapshot));
  }
  session_.snapshot_bytes = session_.last_frame_bytes;
}

void Session::fog_delta(const ChangeSetPtr& changes) {
  if (view_kind() == View::Kind::player) {
    if (changes->tick() != session_.watched_tick + 1) return push_snapshot("resync");
    auto payload = ctx_->fog->player_delta(session_.nation, changes->tick(), session_.encoding);
    if (!payload) return push_snapshot("resync");  // not cut for this tick (joined since)
    session_.watched_tick = changes->tick();
    return send_frame(transport_->encode(*payload, session_.encoding));
  }
  // Delayed: the change sets the delayed world advanced by since the last
  // one sent, whole (spectators see everything, late).
  const World* delayed = ctx_->fog->delayed();
  if (!delayed || delayed->meta().tick <= session_.watched_tick) return;
  auto next = ctx_->fog->delayed_after(session_.watched_tick);
  if (next.empty() || next.front()->tick() != session_.watched_tick + 1)
    return push_snapshot("resync");
  for (const auto& cs : next) {
    session_.watched_tick = cs->tick();
    send_frame(transport_->encode(encode_payload(delta_json(*cs), session_.encoding),
                                  session_.encoding));
  }
}

}  // namespace hegemon::net
