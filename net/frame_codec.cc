#include "net/frame_codec.h"

namespace hegemon::net {

std::string encode_frame(const std::string& payload) {
  const auto n = static_cast<uint32_t>(payload.size());
  std::string out;
  out.reserve(kFrameHeaderBytes + payload.size());
  out.push_back(static_cast<char>((n >> 24) & 0xff));
  out.push_back(static_cast<char>((n >> 16) & 0xff));
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  out.push_back(static_cast<char>(n & 0xff));
  out += payload;
  return out;
}

bool FrameDecoder::feed(const char* data, size_t size, std::vector<std::string>& out) {
  if (failed_) return false;
  buffer_.append(data, size);
  size_t pos = 0;
  while (buffer_.size() - pos >= kFrameHeaderBytes) {
    const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + pos);
    const uint32_t n =
        (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    if (n > max_frame_bytes_) {
      announced_ = n;
      failed_ = true;
      buffer_.clear();
      return false;
    }
    if (buffer_.size() - pos - kFrameHeaderBytes < n) break;  // wait for the rest
    out.emplace_back(buffer_, pos + kFrameHeaderBytes, n);
    pos += kFrameHeaderBytes + n;
  }
  buffer_.erase(0, pos);
  return true;
}

}  // namespace hegemon::net
