#!/usr/bin/env bash
# Configures and builds ipaudit into a build directory.
#   scripts/build.sh [BUILD_DIR] [extra cmake arguments...]
# Default BUILD_DIR is build/. Warnings are errors here: this is the build CI and tests use.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
shift || true
cmake -S . -B "$build_dir" -G Ninja -DIPAUDIT_WERROR=ON "$@" >/dev/null
ninja -C "$build_dir" --quiet
