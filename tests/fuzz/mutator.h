// Seeded random inputs for the fuzzers (docs/RELIABILITY.md, "Bad clients"):
// a SplitMix64 generator (the same numbers on every platform, unlike the
// distributions of <random>) and the mutations a fuzzer applies to valid
// inputs, byte-level and document-level. Everything is a function of
// the seed, so a failure found once is found again with the same seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hegemon::fuzz {

class FuzzRng {
 public:
  explicit FuzzRng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }  // 0..n-1
  bool chance(unsigned percent) { return below(100) < percent; }
  // Integers a validator is most likely to get wrong: 0, +-1, the edges of
  // 32 and 64 bits, and now and then anything.
  int64_t edgy_int();

 private:
  uint64_t state_;
};

// `n` uniformly random bytes.
std::string random_bytes(FuzzRng& rng, size_t n);

// One to a few byte-level mutations of `input`: flipped bits, replaced,
// inserted or deleted bytes, truncation, a duplicated range, a splice with
// another input of `corpus`, or a token known to trouble parsers (huge
// numbers, escapes, open brackets).
std::string mutate_bytes(FuzzRng& rng, std::string input, const std::vector<std::string>& corpus);

// Any JSON value, favouring the awkward: huge and negative numbers, floats
// where integers belong, empty and long strings, nested containers.
nlohmann::json random_value(FuzzRng& rng, int depth = 3);

// One to a few document-level mutations of an object: a member's value
// replaced by a value of another type, a member removed, a stranger added.
nlohmann::json mutate_document(FuzzRng& rng, nlohmann::json doc);

// `depth` nested arrays around `inner` as JSON text ("[[[...]]]"), closed or
// left open.
std::string nested_json(size_t depth, const std::string& inner, bool closed);

// The chunk boundaries of a `size`-byte stream cut at random points (sorted,
// without 0 and size): how TCP might deliver it.
std::vector<size_t> random_cuts(FuzzRng& rng, size_t size, size_t max_cuts);

}  // namespace hegemon::fuzz
