// `hegemon mod`: tools for modders (issue #15; docs/MODDING.md).
//   hegemon mod check A.db [B.db ...]  validates a load order and prints what
//                                      each mod changes and every conflict;
//   hegemon mod build FILE.sql OUT.db  turns a mod's SQL text into its database.
// A .sql path is accepted wherever a mod is (built in memory first).
#pragma once

#include <string>
#include <vector>

namespace hegemon {

// args: everything after "mod". Exit code: 0 the mods are valid (conflicts
// are reported, resolved by load order) / the mod was built; 1 a mod is
// invalid or could not be written (the message names the file, the table
// and the row); 2 bad usage.
int run_mod(const std::vector<std::string>& args);

}  // namespace hegemon
