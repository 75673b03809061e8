// hegemon: the grand-strategy game server and its tools, one binary with
// subcommands.
#include <iostream>
#include <string>
#include <vector>

#include "apps/client_command.h"
#include "apps/serve_command.h"

namespace {

const char* const kUsage =
    "Usage: hegemon <command> [options]\n"
    "\n"
    "Commands:\n"
    "  serve    run the game server on a save (a new world is generated if needed)\n"
    "  client   talk to a running server (status, province, nation, admin commands)\n"
    "  help     show this text\n"
    "\n"
    "Run 'hegemon <command> --help' for the options of a command.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "serve") return hegemon::run_serve(args);
  if (command == "client") return hegemon::run_client(args);
  if (command == "help" || command == "--help" || command == "-h") {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << "hegemon: unknown command '" << command << "'\n\n" << kUsage;
  return 2;
}
