#!/usr/bin/env bash
# Builds the benchmarks (release preset) and runs the standard workload of
# docs/spec/workload.md against every backend built in, with the raw-engine
# baselines, then writes the Markdown tables for docs/performance.md.
#
#   bench/run.sh [roost_bench flags...]     e.g. --benchmark_filter='^memory/'
#                                                 --roost_sizes=1000,10000
# Output (default build/release/bench-results/, or $ROOST_BENCH_OUT):
#   results.json  Google Benchmark JSON, every repetition
#   console.txt   the console table
#   tables.md     bench/report.py's Markdown
# ROOST_BENCH_NO_BUILD=1 skips the build and runs the binary already in build/release.
# PostgreSQL: the backend and raw-postgresql run on the server that ROOST_BENCH_POSTGRESQL
# (a libpq connection string) names. When it is unset, this script starts a throw-away
# cluster for the run (tests/postgresql/pg_cluster.sh: Unix socket only, fsync off, in a
# short /tmp directory because socket paths are limited to ~100 bytes) and removes it on
# exit; ROOST_BENCH_POSTGRESQL= (set, empty) leaves PostgreSQL out.
# A full run takes about ten minutes on a 2-core machine, and PostgreSQL about six more.
# Not part of the test suite.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out=${ROOST_BENCH_OUT:-build/release/bench-results}
mkdir -p "$out"

if [[ -z "${ROOST_BENCH_NO_BUILD:-}" ]]; then  # set it to run the binary already built
  cmake --preset release >/dev/null
  cmake --build --preset release --target roost_bench -j "${ROOST_BENCH_JOBS:-2}"
fi

if [[ -z "${ROOST_BENCH_POSTGRESQL+set}" ]]; then
  pg_dir=$(mktemp -d /tmp/roost-pg.XXXXXX)
  trap 'tests/postgresql/pg_cluster.sh stop "$pg_dir"' EXIT
  if tests/postgresql/pg_cluster.sh start "$pg_dir"; then
    export ROOST_BENCH_POSTGRESQL="host=$pg_dir dbname=postgres user=roost"
  else
    echo "no PostgreSQL cluster (see above): running without the PostgreSQL backend" >&2
  fi
fi

bench=(build/release/bench/roost_bench
  --benchmark_repetitions=3
  --benchmark_min_time=0.1
  --benchmark_out="$out/results.json"
  --benchmark_out_format=json
  "$@")
echo "running: ${bench[*]}" >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(date +%s)
"${bench[@]}" | tee "$out/console.txt"
minutes=$(( ($(date +%s) - start + 59) / 60 ))

python3 bench/report.py "$out/results.json" \
  --command "$(echo "${ROOST_BENCH_OUT:+ROOST_BENCH_OUT=$out }bench/run.sh $*" | sed 's/ *$//')" \
  --note "benchmark binary run as: \`${bench[*]}\`" \
  --note "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr)" \
  --note "load average (1, 5, 15 min) before the run: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg); the run took about $minutes min" \
  >"$out/tables.md"
echo "tables written to $out/tables.md" >&2
