// Command-line helpers shared by Hegemon's subcommands.
#pragma once

#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/config_option_set.hpp>

namespace hegemon {

// CAF 0.17 accepts long options only as `--name=value`. Users type
// `--name value` as with every other tool, so join such pairs for options that
// take a value (flags are left alone). Unknown options pass through unchanged
// for CAF to report.
std::vector<std::string> normalize_long_options(const caf::config_option_set& options,
                                                const std::vector<std::string>& args);

// CAF's parser errors rendered for humans: "--speed: missing value" rather than
// "parser_error(missing_argument, ...)".
std::string describe_parse_error(const caf::error& err);

}  // namespace hegemon
