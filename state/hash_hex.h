// The text form of a 64-bit state hash in saves and logs: exactly 16 lowercase
// hex digits, so hashes compare as strings and sort like numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hegemon {

// `value`'s low `digits` hex digits, lowercase, zero-padded (higher ones are
// dropped): to_hex_digits(0x4d2, 6) == "0004d2".
std::string to_hex_digits(uint64_t value, size_t digits);
// Bytes as lowercase hex, two digits each: digests and random tokens.
std::string bytes_to_hex(std::string_view bytes);
// Exactly `digits` (at most 16) lowercase hex digits, else nullopt.
std::optional<uint64_t> from_hex_digits(std::string_view hex, size_t digits);

std::string hash_to_hex(uint64_t hash);  // e.g. "00000000000004d2"

// Accepts exactly what hash_to_hex produces; nullopt for anything else
// (wrong length, uppercase, a sign, spaces).
std::optional<uint64_t> hash_from_hex(std::string_view hex);

}  // namespace hegemon
