// `hegemon serve`: runs the game server on a save. Its options are in
// apps/serve_options.h. Covered by tests/serve_test.cc, tests/cli_test.cc and
// tests/io_fault_test.cc (through the binary).
#pragma once

#include <string>
#include <vector>

namespace hegemon {

// args: everything after "serve". Returns the process exit code.
int run_serve(const std::vector<std::string>& args);

}  // namespace hegemon
