// The requests a session answers (net/session.h), one handler per row of
// net/request_table.cc: the handshake and login, commands and the admin
// requests, each turned into a message to the game supervisor or answered at
// once. The requests that read game state are in net/session_views.cc.
// dispatch() checks the row's roles before any handler runs.
#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/io/broker.hpp>
#include <spdlog/spdlog.h>

#include "actors/atoms.h"
#include "actors/errors.h"
#include "actors/game_speed.h"
#include "actors/game_status.h"
#include "actors/messages.h"
#include "net/session.h"
#include "net/gateway_parts.h"
#include "net/json_views.h"
#include "net/log_throttle.h"
#include "net/protocol.h"
#include "net/request_budget.h"
#include "net/view_cache.h"
#include "persistence/token_store.h"
#include "state/bounded_json.h"
#include "state/command_json.h"

namespace hegemon::net {
namespace {

// Compares in time independent of where the strings differ.
bool same_secret(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

}  // namespace

void Session::hello(const Request& r) {
  auto version = int_field(r, "version");
  if (!version) return send(reply_error(r.id, errc::kBadRequest, version.status().message()));
  if (*version != kProtocolVersion) {
    return send(reply_error(r.id, errc::kVersionMismatch,
                            "this server speaks protocol version " +
                                std::to_string(kProtocolVersion) + ", not " +
                                std::to_string(*version)));
  }
  if (session_.greeted) return send(reply_error(r.id, errc::kBadRequest, "hello was already said"));
  Encoding encoding = Encoding::json;
  if (r.body.contains("encoding")) {
    auto name = string_field(r, "encoding");
    auto chosen = name ? encoding_from_name(*name) : std::nullopt;
    if (!chosen)
      return send(
          reply_error(r.id, errc::kBadRequest, "\"encoding\" must be \"json\" or \"msgpack\""));
    encoding = *chosen;
  }
  session_.greeted = true;
  // The reply is in JSON, like the hello; every frame after it in the
  // chosen encoding.
  send(reply_result(r.id, {{"server", "hegemon"},
                           {"version", kProtocolVersion},
                           {"encoding", encoding_name(encoding)},
                           {"spectators", ctx_->options.allow_spectators},
                           {"content", ctx_->options.content.checksum_hex}}));
  session_.encoding = encoding;
}

void Session::login(const Request& r) {
  auto role = string_field(r, "role");
  if (!role) return send(reply_error(r.id, errc::kBadRequest, role.status().message()));
  json result;
  if (*role == "spectator") {
    if (!ctx_->options.allow_spectators)
      return send(reply_error(r.id, errc::kUnauthorized,
                              "this server admits no spectators (--spectators off)"));
    fog_logout();
    session_.role = Role::spectator;
    session_.nation = kNoNation;
  } else if (*role == "admin" || *role == "player") {
    auto token = string_field(r, "token");
    if (!token) return send(reply_error(r.id, errc::kBadRequest, token.status().message()));
    // Refused before the token is looked at: past the limit, a guess right
    // or wrong gets the same answer.
    const std::string address = self_->remote_addr(hdl_);
    if (auto refused = ctx_->logins->refusal(address, Clock::now())) {
      log_failed_login(*role, "refused unchecked, " + *refused);
      return send(reply_error(r.id, errc::kRateLimited, *refused));
    }
    const bool configured = *role == "admin" && !ctx_->options.admin_token.empty() &&
                            same_secret(*token, ctx_->options.admin_token);
    std::optional<TokenRecord> stored;
    if (!configured) {
      auto found = ctx_->save->find_token(token_hash(*token));
      if (!found) return send(reply_error(r.id, errc::kFailed, found.status().message()));
      stored = *found;
    }
    if (!configured && (!stored || stored->role != *role)) {
      ctx_->logins->failed(address, Clock::now());
      log_failed_login(*role, "wrong token");
      return send(reply_error(r.id, errc::kUnauthorized, "wrong " + *role + " token"));
    }
    if (stored && stored->role == "player" && ctx_->handed_back->contains(stored->nation))
      return send(reply_error(r.id, errc::kForbidden,
                              "nation " + std::to_string(stored->nation) +
                                  " was handed back to the AI by an admin; ask an admin to "
                                  "hand it to you again"));
    fog_logout();
    session_.nation = kNoNation;
    session_.role = *role == "admin" ? Role::admin : Role::player;
    session_.token_id = stored ? stored->id : 0;
    session_.demoted_because.clear();
    if (stored && stored->role == "player") {
      session_.nation = stored->nation;
      result["nation"] = stored->nation;
      fog_login(stored->nation);  // its views now come from the committed world
    }
  } else {
    return send(
        reply_error(r.id, errc::kBadRequest, "\"role\" must be admin, player or spectator"));
  }
  result["role"] = role_name(session_.role);
  self_->send(acceptor(), session_atom::value, id_, std::string(role_name(session_.role)),
              session_.nation, session_.token_id);
  send(reply_result(r.id, result));
}

void Session::log_failed_login(const std::string& role, const std::string& why) {
  audit_refused_login(role, why);
  static LogThrottle failed_logins(10);  // every connection's
  uint64_t held_back = 0;
  if (!failed_logins.allow(held_back)) return;
  if (held_back == 0)
    spdlog::warn("gateway: failed {} login from {}: {}", role, peer(), why);
  else
    spdlog::warn("gateway: failed {} login from {}: {} ({} more not logged)", role, peer(), why,
                 held_back);
}

void Session::issue_token(const Request& r) {
  auto role = string_field(r, "role");
  if (!role || (*role != "admin" && *role != "player"))
    return send(reply_error(r.id, errc::kBadRequest, "\"role\" must be admin or player"));
  NationId nation = kNoNation;
  if (*role == "player") {
    auto n = id_field(r, "nation");
    if (!n) return send(reply_error(r.id, errc::kBadRequest, n.status().message()));
    if (!ctx_->world->map().has_nation(*n))
      return send(reply_error(r.id, errc::kNotFound, "no nation " + std::to_string(*n)));
    nation = *n;
  }
  const std::string token = random_token();
  const std::string role_text = *role;
  auto handed_back = ctx_->handed_back;
  auto* self = this;
  ask_game<int64_t>(
      r,
      [self, token, role_text, nation, handed_back](int64_t& id) {
        if (nation != kNoNation) handed_back->hand_over(nation);  // the game hands it over too
        self->audit("token_issued",
                    {{"token_id", id},
                     {"role", role_text},
                     {"nation", nation != kNoNation ? json(nation) : json(nullptr)}});
        json out{{"token_id", id}, {"token", token}, {"role", role_text}};
        if (nation != kNoNation) out["nation"] = nation;
        return out;
      },
      token_atom::value, role_text, nation, token_hash(token));
}

void Session::game_command(const Request& r) {
  const CommandKind kind = *command_kind_from_name(r.type);  // the table's rows are kinds
  if (session_.role == Role::spectator)
    return send(reply_error(r.id, errc::kForbidden,
                            session_.demoted_because.empty() ? "spectators cannot give commands"
                                                             : session_.demoted_because));
  auto parsed = command_from_json(kind, r.body);
  if (!parsed) return send(reply_error(r.id, errc::kBadRequest, parsed.status().message()));
  Command c = std::move(*parsed);
  c.seq = 0;  // numbered by the game, never by a client
  if (session_.role == Role::player) {
    if (r.body.contains("nation") && c.nation != session_.nation)
      return send(reply_error(
          r.id, errc::kForbidden,
          "a player commands only its own nation (" + std::to_string(session_.nation) + ")"));
    c.nation = session_.nation;
  } else if (!r.body.contains("nation")) {
    return send(reply_error(r.id, errc::kBadRequest,
                            "\"nation\" must be an integer (the nation to command)"));
  }
  // A nation handed back to the AI: its player sessions lose command now,
  // not when the command's tick comes.
  const bool set_player = c.kind == CommandKind::set_player;
  auto* self = this;
  ask_game<Command>(
      r,
      [self, set_player](Command& scheduled) {
        if (set_player && scheduled.player) {
          self->ctx_->handed_back->hand_over(scheduled.nation);
        } else if (set_player) {
          self->ctx_->handed_back->hand_back(scheduled.nation);
          self->self_->send(self->acceptor(), handed_back_atom::value, scheduled.nation);
        }
        json out = command_to_json(scheduled);
        out["tick"] = scheduled.tick;
        return out;
      },
      command_atom::value, c);
}

void Session::dispatch(const Request& r) {
  const RequestSpec* spec = find_request(r.type);
  if (!spec) return send(reply_error(r.id, errc::kUnknownType, "no request type '" + r.type + "'"));
  if (!allows(spec->roles, session_.role)) {
    if (session_.role == Role::none)
      return send(reply_error(r.id, errc::kUnauthorized, "log in first"));
    // A spectator's command: refused with why it is one (demoted, say).
    if (spec->group == RequestGroup::command && session_.role == Role::spectator)
      return send(reply_error(r.id, errc::kForbidden,
                              session_.demoted_because.empty() ? "spectators cannot give commands"
                                                               : session_.demoted_because));
    return send(reply_error(r.id, errc::kForbidden, "'" + r.type + "' needs the admin role"));
  }
  (this->*(spec->handler))(r);
}


namespace {
json ok_json(caf::ok_atom&) { return json{{"ok", true}}; }
}  // namespace

void Session::list_actors(const Request& r) {
  ask_game<std::vector<ActorInfo>>(
      r, [](std::vector<ActorInfo>& a) { return actors_json(a); }, list_atom::value);
}

void Session::simple_admin(const Request& r) {
  if (r.type == "pause") return ask_game<caf::ok_atom>(r, ok_json, pause_atom::value);
  if (r.type == "resume") return ask_game<caf::ok_atom>(r, ok_json, resume_atom::value);
  ask_game<caf::ok_atom>(r, ok_json, checkpt_atom::value);  // save
}

void Session::save_as(const Request& r) {
  auto path = string_field(r, "path");
  if (!path) return send(reply_error(r.id, errc::kBadRequest, path.status().message()));
  ask_game<caf::ok_atom>(r, ok_json, save_as_atom::value, *path);
}

void Session::kill_or_restart(const Request& r) {
  auto key = actor_key(r);
  if (!key) return send(reply_error(r.id, errc::kBadRequest, key.status().message()));
  spdlog::warn("gateway: admin {} of {}", r.type, key->to_string());
  if (r.type == "kill")
    return ask_game<caf::ok_atom>(r, ok_json, kill_atom::value, *key,
                                  std::string("killed by an admin"));
  auto restarted = [](caf::actor&, uint64_t& generation) {
    return json{{"generation", generation}};
  };
  ask_game2(r, restarted, restart_atom::value, *key);
}

void Session::rollback(const Request& r) {
  auto tick = int_field(r, "tick");
  if (!tick) return send(reply_error(r.id, errc::kBadRequest, tick.status().message()));
  spdlog::warn("gateway: an admin rolls the game back to tick {}", *tick);
  // No timeout: a rollback replays up to a snapshot interval of ticks,
  // and a client that gave up and asked again would only be refused.
  auto id = r.id;
  auto* self = this;
  self_->request(ctx_->game, caf::infinite, rollback_atom::value, *tick)
      .then(
          [self, id](Tick t) {
            self->send(reply_result(id, {{"tick", t}, {"speed", "paused"}}));
          },
          [self, id](caf::error& err) {
            self->send(reply_error(id, error_code(err), describe(err)));
          });
}

void Session::revoke_token(const Request& r) {
  auto id = int_field(r, "token_id");
  if (!id) return send(reply_error(r.id, errc::kBadRequest, id.status().message()));
  auto* self = this;
  const int64_t token = *id;
  auto revoked = [self, token](caf::ok_atom&) {
    self->audit("token_revoked", {{"token_id", token}});
    self->self_->send(self->acceptor(), revoked_atom::value, token);  // its sessions end
    return json{{"ok", true}};
  };
  ask_game<caf::ok_atom>(r, revoked, revoke_atom::value, token);
}

void Session::list_tokens(const Request& r) {
  ask_game<std::vector<TokenRecord>>(
      r,
      [](std::vector<TokenRecord>& list) {
        json out = json::array();
        for (const auto& t : list)
          out.push_back({{"token_id", t.id},
                         {"role", t.role},
                         {"nation", t.nation},
                         {"created_at", t.created_at},
                         {"revoked", t.revoked_at != 0}});
        return out;
      },
      tokens_atom::value);
}

void Session::shutdown(const Request& r) {
  spdlog::warn("gateway: an admin asked to shut the server down");
  // The answer comes once every tick is committed and the save checkpointed.
  ask_game<Tick>(
      r,
      [](Tick& t) {
        return json{{"committed_tick", t}};
      },
      stop_atom::value);
}

void Session::set_speed(const Request& r) {
  auto speed_text = string_field(r, "speed");
  auto speed = speed_text ? parse_speed(*speed_text) : std::nullopt;
  if (!speed)
    return send(reply_error(r.id, errc::kBadRequest, "\"speed\" must be \"0\"..\"5\" or \"max\""));
  ask_game<caf::ok_atom>(r, ok_json, speed_atom::value, *speed);
}

void Session::manage_clients(const Request& r) {
  auto id = r.id;
  auto* self = this;
  if (r.type == "kick") {
    auto failed = [self, id](caf::error& err) {
      self->send(reply_error(id, errc::kNotFound, describe(err)));
    };
    auto client = int_field(r, "client");
    if (!client || *client <= 0)
      return send(reply_error(r.id, errc::kBadRequest, "\"client\" must be a client id"));
    const int64_t target = *client;
    self_
        ->request(acceptor(), std::chrono::seconds(10), kick_atom::value,
                  static_cast<uint64_t>(*client))
        .then(
            [self, id, target](caf::ok_atom) {
              self->audit("client_kicked", {{"kicked", target}});
              self->send(reply_result(id, {{"ok", true}}));
            },
            failed);
    return;
  }
  self_->request(acceptor(), std::chrono::seconds(10), clients_atom::value)
      .then(
          [self, id](std::vector<ClientSummary>& clients) {
            json out = json::array();
            for (const auto& c : clients)
              out.push_back({{"client", c.id},
                             {"peer", c.peer},
                             {"role", c.role},
                             {"nation", c.nation},
                             {"token_id", c.token_id != 0 ? json(c.token_id) : json(nullptr)},
                             {"connected_seconds", c.connected_seconds}});
            self->send(reply_result(id, out));
          },
          [self, id](caf::error& err) {
            self->send(reply_error(id, errc::kFailed, describe(err)));
          });
}

Result<ActorKey> Session::actor_key(const Request& r) {
  auto kind_text = string_field(r, "kind");
  if (!kind_text) return kind_text.status();
  auto kind = kind_from_name(*kind_text);
  if (!kind ||
      (*kind != ActorKind::nation && *kind != ActorKind::war && *kind != ActorKind::persistence))
    return Status::error("\"kind\" must be nation, war or persistence");
  ActorKey key{*kind, 0};
  if (*kind != ActorKind::persistence) {
    auto id = id_field(r, "actor");
    if (!id) return Status::error("\"actor\" must be an integer (the nation or war id)");
    key.id = *id;
  }
  return key;
}

}  // namespace hegemon::net
