#!/usr/bin/env bash
# Builds Hegemon with AddressSanitizer and UndefinedBehaviorSanitizer into
# build-asan/ and runs the default test suite there (docs/RELIABILITY.md,
# "Sanitizers"). CI runs it after the README's test command.
#
# Left out: the long tests (as in the default run), the load test, whose
# subject is throughput and latency (under ASan it measures the sanitizer).
# A leak, a memory error or undefined behaviour fails the test that met it.
# Extra arguments go to ctest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export BUILD_DIR="${ASAN_BUILD_DIR:-$root/build-asan}"
export CMAKE_ARGS="-DHEGEMON_SANITIZE=address,undefined -DHEGEMON_BENCH=OFF ${CMAKE_ARGS:-}"
"$root/scripts/build.sh"
cd "$BUILD_DIR"
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  ctest --output-on-failure -j "${JOBS:-$(nproc)}" -LE 'long|load' "$@"
