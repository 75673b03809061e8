#include "actors/incident.h"

#include <nlohmann/json.hpp>

namespace hegemon {

std::string incident_json(std::initializer_list<std::pair<const char*, int64_t>> numbers,
                          std::initializer_list<std::pair<const char*, std::string>> texts) {
  // nlohmann::ordered_json keeps fields in the order given, for readable rows.
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [name, value] : numbers) j[name] = value;
  for (const auto& [name, value] : texts) j[name] = value;
  return j.dump();
}

}  // namespace hegemon
