#include "net/gateway.h"

#include <unistd.h>

#include <map>
#include <optional>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/network/multiplexer.hpp>
#include <caf/io/system_messages.hpp>
#include <spdlog/spdlog.h>

#include "actors/atoms.h"
#include "actors/errors.h"
#include "actors/messages.h"
#include "net/accept_guard.h"
#include "net/frame_codec.h"
#include "net/gateway_parts.h"
#include "net/listen_socket.h"
#include "net/protocol.h"

namespace hegemon::net {
namespace {

// The acceptor's record of one open connection.
struct OpenConnection {
  caf::actor broker;
  ClientSummary summary;
  Clock::time_point since;
  bool watching = false;
};

caf::behavior acceptor_broker(Broker* self, caf::io::doorman_ptr door, caf::io::doorman_ptr ws_door,
                              ContextPtr ctx) {
  const caf::io::accept_handle listener = door->hdl();
  self->add_doorman(std::move(door));
  // The WebSocket port's listener, if any: its connections start with the
  // HTTP upgrade (net/websocket_broker.cc).
  std::optional<caf::io::accept_handle> ws_listener;
  if (ws_door) {
    ws_listener = ws_door->hdl();
    self->add_doorman(std::move(ws_door));
  }
  // Open connections by client id: for the admin's list and kick, and to
  // close them all when the gateway is told to exit.
  auto open = std::make_shared<std::map<uint64_t, OpenConnection>>();
  auto next_id = std::make_shared<uint64_t>(1);
  // Set once the gateway is told to exit: why. The acceptor then stops
  // listening, closes every connection and quits once all of them are down,
  // so that none outlives it: each has closed its socket (the client saw the
  // stream end after everything it was sent) and run its cleanup before the
  // actor system stops the middleman.
  auto stopping = std::make_shared<std::optional<caf::error>>();
  self->set_down_handler([self, open, stopping](caf::down_msg& dm) {
    for (auto it = open->begin(); it != open->end(); ++it) {
      if (it->second.broker.address() == dm.source) {
        open->erase(it);
        break;
      }
    }
    if (*stopping && open->empty()) self->quit(**stopping);
  });
  self->set_exit_handler([self, open, stopping, listener, ws_listener](caf::exit_msg& msg) {
    if (*stopping) return;
    *stopping = msg.reason;
    self->close(listener);
    if (ws_listener) self->close(*ws_listener);
    if (open->empty()) return self->quit(msg.reason);
    spdlog::debug("gateway: closing {} connections", open->size());
    for (const auto& [id, conn] : *open) self->send_exit(conn.broker, msg.reason);
  });
  // The acceptor takes the committed ticks for every watcher and hands them
  // on. CAF 0.17's I/O thread takes one wake-up from another thread per turn
  // of its event loop (default_multiplexer's pipe), and a publisher sending to
  // each watching connection caused one per watcher and tick: with a few
  // dozen watchers the wake-ups queued up, and every reply that comes from
  // the game's actors (status, commands) waited seconds behind them. From
  // here, on the I/O thread itself, the hand-on costs no wake-up at all.
  self->send(ctx->game, subscribe_atom::value, caf::actor_cast<caf::actor>(self));
  auto relay = [self, open](auto atom, const auto& x) {
    for (const auto& [id, conn] : *open)
      if (conn.watching) self->send(conn.broker, atom, x);
  };
  return {
      [=](const caf::io::new_connection_msg& msg) {
        if (*stopping) {  // accepted before the listener was closed
          self->close(msg.handle);
          return;
        }
        const bool websocket = ws_listener && msg.source == *ws_listener;
        if (open->size() >= ctx->options.max_connections) {
          const std::string frame =
              websocket ? std::string(
                              "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
                              "Content-Length: 0\r\n\r\n")
                        : encode_frame(reply_error(nullptr, errc::kFailed,
                                                   "too many connections; try again later")
                                           .dump());
          self->write(msg.handle, frame.size(), frame.data());
          self->flush(msg.handle);
          self->close(msg.handle);
          return;
        }
        const uint64_t id = (*next_id)++;
        OpenConnection entry;
        entry.summary.id = id;
        entry.summary.peer =
            self->remote_addr(msg.handle) + ":" + std::to_string(self->remote_port(msg.handle));
        entry.summary.role = "none";
        entry.since = Clock::now();
        entry.broker = websocket ? self->fork(websocket_broker, msg.handle, ctx,
                                              caf::actor_cast<caf::actor>(self), id)
                                 : self->fork(connection_broker, msg.handle, ctx,
                                              caf::actor_cast<caf::actor>(self), id);
        self->monitor(entry.broker);
        open->emplace(id, std::move(entry));
      },
      [open](session_atom, uint64_t id, const std::string& role, NationId nation, int64_t token) {
        if (auto it = open->find(id); it != open->end()) {
          it->second.summary.role = role;
          it->second.summary.nation = nation;
          it->second.summary.token_id = token;
        }
      },
      [self, open](revoked_atom atom, int64_t token) {
        for (const auto& [id, conn] : *open)
          if (conn.summary.token_id == token) self->send(conn.broker, atom);
      },
      [self, open](handed_back_atom atom, NationId nation) {
        for (const auto& [id, conn] : *open)
          if (conn.summary.role == "player" && conn.summary.nation == nation)
            self->send(conn.broker, atom, nation);
      },
      [open](clients_atom) {
        std::vector<ClientSummary> out;
        const auto now = Clock::now();
        for (const auto& [id, conn] : *open) {
          out.push_back(conn.summary);
          out.back().connected_seconds =
              std::chrono::duration_cast<std::chrono::seconds>(now - conn.since).count();
        }
        return out;
      },
      [self, open](kick_atom atom, uint64_t id) -> caf::result<caf::ok_atom> {
        auto it = open->find(id);
        if (it == open->end())
          return make_error(Errc::invalid_request, "no client " + std::to_string(id));
        self->send(it->second.broker, atom);
        return caf::ok_atom::value;
      },
      [open](caf::get_atom, uint64_t id) -> caf::result<caf::actor> {
        auto it = open->find(id);
        if (it == open->end())
          return make_error(Errc::invalid_request, "no client " + std::to_string(id));
        return it->second.broker;
      },
      [open](watching_atom, uint64_t id) {
        if (auto it = open->find(id); it != open->end()) it->second.watching = true;
      },
      // The fog's committed world first: the watchers' deltas are cut from it.
      [relay, ctx](delta_atom atom, const ChangeSetPtr& changes) {
        ctx->fog->on_delta(changes);
        relay(atom, changes);
      },
      [relay, ctx](rewound_atom atom, Tick tick) {
        ctx->fog->on_rollback();
        relay(atom, tick);
      },
      [self](resume_accept_atom, caf::io::accept_handle listener) { self->trigger(listener); },
      [self, stopping](const caf::io::acceptor_closed_msg&) {
        if (!*stopping) self->quit();
      },
  };
}

}  // namespace

Result<Gateway> start_gateway(caf::actor_system& sys, caf::actor game,
                              std::shared_ptr<const World> world, std::shared_ptr<SaveReader> save,
                              GatewayOptions options) {
  auto listening = open_listen_socket(options.host, options.port);
  if (!listening) return listening.status();
  auto& mm = sys.middleman();
  caf::io::doorman_ptr ws_door;
  int32_t http_port = -1;
  if (options.http_port >= 0) {
    auto ws = open_listen_socket(options.host, static_cast<uint16_t>(options.http_port));
    if (!ws) {
      ::close(listening->first);
      return Status::error("--http-port: " + ws.status().message());
    }
    ws_door = guarded_doorman(sys, ws->first, "websocket");
    http_port = ws->second;
  }
  auto door = guarded_doorman(sys, listening->first, "gateway");
  auto logins = std::make_shared<LoginLimiter>(options.login_limits);
  auto fog = std::make_shared<Fog>(world, save, options.allow_spectators ? options.spectator_delay : 0);
  auto ctx = std::make_shared<const GatewayContext>(
      GatewayContext{std::move(game), std::move(world), std::move(save), std::move(options),
                     std::move(logins), std::make_shared<HandedBack>(), std::move(fog)});
  Gateway gw;
  gw.port = listening->second;
  gw.http_port = http_port;
  gw.acceptor = mm.spawn_broker(acceptor_broker, std::move(door), std::move(ws_door), ctx);
  return gw;
}

}  // namespace hegemon::net
