#include "net/frame_transport.h"

namespace hegemon::net {

std::optional<TransportError> FrameTransport::feed(const char* data, size_t size,
                                                   std::vector<InMessage>& out) {
  frames_.clear();
  const bool ok = decoder_.feed(data, size, frames_);
  for (auto& frame : frames_) {
    InMessage m;
    m.payload = std::move(frame);
    out.push_back(std::move(m));
  }
  if (ok) return std::nullopt;
  return TransportError{"frame of " + std::to_string(decoder_.announced_size()) +
                            " bytes exceeds the maximum of " + std::to_string(max_frame_bytes_),
                        1009};
}

}  // namespace hegemon::net
