#!/usr/bin/env bash
# Installs the Debian 12 packages ipaudit needs to build, test and run. Idempotent: does nothing
# when everything is already installed. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libpcap-dev libsqlite3-dev libboost-program-options-dev libcgicc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  sqlite3 python3 tcpdump tshark iproute2 procps time
  lighttpd chromium
  clang libclang-rt-14-dev
  tcpreplay
  debootstrap groff-base man-db dpkg-dev fakeroot
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
