#include "fuzz/mutator.h"

#include <algorithm>
#include <limits>

namespace hegemon::fuzz {
namespace {

using nlohmann::json;

// Tokens that have broken JSON and MessagePack readers elsewhere: numbers out
// of every range, escapes, lone surrogates, truncated literals, brackets.
const std::vector<std::string>& nasty_tokens() {
  static const std::vector<std::string> tokens{"1e400",
                                               "-1e400",
                                               "18446744073709551616",
                                               "-9223372036854775809",
                                               "9223372036854775807",
                                               "4294967296",
                                               "2147483648",
                                               "-2147483649",
                                               "0.5",
                                               "-0",
                                               "1E+2",
                                               "NaN",
                                               "Infinity",
                                               "\"\\u0000\"",
                                               "\"\\ud800\"",
                                               "\"\\udc00\\ud800\"",
                                               "\"\xff\xfe\"",
                                               "\"\xc0\xaf\"",
                                               "tru",
                                               "nul",
                                               "[",
                                               "{",
                                               "]]]]",
                                               "}}}}",
                                               "\"",
                                               "\\",
                                               ",",
                                               ":",
                                               "[[[[[[[[[[[[[[[[",
                                               "{\"\":{\"\":{",
                                               std::string("\0", 1),
                                               "\xdc\xff\xff",
                                               "\xdd\xff\xff\xff\xff",
                                               "\xdf\x7f\xff\xff\xff",
                                               "\xdb\xff\xff\xff\xff",
                                               "\xc6\xff\xff\xff\xff",
                                               "\xd9\xff",
                                               "\xcf\xff\xff\xff\xff\xff\xff\xff\xff",
                                               "\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00",
                                               "\xc1",
                                               "\x91\x91\x91\x91\x91\x91\x91\x91"};
  return tokens;
}

}  // namespace

uint64_t FuzzRng::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

int64_t FuzzRng::edgy_int() {
  static const int64_t kEdges[] = {0,
                                   1,
                                   -1,
                                   2,
                                   255,
                                   256,
                                   65535,
                                   std::numeric_limits<int32_t>::max(),
                                   std::numeric_limits<int32_t>::min(),
                                   int64_t{std::numeric_limits<int32_t>::max()} + 1,
                                   int64_t{std::numeric_limits<int32_t>::min()} - 1,
                                   int64_t{std::numeric_limits<uint32_t>::max()},
                                   int64_t{std::numeric_limits<uint32_t>::max()} + 2,
                                   std::numeric_limits<int64_t>::max(),
                                   std::numeric_limits<int64_t>::min(),
                                   std::numeric_limits<int64_t>::max() - 30,
                                   std::numeric_limits<int64_t>::min() + 30};
  constexpr size_t kCount = sizeof kEdges / sizeof kEdges[0];
  if (chance(70)) return kEdges[below(kCount)];
  return static_cast<int64_t>(next());
}

std::string random_bytes(FuzzRng& rng, size_t n) {
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng.next());
  return out;
}

