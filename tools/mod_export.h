// `hegemon mod export SAVE OUT` (issue #15): a game's map and balance as a
// mod, so a generated world becomes a scenario a modder can edit, and a
// running game's balance a starting point for a balance mod.
#pragma once

#include <string>
#include <vector>

#include "state/ids.h"
#include "state/mod_content.h"
#include "state/status.h"

namespace hegemon {

struct ModExportOptions {
  std::string name;  // the manifest's name; empty: "<save file name> at <date>"
  std::string version = "1.0.0";
  std::string description;  // empty: says which save and tick it came from
};

struct ModExport {
  ModFileContent mod;              // as a reader reads it back (path = out_path)
  Tick tick = 0;                   // the save's tick it was taken at
  std::vector<std::string> notes;  // what a scenario could not carry (scenario_from_world)
};

// Reads the world at the save's last committed tick (a read-only connection:
// a running game may be writing the save meanwhile) and writes it to
// `out_path` as a mod: manifest, every tuning value the game runs with (all
// of them, not only those that differ from today's defaults, so the mod
// means the same numbers under a later Hegemon whose defaults moved), and
// the world as a scenario (rules/scenario.h's scenario_from_world). OUT
// ending in ".sql" gets the mod's SQL text (persistence/mod_text.h), any
// other name the built database; either way the text is built and checked as
// `mod check` would before anything is written, and written through a
// temporary file renamed into place, so a failed export leaves nothing.
// Errors name the save or the output.
Result<ModExport> export_mod(const std::string& save_path, const std::string& out_path,
                             const ModExportOptions& options);

}  // namespace hegemon
