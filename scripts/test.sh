#!/usr/bin/env bash
# The whole test suite, as CI runs it: install what is needed, build with warnings as errors,
# run every test (unit, golden, tshark oracle, tcpdump corpus, live capture in network
# namespaces), then build again with AddressSanitizer + UndefinedBehaviorSanitizer and run the
# suite there too. Tests that need ../shared/pcaps or root skip cleanly without them.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

echo "== build (warnings are errors)"
scripts/build.sh build
echo "== tests"
ctest --test-dir build --output-on-failure -j2

echo "== build with AddressSanitizer + UndefinedBehaviorSanitizer"
scripts/build.sh build-asan -DIPAUDIT_SANITIZE=ON -DIPAUDIT_BENCH=OFF
echo "== tests under sanitizers"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j2 -LE live
