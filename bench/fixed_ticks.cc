// A fixed amount of work, for comparing two builds of the rules (issue #15:
// the runtime Tuning against the compiled constants it replaced): generates
// a world of one of the three sizes and runs exactly TICKS ticks of
// run_tick_sequential (no actors, no persistence), then prints the CPU time
// the ticks took and the final state hash. Google Benchmark's calibration
// runs a different number of ticks in each binary, and a running world's
// ticks are not all alike (wars come and go), so two builds are compared on
// the same ticks of the same game here; the hash proves they were the same.
// Built on purpose against the rules' public API only (generate_world, World,
// run_tick_sequential), so the same file also compiles against an older tree.
//   fixed_ticks SIZE TICKS     (SIZE 0 default, 1 EU4-sized, 2 huge)
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>

#include "bench_support.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "state/world.h"

namespace {

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fixed_ticks SIZE TICKS\n");
    return 2;
  }
  const long size = std::strtol(argv[1], nullptr, 10);
  const long ticks = std::strtol(argv[2], nullptr, 10);
  if (size < 0 || size > 2 || ticks <= 0) {
    std::fprintf(stderr, "SIZE is 0, 1 or 2 and TICKS a positive number\n");
    return 2;
  }
  hegemon::World world(hegemon::generate_world(hegemon::bench::world_size(size)));
  const double start = cpu_seconds();
  for (long i = 0; i < ticks; ++i) hegemon::run_tick_sequential(world);
  const double spent = cpu_seconds() - start;
  std::printf("%s %ld ticks: %.3f s CPU, %.1f us/tick, final hash %016llx\n",
              hegemon::bench::world_size_name(size), ticks, spent, spent * 1e6 / static_cast<double>(ticks),
              static_cast<unsigned long long>(world.meta().state_hash));
  return 0;
}
