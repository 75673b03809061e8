#!/usr/bin/env bash
# Quick start: install what is missing, build, and serve the default world
# (saves/default.db; created on first run, resumed afterwards).
# Extra arguments go to `hegemon serve`, e.g. scripts/run.sh --speed 5 --ticks 1000
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh"
cd "$root"
exec "${BUILD_DIR:-$root/build}/apps/hegemon" serve "$@"
