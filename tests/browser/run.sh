#!/usr/bin/env bash
# The viewer's browser tests: headless Debian chromium driven by playwright-core, against
# the real server (the viewer inserts what the server renders, so only the server will do).
#
#   ROOST_BIN=build/dev/app/roost tests/browser/run.sh     starts that binary on a free
#                                                          loopback port, in memory, with
#                                                          time_zone Asia/Tokyo, and stops it
#   ROOST_URL=http://127.0.0.1:5000 tests/browser/run.sh   against a running server (its
#                                                          timeline "home" must be served)
#
# With ROOST_BIN, login_test.js runs afterwards against a second server of that binary on a
# SQLite store with a user and a token. CTest runs the ROOST_BIN form
# (browser_tests.cmake).
#
# Installs what it needs first, quietly and only when missing: the chromium package (never a
# browser download), nodejs/npm, and node_modules (npm ci). The screenshot goes to
# $ROOST_SCREENSHOT (default tests/browser/screenshots/timeline.png); other settings: see
# viewer_test.js.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
odd_name='odd/name & "more"? #1 🐦'

if [ -z "${ROOST_URL:-}" ] && [ -z "${ROOST_BIN:-}" ]; then
  echo "set ROOST_BIN to a roost binary, or ROOST_URL to a running server (see $0)" >&2
  exit 2
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 ||
    { as_root apt-get update -qq >/dev/null &&
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
}

if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "installing chromium (Debian package)"
  apt_install chromium
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "installing nodejs and npm (Debian packages)"
  apt_install nodejs npm
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --silent --no-audit --no-fund >/dev/null)
fi

server_pid=""
server_log=""
work_dir="$(mktemp -d)"
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
  if [ -n "$server_log" ]; then rm -f "$server_log"; fi
}
trap 'cleanup; rm -rf "$work_dir"' EXIT

# Starts "$@" in the background and sets ROOST_URL from its "listening on URL" line.
start_server() {
  server_log="$(mktemp)"
  "$@" >"$server_log" 2>&1 &
  server_pid=$!
  local url=""
  for _ in $(seq 100); do
    url="$(sed -n 's|.*listening on \(http://[^/ ]*\).*|\1|p' "$server_log" | head -n 1)"
    [ -n "$url" ] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if [ -z "$url" ]; then
    cat "$server_log" >&2
    echo "the server did not start: $*" >&2
    exit 1
  fi
  export ROOST_URL="$url"
  export ROOST_ODD_TIMELINE="${ROOST_ODD_TIMELINE-$odd_name}"
  echo "server: $* at $ROOST_URL"
}

if [ -z "${ROOST_URL:-}" ]; then
  # A zone other than UTC, so that the test sees the viewer show times in it.
  printf '{"time_zone": "Asia/Tokyo"}\n' >"$work_dir/viewer.json"
  start_server "$ROOST_BIN" serve --config "$work_dir/viewer.json" --listen 127.0.0.1:0 \
    --storage memory: --timeline home --timeline "$odd_name"
fi

node "$here/viewer_test.js"

# Login: a second server of ROOST_BIN on a SQLite store with a user and a token.
if [ -n "${ROOST_BIN:-}" ]; then
  cleanup
  store="sqlite:$work_dir/store.sqlite3"
  export ROOST_USER=reader ROOST_PASSWORD="browser test password"
  printf '%s\n' "$ROOST_PASSWORD" | "$ROOST_BIN" user add --storage "$store" --name "$ROOST_USER"
  ROOST_TOKEN="$("$ROOST_BIN" token add --storage "$store" --name browser-test --scope read,write 2>/dev/null)"
  export ROOST_TOKEN
  start_server "$ROOST_BIN" serve --listen 127.0.0.1:0 --storage "$store" --timeline home
  node "$here/login_test.js"
fi
