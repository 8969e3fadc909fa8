#!/usr/bin/env bash
# SSE fan-out benchmark (issue 8; docs/performance.md, "Change feed fan-out"): a release
# `roost serve` on a memory store, 1,000 Server-Sent Events subscribers on one timeline,
# 1,000 inserts/s for 10 s. Prints the benchmark's report and the load average.
#   bench/http/sse_fanout.sh [BUILD_DIR] [-- extra roost_sse_fanout options]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/release}
shift || true
[ "${1:-}" = "--" ] && shift
work=$(mktemp -d /tmp/roost-sse-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

[ -f "$build/build.ninja" ] || cmake --preset release -B "$build" >/dev/null
cmake --build "$build" --target roost roost_sse_fanout >/dev/null
# 1,000 subscribers are 2,000 sockets in this machine (client and server ends).
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge 4096 ] || { echo "need an fd limit of at least 4096" >&2; exit 1; }

port=18090
cat > "$work/roost.json" <<JSON
{"listen": "127.0.0.1:$port", "storage": "memory:", "timelines": ["home"],
 "soft_max": 0, "access_log": false, "io_threads": 2, "max_connections": 20000}
JSON
"$build/app/roost" serve --config "$work/roost.json" 2>"$work/roost.err" &
server_pid=$!
until grep -q "listening on" "$work/roost.err"; do sleep 0.1; done

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores, shared machine)"
"$build/bench/http/roost_sse_fanout" --port "$port" --server-pid "$server_pid" "$@"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
