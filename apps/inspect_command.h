// `hegemon inspect`: a one-screen summary of a save (tools/save_summary.h).
#pragma once

#include <string>
#include <vector>

namespace hegemon {

// args: everything after "inspect". Returns the process exit code: 0 success,
// 1 the save could not be read, 2 bad usage.
int run_inspect(const std::vector<std::string>& args);

}  // namespace hegemon
