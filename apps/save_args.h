// Arguments of the subcommands that work on a save file (replay, rollback,
// state): one positional SAVE, options with values (`--tick 5` or
// `--tick=5`) and flags, checked against what the command declares.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "state/status.h"

namespace hegemon {

struct SaveArgs {
  bool help = false;  // -h or --help: nothing else is checked
  std::string save;
  std::map<std::string, std::string> values;  // "--tick" -> "5"
  std::set<std::string> flags;                // "--json"

  bool has(const std::string& name) const { return values.count(name) || flags.count(name); }
  // The value of a numeric option, if given; an error for anything but a
  // non-negative integer.
  Result<std::optional<int64_t>> number(const std::string& name) const;
};

Result<SaveArgs> parse_save_args(const std::vector<std::string>& args,
                                 const std::vector<std::string>& value_options,
                                 const std::vector<std::string>& flags);

}  // namespace hegemon
