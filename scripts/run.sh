#!/usr/bin/env bash
# Sets up everything and starts the Roost server on the default SQLite file
# (~/.local/share/roost/roost.sqlite3), serving timeline "home" at http://127.0.0.1:5000/.
# Extra arguments go to `roost serve` (e.g. --listen 0.0.0.0:8080 --timeline work).
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache must accept precompiled headers to hit the cache at all.
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"

scripts/setup-deps.sh
cmake --preset server >/dev/null
cmake --build --preset server
exec build/server/app/roost serve "$@"
