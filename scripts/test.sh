#!/usr/bin/env bash
# Sets up everything and runs the whole test suite in one build configuration.
#   scripts/test.sh          # the "ci" preset: optimized, warnings are errors
#   scripts/test.sh asan     # AddressSanitizer + UndefinedBehaviorSanitizer
#   scripts/test.sh tsan     # ThreadSanitizer on the async layer, the Timeline watchers and
#                            # the change poller
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache must accept precompiled headers to hit the cache at all.
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
# Paths relative to the checkout, so a clone elsewhere (CI's) hits the same cache entries;
# the directory is not hashed into entries with debug info (line tables only, see presets).
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
# Three build configurations with precompiled headers outgrow ccache's default 5 GB.
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-12G}"
preset="${1:-ci}"

scripts/setup-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset" --parallel 2
