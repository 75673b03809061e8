#!/usr/bin/env bash
# Installs the Debian 12 packages Hegemon needs to build, test and run.
# Idempotent: does nothing (and never touches the network) when all are present.
set -euo pipefail

PACKAGES=(
  g++ cmake ninja-build ccache pkg-config python3 sqlite3
  libcaf-dev libcuckoo-dev libspdlog-dev libsqlite3-dev
  nlohmann-json3-dev libssl-dev zlib1g-dev
  libcli11-dev  # one command-line parser for every subcommand (apps/)
  libbenchmark-dev  # only for bench/ (scripts/bench.sh); the build skips it when absent
  openssl stunnel4  # only for the TLS terminator test (docs/PROTOCOL.md, "TLS")
  python3-prometheus-client  # only for metrics_test.py: a real OpenMetrics parser
  python3-websockets  # only for the WebSocket tests (issue #16): a client written by others
  chromium  # only for browser_test: the pages in a real browser, driven headless
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "hegemon: installing missing packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
