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
  python3-msgpack  # only for websocket_test.py: MessagePack in binary messages
  nodejs  # only for node_ws_test.js: Node's ws (npm), another client written by others
  chromium  # only for browser_test: the pages in a real browser, driven headless
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
# Debian's nodejs comes without npm; another nodejs (NodeSource) has it
# built in and conflicts with Debian's npm package.
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "hegemon: installing missing packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node's ws for node_ws_test.js, exactly as package-lock.json pins it (its
# integrity hash checked), into the project's tests/clients/node/node_modules;
# no install scripts run. Nothing is fetched when it is there.
node_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/clients/node"
if [ ! -f "$node_dir/node_modules/ws/package.json" ]; then
  (cd "$node_dir" && npm ci --no-audit --no-fund --ignore-scripts)
fi
