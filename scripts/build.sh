#!/usr/bin/env bash
# Configures and builds Hegemon into build/ (override with BUILD_DIR, BUILD_TYPE).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"
"$root/scripts/install_deps.sh"
jobs="${JOBS:-$(nproc)}"
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j "$jobs"
