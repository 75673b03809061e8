#include "tools/mod_set.h"

#include <map>

#include "persistence/mod_build.h"
#include "rules/scenario.h"
#include "persistence/sha256.h"

namespace hegemon {
namespace {

// Who set what so far: the mod path, by tuning name or list.
struct Setters {
  std::map<std::string, std::string> tuning;
  std::string scenario, nation_names, province_names;
};

void note_list(const std::string& what, const std::string& path, size_t size, std::string& setter,
               std::vector<ModConflict>& conflicts) {
  if (!setter.empty()) {
    conflicts.push_back(
        ModConflict{what, setter, path, "replaced by " + std::to_string(size) + " names"});
  }
  setter = path;
}

}  // namespace

Status check_merged_scenario(const Scenario& scenario, const std::string& mod_path) {
  return check_scenario(scenario).with_context(mod_path + ": scenario");
}

Result<ModSet> merge_mods(std::vector<ModFileContent> mods) {
  if (mods.size() > static_cast<size_t>(kMaxMods)) {
    return Status::error(std::to_string(mods.size()) + " mods given; at most " +
                         std::to_string(kMaxMods) + " may be loaded together");
  }
  ModSet set;
  ModContent& c = set.content;
  Setters setters;
  std::vector<std::string> hashes;
  for (const ModFileContent& mod : mods) {
    hashes.push_back(mod.sha256_hex);
    for (const auto& [name, value] : mod.tuning) {
      const TuningField* field = find_tuning_field(name);
      if (field == nullptr) return Status::error(mod.path + ": unknown tuning name " + name);
      const int64_t before = field->get(c.tuning);
      auto& setter = setters.tuning[name];
      if (!setter.empty()) {
        set.conflicts.push_back(
            ModConflict{"tuning " + name, setter, mod.path,
                        std::to_string(before) + " -> " + std::to_string(value)});
      }
      setter = mod.path;
      if (auto problem = set_tuning_value(c.tuning, name, value))
        return Status::error(mod.path + ": table tuning, row '" + name + "': " + *problem);
    }
    if (mod.scenario) {
      if (!setters.scenario.empty()) {
        set.conflicts.push_back(ModConflict{
            "scenario", setters.scenario, mod.path,
            "replaced whole by " + std::to_string(mod.scenario->provinces.size()) + " provinces"});
      }
      setters.scenario = mod.path;
      c.scenario = mod.scenario;
    }
    if (!mod.nation_names.empty()) {
      note_list("nation_names", mod.path, mod.nation_names.size(), setters.nation_names,
                set.conflicts);
      c.nation_names = mod.nation_names;
    }
    if (!mod.province_names.empty()) {
      note_list("province_names", mod.path, mod.province_names.size(), setters.province_names,
                set.conflicts);
      c.province_names = mod.province_names;
    }
  }
  if (auto problem = check_tuning(c.tuning)) {
    std::string who;
    for (const auto& [name, path] : setters.tuning)
      if (who.find(path) == std::string::npos) who += (who.empty() ? "" : ", ") + path;
    return Status::error("the tuning of the mods together (set by " + who + "): " + *problem);
  }
  if (c.scenario) {
    Status status = check_merged_scenario(*c.scenario, setters.scenario);
    if (!status.ok()) return status;
  }
  c.content_checksum_hex = content_checksum_hex(hashes);
  c.mods = std::move(mods);
  return set;
}

Result<ModSet> load_mods(const std::vector<std::string>& paths) {
  if (paths.size() > static_cast<size_t>(kMaxMods)) {
    return Status::error(std::to_string(paths.size()) + " mods given; at most " +
                         std::to_string(kMaxMods) + " may be loaded together");
  }
  std::vector<ModFileContent> mods;
  for (const std::string& path : paths) {
    Result<ModFileContent> mod = read_mod_or_sql(path);
    if (!mod.ok()) return mod.status();
    mods.push_back(std::move(*mod));
  }
  return merge_mods(std::move(mods));
}

}  // namespace hegemon
