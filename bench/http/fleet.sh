#!/usr/bin/env bash
# A fleet on one store: three release `roost serve` nodes (1 io thread each) on one schema
# of a throw-away PostgreSQL cluster (tests/postgresql/pg_cluster.sh), or with
# ROOST_FLEET_STORE=sqlite|lmdb on one new SQLite file or LMDB directory, all on this
# machine. Measures
#   wake latency: a long poll on one node, a POST to the next, 1,000 rounds (fleet_wake.py);
#   fan-out: 6,000 long polls spread over the three nodes, woken by one POST;
#   write throughput with 1, 2 and 3 nodes taking POSTs at once (wrk, 16 connections per
#     node, 10 s), all to one timeline and each node to a timeline of its own.
# Prints Markdown tables. Needs wrk.   bench/http/fleet.sh [ROUNDS] [FANOUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-1000}
fanout=${2:-6000}
work=$(mktemp -d /tmp/roost-fleet.XXXXXX)
store=${ROOST_FLEET_STORE:-postgresql}
pg=""
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$pg" ] && tests/postgresql/pg_cluster.sh stop "$pg" || true
  rm -rf "$work" "$pg"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"  # thousands of long polls, on the nodes and in the client

cmake --preset release >/dev/null
cmake --build --preset release --target roost >/dev/null
case $store in
  postgresql)
    pg=$(mktemp -d /tmp/roost-pg.XXXXXX)
    tests/postgresql/pg_cluster.sh start "$pg" >/dev/null
    storage="postgresql:host=$pg dbname=postgres user=roost roost_schema=fleet_bench" ;;
  sqlite) storage="sqlite:$work/fleet.db" ;;
  lmdb) storage="lmdb:$work/fleet" ;;
  *) echo "ROOST_FLEET_STORE must be postgresql, sqlite or lmdb" >&2; exit 2 ;;
esac
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

ports=()
for i in 0 1 2; do
  port=$((18190 + i))
  cat >"$work/node$i.json" <<JSON
{"listen": "127.0.0.1:$port", "storage": "$storage", "timelines": ["home", "n0", "n1", "n2"],
 "soft_max": 0, "access_log": false, "io_threads": 1, "long_poll_timeout_seconds": 60}
JSON
  build/release/app/roost serve --config "$work/node$i.json" 2>"$work/node$i.err" &
  pids+=($!)
  until grep -q "listening on" "$work/node$i.err"; do
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/node$i.err" >&2; exit 1; }
    sleep 0.1
  done
  ports+=("$port")
done

python3 bench/http/fleet_wake.py "$rounds" "$fanout" "${ports[@]}" >"$work/wake.json"

rate() {  # rate one|own PORT...: summed requests/s of wrk on every PORT at once, posting to
          # "home" (one) or to the node's own timeline n0, n1, n2 (own)
  local mode=$1 jobs=() p
  shift
  for p in "$@"; do
    local timeline=home
    [ "$mode" = own ] && timeline=n$((p - 18190))
    ROOST_TIMELINE=$timeline wrk -t1 -c16 -d${ROOST_FLEET_SECONDS:-10}s -s bench/http/post_one.lua \
      "http://127.0.0.1:$p" >"$work/wrk.$p" &
    jobs+=($!)
  done
  wait "${jobs[@]}"
  # A refused write answers fast: rates that count them would flatter the store.
  if grep -q "Non-2xx" "$work"/wrk.*; then grep -H "Non-2xx" "$work"/wrk.* >&2; exit 1; fi
  for p in "$@"; do awk '/Requests\/sec/ {print $2}' "$work/wrk.$p"; done | paste -sd+ | bc
}
declare -A one own
for k in 1 2 3; do
  one[$k]=$(rate one "${ports[@]:0:$k}")
  own[$k]=$(rate own "${ports[@]:0:$k}")
done

python3 - "$work/wake.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
w = r["wake"]
print("| %d rounds over %d nodes | p50 (ms) | p99 (ms) | max (ms) |" % (w["rounds"], w["nodes"]))
print("|---|---:|---:|---:|")
for key, what in (("post_to_answer", "POST sent on one node → long poll answered on another"),
                  ("post_itself", "the POST's own round trip"),
                  ("answer_after_post_acked", "long poll answered after the POST's answer")):
    s = w[key]
    print("| %s | %s | %s | %s |" % (what, s["p50_ms"], s["p99_ms"], s["max_ms"]))
if "fanout" in r:
    f = r["fanout"]["answered_after_post"]
    print()
    print("%d long polls over %d nodes, one POST: answered after p50 %s ms, p99 %s ms, all by %s ms."
          % (r["fanout"]["long_polls"], r["fanout"]["nodes"], f["p50_ms"], f["p99_ms"], f["max_ms"]))
PY
echo
echo "| nodes taking POSTs (16 connections each) | one timeline (req/s) | a timeline per node (req/s) |"
echo "|---:|---:|---:|"
for k in 1 2 3; do echo "| $k | ${one[$k]} | ${own[$k]} |"; done
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
  "load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg);" \
  "the store ($store), the three nodes and the clients on the same cores."
