// One client's connection to the gateway (net/gateway.h): a broker forked
// by the acceptor (net/gateway.cc), with its session: framing, handshake,
// login, rate limit, outbox, and the requests it turns into messages to the
// game supervisor or answers from the hot cache and the save.
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/receive_policy.hpp>
#include <caf/io/system_messages.hpp>
#include <spdlog/spdlog.h>

#include "actors/atoms.h"
#include "actors/errors.h"
#include "actors/game_speed.h"
#include "actors/game_status.h"
#include "actors/messages.h"
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

using nlohmann::json;
using idle_atom = caf::atom_constant<caf::atom("idle")>;
// A connection's debt for big replies is paid off: its held requests go on.
using budget_atom = caf::atom_constant<caf::atom("budget")>;

enum class Role { none, spectator, player, admin };

const char* role_name(Role r) {
  switch (r) {
    case Role::admin: return "admin";
    case Role::player: return "player";
    case Role::spectator: return "spectator";
    default: return "none";
  }
}

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

// The frame of a tick's delta in an encoding. Every watcher gets the same
// delta, and all connection brokers run on the middleman's one I/O thread:
// building and dumping the JSON once per watcher was the largest part of
// that thread's work with a few dozen watchers (perf: nlohmann's
// construction, dump and malloc). So the last tick's frame is kept per encoding; the entry holds the
// change set, so that its address cannot be reused by another while it is
// there.
const std::string& delta_frame(const ChangeSetPtr& changes, Encoding encoding) {
  struct Cached {
    ChangeSetPtr changes;
    std::string frame;
  };
  thread_local Cached cache[2];
  Cached& c = cache[encoding == Encoding::json ? 0 : 1];
  if (c.changes != changes) {
    c.frame = encode_frame(encode_payload(delta_json(*changes), encoding));
    c.changes = changes;
  }
  return c.frame;
}

// One client's session: framing, protocol state, rate limit.
struct Session {
  explicit Session(const GatewayOptions& o)
      : decoder(o.max_frame_bytes), budget(o.requests_per_second) {}
  FrameDecoder decoder;
  bool greeted = false;
  Encoding encoding = Encoding::json;  // chosen in the hello
  Role role = Role::none;
  NationId nation = kNoNation;  // a player's nation
  int64_t token_id = 0;         // the stored token logged in with (ClientSummary)
  std::string demoted_because;  // a player made a spectator: why (commands are refused with it)
  RequestBudget budget;  // the rate limit: requests and the size of their replies
  bool budget_timer = false;  // a budget_atom is on its way
  Clock::time_point last_activity = Clock::now();
  // Watching: deltas of committed ticks after `watched_tick` are pushed.
  bool watching = false;
  Tick watched_tick = 0;
  bool resync_pending = false;  // deltas were dropped; a snapshot is owed
  uint64_t dropped = 0;         // deltas dropped since the watcher fell behind
  // Bytes written but not yet taken by the socket: exact, since CAF reports
  // what remains after every write to the socket (ack_writes) and the broker
  // runs on the same thread as its socket's I/O.
  uint64_t outbox = 0;
  uint64_t snapshot_bytes = 0;  // of the last snapshot sent (see outbox_limit)
  uint64_t last_frame_bytes = 0;
  // Requests read while the outbox was over its limit, with when they came:
  // handled, in order, once the client has read what it was sent.
  std::deque<std::pair<std::string, Clock::time_point>> deferred;
  size_t deferred_bytes = 0;  // their cost (Connection::held_cost)
  bool closed = false;
};

class Connection {
 public:
  Connection(Broker* self, caf::io::connection_handle hdl, ContextPtr ctx,
             caf::actor acceptor, uint64_t id)
      : self_(self), hdl_(hdl), ctx_(std::move(ctx)), acceptor_(acceptor.address()), id_(id),
        session_(ctx_->options) {}

