// Generated names, built from syllables so they sound of one (invented)
// world: provinces like "Valmora" or "Kestrin", nations with a suffix like
// "Dorvania". Deterministic in the seed. Province names may repeat (as real
// place names do); nation names are all distinct.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "state/ids.h"

namespace hegemon {

std::string province_name(uint64_t seed, ProvinceId id);

// names[i] is the name of nation i + 1.
std::vector<std::string> nation_names(uint64_t seed, int32_t count);

// Names from a list instead (a mod's name list, issue #15): `count` names
// taken from `list` in order, going round again as needed; a name already
// used (a later round, or a repeat within the list) gets a number, the
// lowest from 2 that makes it distinct ("Milano", ..., "Milano 2"). So all
// names are distinct. `list` must not be empty.
std::vector<std::string> names_from_list(const std::vector<std::string>& list, int32_t count);

}  // namespace hegemon
