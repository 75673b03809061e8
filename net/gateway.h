// The gateway: where game clients and operators connect. It speaks Hegemon's
// own protocol (net/protocol.h, docs/PROTOCOL.md) over TCP, built on CAF's
// network layer (libcaf_io brokers): one acceptor broker, and one broker per
// connection, forked from it, so a connection that fails takes only itself
// down. Clients never speak CAF's actor protocol (BASP) and no actor handle
// ever crosses the wire: a connection turns requests into messages to the
// game supervisor's admin API and reads the hot cache for queries.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include "net/frame_codec.h"
#include "net/login_limiter.h"
#include "persistence/save_reader.h"
#include "state/mod_content.h"
#include "state/status.h"
#include "state/world.h"

namespace hegemon::net {

// 4 MiB: about ten seconds of the default world's deltas at speed 5 (6-9 KB
// a tick), or 80 of its snapshots (50 KB); far more than a client that keeps
// reading has waiting (docs/RELIABILITY.md, "Load").
constexpr size_t kDefaultMaxOutboxBytes = 4 << 20;

struct GatewayOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 4242;  // 0: any free port
  // WebSocket (RFC 6455, upgrade on /ws) on its own port, bound to `host`;
  // -1: off, 0: any free port.
  int32_t http_port = -1;
  // The Origin a browser's WebSocket must come from (`--http-origin`, e.g.
  // "https://game.example.com"); empty: the page's own origin, i.e. an Origin
  // whose host:port is the request's Host. A request without Origin is not
  // from a browser page and is let through: Origin is a defence against other
  // sites' pages driving a visitor's browser, not an authentication.
  std::string http_origin;
  std::string admin_token;       // accepted for admin logins besides the save's tokens
  bool allow_spectators = true;  // read-only logins without a token
  // `--spectators delayed:N`: spectators see the world N committed ticks
  // late (every query, the watch snapshot and its deltas; net/fog.h), so
  // that one cannot scout for a player. 0: live (`full`).
  int32_t spectator_delay = 0;
  size_t max_connections = 256;
  uint32_t max_frame_bytes = kDefaultMaxFrameBytes;
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};
  int32_t requests_per_second = 200;  // per connection, with a burst of as many
  // Bytes a connection may have waiting to be sent (replies and pushes its
  // client has not read yet; `hegemon serve --max-outbox-bytes`). Beyond it a
  // watcher's deltas are dropped and, once it has drained, it gets a fresh
  // snapshot instead; and requests wait, unread into replies, until the
  // client has read what it was sent (too many waiting close the connection).
  // A slow reader costs bounded memory, never more. A connection's limit is
  // at least twice the size of the last snapshot it was sent, so that on a
  // big world a snapshot alone never counts as falling behind.
  size_t max_outbox_bytes = kDefaultMaxOutboxBytes;
  // `download_save` (net/session_download.cc): players may download the save
  // of a paused or ended game (`hegemon serve --player-downloads`; admins
  // always may), and no copy may be larger than max_download_bytes.
  bool player_downloads = false;
  int64_t max_download_bytes = int64_t{4} << 30;
  // Failed logins allowed per peer address and in total (net/login_limiter.h).
  LoginLimits login_limits;
  // The mods the game runs and their checksum (state/mod_content.h), told in
  // `hello` and `status` so a client can refuse a server running other
  // content, as multiplayer lobbies do.
  GameContent content;
};

// One connected client, as the acceptor knows it.
struct ClientSummary {
  uint64_t id = 0;              // numbered from 1 in order of connection
  std::string peer;             // "address:port"
  std::string role;             // "none" until logged in, then admin/player/spectator
  NationId nation = kNoNation;  // a player's nation
  // The stored token the session logged in with (`tokens` lists them); 0 for
  // none: not logged in, a spectator, or the server's own --admin-token.
  // Revoking a token ends every session that logged in with it.
  int64_t token_id = 0;
  int64_t connected_seconds = 0;
};

// What the acceptor answers besides connections:
//   (clients_atom)          -> std::vector<ClientSummary>, by id
//   (kick_atom, uint64_t)   -> ok: that client is told why and disconnected;
//                              an error if there is no such client
//   (revoked_atom, token id)     every session logged in with that token is
//                              told so and disconnected (from a connection
//                              whose admin revoked it)
//   (handed_back_atom, nation)   every player session of that nation loses
//                              command: demoted to spectator (or, with
//                              spectators off, disconnected), told why
//   (get_atom, uint64_t)    -> actor: the client's connection broker, in
//                              process only (tests and tools); never on the wire
using clients_atom = caf::atom_constant<caf::atom("clients")>;
using kick_atom = caf::atom_constant<caf::atom("kick")>;
using revoked_atom = caf::atom_constant<caf::atom("revoked")>;
using handed_back_atom = caf::atom_constant<caf::atom("handedback")>;

struct Gateway {
  caf::actor acceptor;
  uint16_t port = 0;       // the port actually bound
  int32_t http_port = -1;  // the WebSocket port bound; -1: off
};

// Binds host:port and starts accepting. `game` is the game supervisor;
// `save` a read-only connection to the save, for logins and history.
Result<Gateway> start_gateway(caf::actor_system& sys, caf::actor game,
                              std::shared_ptr<const World> world, std::shared_ptr<SaveReader> save,
                              GatewayOptions options);

}  // namespace hegemon::net

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<hegemon::net::ClientSummary>)
