#include "apps/inspect_command.h"

#include <iostream>

#include "apps/cli.h"
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
    "Exit codes: 0 ok, 1 the save could not be read, 2 bad usage.";

}  // namespace

int run_inspect(const std::vector<std::string>& args) {
  std::string save;
  bool as_json = false;
  auto app = cli::make_app("inspect", kUsage);
  app->add_option("SAVE", save, "the save file")->required();
  app->add_flag("--json", as_json, "print the summary as one JSON object");
  if (auto code = cli::parse(*app, args)) return *code;
  Result<SaveSummary> summary = read_save_summary(save);
  if (!summary.ok()) {
    std::cerr << "hegemon inspect: " << summary.status().message() << "\n";
    return 1;
  }
  std::cout << (as_json ? summary_to_json(*summary) : format_summary_text(*summary));
  return 0;
}

}  // namespace hegemon