  void on_data(const std::vector<char>& buf) {
    if (session_.closed) return;
    session_.last_activity = Clock::now();
    std::vector<std::string> frames;
    if (!session_.decoder.feed(buf.data(), buf.size(), frames)) {
      send(reply_error(nullptr, errc::kBadFrame,
                       "frame of " + std::to_string(session_.decoder.announced_size()) +
                           " bytes exceeds the maximum of " +
                           std::to_string(ctx_->options.max_frame_bytes)));
      return close("oversized frame");
    }
    for (auto& frame : frames) {
      session_.deferred_bytes += held_cost(frame);
      session_.deferred.emplace_back(std::move(frame), session_.last_activity);
    }
    handle_deferred();
    // Requests keep coming while the replies are not read. Leaving them in
    // the socket (TCP's own back-pressure) would be kinder, but CAF 0.17
    // cannot reliably stop and restart reading a socket: halt() and trigger()
    // queue changes to its event loop while the stream's own reading state
    // changes at once, and a trigger followed by a halt in the same turn of
    // the loop leaves the socket unread for good. So requests read meanwhile
    // are held, and bounded: one maximum-size frame, or 64 KiB (one read) if
    // that is more; beyond it the client is disconnected.
    if (session_.deferred_bytes > std::max<size_t>(ctx_->options.max_frame_bytes, 64 * 1024)) {
      // No error frame: it would wait behind the replies it does not read,
      // and the reset in close() discards them all.
      spdlog::warn("gateway: client {} ({}) disconnected: it sends requests but does not read "
                   "the replies ({} bytes unsent, limit {}; {} bytes of requests waiting)",
                   id_, peer(), session_.outbox, outbox_limit(), session_.deferred_bytes);
      close("requests but no reading");
    }
  }

  // A committed tick from the publisher.
  void on_delta(const ChangeSetPtr& changes) {
    if (!session_.watching || changes->tick() <= session_.watched_tick) return;
    if (session_.resync_pending) {  // dropping until the outbox drains
      ++session_.dropped;
      return;
    }
    if (session_.outbox > outbox_limit()) {
      // Resync rather than disconnect: a client that stalls for a while (a
      // slow link, a paused debugger, a busy frame) recovers by itself, with
      // no reconnection and login logic; deltas hold whole entities, so one
      // snapshot replaces any number of missed deltas exactly; and a client
      // told to go away would reconnect and ask for the same snapshot anyway.
      session_.resync_pending = true;
      session_.dropped = 1;
      spdlog::info("gateway: client {} ({}) fell behind at tick {}: {} bytes unsent (limit {}); "
                   "its deltas are dropped until it catches up",
                   id_, peer(), changes->tick(), session_.outbox, outbox_limit());
      return;
    }
    if (changes->tick() > session_.watched_tick + 1) {
      // A tick is missing: at a hot join, a tick committed after the snapshot
      // was taken but before the subscription reached the publisher. The
      // client would apply this delta to a state it does not have; a fresh
      // snapshot keeps the promise that deltas follow each other.
      spdlog::debug("gateway: client {} missed tick {}; a snapshot replaces it", id_,
                    session_.watched_tick + 1);
      return push_snapshot("resync");
    }
    const std::string& frame = delta_frame(changes, session_.encoding);
    if (frame.size() > kMaxReplyFrameBytes) {  // never on a legal world (frame_codec.h)
      spdlog::error("gateway: the delta of tick {} is {} bytes, over the frame limit; client {} "
                    "gets a snapshot instead", changes->tick(), frame.size(), id_);
      return push_snapshot("resync");
    }
    session_.watched_tick = changes->tick();
    send_frame(frame);
  }

  // The socket took data: the outbox shrank. Once a quarter of the limit or
  // less is left, a watcher that fell behind gets a fresh snapshot and held
  // requests are handled.
  void on_transferred(uint64_t remaining) {
    session_.outbox = remaining;
    if (session_.closed || remaining > outbox_limit() / 4) return;
    if (session_.resync_pending) {
      session_.resync_pending = false;
      push_snapshot("resync");
      spdlog::info("gateway: client {} ({}) caught up; {} deltas were dropped, a snapshot of "
                   "tick {} replaces them",
                   id_, peer(), session_.dropped, session_.watched_tick);
    }
    handle_deferred();
    // A burst's buffer is kept by the vector; give it back once it is empty.
    if (remaining == 0) {
      auto& buffer = self_->wr_buf(hdl_);
      if (buffer.empty() && buffer.capacity() > (1u << 20)) buffer.shrink_to_fit();
    }
  }

  void on_budget() {
    session_.budget_timer = false;
    handle_deferred();
  }

  void on_idle_check() {
    const auto idle = Clock::now() - session_.last_activity;
    if (idle >= ctx_->options.idle_timeout) {
      send(reply_error(nullptr, errc::kFailed, "idle timeout"));
      return close("idle");
    }
    schedule_idle_check();
  }

  void schedule_idle_check() {
    self_->delayed_send(self_, std::min<Clock::duration>(ctx_->options.idle_timeout,
                                                         std::chrono::seconds(5)),
                        idle_atom::value);
  }

