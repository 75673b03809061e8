// `hegemon map`: SVG pictures of a save's world map (tools/map_svg.h).
#pragma once

#include <string>
#include <vector>

namespace hegemon {

// args: everything after "map". Returns the process exit code: 0 success,
// 1 the save could not be read or the picture not written, 2 bad usage.
int run_map(const std::vector<std::string>& args);

}  // namespace hegemon
