// Hegemon's own transport over TCP: length-prefixed frames
// (net/frame_codec.h), each one message in the session's encoding. No pings
// and no orderly close: the stream just ends.
#pragma once

#include "net/frame_codec.h"
#include "net/transport.h"

namespace hegemon::net {

class FrameTransport final : public Transport {
 public:
  explicit FrameTransport(uint32_t max_frame_bytes)
      : decoder_(max_frame_bytes), max_frame_bytes_(max_frame_bytes) {}

  // A header announcing more than the maximum is an error at once, before
  // any of the frame is buffered.
  std::optional<TransportError> feed(const char* data, size_t size,
                                     std::vector<InMessage>& out) override;
  std::string encode(const std::string& payload, Encoding) const override {
    return encode_frame(payload);
  }
  std::string pong(const std::string&) const override { return {}; }
  std::string closing(uint16_t, const std::string&) const override { return {}; }
  size_t overhead(size_t) const override { return kFrameHeaderBytes; }
  size_t buffered() const override { return decoder_.buffered(); }

 private:
  FrameDecoder decoder_;
  uint32_t max_frame_bytes_;
  std::vector<std::string> frames_;  // reused between calls
};

}  // namespace hegemon::net