  // The game went back to an earlier tick: a watcher starts again from a
  // fresh snapshot (the deltas it has seen are undone).
  void on_rollback() {
    if (!session_.watching) return;
    session_.resync_pending = false;
    push_snapshot("rollback");
  }

  // An admin revoked the token this session logged in with: the session ends.
  void on_token_revoked() {
    spdlog::info("gateway: client {} ({}) disconnected: its token {} was revoked", id_, peer(),
                 session_.token_id);
    send(reply_error(nullptr, errc::kUnauthorized, "your token was revoked by an admin"));
    close("token revoked");
  }

  // An admin handed this player's nation back to the AI: the session loses
  // command, and stays to watch if the server admits spectators.
  void on_handed_back(NationId nation) {
    if (session_.role != Role::player || session_.nation != nation) return;
    const std::string why = "nation " + std::to_string(nation) +
                            " was handed back to the AI by an admin; log in again with a "
                            "token for a nation you play";
    if (!ctx_->options.allow_spectators) {
      send(reply_error(nullptr, errc::kForbidden, why));
      return close("nation handed back to the AI");
    }
    session_.role = Role::spectator;
    session_.nation = kNoNation;
    session_.demoted_because = why;
    self_->send(acceptor(), session_atom::value, id_, std::string(role_name(session_.role)),
                session_.nation, session_.token_id);
    send({{"push", "demoted"}, {"role", role_name(session_.role)}, {"reason", why}});
  }

  void on_kick() {
    spdlog::info("gateway: client {} disconnected by an admin", id_);
    send(reply_error(nullptr, errc::kFailed, "disconnected by an admin"));
    close("kicked");
  }

  // The gateway is shutting down (the acceptor's exit): the client is told
  // so, gets what was still to be sent, then the end of the stream.
  void on_shutdown() {
    send(reply_error(nullptr, errc::kFailed, "server shutting down"));
    close("server shutting down");
  }

