#!/usr/bin/env bash
# Sets up everything and runs Roost's main program. Until the server lands this is the
# example that stores, reads, acks and counts statuses in the memory backend.
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache must accept precompiled headers to hit the cache at all.
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"

scripts/setup-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev --target roost_memory_example
exec build/dev/examples/roost_memory_example "$@"
