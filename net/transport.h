// A transport: how one connection's bytes become messages and messages
// become bytes, and nothing else (no roles, no requests, no JSON). The
// session (net/session.h) is the same for every transport: today's
// length-prefixed frames (net/frame_transport.h) are one, and WebSocket
// (RFC 6455; issue #16) is to be the next. A transport holds no socket: the
// session writes what it returns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/protocol.h"

namespace hegemon::net {

// One thing a transport read.
struct InMessage {
  enum class Kind {
    data,  // a request's payload
    ping,  // the peer asks for a pong (WebSocket); costs like a request
    close  // the peer ends the connection in an orderly way (WebSocket)
  };
  Kind kind = Kind::data;
  std::string payload;
  // The encoding the transport itself says the payload is in (WebSocket:
  // text frames are JSON, binary frames MessagePack); nullopt: the one the
  // session chose in its hello.
  std::optional<Encoding> encoding;
};

// The stream broke the transport's rules: what was wrong, and the code to
// close with (WebSocket's close codes, RFC 6455 7.4.1; the frame transport
// has none and ignores it).
struct TransportError {
  std::string message;
  uint16_t close_code = 1002;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // Consumes `size` bytes that arrived in any pieces; complete messages are
  // appended to `out`. After an error the stream is unusable (the session
  // reports it, then closes the connection), and every later call fails.
  virtual std::optional<TransportError> feed(const char* data, size_t size,
                                             std::vector<InMessage>& out) = 0;

  // A message for the peer, on the wire.
  virtual std::string encode(const std::string& payload, Encoding encoding) const = 0;

  // The answer to a ping (empty: the transport has no pings).
  virtual std::string pong(const std::string& payload) const = 0;

  // Bytes that end the stream in an orderly way before the socket closes (a
  // WebSocket close frame); empty for a transport without them.
  virtual std::string closing(uint16_t code, const std::string& reason) const = 0;

  // Bytes encode() adds to a payload of `size` bytes.
  virtual size_t overhead(size_t size) const = 0;

  // Bytes read but not yet a whole message (bounded by the transport).
  virtual size_t buffered() const = 0;
};

}  // namespace hegemon::net
