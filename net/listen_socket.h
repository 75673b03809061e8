// A listening TCP socket bound to one address (127.0.0.1 by default): CAF's
// spawn_server binds to every interface, which a game server must not do
// unless told to.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "state/status.h"

namespace hegemon::net {

// Binds host:port (port 0 picks a free one) and listens. Returns the socket and
// the port actually bound. The caller owns the socket.
Result<std::pair<int, uint16_t>> open_listen_socket(const std::string& host, uint16_t port);

}  // namespace hegemon::net
