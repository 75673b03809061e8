// libFuzzer target: one frame's payload through the gateway's request path
// (fuzz/properties.h, check_request_payload). The first byte picks the
// encoding (even: JSON, odd: MessagePack); the rest is the payload.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/properties.h"
#include "fuzz/report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto encoding =
      data[0] % 2 ? hegemon::net::Encoding::msgpack : hegemon::net::Encoding::json;
  const std::string payload(reinterpret_cast<const char*>(data + 1), size - 1);
  hegemon::fuzz::abort_if_broken(hegemon::fuzz::check_request_payload(payload, encoding));
  return 0;
}
