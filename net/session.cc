// One client's session with the gateway (net/session.h): the outbox and its
// limits, watching, idling and closing, and the connection broker that holds
// it. The requests it answers are in net/session_requests.cc.
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>
#include <typeinfo>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/receive_policy.hpp>
#include <caf/io/system_messages.hpp>
#include <spdlog/spdlog.h>

#include "actors/atoms.h"
#include "actors/errors.h"
#include "actors/messages.h"
#include "net/session.h"
#include "net/frame_transport.h"
#include "net/gateway_parts.h"
#include "net/json_views.h"
#include "net/protocol.h"
#include "net/request_budget.h"
#include "net/view_cache.h"
#include "net/websocket.h"

namespace hegemon::net {
namespace {

using idle_atom = caf::atom_constant<caf::atom("idle")>;
// A connection's debt for big replies is paid off: its held requests go on.
using budget_atom = caf::atom_constant<caf::atom("budget")>;

// The frame of a tick's delta in an encoding. Every watcher gets the same
// delta, and all connection brokers run on the middleman's one I/O thread:
// building and dumping the JSON once per watcher was the largest part of
// that thread's work with a few dozen watchers (perf: nlohmann's
// construction, dump and malloc). So the last tick's frame is kept per encoding; the entry holds the
// change set, so that its address cannot be reused by another while it is
// there.
// (The frame depends on the transport too: one entry per encoding and kind
// of transport.)
const std::string& delta_frame(const ChangeSetPtr& changes, Encoding encoding,
                               const Transport& transport) {
  struct Cached {
    ChangeSetPtr changes;
    const std::type_info* transport = nullptr;
    std::string frame;
  };
  thread_local Cached cache[2][2];
  Cached* slots = cache[encoding == Encoding::json ? 0 : 1];
  const std::type_info& kind = typeid(transport);
  Cached& c = slots[0].transport == &kind || !slots[0].transport ? slots[0] : slots[1];
  if (c.changes != changes || c.transport != &kind) {
    c.frame = transport.encode(encode_payload(delta_json(*changes), encoding), encoding);
    c.changes = changes;
    c.transport = &kind;
  }
  return c.frame;
}

}  // namespace

void Session::on_data(const std::vector<char>& buf) {
  if (session_.closed) return;
  session_.last_activity = Clock::now();
  std::vector<InMessage> messages;
  const auto failed = transport_->feed(buf.data(), buf.size(), messages);
  for (auto& m : messages) {
    if (m.kind == InMessage::Kind::close) return close("closed by the client");
    if (m.kind == InMessage::Kind::ping) {  // costs like a request; over the limit, no pong
      if (session_.budget.take(session_.last_activity)) send_frame(transport_->pong(m.payload));
      continue;
    }
    session_.deferred_bytes += held_cost(m.payload);
    session_.deferred.push_back({std::move(m.payload), m.encoding, session_.last_activity});
  }
  if (failed) {
    send(reply_error(nullptr, errc::kBadFrame, failed->message));
    return close("bad frame", failed->close_code, failed->message);
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
    spdlog::warn(
        "gateway: client {} ({}) disconnected: it sends requests but does not read "
        "the replies ({} bytes unsent, limit {}; {} bytes of requests waiting)",
        id_, peer(), session_.outbox, outbox_limit(), session_.deferred_bytes);
    close("requests but no reading");
  }
}

void Session::on_delta(const ChangeSetPtr& changes) {
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
    spdlog::info(
        "gateway: client {} ({}) fell behind at tick {}: {} bytes unsent (limit {}); "
        "its deltas are dropped until it catches up",
        id_, peer(), changes->tick(), session_.outbox, outbox_limit());
    return;
  }
  // A player's deltas are cut to its sight, a delayed spectator's come N
  // ticks late (net/fog.h); the shared frame below is the whole world's.
  if (view_kind() != View::Kind::live) return fog_delta(changes);
  if (changes->tick() > session_.watched_tick + 1) {
    // A tick is missing: at a hot join, a tick committed after the snapshot
    // was taken but before the subscription reached the publisher. The
    // client would apply this delta to a state it does not have; a fresh
    // snapshot keeps the promise that deltas follow each other.
    spdlog::debug("gateway: client {} missed tick {}; a snapshot replaces it", id_,
                  session_.watched_tick + 1);
    return push_snapshot("resync");
  }
  const std::string& frame = delta_frame(changes, session_.encoding, *transport_);
  if (frame.size() > kMaxReplyFrameBytes) {  // never on a legal world (frame_codec.h)
    spdlog::error(
        "gateway: the delta of tick {} is {} bytes, over the frame limit; client {} "
        "gets a snapshot instead",
        changes->tick(), frame.size(), id_);
    return push_snapshot("resync");
  }
  session_.watched_tick = changes->tick();
  send_frame(frame);
}

