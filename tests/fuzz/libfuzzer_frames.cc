// libFuzzer target: the frame decoder (fuzz/properties.h, check_frame_stream).
// Input: one byte choosing the maximum frame size, one byte n, n bytes placing
// the cuts, then the stream itself.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/properties.h"
#include "fuzz/report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  static const uint32_t kMaxima[] = {0, 1, 16, 255, 4096, 1u << 20};
  const uint32_t max = kMaxima[data[0] % 6];
  const size_t n = data[1] % 32;
  if (size < 2 + n) return 0;
  const std::string stream(reinterpret_cast<const char*>(data + 2 + n), size - 2 - n);
  std::vector<size_t> cuts;
  for (size_t i = 0; i < n && stream.size() > 1; ++i)
    cuts.push_back(1 + data[2 + i] * (stream.size() - 1) / 256);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  hegemon::fuzz::abort_if_broken(hegemon::fuzz::check_frame_stream(stream, cuts, max));
  return 0;
}
