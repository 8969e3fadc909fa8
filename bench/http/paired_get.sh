#!/usr/bin/env bash
# GET statuses.json?count=20 of two builds of `roost`, in turns on the same store, so that
# both see the same machine: for measuring a change of the read path.
#   bench/http/paired_get.sh BEFORE_BIN AFTER_BIN [workload|ascii|third] [ROUNDS]
# Fills a SQLite store with 10,000 statuses (fill.py's text kind), then runs wrk
# (-t2 -c32 -d5s) against each binary ROUNDS times (default 5), alternating, and prints the
# median of each with the ratio. Needs wrk (Debian package).
set -euo pipefail
cd "$(dirname "$0")/../.."
before=$1 after=$2 kind=${3:-workload} rounds=${4:-5}
work=$(mktemp -d /tmp/roost-paired-get.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
port=18090

serve() {  # serve BINARY: starts it on the store, waits until it listens
  cat > "$work/roost.json" <<JSON
{"listen": "127.0.0.1:$port", "storage": "sqlite:$work/roost.sqlite3", "timelines": ["home"],
 "soft_max": 0, "access_log": false, "io_threads": 2}
JSON
  # A fresh log each start: the previous server's line must not pass for this one's.
  rm -f "$work/roost.err"
  : >"$work/roost.err"
  "$1" serve --config "$work/roost.json" 2>>"$work/roost.err" &
  server_pid=$!
  until grep -q "listening on" "$work/roost.err"; do sleep 0.05; done
}
stop() { kill "$server_pid"; wait "$server_pid" || true; }

serve "$after"
python3 bench/http/fill.py "http://127.0.0.1:$port" home 10000 "$kind"
stop

url="http://127.0.0.1:$port/timelines/home/statuses.json?count=20"
declare -a rates_before rates_after
for ((i = 0; i < rounds; i++)); do
  for which in before after; do
    serve "${!which}"
    wrk -t2 -c32 -d1s "$url" >/dev/null  # warm the page cache and the response cache
    rate=$(wrk -t2 -c32 -d5s "$url" | awk '/Requests\/sec/ {print $2}')
    if [ "$which" = before ]; then rates_before+=("$rate"); else rates_after+=("$rate"); fi
    stop
  done
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
b=$(median "${rates_before[@]}") a=$(median "${rates_after[@]}")
echo "| $kind text | $b | $a | $(python3 -c "print(round($a/$b, 2))") |"
echo "rounds: before ${rates_before[*]}; after ${rates_after[*]}" >&2
