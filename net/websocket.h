// WebSocket (RFC 6455) as a transport (net/transport.h), the server's side:
// client frames must be masked, reserved bits are refused, control frames
// are at most 125 bytes and never fragmented, fragmented messages are
// reassembled up to a maximum size (1009 beyond it, checked from the header
// before the payload is buffered), and text messages must be valid UTF-8
// (1007). Text messages carry the protocol's JSON, binary ones its
// MessagePack. Served on `--http-port` after the HTTP upgrade
// (net/websocket_broker.cc).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "net/transport.h"

namespace hegemon::net {

// Close codes (RFC 6455 7.4.1).
namespace ws_close {
constexpr uint16_t kNormal = 1000;
constexpr uint16_t kGoingAway = 1001;
constexpr uint16_t kProtocolError = 1002;
constexpr uint16_t kInvalidData = 1007;  // text that is not UTF-8
constexpr uint16_t kTooBig = 1009;
}  // namespace ws_close

constexpr size_t kDefaultMaxWebSocketMessage = 1 << 20;  // 1 MiB, as a TCP frame

// Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key + GUID)).
std::string websocket_accept(std::string_view key);

// Whether `s` is valid UTF-8 (no overlong forms, surrogates or code points
// above U+10FFFF).
bool valid_utf8(std::string_view s);

class WebSocketTransport final : public Transport {
 public:
  explicit WebSocketTransport(size_t max_message_bytes = kDefaultMaxWebSocketMessage)
      : max_message_(max_message_bytes) {}

  std::optional<TransportError> feed(const char* data, size_t size,
                                     std::vector<InMessage>& out) override;
  // Server frames are never masked; JSON goes in text frames, MessagePack in
  // binary ones.
  std::string encode(const std::string& payload, Encoding encoding) const override;
  std::string pong(const std::string& payload) const override;
  std::string closing(uint16_t code, const std::string& reason) const override;
  size_t overhead(size_t size) const override { return size < 126 ? 2 : size <= 0xffff ? 4 : 10; }
  size_t buffered() const override { return buffer_.size() + message_.size(); }

 private:
  std::optional<TransportError> fail(uint16_t code, std::string message);

  size_t max_message_;
  std::string buffer_;       // bytes of frames not yet whole
  std::string message_;      // a fragmented message's payload so far
  int message_opcode_ = -1;  // 1 text, 2 binary; -1: no message in progress
  std::optional<TransportError> failed_;
};

// One frame as the server writes it (FIN set, unmasked); also for tests.
std::string websocket_frame(uint8_t opcode, std::string_view payload);

}  // namespace hegemon::net