  void close(const char* why) {
    spdlog::debug("gateway: closing a connection ({})", why);
    session_.closed = true;
    session_.deferred.clear();
    self_->flush(hdl_);
    // CAF 0.17's close sends every byte still waiting first, however long the
    // client takes to read them; a client that does not read would keep its
    // outbox alive after the connection is gone, and one that reconnected
    // again and again would pile them up. Over the limit, the socket is reset
    // instead, which discards them. (The handle's id is the socket in CAF's
    // default multiplexer.)
    if (session_.outbox > outbox_limit()) {
      const int fd = static_cast<int>(hdl_.id());
      const ::linger reset{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      ::shutdown(fd, SHUT_RDWR);
    }
    self_->close(hdl_);
    self_->quit();
  }

 private:
  // The configured limit, or twice the last snapshot if that is more: a
  // snapshot of a big world must fit with room to spare, or a watcher that
  // fell behind would get nothing but snapshots.
  uint64_t outbox_limit() const {
    return std::max<uint64_t>(ctx_->options.max_outbox_bytes, 2 * session_.snapshot_bytes);
  }

  std::string peer() const {
    return self_->remote_addr(hdl_) + ":" + std::to_string(self_->remote_port(hdl_));
  }

  // What a held request costs: its bytes and its place in the queue, so that
  // a flood of empty frames is bounded too.
  static size_t held_cost(const std::string& frame) {
    return frame.size() + sizeof(std::pair<std::string, Clock::time_point>);
  }

  // Handles the requests read so far, in order, while the outbox is within
  // its limit and no debt for big replies is owed; the rest wait for
  // on_transferred or on_budget.
  void handle_deferred() {
    while (!session_.deferred.empty() && !session_.closed && session_.outbox <= outbox_limit()) {
      const auto wait = session_.budget.debt_wait(Clock::now());
      if (wait.count() > 0) {
        if (!session_.budget_timer) {
          session_.budget_timer = true;
          self_->delayed_send(self_, wait, budget_atom::value);
        }
        return;
      }
      auto [frame, arrived] = std::move(session_.deferred.front());
      session_.deferred.pop_front();
      session_.deferred_bytes -= held_cost(frame);
      handle(frame, arrived);
    }
  }

  // A reply (or a snapshot push): priced by its size (net/request_budget.h),
  // and never above what a client accepts (kMaxReplyFrameBytes).
  void send(const json& doc) {
    if (session_.closed) return;
    send_payload(encode_payload(doc, session_.encoding), doc.contains("id") ? doc["id"] : json(nullptr));
  }

  // An encoded reply to request `id`.
  void send_payload(const std::string& payload, const json& id) {
    if (session_.closed) return;
    std::string frame;
    if (payload.size() + kFrameHeaderBytes > kMaxReplyFrameBytes) {
      spdlog::error("gateway: a reply of {} bytes to client {} is over the limit of {}; an error "
                    "is sent instead",
                    payload.size(), id_, kMaxReplyFrameBytes);
      frame = encode_frame(encode_payload(
          reply_error(id, errc::kFailed,
                      "the reply would be " + std::to_string(payload.size()) +
                          " bytes, more than the protocol's maximum frame"),
          session_.encoding));
    } else {
      frame = encode_frame(payload);
    }
    session_.budget.charge_reply(frame.size());
    send_frame(frame);
  }

  void send_frame(const std::string& frame) {
    if (session_.closed) return;
    self_->write(hdl_, frame.size(), frame.data());
    self_->flush(hdl_);
    session_.outbox += frame.size();
    session_.last_frame_bytes = frame.size();
  }

  void push_snapshot(const char* reason) {
    json snapshot = snapshot_json(*ctx_->world);
    session_.watched_tick = snapshot["tick"].get<Tick>();
    snapshot["push"] = "snapshot";
    snapshot["reason"] = reason;
    send(snapshot);
    session_.snapshot_bytes = session_.last_frame_bytes;
  }

  // Hot join: the current state now, then one delta per committed tick.
  void watch(const Request& r) {
    const EncodedView& snapshot = snapshot_view(ctx_->world, session_.encoding);
    session_.watched_tick = snapshot.tick;
    if (!session_.watching) {
      session_.watching = true;
      self_->send(acceptor(), watching_atom::value, id_);  // which relays the deltas
    }
    send_payload(reply_payload(r.id, snapshot.payload, session_.encoding), r.id);
    session_.snapshot_bytes = session_.last_frame_bytes;
  }

  void handle(const std::string& frame, Clock::time_point arrived) {
    ParseFailure failure;
    auto parsed = parse_request(frame, failure, session_.encoding);
    if (!parsed) return send(reply_error(failure.id, failure.code, failure.message));
    const Request& r = *parsed;
    // `arrived`: a request held while the client was behind counts against
    // the rate limit at the time it was sent, not in a burst when the client
    // catches up.
    if (!session_.budget.take(arrived))
      return send(reply_error(r.id, errc::kRateLimited, "too many requests"));
    if (r.type == "hello") return hello(r);
    if (!session_.greeted) return send(reply_error(r.id, errc::kHelloFirst, "send hello first"));
    if (r.type == "login") return login(r);
    dispatch(r);
  }

  void hello(const Request& r) {
    auto version = int_field(r, "version");
    if (!version) return send(reply_error(r.id, errc::kBadRequest, version.status().message()));
    if (*version != kProtocolVersion) {
      return send(reply_error(r.id, errc::kVersionMismatch,
                              "this server speaks protocol version " +
                                  std::to_string(kProtocolVersion) + ", not " +
                                  std::to_string(*version)));
    }
    if (session_.greeted)
      return send(reply_error(r.id, errc::kBadRequest, "hello was already said"));
    Encoding encoding = Encoding::json;
    if (r.body.contains("encoding")) {
      auto name = string_field(r, "encoding");
      auto chosen = name ? encoding_from_name(*name) : std::nullopt;
      if (!chosen)
        return send(reply_error(r.id, errc::kBadRequest, "\"encoding\" must be \"json\" or \"msgpack\""));
      encoding = *chosen;
    }
    session_.greeted = true;
    // The reply is in JSON, like the hello; every frame after it in the
    // chosen encoding.
    send(reply_result(r.id, {{"server", "hegemon"},
                             {"version", kProtocolVersion},
                             {"encoding", encoding_name(encoding)},
                             {"spectators", ctx_->options.allow_spectators}}));
    session_.encoding = encoding;
  }

  void login(const Request& r) {
    auto role = string_field(r, "role");
    if (!role) return send(reply_error(r.id, errc::kBadRequest, role.status().message()));
    json result;
    if (*role == "spectator") {
      if (!ctx_->options.allow_spectators)
        return send(reply_error(r.id, errc::kUnauthorized, "this server admits no spectators"));
      session_.role = Role::spectator;
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
      session_.role = *role == "admin" ? Role::admin : Role::player;
      session_.token_id = stored ? stored->id : 0;
      session_.demoted_because.clear();
      if (stored && stored->role == "player") {
        session_.nation = stored->nation;
        result["nation"] = stored->nation;
      }
    } else {
      return send(reply_error(r.id, errc::kBadRequest,
                              "\"role\" must be admin, player or spectator"));
    }
    result["role"] = role_name(session_.role);
    self_->send(acceptor(), session_atom::value, id_, std::string(role_name(session_.role)),
                session_.nation, session_.token_id);
    send(reply_result(r.id, result));
  }

  // Every failed login, with the peer's address: a flood costs 10 lines/s.
  void log_failed_login(const std::string& role, const std::string& why) {
    static LogThrottle failed_logins(10);  // every connection's
    uint64_t held_back = 0;
    if (!failed_logins.allow(held_back)) return;
    if (held_back == 0) spdlog::warn("gateway: failed {} login from {}: {}", role, peer(), why);
    else spdlog::warn("gateway: failed {} login from {}: {} ({} more not logged)", role, peer(), why, held_back);
  }

  // Admin: a new token for a player's nation (or another admin). The token is
  // shown in this reply only; the save keeps its hash.
  void issue_token(const Request& r) {
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
    ask_game<int64_t>(
        r,
        [token, role_text, nation, handed_back](int64_t& id) {
          if (nation != kNoNation) handed_back->hand_over(nation);  // the game hands it over too
          json out{{"token_id", id}, {"token", token}, {"role", role_text}};
          if (nation != kNoNation) out["nation"] = nation;
          return out;
        },
        token_atom::value, role_text, nation, token_hash(token));
  }

  // A command for a nation: a player's own, or any nation's ("nation" field)
  // for an admin. Answered once the game has scheduled it, with the tick it
  // applies at; its outcome shows in that tick's events.
  void command(const Request& r, CommandKind kind) {
    if (session_.role == Role::spectator)
      return send(reply_error(r.id, errc::kForbidden,
                              session_.demoted_because.empty() ? "spectators cannot give commands"
                                                               : session_.demoted_because));
    if (kind == CommandKind::set_player && session_.role != Role::admin)
      return send(reply_error(r.id, errc::kForbidden, "'set_player' needs the admin role"));
    auto parsed = command_from_json(kind, r.body);
    if (!parsed) return send(reply_error(r.id, errc::kBadRequest, parsed.status().message()));
    Command c = std::move(*parsed);
    c.seq = 0;  // numbered by the game, never by a client
    if (session_.role == Role::player) {
      if (r.body.contains("nation") && c.nation != session_.nation)
        return send(reply_error(r.id, errc::kForbidden,
                                "a player commands only its own nation (" +
                                    std::to_string(session_.nation) + ")"));
      c.nation = session_.nation;
    } else if (!r.body.contains("nation")) {
      return send(reply_error(r.id, errc::kBadRequest, "\"nation\" must be an integer (the nation to command)"));
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

  // Requests a logged-in client may make; `admin` marks the admin-only ones.
  void dispatch(const Request& r) {
    if (auto kind = command_kind_from_name(r.type)) {
      if (session_.role == Role::none) return send(reply_error(r.id, errc::kUnauthorized, "log in first"));
      return command(r, *kind);
    }
    static const std::vector<std::string> kReads{
        "status", "province", "nation", "army", "war", "watch", "map", "provinces_of", "wars_of",
        "events", "province_at"};
    static const std::vector<std::string> kAdmin{
        "actors", "pause",   "resume",   "speed",       "save",         "save_as", "kill",
        "restart", "shutdown", "token_issue", "token_revoke", "tokens", "clients", "kick", "rollback"};
    const bool read = std::find(kReads.begin(), kReads.end(), r.type) != kReads.end();
    const bool admin = std::find(kAdmin.begin(), kAdmin.end(), r.type) != kAdmin.end();
    if (!read && !admin) return send(reply_error(r.id, errc::kUnknownType, "no request type '" + r.type + "'"));
    if (session_.role == Role::none) return send(reply_error(r.id, errc::kUnauthorized, "log in first"));
    if (admin && session_.role != Role::admin)
      return send(reply_error(r.id, errc::kForbidden, "'" + r.type + "' needs the admin role"));

    if (r.type == "status") return status(r);
    if (r.type == "province" || r.type == "nation" || r.type == "army" || r.type == "war")
      return lookup(r);
    if (r.type == "watch") return watch(r);
    if (r.type == "map" || r.type == "provinces_of") return from_cache(r);
    if (r.type == "wars_of" || r.type == "events" || r.type == "province_at") return from_save(r);
    if (r.type == "actors")
      return ask_game<std::vector<ActorInfo>>(r, [](std::vector<ActorInfo>& a) { return actors_json(a); }, list_atom::value);
    auto ok = [](caf::ok_atom&) { return json{{"ok", true}}; };
    if (r.type == "pause") return ask_game<caf::ok_atom>(r, ok, pause_atom::value);
    if (r.type == "resume") return ask_game<caf::ok_atom>(r, ok, resume_atom::value);
    if (r.type == "save") return ask_game<caf::ok_atom>(r, ok, checkpt_atom::value);
    if (r.type == "save_as") {
      auto path = string_field(r, "path");
      if (!path) return send(reply_error(r.id, errc::kBadRequest, path.status().message()));
      return ask_game<caf::ok_atom>(r, ok, save_as_atom::value, *path);
    }
    if (r.type == "kill" || r.type == "restart") {
      auto key = actor_key(r);
      if (!key) return send(reply_error(r.id, errc::kBadRequest, key.status().message()));
      spdlog::warn("gateway: admin {} of {}", r.type, key->to_string());
      if (r.type == "kill")
        return ask_game<caf::ok_atom>(r, ok, kill_atom::value, *key, std::string("killed by an admin"));
      auto restarted = [](caf::actor&, uint64_t& generation) { return json{{"generation", generation}}; };
      return ask_game2(r, restarted, restart_atom::value, *key);
    }
    if (r.type == "clients" || r.type == "kick") return manage_clients(r);
    if (r.type == "rollback") {
      auto tick = int_field(r, "tick");
      if (!tick) return send(reply_error(r.id, errc::kBadRequest, tick.status().message()));
      spdlog::warn("gateway: an admin rolls the game back to tick {}", *tick);
      // No timeout: a rollback replays up to a snapshot interval of ticks,
      // and a client that gave up and asked again would only be refused.
      auto id = r.id;
      auto* self = this;
      self_->request(ctx_->game, caf::infinite, rollback_atom::value, *tick)
          .then([self, id](Tick t) { self->send(reply_result(id, {{"tick", t}, {"speed", "paused"}})); },
                [self, id](caf::error& err) { self->send(reply_error(id, error_code(err), describe(err))); });
      return;
    }
    if (r.type == "token_issue") return issue_token(r);
    if (r.type == "token_revoke") {
      auto id = int_field(r, "token_id");
      if (!id) return send(reply_error(r.id, errc::kBadRequest, id.status().message()));
      auto* self = this;
      const int64_t token = *id;
      auto revoked = [self, token](caf::ok_atom&) {
        self->self_->send(self->acceptor(), revoked_atom::value, token);  // its sessions end
        return json{{"ok", true}};
      };
      return ask_game<caf::ok_atom>(r, revoked, revoke_atom::value, token);
    }
    if (r.type == "tokens") {
      return ask_game<std::vector<TokenRecord>>(
          r,
          [](std::vector<TokenRecord>& list) {
            json out = json::array();
            for (const auto& t : list)
              out.push_back({{"token_id", t.id}, {"role", t.role}, {"nation", t.nation},
                             {"created_at", t.created_at}, {"revoked", t.revoked_at != 0}});
            return out;
          },
          tokens_atom::value);
    }
    if (r.type == "shutdown") {
      spdlog::warn("gateway: an admin asked to shut the server down");
      // The answer comes once every tick is committed and the save checkpointed.
      return ask_game<Tick>(r, [](Tick& t) { return json{{"committed_tick", t}}; }, stop_atom::value);
    }
    if (r.type == "speed") {
      auto speed_text = string_field(r, "speed");
      auto speed = speed_text ? parse_speed(*speed_text) : std::nullopt;
      if (!speed) return send(reply_error(r.id, errc::kBadRequest, "\"speed\" must be \"0\"..\"5\" or \"max\""));
      return ask_game<caf::ok_atom>(r, ok, speed_atom::value, *speed);
    }
  }

  // The game's status and the gateway's client count.
  void status(const Request& r) {
    auto id = r.id;
    auto* self = this;
    auto failed = [self, id](caf::error& err) { self->send(reply_error(id, errc::kFailed, describe(err))); };
    self_->request(ctx_->game, std::chrono::seconds(30), status_atom::value)
        .then(
            [self, id, failed](GameStatus& s) {
              json out = status_json(s);
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

  // Admin: who is connected, and disconnecting one of them.
  void manage_clients(const Request& r) {
    auto id = r.id;
    auto* self = this;
    if (r.type == "kick") {
      auto failed = [self, id](caf::error& err) { self->send(reply_error(id, errc::kNotFound, describe(err))); };
      auto client = int_field(r, "client");
      if (!client || *client <= 0) return send(reply_error(r.id, errc::kBadRequest, "\"client\" must be a client id"));
      self_->request(acceptor(), std::chrono::seconds(10), kick_atom::value, static_cast<uint64_t>(*client))
          .then([self, id](caf::ok_atom) { self->send(reply_result(id, {{"ok", true}})); }, failed);
      return;
    }
    self_->request(acceptor(), std::chrono::seconds(10), clients_atom::value)
        .then(
            [self, id](std::vector<ClientSummary>& clients) {
              json out = json::array();
              for (const auto& c : clients)
                out.push_back({{"client", c.id}, {"peer", c.peer}, {"role", c.role},
                               {"nation", c.nation},
                               {"token_id", c.token_id != 0 ? json(c.token_id) : json(nullptr)},
                               {"connected_seconds", c.connected_seconds}});
              self->send(reply_result(id, out));
            },
            [self, id](caf::error& err) { self->send(reply_error(id, errc::kFailed, describe(err))); });
  }

  void lookup(const Request& r) {
    auto id = id_field(r, r.type.c_str());  // {"type": "province", "province": 12}
    if (!id) return send(reply_error(r.id, errc::kBadRequest, id.status().message()));
    const int32_t v = *id;
    const World& world = *ctx_->world;
    json found = r.type == "province" ? province_json(world, v)
                 : r.type == "nation" ? nation_json(world, v)
                 : r.type == "army"   ? army_json(world, v)
                                      : war_json(world, v);
    if (found.is_null())
      return send(reply_error(r.id, errc::kNotFound, "no " + r.type + " " + std::to_string(*id)));
    send(reply_result(r.id, found));
  }

  // Lists answered from the hot cache.
  void from_cache(const Request& r) {
    const World& world = *ctx_->world;
    if (r.type == "map") {  // owner and controller of every province
      const EncodedView& map = map_view(ctx_->world, session_.encoding);
      return send_payload(reply_payload(r.id, map.payload, session_.encoding), r.id);
    }
    auto nation = id_field(r, "nation");
    if (!nation) return send(reply_error(r.id, errc::kBadRequest, nation.status().message()));
    if (!world.map().has_nation(*nation))
      return send(reply_error(r.id, errc::kNotFound, "no nation " + std::to_string(*nation)));
    send(reply_result(r.id, *world.provinces_of(*nation)));
  }

  // History, answered from the save on the gateway's read-only connection
  // (WAL readers never block the persistence actor's commits).
  void from_save(const Request& r) {
    SaveReader& save = *ctx_->save;
    const Tick now = ctx_->world->meta().tick;
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
      if (!to || !from) return send(reply_error(r.id, errc::kBadRequest, "\"from\" and \"to\" must be integers"));
      if (*from > *to || static_cast<uint64_t>(*to) - static_cast<uint64_t>(*from) > kMaxSpan)
        return send(reply_error(r.id, errc::kBadRequest, "need from <= to, at most 3650 ticks apart"));
      auto events = save.events_between(*from, *to);
      if (!events) return send(reply_error(r.id, errc::kFailed, events.status().message()));
      json out = json::array();
      for (const auto& e : *events)
        out.push_back({{"tick", e.tick}, {"type", e.type}, {"data", parse_json_or_null(e.data, kEventDataLimits)}});
      return send(reply_result(r.id, out));
    }
    if (r.type == "province_at") {  // {"province": P, "tick": T}
      auto id = id_field(r, "province");
      auto tick = int_field(r, "tick");
      if (!id || !tick) return send(reply_error(r.id, errc::kBadRequest, "\"province\" and \"tick\" must be integers"));
      auto row = save.province_at(*id, *tick);
      if (!row) return send(reply_error(r.id, errc::kFailed, row.status().message()));
      if (!*row) return send(reply_error(r.id, errc::kNotFound, "no history for province " + std::to_string(*id)));
      const auto& h = **row;
      return send(reply_result(r.id, {{"province", h.province}, {"since_tick", h.tick}, {"owner_id", h.owner},
                                      {"controller_id", h.controller}, {"development", h.development}}));
    }
    auto nation = id_field(r, "nation");  // wars_of
    if (!nation) return send(reply_error(r.id, errc::kBadRequest, nation.status().message()));
    auto wars = save.wars_of(*nation);
    if (!wars) return send(reply_error(r.id, errc::kFailed, wars.status().message()));
    json out = json::array();
    for (const auto& w : *wars)
      out.push_back({{"id", w.id}, {"attacker_id", w.attacker}, {"defender_id", w.defender},
                     {"start_tick", w.start_tick}, {"end_tick", w.end_tick < 0 ? json(nullptr) : json(w.end_tick)},
                     {"war_score", w.war_score}});
    send(reply_result(r.id, out));
  }

  // {"kind": "nation", "id": 12} (id omitted for persistence).
  static Result<ActorKey> actor_key(const Request& r) {
    auto kind_text = string_field(r, "kind");
    if (!kind_text) return kind_text.status();
    auto kind = kind_from_name(*kind_text);
    if (!kind || (*kind != ActorKind::nation && *kind != ActorKind::war && *kind != ActorKind::persistence))
      return Status::error("\"kind\" must be nation, war or persistence");
    ActorKey key{*kind, 0};
    if (*kind != ActorKind::persistence) {
      auto id = id_field(r, "actor");
      if (!id) return Status::error("\"actor\" must be an integer (the nation or war id)");
      key.id = *id;
    }
    return key;
  }

  // As ask_game, for requests answered with two values.
  template <class View, class... Ts>
  void ask_game2(const Request& r, View view, Ts... xs) {
    auto id = r.id;
    auto* self = this;
    self_->request(ctx_->game, std::chrono::seconds(30), xs...)
        .then([self, id, view](caf::actor& a, uint64_t& g) { self->send(reply_result(id, view(a, g))); },
              [self, id](caf::error& err) { self->send(reply_error(id, errc::kFailed, describe(err))); });
  }

  // Asks the game supervisor and answers with `view(reply)`.
  template <class Reply, class View, class... Ts>
  void ask_game(const Request& r, View view, Ts... xs) {
    auto id = r.id;
    auto* self = this;
    self_->request(ctx_->game, std::chrono::seconds(30), xs...)
        .then([self, id, view](Reply& reply) { self->send(reply_result(id, view(reply))); },
              [self, id](caf::error& err) { self->send(reply_error(id, error_code(err), describe(err))); });
  }

  static const char* error_code(const caf::error& err) {
    const bool refused = err.category() == caf::atom("hegemon") &&
                         err.code() == static_cast<uint8_t>(Errc::command_refused);
    return refused ? errc::kRefused : errc::kFailed;
  }

  Broker* self_;
  caf::io::connection_handle hdl_;
  ContextPtr ctx_;
  // The acceptor, weakly: it holds every connection, so a strong handle back
  // would be a cycle that keeps both alive after they quit.
  caf::actor acceptor() const { return caf::actor_cast<caf::actor>(acceptor_); }
  caf::actor_addr acceptor_;
  uint64_t id_;
  Session session_;
};

}  // namespace

caf::behavior connection_broker(Broker* self, caf::io::connection_handle hdl,
                                ContextPtr ctx, caf::actor acceptor, uint64_t id) {
  // The Connection lives as long as the broker's behavior (captured below).
  auto conn = std::make_shared<Connection>(self, hdl, ctx, std::move(acceptor), id);
  self->configure_read(hdl, caf::io::receive_policy::at_most(64 * 1024));
  self->ack_writes(hdl, true);  // data_transferred_msg: how full the outbox is
  conn->schedule_idle_check();
  // Only the acceptor sends exits here, when the gateway shuts down. (quit()
  // replaces the handler, which then holds `conn` no longer.)
  self->set_exit_handler([conn](caf::exit_msg&) { conn->on_shutdown(); });
  return {
      [conn](const caf::io::new_data_msg& msg) { conn->on_data(msg.buf); },
      [self](const caf::io::connection_closed_msg&) { self->quit(); },
      [conn](idle_atom) { conn->on_idle_check(); },
      [conn](budget_atom) { conn->on_budget(); },
      [conn](delta_atom, const ChangeSetPtr& changes) { conn->on_delta(changes); },
      [conn](const caf::io::data_transferred_msg& msg) { conn->on_transferred(msg.remaining); },
      [conn](kick_atom) { conn->on_kick(); },
      [conn](revoked_atom) { conn->on_token_revoked(); },
      [conn](handed_back_atom, NationId nation) { conn->on_handed_back(nation); },
      [conn](rewound_atom, Tick) { conn->on_rollback(); },
  };
}
}  // namespace hegemon::net