std::string mutate_bytes(FuzzRng& rng, std::string s, const std::vector<std::string>& corpus) {
  const int rounds = 1 + static_cast<int>(rng.below(4));
  for (int round = 0; round < rounds; ++round) {
    const size_t at = s.empty() ? 0 : rng.below(s.size());
    switch (rng.below(9)) {
      case 0:  // flip a bit
        if (!s.empty()) s[at] = static_cast<char>(s[at] ^ (1 << rng.below(8)));
        break;
      case 1:  // replace a byte
        if (!s.empty()) s[at] = static_cast<char>(rng.next());
        break;
      case 2:  // insert random bytes
        s.insert(at, random_bytes(rng, 1 + rng.below(8)));
        break;
      case 3:  // delete a range
        if (!s.empty()) s.erase(at, 1 + rng.below(std::min<size_t>(16, s.size() - at)));
        break;
      case 4:  // truncate
        s.resize(rng.below(s.size() + 1));
        break;
      case 5: {  // duplicate a range in place
        const size_t n = std::min<size_t>(s.size() - at, 1 + rng.below(32));
        s.insert(at, s.substr(at, n));
        break;
      }
      case 6: {  // splice: our head, another input's tail
        if (corpus.empty()) break;
        const std::string& other = corpus[rng.below(corpus.size())];
        s = s.substr(0, at) + other.substr(rng.below(other.size() + 1));
        break;
      }
      case 7: {  // a nasty token, inserted or overwriting
        const auto& tokens = nasty_tokens();
        const std::string& t = tokens[rng.below(tokens.size())];
        if (rng.chance(50)) {
          s.insert(at, t);
        } else {
          s.replace(at, std::min(t.size(), s.size() - at), t);
        }
        break;
      }
      default: {  // an interesting byte: a quote, a bracket, a MessagePack marker
        static const char kBytes[] = {'"',    '{',    '}',    '[',    ']',    ',',
                                      ':',    '\\',   '\0',   '\x7f', '\x80', '\xc0',
                                      '\xc1', '\xd9', '\xdc', '\xde', '\xff'};
        s.insert(at, 1, kBytes[rng.below(sizeof kBytes)]);
        break;
      }
    }
  }
  return s;
}

json random_value(FuzzRng& rng, int depth) {
  switch (rng.below(depth > 0 ? 11 : 8)) {
    case 0: return nullptr;
    case 1: return rng.chance(50);
    case 2: return rng.edgy_int();
    case 3: return static_cast<uint64_t>(rng.next());  // beyond int64 half the time
    case 4: return static_cast<double>(rng.edgy_int()) + 0.5;
    case 5: return std::string();
    case 6: return std::string(rng.below(300), static_cast<char>('a' + rng.below(26)));
    case 7: {  // a number as a string: the commonest wrong type
      return std::to_string(rng.edgy_int());
    }
    case 8: {
      json a = json::array();
      for (uint64_t i = rng.below(5); i > 0; --i) a.push_back(random_value(rng, depth - 1));
      return a;
    }
    case 9: {
      json o = json::object();
      for (uint64_t i = rng.below(4); i > 0; --i)
        o[std::string(1, static_cast<char>('a' + rng.below(26)))] = random_value(rng, depth - 1);
      return o;
    }
    default: {  // a long array of small integers (a path of 300 provinces, say)
      json a = json::array();
      for (uint64_t i = 200 + rng.below(200); i > 0; --i) a.push_back(1 + rng.below(50));
      return a;
    }
  }
}

json mutate_document(FuzzRng& rng, json doc) {
  if (!doc.is_object()) return doc;
  const int rounds = 1 + static_cast<int>(rng.below(3));
  for (int round = 0; round < rounds; ++round) {
    std::vector<std::string> keys;
    for (const auto& item : doc.items()) keys.push_back(item.key());
    const std::string key = keys.empty() ? "id" : keys[rng.below(keys.size())];
    switch (rng.below(5)) {
      case 0:
      case 1: doc[key] = random_value(rng); break;  // wrong type or range
      case 2: doc.erase(key); break;                // missing
      case 3: doc[std::string(1 + rng.below(6), 'x')] = random_value(rng); break;  // a stranger
      default:  // an integer field pushed just past an edge
        if (doc[key].is_number_integer()) {
          // In unsigned arithmetic: past INT64_MAX wraps instead of being undefined.
          doc[key] = static_cast<int64_t>(static_cast<uint64_t>(doc[key].get<int64_t>()) +
                                          rng.below(3) - 1);
        } else {
          doc[key] = rng.edgy_int();
        }
        break;
    }
  }
  return doc;
}

std::string nested_json(size_t depth, const std::string& inner, bool closed) {
  std::string out(depth, '[');
  out += inner;
  if (closed) out.append(depth, ']');
  return out;
}

std::vector<size_t> random_cuts(FuzzRng& rng, size_t size, size_t max_cuts) {
  std::vector<size_t> cuts;
  if (size < 2) return cuts;
  for (uint64_t i = rng.below(max_cuts + 1); i > 0; --i) cuts.push_back(1 + rng.below(size - 1));
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  return cuts;
}

}  // namespace hegemon::fuzz
