#include "state/hash_hex.h"

namespace hegemon {

std::string to_hex_digits(uint64_t value, size_t digits) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex(digits, '0');
  for (size_t i = digits; i > 0; --i, value >>= 4) hex[i - 1] = kDigits[value & 0xf];
  return hex;
}

std::string bytes_to_hex(std::string_view bytes) {
  std::string hex;
  hex.reserve(2 * bytes.size());
  for (unsigned char b : bytes) hex += to_hex_digits(b, 2);
  return hex;
}

std::optional<uint64_t> from_hex_digits(std::string_view hex, size_t digits) {
  if (hex.size() != digits || digits > 16) return std::nullopt;
  uint64_t value = 0;
  for (char c : hex) {
    uint64_t digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint64_t>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
    value = value << 4 | digit;
  }
  return value;
}

std::string hash_to_hex(uint64_t hash) { return to_hex_digits(hash, 16); }

std::optional<uint64_t> hash_from_hex(std::string_view hex) { return from_hex_digits(hex, 16); }

}  // namespace hegemon
