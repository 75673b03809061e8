// `hegemon serve`: runs the game server on a save.
#pragma once

#include <string>
#include <vector>

namespace hegemon {

// args: everything after "serve". Returns the process exit code.
int run_serve(const std::vector<std::string>& args);

}  // namespace hegemon
