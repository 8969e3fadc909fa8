#!/usr/bin/env bash
# The HTTP benchmark of docs/spec/workload.md: Roost (release build, SQLite store with
# 10,000 statuses in "home") under wrk, next to nginx serving the same response bytes as a
# file, plus 10,000 concurrent long polls. Prints Markdown for docs/performance.md.
#   bench/http/run.sh            # needs root for apt-get (wrk, nginx) and ulimit
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
work=$(mktemp -d /tmp/roost-http-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

scripts/setup-deps.sh
for p in wrk nginx-light; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null
done
cmake --preset release >/dev/null
cmake --build --preset release --target roost >/dev/null
# 10,000 long polls need more than 10,000 descriptors in the server and in the client.
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt 10100 ] || { echo "need an fd limit above 10,100 (have $(ulimit -n))" >&2; exit 1; }

port=18080
cat > "$work/roost.json" <<JSON
{"listen": "127.0.0.1:$port", "storage": "sqlite:$work/roost.sqlite3", "timelines": ["home"],
 "soft_max": 0, "access_log": false, "io_threads": 2, "long_poll_timeout_seconds": 600}
JSON
build/release/app/roost serve --config "$work/roost.json" 2>"$work/roost.err" &
server_pid=$!
until grep -q "listening on" "$work/roost.err"; do sleep 0.1; done
python3 bench/http/fill.py "http://127.0.0.1:$port" home 10000

# nginx serves exactly the bytes Roost answers, from a file.
mkdir -p "$work/www/timelines/home" "$work/nginx"
curl -s "http://127.0.0.1:$port/timelines/home/statuses.json?count=20" > "$work/www/statuses.json"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
error_log $work/nginx/error.log;
pid $work/nginx/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:18081;
    location / { root $work/www; default_type application/json; }
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
until curl -s -o /dev/null "http://127.0.0.1:18081/statuses.json"; do sleep 0.1; done

rate() { wrk -t2 -c32 -d10s "$@" | awk '/Requests\/sec/ {print $2}'; }
get_roost=$(rate "http://127.0.0.1:$port/timelines/home/statuses.json?count=20")
get_nginx=$(rate "http://127.0.0.1:18081/statuses.json")
counts_roost=$(rate "http://127.0.0.1:$port/timelines/home/updates/unacked_counts.json?total=0")
post_roost=$(rate -s bench/http/post_one.lua "http://127.0.0.1:$port")
longpoll=$(python3 bench/http/longpoll_clients.py 127.0.0.1 "$port" home 10000 "$server_pid")

echo "| measure | Roost | nginx (same bytes) | ratio |"
echo "|---|---|---|---|"
echo "| GET statuses.json?count=20 (req/s) | $get_roost | $get_nginx | $(python3 -c "print(round($get_roost/$get_nginx, 2))") |"
echo "| GET unacked_counts.json?total=0, immediate (req/s) | $counts_roost | | |"
echo "| POST statuses.json, one status (req/s) | $post_roost | | |"
echo
echo "Long polls: \`$longpoll\`"
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); build: Release; wrk -t2 -c32 -d10s."
