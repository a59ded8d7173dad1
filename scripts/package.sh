#!/usr/bin/env bash
# Builds the Debian package: ipaudit_VERSION_ARCH.deb into OUTDIR.
#   scripts/package.sh OUTDIR
# Uses its own build directory (IPAUDIT_PKG_BUILD_DIR, default build-pkg/) configured for /usr,
# without tests or benchmarks, and `cpack -G DEB`. Needs dpkg-dev (dpkg-shlibdeps computes the
# runtime dependencies). IPAUDIT_JOBS sets ninja's parallel jobs (default: ninja's choice).
# Prints the path of the .deb on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/package.sh OUTDIR}
build_dir=${IPAUDIT_PKG_BUILD_DIR:-build-pkg}
jobs=()
if [[ -n "${IPAUDIT_JOBS:-}" ]]; then jobs=(-j "$IPAUDIT_JOBS"); fi

for tool in cmake ninja cpack dpkg-shlibdeps; do
  if ! command -v "$tool" > /dev/null; then
    echo "package.sh: $tool not found (dpkg-shlibdeps is in dpkg-dev)" >&2
    exit 1
  fi
done

cmake -S . -B "$build_dir" -G Ninja -DIPAUDIT_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_INSTALL_PREFIX=/usr -DIPAUDIT_TESTS=OFF -DIPAUDIT_BENCH=OFF -DIPAUDIT_GZIP_MAN=ON > /dev/null
ninja -C "$build_dir" --quiet "${jobs[@]}"
rm -f "$build_dir"/cpack/*.deb
(cd "$build_dir" && cpack -G DEB -B "$PWD/cpack" > cpack.log) || {
  cat "$build_dir/cpack.log" >&2
  exit 1
}
mkdir -p "$out"
debs=("$build_dir"/cpack/*.deb)
if [[ ${#debs[@]} -ne 1 || ! -f "${debs[0]}" ]]; then
  echo "package.sh: expected one .deb in $build_dir/cpack, found: ${debs[*]}" >&2
  exit 1
fi
cp "${debs[0]}" "$out/"
echo "$out/$(basename "${debs[0]}")"
