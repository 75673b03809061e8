#include "rules/name_gen.h"

#include <cctype>
#include <iterator>
#include <unordered_set>

#include "state/rng.h"

namespace hegemon {
namespace {

const char* const kSyllables[] = {
    "val", "mor", "kes", "trin", "dor", "bel", "cor", "dan", "el",  "fen",  "gar",  "hal",
    "ith", "jor", "kal", "lor",  "mar", "nor", "or",  "pel", "ros", "sal",  "tor",  "ul",
    "ven", "wyn", "yar", "zan",  "bra", "cle", "dra", "eth", "fal", "gil",  "hem",  "isk",
    "lan", "mir", "nes", "ost",  "pra", "rin", "sel", "tam", "vor", "ka",   "li",   "mo",
    "ne",  "ta",  "ru",  "sa",   "vi",  "go",  "be",  "da",  "lu",  "thal", "quen", "ast"};
const char* const kEndings[] = {"a", "", "", "ia", "os", "en", "ar", "um", "is", ""};
const char* const kNationSuffixes[] = {"ia",    "or", "an",  "ar",   "enia", "mark", "land", "heim",
                                       "istan", "os", "ica", "aria", "dal",  "wald", "ora",  "ium"};

template <class T, size_t N>
const char* pick(Rng& rng, const T (&list)[N]) {
  return list[static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(N) - 1))];
}

std::string capitalized(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string stem(Rng& rng, int syllables) {
  std::string s;
  for (int i = 0; i < syllables; ++i) s += pick(rng, kSyllables);
  return s;
}

}  // namespace

std::string province_name(uint64_t seed, ProvinceId id) {
  Rng rng(seed, 0, static_cast<uint64_t>(id), RngPurpose::worldgen_names);
  std::string s = stem(rng, rng.chance(300) ? 3 : 2);
  return capitalized(s + pick(rng, kEndings));
}

std::vector<std::string> nation_names(uint64_t seed, int32_t count) {
  std::vector<std::string> names;
  std::unordered_set<std::string> taken;
  for (NationId id = 1; id <= count; ++id) {
    // Retry on a clash; the draws continue the nation's own stream, so the
    // result depends only on the seed and the names before it.
    Rng rng(seed, 1, static_cast<uint64_t>(id), RngPurpose::worldgen_names);
    std::string name;
    for (int attempt = 0; name.empty() || taken.count(name); ++attempt) {
      name = capitalized(stem(rng, attempt < 8 ? 1 + static_cast<int>(rng.uniform(0, 1)) : 3) +
                         pick(rng, kNationSuffixes));
    }
    taken.insert(name);
    names.push_back(std::move(name));
  }
  return names;
}

std::vector<std::string> names_from_list(const std::vector<std::string>& list, int32_t count) {
  std::vector<std::string> names;
  std::unordered_set<std::string> taken;
  for (int32_t i = 0; i < count; ++i) {
    const std::string& base = list[static_cast<size_t>(i) % list.size()];
    std::string name = base;
    // Starts at the round's number, so the search is short in the usual case.
    for (int64_t n = 1 + i / static_cast<int64_t>(list.size()); taken.count(name); ++n)
      name = base + " " + std::to_string(n < 2 ? 2 : n);
    taken.insert(name);
    names.push_back(std::move(name));
  }
  return names;
}

}  // namespace hegemon
