#!/usr/bin/env bash
# Throughput of `roost migrate`: COUNT statuses (default 100,000) SQLite -> LMDB and back.
#
#   bench/migrate_bench.sh [COUNT]
#
# Builds `roost` in Release (build/migrate-bench, or $ROOST_MIGRATE_BUILD; set
# ROOST_BENCH_NO_BUILD=1 to use the binary already there), generates COUNT Twitter-like
# statuses (about 800 bytes each, 4 timelines, 30% acked, levels -1..3) as NDJSON with
# python3's standard library, imports them into a fresh SQLite store, then times
#   roost migrate --from sqlite:A --to lmdb:B     (a new LMDB store)
#   roost migrate --from lmdb:B   --to sqlite:C   (a new SQLite file)
# Each figure is the whole command: open both stores, count, copy, compare both stores.
# Results: docs/data-moving.md. Not part of the test suite.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
count=${1:-100000}
build=${ROOST_MIGRATE_BUILD:-$root/build/migrate-bench}
roost=$build/app/roost

if [[ -z "${ROOST_BENCH_NO_BUILD:-}" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DROOST_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" --target roost -j "${ROOST_BENCH_JOBS:-2}"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/roost-migrate-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 - "$count" >"$work/statuses.ndjson" <<'PY'
import json, random, sys
from datetime import datetime, timedelta, timezone

count = int(sys.argv[1])
rng = random.Random(7)
timelines = ["home", "work", "日本語", "alerts/builds"]
words = "the quick brown fox jumps over a lazy dog while roost keeps every status in order".split()
start = datetime(2024, 1, 1, tzinfo=timezone.utc)
out = sys.stdout
for t, name in enumerate(timelines):
    n = count // len(timelines) + (1 if t < count % len(timelines) else 0)
    for i in range(n):
        created = start + timedelta(seconds=rng.randrange(0, 365 * 86400))
        user = "user%d" % rng.randrange(1000)
        text = " ".join(rng.choice(words) for _ in range(rng.randrange(12, 30)))
        status = {
            "id": "%s-%d" % (name, i),
            "created_at": created.strftime("%a %b %d %H:%M:%S +0000 %Y"),
            "text": text + " #roost https://example.com/%d" % i,
            "user": {"screen_name": user, "name": user.title(),
                     "profile_image_url": "https://img.example.com/%s.png" % user},
            "entities": {"hashtags": [{"text": "roost", "indices": [len(text) + 1, len(text) + 7]}],
                         "urls": [{"url": "https://example.com/%d" % i,
                                   "indices": [len(text) + 8, len(text) + 8 + len("https://example.com/%d" % i)]}],
                         "user_mentions": []},
            "retweet_count": rng.randrange(100), "favorited": False,
            "busybird": {"level": rng.randrange(-1, 4),
                         "status_permalink": "https://example.com/%s/status/%d" % (user, i)},
        }
        if rng.random() < 0.3:
            acked = created + timedelta(hours=rng.randrange(1, 48))
            status["busybird"]["acked_at"] = acked.strftime("%a %b %d %H:%M:%S +0000 %Y")
        out.write(json.dumps({"timeline": name, "status": status}, ensure_ascii=False,
                             separators=(",", ":")))
        out.write("\n")
PY
bytes=$(stat -c %s "$work/statuses.ndjson")
echo "generated $count statuses, $((bytes / count)) bytes per line on average"

# Runs a command (stderr to $work/last.log) and prints its wall-clock and CPU seconds
# (user + system, all threads) and the rate both give for $count statuses. The CPU
# figure says what the machine could do unloaded; compare the load average printed above.
timed() {
  local label=$1
  shift
  python3 - "$label" "$count" "$work/last.log" "$@" --progress-interval 3600 <<'PY'
import resource, subprocess, sys, time
label, count, log, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
t0 = time.monotonic()
with open(log, "w") as err:
    rc = subprocess.run(cmd, stderr=err).returncode
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = ru.ru_utime + ru.ru_stime
if rc != 0:
    sys.stderr.write(open(log).read())
    sys.exit(rc)
print(f"{label:26} {wall:6.2f} s wall {count / wall:9,.0f} statuses/s"
      f"   {cpu:6.2f} s CPU {count / cpu:9,.0f} statuses/CPU-s")
PY
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
timed "import NDJSON -> SQLite" "$roost" import --storage "sqlite:$work/a.sqlite3" \
  --input "$work/statuses.ndjson"
timed "migrate SQLite -> LMDB" "$roost" migrate --from "sqlite:$work/a.sqlite3" --to "lmdb:$work/b.lmdb"
tail -n 1 "$work/last.log"
timed "migrate LMDB -> SQLite" "$roost" migrate --from "lmdb:$work/b.lmdb" --to "sqlite:$work/c.sqlite3"
tail -n 1 "$work/last.log"
timed "export SQLite -> NDJSON" "$roost" export --storage "sqlite:$work/c.sqlite3" \
  --output "$work/out.ndjson"
timed "export LMDB -> NDJSON" "$roost" export --storage "lmdb:$work/b.lmdb" --output "$work/out2.ndjson"
cmp -s "$work/out.ndjson" "$work/out2.ndjson" && echo "both exports are identical"
"$roost" stats --storage "sqlite:$work/c.sqlite3" | tail -n 2
"$roost" stats --storage "lmdb:$work/b.lmdb" | tail -n 1
