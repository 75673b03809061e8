// Hegemon's wire framing: every message is a 4-byte big-endian payload length
// followed by that many bytes of payload (a JSON document). Lengths above the
// configured maximum are refused before anything is buffered, so a client
// cannot make the server allocate more than one maximum-size frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hegemon::net {

constexpr size_t kFrameHeaderBytes = 4;
// Requests: a client's frames are small (the largest is a command with an
// army's path), so the server reads at most this much per frame.
constexpr uint32_t kDefaultMaxFrameBytes = 1 << 20;  // 1 MiB

// Replies and pushes: the largest frame the server ever sends, and so the
// largest a client must accept (net/client.cc; clients/python/
// hegemon_client.py keeps the same number, checked by
// tests/clients/python_client_test.py).
// The largest legal world (rules/world_gen.h: 200,000 provinces, 10,000
// nations) gives a snapshot of about 8 MB (a province row is at most 28
// bytes, a nation at most 200) and, on the first of a month, when every
// province changes, a delta of about 26 MB (a whole province is at most 120
// bytes); 64 MiB is more than twice that, so armies, wars and events have
// room. The gateway refuses to send anything larger (a reply becomes an
// error, a delta a resync), so a client that accepts this much accepts every
// frame the server sends.
constexpr uint32_t kMaxReplyFrameBytes = 64u << 20;  // 64 MiB

// Prepends the header to `payload`.
std::string encode_frame(const std::string& payload);

// Reassembles frames from a byte stream that arrives in arbitrary pieces.
class FrameDecoder {
 public:
  explicit FrameDecoder(uint32_t max_frame_bytes = kDefaultMaxFrameBytes)
      : max_frame_bytes_(max_frame_bytes) {}

  // Consumes `size` bytes; complete frames are appended to `out`. Returns
  // false once a header announces a frame above the maximum: the stream is
  // then unusable (the connection should be closed) and stays failed.
  bool feed(const char* data, size_t size, std::vector<std::string>& out);

  bool failed() const { return failed_; }
  uint32_t announced_size() const { return announced_; }  // of the refused frame
  size_t buffered() const { return buffer_.size(); }

 private:
  uint32_t max_frame_bytes_;
  std::string buffer_;
  uint32_t announced_ = 0;
  bool failed_ = false;
};

}  // namespace hegemon::net
