// The gateway's parts shared by its acceptor (net/gateway.cc) and its
// connections (net/session.cc): their context and the messages between
// them. Not part of the gateway's interface (net/gateway.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/behavior.hpp>
#include <caf/io/connection_handle.hpp>

#include "net/broker.h"
#include "net/fog.h"
#include "net/gateway.h"
#include "net/handed_back.h"
#include "net/login_limiter.h"
#include "persistence/save_reader.h"
#include "state/world.h"

namespace hegemon::net {

// A connection tells the acceptor who logged in: (session, id, role, nation,
// token id).
using session_atom = caf::atom_constant<caf::atom("session")>;
// A connection tells the acceptor it watches: (watching, id).
using watching_atom = caf::atom_constant<caf::atom("watching")>;
using Clock = std::chrono::steady_clock;
// A WebSocket connection's HTTP head took too long.
using head_timeout_atom = caf::atom_constant<caf::atom("headtime")>;

struct GatewayContext {
  caf::actor game;
  std::shared_ptr<const World> world;
  std::shared_ptr<SaveReader> save;  // read-only: token checks and history
  GatewayOptions options;
  std::shared_ptr<LoginLimiter> logins;     // every connection's failed logins
  std::shared_ptr<HandedBack> handed_back;  // nations whose players may not log in now
  // The committed worlds of players' and delayed spectators' views; the
  // I/O thread's only (net/fog.h).
  std::shared_ptr<Fog> fog;
};
using ContextPtr = std::shared_ptr<const GatewayContext>;

// One client's connection: framing, handshake, roles, rate limit, requests
// (net/session.cc). Forked by the acceptor for each new connection.
caf::behavior connection_broker(Broker* self, caf::io::connection_handle hdl, ContextPtr ctx,
                                caf::actor acceptor, uint64_t id);

// The same on the WebSocket port (net/websocket_broker.cc): the HTTP/1.1
// upgrade on /ws (its head at most 8 KiB and 10 s), then a session over
// net/websocket.h.
caf::behavior websocket_broker(Broker* self, caf::io::connection_handle hdl, ContextPtr ctx,
                               caf::actor acceptor, uint64_t id);

}  // namespace hegemon::net
