// `hegemon bench`: whole ticks on the real actors at the sizes of issue #6
// (default, EU4-like, huge), with persistence NORMAL, FULL or off, on 1 or 2
// scheduler threads; ticks per second, per-phase time, commit time, peak
// memory and resident bytes per province. `--matrix` runs every combination,
// each in a process of its own (so memory figures do not mix), side by side,
// and prints a Markdown table for docs/BENCHMARKS.md.
#pragma once

#include <string>
#include <vector>

namespace hegemon {

int run_bench(const std::vector<std::string>& args);

}  // namespace hegemon
