#!/usr/bin/env bash
# HTTP rates of one store under `roost serve`, for comparing backends: the server (release
# build, 2 io threads, no access log) on STORAGE_URI with 10,000 statuses in "home"
# (fill.py), then wrk (10 s, 2 threads or 1 for one connection) for
#   GET statuses.json?count=20 at 32 connections, with the default response cache and
#     with response_cache_ms 0 (every GET reads the store);
#   POST statuses.json, one status per request (post_one.lua), at 1, 32 and 64 connections.
# Prints a Markdown table. Needs wrk (Debian package).
#   bench/http/storage_rates.sh                      # a fresh SQLite file
#   bench/http/storage_rates.sh "postgresql:host=/tmp/pg dbname=postgres user=roost roost_schema=http"
# Any URI `roost serve --storage` takes; the store must not hold statuses in "home" yet
# (a PostgreSQL URI names a schema of its own with roost_schema=).
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/roost-storage-rates.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
storage=${1:-sqlite:$work/roost.sqlite3}
port=18095
base="http://127.0.0.1:$port"

cmake --preset release >/dev/null
cmake --build --preset release --target roost >/dev/null
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

serve() {  # serve RESPONSE_CACHE_MS: starts the server, waits until it listens
  cat >"$work/roost.json" <<JSON
{"listen": "127.0.0.1:$port", "storage": "$storage", "timelines": ["home"], "soft_max": 0,
 "access_log": false, "io_threads": 2, "response_cache_ms": $1}
JSON
  : >"$work/roost.err"
  build/release/app/roost serve --config "$work/roost.json" 2>>"$work/roost.err" &
  server_pid=$!
  until grep -q "listening on" "$work/roost.err"; do
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/roost.err" >&2; exit 1; }
    sleep 0.1
  done
}
stop() { kill "$server_pid"; wait "$server_pid" || true; }
rate() {  # rate CONNECTIONS WRK_ARGS...: requests/s (wrk wants no more threads than connections)
  local c=$1
  shift
  wrk -t"$((c < 2 ? c : 2))" -c"$c" -d10s "$@" | awk '/Requests\/sec/ {print $2}'
}

serve 200
curl -s "$base/timelines/home/statuses.json?count=1" | grep -q '"statuses":\[\]' ||
  { echo "the store already holds statuses in home: give an empty one" >&2; exit 1; }
python3 bench/http/fill.py "$base" home 10000
get=$(rate 32 "$base/timelines/home/statuses.json?count=20")
stop
serve 0
get_uncached=$(rate 32 "$base/timelines/home/statuses.json?count=20")
declare -A post
for c in 1 32 64; do post[$c]=$(rate "$c" -s bench/http/post_one.lua "$base"); done
stop

echo "| measure (req/s) | $(echo "$storage" | sed 's/:.*//') |"
echo "|---|---:|"
echo "| GET statuses.json?count=20, 32 connections | $get |"
echo "| the same with response_cache_ms 0 | $get_uncached |"
for c in 1 32 64; do echo "| POST statuses.json, one status, $c connection(s) | ${post[$c]} |"; done
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
  "load average (1, 5, 15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg);" \
  "build: Release; wrk on the same cores."
