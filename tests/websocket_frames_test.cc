// The WebSocket transport's frame parser (net/websocket.h) against hostile
// frames built here byte by byte: unmasked, reserved bits, oversized and
// fragmented control frames, bad UTF-8, oversized messages, continuation
// without a start; and the good cases: fragmentation with a ping in the
// middle, 16- and 64-bit lengths, input split byte by byte, the accept key.
#define CAF_SUITE websocket_frames
#include <caf/test/unit_test.hpp>

#include <string>
#include <vector>

#include "net/websocket.h"

using namespace hegemon::net;

namespace {

// A client frame: masked with a fixed key unless `masked` is false.
std::string client_frame(uint8_t first_byte, const std::string& payload, bool masked = true) {
  std::string out;
  out.push_back(static_cast<char>(first_byte));
  const uint8_t mask_bit = masked ? 0x80 : 0;
  const size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(mask_bit | n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((static_cast<uint64_t>(n) >> shift) & 0xff));
  }
  const char key[4] = {0x12, 0x34, 0x56, 0x78};
  if (masked) out.append(key, 4);
  for (size_t i = 0; i < n; ++i) out.push_back(masked ? payload[i] ^ key[i % 4] : payload[i]);
  return out;
}

struct Fed {
  std::vector<InMessage> messages;
  std::optional<TransportError> error;
};

Fed feed(WebSocketTransport& t, const std::string& bytes) {
  Fed f;
  f.error = t.feed(bytes.data(), bytes.size(), f.messages);
  return f;
}

uint16_t error_code(const std::string& bytes, size_t max = 1 << 20) {
  WebSocketTransport t(max);
  auto f = feed(t, bytes);
  return f.error ? f.error->close_code : 0;
}

}  // namespace

CAF_TEST(the accept key is RFC 6455 section 1 3 example) {
  CAF_CHECK_EQUAL(websocket_accept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

CAF_TEST(a masked text frame is one JSON message) {
  WebSocketTransport t;
  auto f = feed(t, client_frame(0x81, R"({"id":1})"));
  CAF_REQUIRE(!f.error);
  CAF_REQUIRE_EQUAL(f.messages.size(), 1u);
  CAF_CHECK_EQUAL(f.messages[0].payload, R"({"id":1})");
  CAF_CHECK(f.messages[0].encoding == Encoding::json);
  auto b = feed(t, client_frame(0x82, std::string("\x81\xa1x", 3)));
  CAF_REQUIRE_EQUAL(b.messages.size(), 1u);
  CAF_CHECK(b.messages[0].encoding == Encoding::msgpack);
}

CAF_TEST(input split byte by byte gives the same messages) {
  WebSocketTransport t;
  const std::string big(70000, 'a');  // a 64-bit length
  const std::string bytes = client_frame(0x81, std::string(300, 'b')) + client_frame(0x82, big);
  std::vector<InMessage> out;
  for (char c : bytes) CAF_REQUIRE(!t.feed(&c, 1, out));
  CAF_REQUIRE_EQUAL(out.size(), 2u);
  CAF_CHECK_EQUAL(out[0].payload, std::string(300, 'b'));
  CAF_CHECK_EQUAL(out[1].payload, big);
  CAF_CHECK_EQUAL(t.buffered(), 0u);
}

CAF_TEST(fragments with a ping between them make one message) {
  WebSocketTransport t;
  auto f = feed(t, client_frame(0x01, "{\"id\":") + client_frame(0x89, "hi") +
                       client_frame(0x00, "2") + client_frame(0x80, "}"));
  CAF_REQUIRE(!f.error);
  CAF_REQUIRE_EQUAL(f.messages.size(), 2u);
  CAF_CHECK(f.messages[0].kind == InMessage::Kind::ping);
  CAF_CHECK_EQUAL(f.messages[0].payload, "hi");
  CAF_CHECK_EQUAL(f.messages[1].payload, "{\"id\":2}");
  CAF_CHECK_EQUAL(t.pong("hi"), std::string("\x8a\x02hi", 4));
}

CAF_TEST(hostile frames are refused with their close codes) {
  CAF_CHECK_EQUAL(error_code(client_frame(0x81, "{}", false)), ws_close::kProtocolError);
  CAF_CHECK_EQUAL(error_code(client_frame(0xC1, "{}")), ws_close::kProtocolError);  // RSV1
  CAF_CHECK_EQUAL(error_code(client_frame(0x91, "{}")), ws_close::kProtocolError);  // RSV3
  CAF_CHECK_EQUAL(error_code(client_frame(0x89, std::string(126, 'p'))),
                  ws_close::kProtocolError);                                       // big ping
  CAF_CHECK_EQUAL(error_code(client_frame(0x09, "p")), ws_close::kProtocolError);  // no FIN
  CAF_CHECK_EQUAL(error_code(client_frame(0x83, "x")), ws_close::kProtocolError);  // opcode 3
  CAF_CHECK_EQUAL(error_code(client_frame(0x80, "x")), ws_close::kProtocolError);  // lone cont.
  CAF_CHECK_EQUAL(error_code(client_frame(0x01, "a") + client_frame(0x81, "b")),
                  ws_close::kProtocolError);  // a message inside a message
  CAF_CHECK_EQUAL(error_code(client_frame(0x81, "\xc0\xaf")), ws_close::kInvalidData);
  CAF_CHECK_EQUAL(error_code(client_frame(0x81, "\xed\xa0\x80")), ws_close::kInvalidData);
  CAF_CHECK_EQUAL(error_code(client_frame(0x81, "ok \xe2\x82")), ws_close::kInvalidData);
  CAF_CHECK_EQUAL(error_code(client_frame(0x88, "x")), ws_close::kProtocolError);
  // Too big: one frame, and fragments adding up.
  CAF_CHECK_EQUAL(error_code(client_frame(0x82, std::string(101, 'x')), 100), ws_close::kTooBig);
  CAF_CHECK_EQUAL(
      error_code(
          client_frame(0x02, std::string(60, 'x')) + client_frame(0x80, std::string(60, 'x')), 100),
      ws_close::kTooBig);
}

CAF_TEST(an oversized message is refused from its header alone) {
  WebSocketTransport t(1000);
  std::string header = client_frame(0x82, std::string(70000, 'x')).substr(0, 14);
  auto f = feed(t, header);
  CAF_REQUIRE(f.error);
  CAF_CHECK_EQUAL(f.error->close_code, ws_close::kTooBig);
  CAF_CHECK_EQUAL(t.buffered(), 0u);
  // And the stream stays failed.
  auto again = feed(t, client_frame(0x81, "{}"));
  CAF_CHECK(again.error && again.messages.empty());
}

CAF_TEST(valid UTF - 8 passes and a close frame ends reading) {
  WebSocketTransport t;
  auto f = feed(t, client_frame(0x81, "h\xc3\xa9llo \xf0\x9f\x98\x80") +
                       client_frame(0x88, std::string("\x03\xe8", 2)) + client_frame(0x81, "x"));
  CAF_REQUIRE(!f.error);
  CAF_REQUIRE_EQUAL(f.messages.size(), 2u);
  CAF_CHECK(f.messages[1].kind == InMessage::Kind::close);
  const std::string bye = t.closing(1009, std::string(200, 'r'));
  CAF_CHECK_EQUAL(bye.size(), 2u + 125u);  // cut to fit a control frame
}
