// libFuzzer target: a command request, as JSON text, against a small world
// after 30 ticks (fuzz/properties.h, check_command_request): its "type"
// names the command kind, its other members are the command's fields.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz/properties.h"
#include "fuzz/report.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "state/command_json.h"

namespace {

// Built once: libFuzzer calls the target millions of times, and the world
// must not change between calls anyway (that is the property).
const hegemon::World& world() {
  static const std::unique_ptr<hegemon::World> w = [] {
    hegemon::WorldParams params;
    params.seed = 1444;
    params.provinces = 200;
    params.nations = 12;
    auto made = std::make_unique<hegemon::World>(hegemon::generate_world(params));
    for (int t = 0; t < 30; ++t) hegemon::run_tick_sequential(*made);
    return made;
  }();
  return *w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto doc = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("type") || !doc["type"].is_string()) return 0;
  const auto kind = hegemon::command_kind_from_name(doc["type"].get<std::string>());
  if (!kind) return 0;
  hegemon::fuzz::abort_if_broken(hegemon::fuzz::check_command_request(world(), *kind, doc));
  return 0;
}
