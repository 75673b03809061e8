// `hegemon replay`, `hegemon state` and `hegemon rollback`: debugging a game
// from its save (tools/replay.h, tools/rollback.h).
#pragma once

#include <string>
#include <vector>

namespace hegemon {

int run_replay(const std::vector<std::string>& args);
int run_state(const std::vector<std::string>& args);
int run_rollback(const std::vector<std::string>& args);

}  // namespace hegemon
