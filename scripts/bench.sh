#!/usr/bin/env bash
# Builds the benchmarks (bench/) optimised and runs them all in one go, each
# comparison side by side in one process (repetitions randomly interleaved),
# plus the ETS comparison when Erlang is installed. Writes the raw JSON and a
# markdown summary (medians and ratios, bench/summarize.py) with a description
# of the machine to $RESULTS_DIR (default: $BUILD_DIR/bench-results).
#
# Environment: BUILD_DIR (default build-bench), BUILD_TYPE (Release or
# RelWithDebInfo; default Release), REPS (repetitions, default 5), MIN_TIME
# (seconds per repetition, default 0.3), FILTER (a --benchmark_filter regex).
# These machines are noisy: compare the ratios, and run it on an idle machine
# (the build itself runs first, so it never competes with a measurement).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build-bench}"
build_type="${BUILD_TYPE:-Release}"
reps="${REPS:-5}"
min_time="${MIN_TIME:-0.3}"
filter="${FILTER:-.}"
results="${RESULTS_DIR:-$build_dir/bench-results}"

case "$build_type" in
  Release | RelWithDebInfo) ;;
  *) echo "bench.sh: BUILD_TYPE must be Release or RelWithDebInfo" >&2; exit 2 ;;
esac

"$root/scripts/install_deps.sh"
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" -DHEGEMON_BENCH=ON >/dev/null
cmake --build "$build_dir" --target benchmarks hegemon
mkdir -p "$results"

{
  echo "## Machine"
  echo
  echo '```'
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)   commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')   build: $build_type"
  lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket|L2|L3|Hypervisor)' || true
  echo "nproc: $(nproc)"
  free -g | head -2
  echo "kernel: $(uname -r)   compiler: $(c++ --version | head -1)"
  echo "sqlite: $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)   erlang: $(command -v erl >/dev/null && erl -noshell -eval 'io:format("~s",[erlang:system_info(otp_release)]), halt().' || echo none)"
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo '```'
  echo
} >"$results/machine.md"

# Every binary: medians of $reps repetitions, interleaved at random so that a
# burst of noise hits all the contenders of a comparison rather than one.
run() {
  local name="$1"
  echo "== $name"
  "$build_dir/bench/$name" \
    --benchmark_filter="$filter" \
    --benchmark_repetitions="$reps" \
    --benchmark_enable_random_interleaving=true \
    --benchmark_min_time="$min_time" \
    --benchmark_report_aggregates_only=true \
    --benchmark_display_aggregates_only=true \
    --benchmark_out="$results/$2.json" --benchmark_out_format=json
}
run cache_bench cache
run persistence_bench persistence
run world_bench world
run start_simple_bench start_simple

rm -f "$results/ets.jsonl"
if command -v escript >/dev/null; then
  echo "== ETS (bench/ets_bench.escript)"
  escript "$root/bench/ets_bench.escript" "$reps" | tee "$results/ets.jsonl"
else
  echo "ETS: skipped (install erlang-nox)"
fi

# Whole ticks on the real actors: every size x persistence x threads, each
# in a process of its own (hegemon bench --matrix).
echo "== hegemon bench --matrix"
"$build_dir/apps/hegemon" bench --matrix --dir "$results" | tee "$results/ticks.md"

{
  cat "$results/machine.md"
  echo "## Results"
  echo
  python3 "$root/bench/summarize.py" "$results"
  echo
  echo "### Whole ticks on the actors (hegemon bench --matrix)"
  echo
  cat "$results/ticks.md"
} >"$results/results.md"
echo
cat "$results/results.md"
echo
echo "bench.sh: results in $results/results.md"
