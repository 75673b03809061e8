#!/usr/bin/env bash
# Quick start: install what is missing, build, and run every test through CTest.
# Extra arguments go to ctest, e.g. scripts/test.sh -R persistence
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh"
cd "${BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "${JOBS:-$(nproc)}" "$@"
