#!/usr/bin/env bash
# Builds the fuzz preset (clang, libFuzzer, ASan + UBSan) and runs every harness in fuzz/
# for a bounded time on a copy of its committed corpus (fuzz/corpus/<harness>/, never
# changed here), after re-running the saved crashes of fuzz/regressions/<harness>/.
# Fails when any input crashes, breaks a property, leaks, times out or runs out of memory;
# the inputs that did are kept under build/fuzz/artifacts/.
#
#   scripts/fuzz.sh            # 40 s per harness
#   scripts/fuzz.sh 600        # longer runs, same checks
#
# CI budget: 11 harnesses x 40 s = 7 min 20 s of fuzzing, plus a few seconds of
# regressions, so that all harnesses together stay under 10 minutes (the build comes on
# top: about as long as the asan preset's libraries on a cold cache).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-40}"
# A fixed seed makes a run repeat the same mutations on the same corpus, so CI turns red
# for a change in the code, not by luck; ROOST_FUZZ_SEED=0 lets libFuzzer pick one (long
# exploring runs).
seed="${ROOST_FUZZ_SEED:-1}"
# As scripts/test.sh: ccache must accept precompiled headers, and entries must not
# depend on where the checkout is.
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-12G}"
# Every sanitizer report is fatal; stacks are symbolized for the log.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
unset ROOST_FUZZ_SKIP_KNOWN  # known bugs fail here too (fuzz/fuzz_check.hpp)

harnesses=(http_request status_text timestamp query server_config ndjson_line busybird_row
           store_open_lmdb store_open_sqlite request_guard ascii_json)

scripts/setup-deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

bin=build/fuzz/fuzz
artifacts=build/fuzz/artifacts
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
failed=()

for harness in "${harnesses[@]}"; do
  # Every crash once found must pass now; fuzzing goes on either way, to find the rest.
  # One process per file: libFuzzer stops at the first crash, and each failure is named.
  for input in fuzz/regressions/"$harness"/*; do
    [ -f "$input" ] || continue
    if ! "$bin/fuzz_$harness" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/" \
        "$input" >"$work/regression.log" 2>&1; then
      echo "fuzz: $input still fails:" >&2
      grep -a -m 3 -E 'property violated|detail:|ERROR|SUMMARY|ALARM' "$work/regression.log" >&2 ||
        true
      failed+=("$input")
    fi
  done
  # Fuzz a copy: new inputs libFuzzer adds stay out of the checkout.
  cp -r "fuzz/corpus/$harness" "$work/$harness"
  dict=()
  [ -f "fuzz/$harness.dict" ] && dict=(-dict="fuzz/$harness.dict")
  # Text inputs stay small; a store file may be as large as its largest seed (the default).
  max_len=(-max_len=16384)
  case "$harness" in store_open_*) max_len=() ;; esac
  echo "fuzz: $harness: ${seconds} s" >&2
  if ! "$bin/fuzz_$harness" "${dict[@]}" -max_total_time="$seconds" -seed="$seed" -timeout=10 \
      -rss_limit_mb=2048 "${max_len[@]}" -print_final_stats=1 \
      -artifact_prefix="$artifacts/$harness-" "$work/$harness" >"$work/$harness.log" 2>&1; then
    grep -a -A 30 -m 1 -E "property violated|ERROR|ALARM|SUMMARY" "$work/$harness.log" >&2 ||
      tail -n 40 "$work/$harness.log" >&2
    failed+=("$harness")
    continue
  fi
  grep -a -E '^#[0-9]+.*(DONE|INITED)|stat::number_of_executed_units|stat::average_exec_per_sec' \
    "$work/$harness.log" | tail -n 3 >&2 || true
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $artifacts/; see fuzz/README.md)" >&2
  exit 1
fi
echo "fuzz: all ${#harnesses[@]} harnesses passed" >&2
