#include "apps/inspect_command.h"

#include <iostream>

#include "apps/save_args.h"
#include "tools/save_summary.h"

namespace hegemon {
namespace {

const char* const kUsage =
    "Usage: hegemon inspect SAVE [--json]\n"
    "\n"
    "A one-screen summary of a save: file size, schema version, world parameters, date and\n"
    "tick, living nations, the five largest by development and by treasury, active wars\n"
    "(the five longest-running), the rows of every table and the range of recorded ticks.\n"
    "Reads the save only; a server may be running on it.\n"
    "\n"
    "Options:\n"
    "  --json   print the summary as one JSON object\n"
    "\n"
    "Exit codes: 0 ok, 1 the save could not be read, 2 bad usage.\n";

int usage_error(const std::string& message) {
  std::cerr << "hegemon inspect: " << message << "\n\n" << kUsage;
  return 2;
}

}  // namespace

int run_inspect(const std::vector<std::string>& args) {
  auto parsed = parse_save_args(args, {}, {"--json"});
  if (!parsed) return usage_error(parsed.status().message());
  if (parsed->help) return std::cout << kUsage, 0;
  const std::string* save = &parsed->save;
  const bool as_json = parsed->has("--json");
  Result<SaveSummary> summary = read_save_summary(*save);
  if (!summary.ok()) {
    std::cerr << "hegemon inspect: " << summary.status().message() << "\n";
    return 1;
  }
  std::cout << (as_json ? summary_to_json(*summary) : format_summary_text(*summary));
  return 0;
}

}  // namespace hegemon
