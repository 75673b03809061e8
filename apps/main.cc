// hegemon: the grand-strategy game server and its tools, one binary with
// subcommands.
#include <iostream>
#include <string>
#include <vector>

#include "apps/bench_command.h"
#include "apps/cli.h"
#include "apps/client_command.h"
#include "apps/inspect_command.h"
#include "apps/map_command.h"
#include "apps/mod_command.h"
#include "apps/replay_command.h"
#include "apps/serve_command.h"

namespace {

const char* const kUsage =
    "Usage: hegemon <command> [options]\n"
    "\n"
    "Commands:\n"
    "  serve    run the game server on a save (a new world is generated if needed)\n"
    "  client   talk to a running server (status, province, nation, admin commands)\n"
    "  map      draw a save's world map as SVG, at one tick or as a timelapse\n"
    "  inspect  a one-screen summary of a save\n"
    "  replay   re-simulate a save and check every tick against it; find where runs diverge\n"
    "  state    the world of a save as it was after any tick\n"
    "  rollback restore a save to its state after an earlier tick\n"
    "  mod      check a load order of mods (what each changes, conflicts); build a mod from SQL\n"
    "  bench    whole ticks on the actors at several sizes: ticks/s, phases, memory\n"
    "  help     show this text (also --help; --version: the version)\n"
    "\n"
    "Run 'hegemon <command> --help' for the options of a command.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return hegemon::cli::kUsageError;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "serve") return hegemon::run_serve(args);
  if (command == "client") return hegemon::run_client(args);
  if (command == "map") return hegemon::run_map(args);
  if (command == "inspect") return hegemon::run_inspect(args);
  if (command == "replay") return hegemon::run_replay(args);
  if (command == "state") return hegemon::run_state(args);
  if (command == "rollback") return hegemon::run_rollback(args);
  if (command == "mod") return hegemon::run_mod(args);
  if (command == "bench") return hegemon::run_bench(args);
  if (command == "help" || command == "--help" || command == "-h") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "--version") {
    std::cout << hegemon::cli::version_text() << "\n";
    return 0;
  }
  std::cerr << "hegemon: unknown command '" << command << "'\n\n" << kUsage;
  return hegemon::cli::kUsageError;
}
