#include "net/websocket.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace hegemon::net {
namespace {

constexpr const char* kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr uint8_t kContinuation = 0x0, kText = 0x1, kBinary = 0x2, kClose = 0x8, kPing = 0x9,
                  kPong = 0xA;

}  // namespace

std::string websocket_accept(std::string_view key) {
  const std::string text = std::string(key) + kGuid;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  unsigned char out[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(out, digest, SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4, cp = c & 0x07;
    } else {
      return false;  // a continuation byte first, C0/C1 (overlong) or F5..FF
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

std::string websocket_frame(uint8_t opcode, std::string_view payload) {
  std::string out;
  out.push_back(static_cast<char>(0x80 | opcode));
  const size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((static_cast<uint64_t>(n) >> shift) & 0xff));
  }
  out.append(payload);
  return out;
}

std::string WebSocketTransport::encode(const std::string& payload, Encoding encoding) const {
  return websocket_frame(encoding == Encoding::json ? kText : kBinary, payload);
}

std::string WebSocketTransport::pong(const std::string& payload) const {
  return websocket_frame(kPong, payload);
}

std::string WebSocketTransport::closing(uint16_t code, const std::string& reason) const {
  std::string body;
  body.push_back(static_cast<char>(code >> 8));
  body.push_back(static_cast<char>(code & 0xff));
  // A control frame holds at most 125 bytes: the reason is cut, at a
  // character's start, to 123.
  size_t keep = std::min<size_t>(reason.size(), 123);
  while (keep > 0 && keep < reason.size() &&
         (static_cast<unsigned char>(reason[keep]) & 0xC0) == 0x80)
    --keep;
  body.append(reason, 0, keep);
  return websocket_frame(kClose, body);
}

std::optional<TransportError> WebSocketTransport::fail(uint16_t code, std::string message) {
  failed_ = TransportError{std::move(message), code};
  buffer_.clear();
  message_.clear();
  return failed_;
}

std::optional<TransportError> WebSocketTransport::feed(const char* data, size_t size,
                                                       std::vector<InMessage>& out) {
  if (failed_) return failed_;
  buffer_.append(data, size);
  size_t pos = 0;
  for (;;) {
    const size_t avail = buffer_.size() - pos;
    if (avail < 2) break;
    const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + pos);
    const bool fin = p[0] & 0x80;
    const uint8_t opcode = p[0] & 0x0F;
    if (p[0] & 0x70) return fail(ws_close::kProtocolError, "reserved bits set (no extension)");
    if (opcode != kContinuation && opcode != kText && opcode != kBinary && opcode != kClose &&
        opcode != kPing && opcode != kPong)
      return fail(ws_close::kProtocolError, "unknown opcode " + std::to_string(opcode));
    if (!(p[1] & 0x80)) return fail(ws_close::kProtocolError, "client frames must be masked");
    const bool control = opcode >= kClose;
    uint64_t length = p[1] & 0x7F;
    if (control && !fin) return fail(ws_close::kProtocolError, "fragmented control frame");
    if (control && length > 125)
      return fail(ws_close::kProtocolError, "control frame over 125 bytes");
    size_t header = 2;
    if (length == 126) {
      if (avail < 4) break;
      length = (uint64_t{p[2]} << 8) | p[3];
      header = 4;
    } else if (length == 127) {
      if (avail < 10) break;
      length = 0;
      for (int k = 0; k < 8; ++k) length = (length << 8) | p[2 + k];
      header = 10;
      if (length >> 63) return fail(ws_close::kProtocolError, "frame length above 2^63");
    }
    if (!control) {
      if (opcode == kContinuation && message_opcode_ < 0)
        return fail(ws_close::kProtocolError, "continuation frame without a message");
      if (opcode != kContinuation && message_opcode_ >= 0)
        return fail(ws_close::kProtocolError, "a new message inside a fragmented one");
      // Refused from the header, before its payload is buffered.
      if (length > max_message_ || message_.size() + length > max_message_)
        return fail(ws_close::kTooBig,
                    "message over the maximum of " + std::to_string(max_message_) + " bytes");
    }
    if (avail < header + 4 + length) break;
    const unsigned char* mask = p + header;
    std::string payload(reinterpret_cast<const char*>(p + header + 4), length);
    for (size_t k = 0; k < payload.size(); ++k) payload[k] ^= static_cast<char>(mask[k % 4]);
    pos += header + 4 + length;
    if (control) {
      if (opcode == kPing) out.push_back({InMessage::Kind::ping, std::move(payload), {}});
      if (opcode == kClose) {
        if (payload.size() == 1) return fail(ws_close::kProtocolError, "close frame of 1 byte");
        out.push_back({InMessage::Kind::close, std::move(payload), {}});
        buffer_.clear();
        return std::nullopt;  // nothing after a close is read
      }
      continue;  // a pong: nothing to do
    }
    if (opcode != kContinuation) message_opcode_ = opcode;
    message_ += payload;
    if (!fin) continue;
    if (message_opcode_ == kText && !valid_utf8(message_))
      return fail(ws_close::kInvalidData, "text message is not valid UTF-8");
    out.push_back({InMessage::Kind::data, std::move(message_),
                   message_opcode_ == kText ? Encoding::json : Encoding::msgpack});
    message_.clear();
    message_opcode_ = -1;
  }
  buffer_.erase(0, pos);
  return std::nullopt;
}

}  // namespace hegemon::net
