#!/usr/bin/env bash
# Long exploring fuzz runs: every harness (or those named) for MINUTES of CPU time each,
# JOBS at a time, at the lowest CPU priority, with a random seed, on a copy of its
# committed corpus. CPU time, not wall time: on a machine that also builds, a niced run
# gets a fraction of its wall time, and the budget is what the harness actually ran. A
# crash does not end a harness's run: the input is kept and the harness goes on for the
# rest of its budget. Prints one Markdown table row per harness (the figures
# docs/reliability.md reports) and keeps logs and crashes under OUT.
#
#   scripts/fuzz-long.sh                  # 30 CPU minutes each, 2 at a time
#   JOBS=4 scripts/fuzz-long.sh 30 http_request query
#
# Builds the fuzz preset first (scripts/fuzz.sh's build); BIN and OUT may point elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-30}"
shift || true
jobs="${JOBS:-2}"
bin="${BIN:-build/fuzz/fuzz}"
out="${OUT:-build/fuzz/long}"
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(http_request status_text timestamp query server_config
  ndjson_line busybird_row store_open_lmdb store_open_sqlite request_guard ascii_json)

if [ -z "${BIN:-}" ]; then
  export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
  scripts/setup-deps.sh
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
mkdir -p "$out"

# One harness for `minutes`: restarted after each crash until its time is used up.
run_one() {
  local harness="$1" dir="$out/$1"
  rm -rf "$dir" && mkdir -p "$dir/corpus" "$dir/crashes"
  cp -r "fuzz/corpus/$harness/." "$dir/corpus/"
  local dict=() && [ -f "fuzz/$harness.dict" ] && dict=(-dict="fuzz/$harness.dict")
  local budget=$((minutes * 60)) used=0 start=$SECONDS runs=0 execs=0 TIMEFORMAT='%U %S'
  while [ "$used" -lt "$budget" ]; do
    runs=$((runs + 1))
    # Each run may take the rest of the budget as wall time; the loop then counts what it
    # really got and runs again until the CPU seconds add up.
    { time nice -n 19 "$bin/fuzz_$harness" "$dir/corpus" "${dict[@]}" -seed=0 -timeout=10 \
        -rss_limit_mb=2048 -max_total_time=$((budget - used)) -print_final_stats=1 \
        -artifact_prefix="$dir/crashes/" >"$dir/run$runs.log" 2>&1 || true; } 2>>"$dir/cpu"
    used="$(awk '{ s += $1 + $2 } END { printf "%d", s }' "$dir/cpu")"
    execs=$((execs + $(grep -a -o 'number_of_executed_units: [0-9]*' "$dir/run$runs.log" |
      grep -o '[0-9]*$' || echo 0)))
  done
  local wall=$((SECONDS - start))
  local last cov ft corpus crashes cpu
  last="$(grep -a -E '^#[0-9]+' "$dir/run$runs.log" | tail -1)"
  cov="$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo '?')"
  ft="$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo '?')"
  corpus="$(find "$dir/corpus" -type f | wc -l)"
  # Failures only: libFuzzer also writes slow-unit-* files, which are not.
  crashes="$(find "$dir/crashes" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
    -o -name 'oom-*' \) | wc -l)"
  cpu="$(awk '{ s += $1 + $2 } END { printf "%.1f", s / 60 }' "$dir/cpu")"
  printf '| %s | %d min | %s min | %d | %d | %s | %s | %d | %d |\n' "$harness" $((wall / 60)) \
    "$cpu" "$execs" $((execs / budget)) "$cov" "$ft" "$corpus" "$crashes" >"$dir/row.md"
}

printf '| harness | wall time | CPU time | executions | per CPU second | edges (cov) | features (ft) | corpus | crashes |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
running=0
for harness in "${harnesses[@]}"; do
  run_one "$harness" &
  running=$((running + 1))
  if [ $running -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait
for harness in "${harnesses[@]}"; do cat "$out/$harness/row.md"; done
