#include "tools/mod_export.h"

#include <filesystem>

#include "schema/migrations.h"
#include "persistence/mod_build.h"
#include "persistence/mod_text.h"
#include "persistence/regular_file.h"
#include "persistence/save_reader.h"
#include "rules/scenario.h"
#include "state/game_date.h"
#include "state/tuning.h"

namespace hegemon {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<ModExport> export_mod(const std::string& save_path, const std::string& out_path,
                             const ModExportOptions& options) {
  auto reader = SaveReader::open(save_path);
  if (!reader.ok()) return reader.status();
  Result<WorldSnapshot> world = (*reader)->load_world();
  if (!world.ok()) return world.status().with_context(save_path);
  Result<ExportedScenario> exported = scenario_from_world(*world);
  if (!exported.ok()) return exported.status().with_context(save_path);

  ModExport out;
  out.tick = world->meta.tick;
  out.notes = std::move(exported->notes);
  ModFileContent mod;
  const std::string date = date_of_tick(world->meta.tick).to_string();
  const std::string file = std::filesystem::path(save_path).filename().string();
  mod.name = options.name.empty() ? file + " at " + date : options.name;
  mod.version = options.version;
  mod.description = options.description.empty()
                        ? "Exported from " + file + " at tick " + std::to_string(out.tick) + " (" +
                              date + ") by hegemon mod export."
                        : options.description;
  mod.target_schema = latest_schema_version();
  const Tuning& tuning = world->map->tuning();
  for (const TuningField& field : tuning_fields()) mod.tuning.emplace_back(field.name, field.get(tuning));
  mod.scenario = std::move(exported->scenario);

  const std::string sql = mod_to_sql(mod);
  if (ends_with(out_path, ".sql")) {
    // Built in memory first: only a text that reads back as a valid mod is written.
    Result<ModFileContent> built = build_mod_in_memory(sql, out_path);
    if (!built.ok()) return built.status();
    if (Status st = write_file_atomically(out_path, sql); !st.ok()) return st;
    out.mod = std::move(*built);
  } else {
    Result<ModFileContent> built = build_mod_from_sql(sql, save_path, out_path);
    if (!built.ok()) return built.status();
    out.mod = std::move(*built);
    out.mod.path = out_path;
  }
  return out;
}

}  // namespace hegemon
