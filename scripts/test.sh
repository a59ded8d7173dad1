#!/usr/bin/env bash
# The whole test suite, as CI runs it: install what is needed, build with warnings as errors,
# run every test (unit, golden, tshark oracle, tcpdump corpus, live capture in network
# namespaces), then build again with AddressSanitizer + UndefinedBehaviorSanitizer and run the
# suite there too. Tests that need ../shared/pcaps or root skip cleanly without them.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

echo "== build (warnings are errors; installs into /usr like the package)"
scripts/build.sh build -DCMAKE_INSTALL_PREFIX=/usr -DIPAUDIT_GZIP_MAN=ON
echo "== the Debian package, from this build (the packaging test installs it into a chroot)"
rm -rf build/cpack
(cd build && cpack -G DEB -B "$PWD/cpack" > cpack.log) || { cat build/cpack.log >&2; exit 1; }
IPAUDIT_DEB=$(ls "$PWD"/build/cpack/*.deb)
export IPAUDIT_DEB IPAUDIT_PCAPGEN=$PWD/build/tools/pcapgen/ipaudit-pcapgen
echo "== tests"
ctest --test-dir build --output-on-failure -j2

echo "== build with AddressSanitizer + UndefinedBehaviorSanitizer"
scripts/build.sh build-asan -DIPAUDIT_SANITIZE=ON -DIPAUDIT_BENCH=OFF
echo "== tests under sanitizers"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j2 -LE 'live|packaging'

echo "== fuzzing (clang + libFuzzer, 30 s per target; a crash is kept in tests/fuzz/regressions/)"
scripts/fuzz.sh 30
