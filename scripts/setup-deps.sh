#!/usr/bin/env bash
# Installs the Debian packages Roost builds, tests and benchmarks with.
# Idempotent and quiet: does nothing when everything is already installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3
  liblmdb-dev liblmdb++-dev
  libpq-dev postgresql  # the PostgreSQL backend; its tests start their own cluster
  nlohmann-json3-dev libhowardhinnant-date-dev
  catch2 libbenchmark-dev
  libssl-dev  # token hashes and random tokens; TLS
  tzdata python3 curl
  clang libclang-rt-14-dev  # the fuzz preset: clang 14 with libFuzzer (fuzz/README.md)
  clang-format  # the house layout (.clang-format), checked by scripts/check-format.sh
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "setup-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
