// A load order of mods made into the content a game runs (issue #15; docs/
// MODDING.md "Load order"): mods apply in the order given, a later one
// overriding what an earlier one set, as Paradox load orders do.
//  - tuning: by name, the later value wins;
//  - scenario: a mod's scenario replaces any earlier one whole;
//  - name lists: a mod's nation (province) names replace earlier ones whole.
// Every override of something an earlier mod set is a conflict, reported
// (which mods, which value) and resolved as above, never an error: `hegemon
// mod check` prints them so a player sees what the order decides.
// What is an error: a mod that read_mod_or_sql refuses, more than kMaxMods
// mods, merged tuning that check_tuning refuses (a relation such as
// peace_offer_score <= forced_peace_score broken by two mods together), and
// a merged scenario that check_merged_scenario refuses.
// The content checksum is content_checksum_hex (persistence/sha256.h) over the
// mods' SHA-256s in load order: the same mods in another order give another.
// Covered by tests/mod_file_test.cc.
#pragma once

#include <string>
#include <vector>

#include "state/mod_content.h"
#include "state/status.h"

namespace hegemon {

struct ModConflict {
  std::string what;     // "tuning recruit_cost", "scenario", "nation_names", "province_names"
  std::string earlier;  // the path of the mod that set it first (the latest before `later`)
  std::string later;    // the path of the mod whose value wins
  std::string detail;   // e.g. "80 -> 120"
};

struct ModSet {
  ModContent content;
  std::vector<ModConflict> conflicts;
};

// Reads every path (a mod database, or its .sql text: read_mod_or_sql) and
// merges them in that order. Errors name the mod file (and its table and row).
Result<ModSet> load_mods(const std::vector<std::string>& paths);

// The merge alone, of mods already read.
Result<ModSet> merge_mods(std::vector<ModFileContent> mods);

// The check of a merged scenario before a world is built from it:
// rules/scenario's check_scenario (ids 1..n, borders to existing provinces, a
// connected map, capitals owned, ...), its errors prefixed with the mod that
// brought the scenario.
Status check_merged_scenario(const Scenario& scenario, const std::string& mod_path);

}  // namespace hegemon
