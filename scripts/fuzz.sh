#!/usr/bin/env bash
# Fuzzes every target of tests/fuzz with libFuzzer (clang, ASan + UBSan) for a while.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET (default 60)] [BUILD_DIR (default build-fuzz)]
#
# Builds only the libraries the fuzzers need and the fuzzers, in BUILD_DIR (configured with
# CC=clang CXX=clang++ -DIPAUDIT_FUZZ=ON). Each target first replays its regression inputs
# (tests/fuzz/regressions/TARGET/*), then fuzzes for SECONDS from a working corpus kept in
# BUILD_DIR/fuzz-work/TARGET/corpus (seeded from tests/fuzz/corpus/TARGET; the repository is
# never written to, except as below). An input that crashes, trips a sanitizer, times out or
# runs out of memory is copied to tests/fuzz/regressions/TARGET/ and the script exits non-zero
# naming it: fix the bug, keep the file (the fuzz_replay_TARGET CTest test replays it).
# Environment: FUZZ_TARGETS="decoder config" picks targets; FUZZ_JOBS (default 2) build jobs.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
build=${2:-build-fuzz}
read -r -a targets <<<"${FUZZ_TARGETS:-decoder network_list config search_form}"

echo "== configure $build (clang, libFuzzer, ASan + UBSan)"
mkdir -p "$build"
CC=${CC:-clang} CXX=${CXX:-clang++} cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DIPAUDIT_FUZZ=ON -DIPAUDIT_TESTS=ON -DIPAUDIT_BENCH=OFF >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log"; exit 1; }
echo "== build fuzzers: ${targets[*]}"
ninja -C "$build" -j"${FUZZ_JOBS:-2}" "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
failed=()
for t in "${targets[@]}"; do
  exe=$(realpath "$build/tests/fuzz/fuzz_$t")
  work=$(realpath -m "$build/fuzz-work/$t")
  mkdir -p "$work/corpus" "$work/artifacts"
  rm -f "$work/artifacts"/*
  cp -n tests/fuzz/corpus/"$t"/* "$work/corpus/" 2>/dev/null || true

  regressions=()
  if [ -d "tests/fuzz/regressions/$t" ]; then
    while IFS= read -r -d '' f; do regressions+=("$f"); done < <(find "tests/fuzz/regressions/$t" -type f -print0 | sort -z)
  fi
  if [ ${#regressions[@]} -gt 0 ] && ! "$exe" -rss_limit_mb=2048 -timeout=25 "${regressions[@]}" >"$work/replay.log" 2>&1; then
    tail -n 40 "$work/replay.log"
    echo "FAIL $t: a regression input still fails (log: $work/replay.log)"
    failed+=("$t")
    continue
  fi

  echo "== fuzz $t for ${seconds}s"
  status=0
  (cd "$work" && "$exe" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=25 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" corpus) >"$work/fuzz.log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n 1)
  echo "   $t: ${execs:-?} runs, corpus $(find "$work/corpus" -type f | wc -l) inputs, exit $status"
  found=()
  for a in "$work/artifacts"/*; do
    [ -f "$a" ] || continue
    mkdir -p "tests/fuzz/regressions/$t"
    cp "$a" "tests/fuzz/regressions/$t/"
    found+=("tests/fuzz/regressions/$t/$(basename "$a")")
  done
  if [ "$status" -ne 0 ] || [ ${#found[@]} -gt 0 ]; then
    grep -E -m 20 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$work/fuzz.log" || tail -n 30 "$work/fuzz.log"
    echo "FAIL $t: ${found[*]:-no input saved} (log: $work/fuzz.log)"
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]}"
  exit 1
fi
echo "fuzzing: no findings (${targets[*]}, ${seconds}s each)"
