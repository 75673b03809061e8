// One command-line parser for every subcommand (CLI11): `--name value` and
// `--name=value` alike, `--help` with defaults and `--version` on stdout, and
// every usage error as one plain line on stderr with exit code 2.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace hegemon::cli {

// The exit code of every usage error, in every subcommand.
constexpr int kUsageError = 2;

// "hegemon 0.1.0", from the project version in CMakeLists.txt.
std::string version_text();

// An App for `hegemon <command>`: -h/--help, --version, defaults shown in the
// help, and unknown arguments collected (parse() reports them in plain words).
std::unique_ptr<CLI::App> make_app(const std::string& command, const std::string& description);

// Parses `args` (everything after the subcommand). nullopt: go on; otherwise
// the exit code: 0 after --help/--version (printed on stdout), kUsageError
// after a usage error (printed on stderr as "hegemon <command>: <what>").
std::optional<int> parse(CLI::App& app, const std::vector<std::string>& args);

// Prints "hegemon <command>: <message>" and a pointer to --help on stderr;
// returns kUsageError.
int usage_error(const CLI::App& app, const std::string& message);

// Validators with plain messages ("--port: 'x' is not a whole number in
// 0..65535"). They check the text before CLI11 converts it, so a conversion
// never fails with CLI11's own wording.
CLI::Validator whole_number(int64_t min, int64_t max);
CLI::Validator one_of(const std::vector<std::string>& choices);

}  // namespace hegemon::cli