void Session::on_transferred(uint64_t remaining) {
  session_.outbox = remaining;
  pump_download();  // a download's next chunk, if there is room (session_download.cc)
  if (session_.closed || remaining > outbox_limit() / 4) return;
  if (session_.resync_pending) {
    session_.resync_pending = false;
    push_snapshot("resync");
    spdlog::info(
        "gateway: client {} ({}) caught up; {} deltas were dropped, a snapshot of "
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

void Session::on_budget() {
  session_.budget_timer = false;
  handle_deferred();
}

void Session::on_idle_check() {
  const auto idle = Clock::now() - session_.last_activity;
  if (idle >= ctx_->options.idle_timeout) {
    send(reply_error(nullptr, errc::kFailed, "idle timeout"));
    return close("idle");
  }
  schedule_idle_check();
}

void Session::schedule_idle_check() {
  self_->delayed_send(
      self_, std::min<Clock::duration>(ctx_->options.idle_timeout, std::chrono::seconds(5)),
      idle_atom::value);
}

void Session::on_rollback() {
  if (!session_.watching) return;
  session_.resync_pending = false;
  push_snapshot("rollback");
}

void Session::on_token_revoked() {
  spdlog::info("gateway: client {} ({}) disconnected: its token {} was revoked", id_, peer(),
               session_.token_id);
  send(reply_error(nullptr, errc::kUnauthorized, "your token was revoked by an admin"));
  close("token revoked");
}

void Session::on_handed_back(NationId nation) {
  if (session_.role != Role::player || session_.nation != nation) return;
  const std::string why = "nation " + std::to_string(nation) +
                          " was handed back to the AI by an admin; log in again with a "
                          "token for a nation you play";
  if (!ctx_->options.allow_spectators) {
    send(reply_error(nullptr, errc::kForbidden, why));
    return close("nation handed back to the AI");
  }
  fog_logout();
  session_.role = Role::spectator;
  session_.nation = kNoNation;
  session_.demoted_because = why;
  if (session_.watching) push_snapshot("demoted");  // now as a spectator sees it
  self_->send(acceptor(), session_atom::value, id_, std::string(role_name(session_.role)),
              session_.nation, session_.token_id);
  send({{"push", "demoted"}, {"role", role_name(session_.role)}, {"reason", why}});
}

void Session::on_kick() {
  spdlog::info("gateway: client {} disconnected by an admin", id_);
  send(reply_error(nullptr, errc::kFailed, "disconnected by an admin"));
  close("kicked");
}

void Session::on_shutdown() {
  send(reply_error(nullptr, errc::kFailed, "server shutting down"));
  // 1001 (going away): the server goes down, not this session's end.
  close("server shutting down", ws_close::kGoingAway);
}

void Session::close(const char* why, uint16_t code, const std::string& reason) {
  spdlog::debug("gateway: closing a connection ({})", why);
  if (!session_.closed) {
    const std::string goodbye = transport_->closing(code, reason.empty() ? why : reason);
    if (!goodbye.empty()) send_frame(goodbye);
  }
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

void Session::handle_deferred() {
  while (!session_.deferred.empty() && !session_.closed && session_.outbox <= outbox_limit()) {
    const auto wait = session_.budget.debt_wait(Clock::now());
    if (wait.count() > 0) {
      if (!session_.budget_timer) {
        session_.budget_timer = true;
        self_->delayed_send(self_, wait, budget_atom::value);
      }
      return;
    }
    HeldRequest held = std::move(session_.deferred.front());
    session_.deferred.pop_front();
    session_.deferred_bytes -= held_cost(held.payload);
    handle(held.payload, held.encoding, held.arrived);
  }
}

void Session::send(const json& doc) {
  if (session_.closed) return;
  send_payload(encode_payload(doc, session_.encoding),
               doc.contains("id") ? doc["id"] : json(nullptr));
}

void Session::send_payload(const std::string& payload, const json& id) {
  if (session_.closed) return;
  std::string frame;
  if (payload.size() + transport_->overhead(payload.size()) > kMaxReplyFrameBytes) {
    spdlog::error(
        "gateway: a reply of {} bytes to client {} is over the limit of {}; an error "
        "is sent instead",
        payload.size(), id_, kMaxReplyFrameBytes);
    frame = transport_->encode(
        encode_payload(reply_error(id, errc::kFailed,
                                   "the reply would be " + std::to_string(payload.size()) +
                                       " bytes, more than the protocol's maximum frame"),
                       session_.encoding),
        session_.encoding);
  } else {
    frame = transport_->encode(payload, session_.encoding);
  }
  session_.budget.charge_reply(frame.size());
  send_frame(frame);
}

void Session::send_frame(const std::string& frame) {
  if (session_.closed) return;
  self_->write(hdl_, frame.size(), frame.data());
  self_->flush(hdl_);
  session_.outbox += frame.size();
  session_.last_frame_bytes = frame.size();
}

void Session::handle(const std::string& payload, std::optional<Encoding> encoding,
                     Clock::time_point arrived) {
  ParseFailure failure;
  auto parsed = parse_request(payload, failure, encoding.value_or(session_.encoding));
  if (!parsed) return send(reply_error(failure.id, failure.code, failure.message));
  const Request& r = *parsed;
  // `arrived`: a request held while the client was behind counts against
  // the rate limit at the time it was sent, not in a burst when the client
  // catches up.
  if (!session_.budget.take(arrived))
    return send(reply_error(r.id, errc::kRateLimited, "too many requests"));
  // A transport that names the encoding (a WebSocket's text or binary
  // message) must name the session's, as a TCP frame must be in it: the
  // hello is JSON (text), and every message after a msgpack hello binary.
  if (encoding && *encoding != session_.encoding)
    return send(reply_error(
        r.id, errc::kBadFrame,
        std::string("a ") + encoding_name(*encoding) + " message in a session that speaks " +
            encoding_name(session_.encoding) +
            (session_.encoding == Encoding::json ? " (text messages)" : " (binary messages)")));
  if (!session_.greeted && r.type != "hello")
    return send(reply_error(r.id, errc::kHelloFirst, "send hello first"));
  dispatch(r);
}

caf::behavior session_behavior(Broker* self, std::shared_ptr<Session> conn,
                               caf::io::connection_handle hdl) {
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
      [](head_timeout_atom) {},  // the WebSocket upgrade's, once upgraded
  };
}

caf::behavior connection_broker(Broker* self, caf::io::connection_handle hdl, ContextPtr ctx,
                                caf::actor acceptor, uint64_t id) {
  // The session lives as long as the broker's behavior (captured).
  auto conn =
      std::make_shared<Session>(self, hdl, ctx, std::move(acceptor), id,
                                std::make_unique<FrameTransport>(ctx->options.max_frame_bytes));
  return session_behavior(self, std::move(conn), hdl);
}
}  // namespace hegemon::net
