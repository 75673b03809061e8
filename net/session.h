// One client's session with the gateway, shared by every transport: the
// handshake, login, role and nation, the rate limit, the outbox and its
// limits, watching, idling and closing (net/session.cc), and the handlers of
// the requests (net/session_requests.cc; those that read game state in
// net/session_views.cc), which net/request_table.cc lists
// with the roles allowed to make them. Internal to net/; connection_broker
// (net/gateway_parts.h) is the way in.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/io/broker.hpp>
#include <nlohmann/json.hpp>

#include "actors/actor_key.h"
#include "actors/errors.h"
#include "actors/messages.h"
#include "net/frame_codec.h"
#include "net/transport.h"
#include "net/gateway_parts.h"
#include "net/protocol.h"
#include "net/request_table.h"
#include "net/request_budget.h"
#include "state/command.h"

namespace hegemon::net {

using nlohmann::json;

struct DownloadStream;  // net/session_download.cc

// A request read while the outbox was over its limit, with when it came.
struct HeldRequest {
  std::string payload;
  std::optional<Encoding> encoding;  // the transport's word for it (InMessage)
  Clock::time_point arrived;
};

// One session's state: protocol state, rate limit, outbox (the transport
// keeps its own).
struct SessionState {
  explicit SessionState(const GatewayOptions& o) : budget(o.requests_per_second) {}
  bool greeted = false;
  Encoding encoding = Encoding::json;  // chosen in the hello
  Role role = Role::none;
  NationId nation = kNoNation;  // a player's nation
  int64_t token_id = 0;         // the stored token logged in with (ClientSummary)
  std::string demoted_because;  // a player made a spectator: why (commands are refused with it)
  RequestBudget budget;         // the rate limit: requests and the size of their replies
  bool budget_timer = false;    // a budget_atom is on its way
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
  std::deque<HeldRequest> deferred;
  size_t deferred_bytes = 0;  // their cost (Session::held_cost)
  bool closed = false;
  bool sql_running = false;  // an `sql` query is on its way (net/session_sql.cc)
  std::shared_ptr<DownloadStream> download;  // a download_save under way (session_download.cc)
  bool fog_player = false;   // counted by the fog as a player of `nation` (net/fog.h)
};

// What a session reads game state through (request rows marked
// Reads::world, the watch snapshot and deltas): made by Session::view().
struct View {
  enum class Kind {
    live,     // admins and live spectators: the hot cache, everything
    player,   // a player: the committed world, cut to its nation's sight
    delayed,  // spectators under --spectators delayed:N: the world N ticks ago
  };
  Kind kind = Kind::live;
  const World* world = nullptr;  // nullptr: none can be read now (`why`)
  PlayerSight fog;               // kind == player
  std::string why;
};
class Session {
 public:
  // `transport`: how this connection's bytes become messages (net/transport.h).
  Session(Broker* self, caf::io::connection_handle hdl, ContextPtr ctx, caf::actor acceptor,
          uint64_t id, std::unique_ptr<Transport> transport)
      : transport_(std::move(transport)),
        self_(self),
        hdl_(hdl),
        ctx_(std::move(ctx)),
        acceptor_(acceptor.address()),
        id_(id),
        session_(ctx_->options) {}
  ~Session() { fog_logout(); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void on_data(const std::vector<char>& buf);

  // A committed tick from the publisher.
  void on_delta(const ChangeSetPtr& changes);

  // The socket took data: the outbox shrank. Once a quarter of the limit or
  // less is left, a watcher that fell behind gets a fresh snapshot and held
  // requests are handled.
  void on_transferred(uint64_t remaining);

  void on_budget();

  void on_idle_check();

  void schedule_idle_check();

  // The game went back to an earlier tick: a watcher starts again from a
  // fresh snapshot (the deltas it has seen are undone).
  void on_rollback();

  // An admin revoked the token this session logged in with: the session ends.
  void on_token_revoked();

  // An admin handed this player's nation back to the AI: the session loses
  // command, and stays to watch if the server admits spectators.
  void on_handed_back(NationId nation);

  void on_kick();

  // The gateway is shutting down (the acceptor's exit): the client is told
  // so, gets what was still to be sent, then the end of the stream.
  void on_shutdown();

  // Ends the connection; the transport says goodbye first if it can (a
  // WebSocket close frame with `code` and `reason`, else `why`).
  void close(const char* why, uint16_t code = 1000, const std::string& reason = {});

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
  static size_t held_cost(const std::string& payload) {
    return payload.size() + sizeof(HeldRequest);
  }

  // Handles the requests read so far, in order, while the outbox is within
  // its limit and no debt for big replies is owed; the rest wait for
  // on_transferred or on_budget.
  void handle_deferred();

  // A reply (or a snapshot push): priced by its size (net/request_budget.h),
  // and never above what a client accepts (kMaxReplyFrameBytes).
  void send(const json& doc);

  // An encoded reply to request `id`.
  void send_payload(const std::string& payload, const json& id);

  void send_frame(const std::string& frame);

  void push_snapshot(const char* reason);

  void handle(const std::string& payload, std::optional<Encoding> encoding,
              Clock::time_point arrived);

  // Every failed login, with the peer's address: a flood costs 10 lines/s.
  void log_failed_login(const std::string& role, const std::string& why);

  // Checks the request's row in the table (net/request_table.h): does it
  // exist, may this session's role make it; then calls its handler.
  void dispatch(const Request& r);

  // The view this session reads through now (net/session_views.cc).
  View view();
  View::Kind view_kind() const;
  // The fog counts this session as a player of `nation` / no longer.
  void fog_login(NationId nation);
  void fog_logout();
  // A tick's delta to a player or a delayed spectator; false if a snapshot
  // replaces it.
  void fog_delta(const ChangeSetPtr& changes);

 public:
  // The handlers of net/request_table.cc's rows (net/session_requests.cc).
  // Each answers `r` (now or when the game has answered) with a result or
  // an error; the table has checked the role already.
  void hello(const Request& r);
  void login(const Request& r);
  // The requests that read game state (net/session_views.cc), each through
  // the session's View: the hot cache, a player's fog, or the delayed world.
  // The game's status and the gateway's client count.
  void status(const Request& r);
  // province, nation, army, war: one entity.
  void lookup(const Request& r);
  // map, geometry, provinces_of.
  void from_cache(const Request& r);
  // History, answered from the save on the gateway's read-only connection
  // (WAL readers never block the persistence actor's commits), up to the
  // view's tick.
  void from_save(const Request& r);
  // Hot join: the current state now, then one delta per committed tick.
  void watch(const Request& r);
  // A command for a nation (its kind is the request type): a player's own,
  // or any nation's ("nation" field) for an admin. Answered once the game
  // has scheduled it, with the tick it applies at; its outcome shows in
  // that tick's events.
  void game_command(const Request& r);
  void list_actors(const Request& r);
  // pause, resume, save: answered {"ok": true}.
  void simple_admin(const Request& r);
  void set_speed(const Request& r);
  void save_as(const Request& r);
  void kill_or_restart(const Request& r);
  void shutdown(const Request& r);
  void rollback(const Request& r);
  // Admin: a new token for a player's nation (or another admin). The token is
  // shown in this reply only; the save keeps its hash.
  void issue_token(const Request& r);
  void revoke_token(const Request& r);
  void list_tokens(const Request& r);
  // Admin: who is connected, and disconnecting one of them.
  void manage_clients(const Request& r);
  // Admin: a read-only SQL query on the live save (net/session_sql.cc).
  void sql(const Request& r);
  // A consistent copy of the live save, in chunks (net/session_download.cc).
  void download_save(const Request& r);

 private:
  // The download's steps (net/session_download.cc): the copy taken, its
  // chunks sent as the outbox drains, a failure after the reply.
  void start_download(const json& id);
  void pump_download();
  void download_failed(const std::string& why);

  // An operator's action to audit_log, with who did it (net/session_audit.cc).
  void audit(const char* type, json what);
  // A refused login, at most 6 rows a minute over all connections.
  void audit_refused_login(const std::string& role, const std::string& why);

  // {"kind": "nation", "id": 12} (id omitted for persistence).
  static Result<ActorKey> actor_key(const Request& r);

  // As ask_game, for requests answered with two values.
  template <class View, class... Ts>
  void ask_game2(const Request& r, View view, Ts... xs) {
    auto id = r.id;
    auto* self = this;
    self_->request(ctx_->game, std::chrono::seconds(30), xs...)
        .then([self, id, view](caf::actor& a,
                               uint64_t& g) { self->send(reply_result(id, view(a, g))); },
              [self, id](caf::error& err) {
                self->send(reply_error(id, errc::kFailed, describe(err)));
              });
  }

  // Asks the game supervisor and answers with `view(reply)`.
  template <class Reply, class View, class... Ts>
  void ask_game(const Request& r, View view, Ts... xs) {
    auto id = r.id;
    auto* self = this;
    self_->request(ctx_->game, std::chrono::seconds(30), xs...)
        .then([self, id, view](Reply& reply) { self->send(reply_result(id, view(reply))); },
              [self, id](caf::error& err) {
                self->send(reply_error(id, error_code(err), describe(err)));
              });
  }

  static const char* error_code(const caf::error& err) {
    const bool refused = err.category() == caf::atom("hegemon") &&
                         err.code() == static_cast<uint8_t>(Errc::command_refused);
    return refused ? errc::kRefused : errc::kFailed;
  }

  std::unique_ptr<Transport> transport_;
  Broker* self_;
  caf::io::connection_handle hdl_;
  ContextPtr ctx_;
  // The acceptor, weakly: it holds every connection, so a strong handle back
  // would be a cycle that keeps both alive after they quit.
  caf::actor acceptor() const { return caf::actor_cast<caf::actor>(acceptor_); }
  caf::actor_addr acceptor_;
  uint64_t id_;
  SessionState session_;
};

// The behaviour of a broker that holds `conn` on `hdl`, for every transport.
caf::behavior session_behavior(Broker* self, std::shared_ptr<Session> conn,
                               caf::io::connection_handle hdl);

}  // namespace hegemon::net
