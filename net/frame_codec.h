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
constexpr uint32_t kDefaultMaxFrameBytes = 1 << 20;  // 1 MiB

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
