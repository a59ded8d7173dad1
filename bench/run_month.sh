#!/usr/bin/env bash
# A month of data and the monthly summary from daily rollups vs. from every interval file.
#   bench/run_month.sh [BUILD_DIR]   env: SESSIONS_PER_DAY (60000) RUNS (3) WORK (/var/tmp/ipaudit-bench-month)
# 31 days (October 2026, TZ=Europe/Berlin: the month has a 25-hour day) x 48 intervals: each
# day is the pcapgen bench mix (two hours) imported with --interval 150, so a day has the 48
# files of 30-minute intervals with SESSIONS_PER_DAY sessions in all, built in seconds.
# The same interval files are then copied without rollups: reports over that copy read every
# session (the path a period without rollups takes). Also times `ipaudit rollup --rebuild` of
# one day and checks that the two summaries print the same numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
per_day=${SESSIONS_PER_DAY:-60000}
runs=${RUNS:-3}
work=${WORK:-/var/tmp/ipaudit-bench-month}
data="$work/data-$per_day"
raw="$work/raw-$per_day"
export TZ=Europe/Berlin
mkdir -p "$work"

if [[ ! -f $data/ready ]]; then
  rm -rf "$data" "$raw"
  echo "building $data (31 days) ..." >&2
  t0=$(date +%s)
  for day in $(seq 0 30); do
    start=$(date -d "2026-10-01 +$day days 06:00" +%s)
    "$build/tools/pcapgen/ipaudit-pcapgen" bench --packets $((per_day * 4)) --sessions "$per_day" \
      --seed $((day % 7 + 1)) --start "$start" -o "$work/day.pcap"
    "$build/src/daemon/ipauditd" -q -r "$work/day.pcap" -d "$data" --interval 150 -l 10.1.0.0/16,2001:db8:1::/48
  done
  rm -f "$work/day.pcap"
  echo "built in $(($(date +%s) - t0)) s (generation, import and rollup merges)" >&2
  mkdir -p "$raw"
  cp -r "$data/intervals" "$raw/intervals"
  touch "$data/ready"
fi
files=$(find "$data/intervals" -name '*.db' | wc -l)
sessions=$(for f in $(find "$data/intervals" -name '*.db'); do sqlite3 -readonly "$f" "SELECT sessions FROM interval"; done |
  awk '{s += $1} END {print s}')

median_ms() {
  local times=()
  for ((i = 0; i < runs; i++)); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}
summary() {  # summary DATA_DIR FORMAT
  "$build/src/cli/ipaudit" report summary -d "$1" --period month --from 2026-10-01 --format "$2"
}

# The same numbers both ways (notes about missing rollups go to stderr).
if ! diff <(summary "$data" csv 2>/dev/null) <(summary "$raw" csv 2>/dev/null) >/dev/null; then
  echo "FAIL: the monthly summary from rollups differs from the one from interval files" >&2
  exit 1
fi

rolled_ms=$(median_ms summary "$data" csv)
raw_ms=$(RUNS=1 median_ms summary "$raw" csv)
rebuild_ms=$(RUNS=1 median_ms "$build/src/cli/ipaudit" rollup -d "$data" --rebuild 2026-10-15)
size_intervals=$(du -sb "$data/intervals" | cut -f1)
size_rollups=$(du -sb "$data/rollups" | cut -f1)

echo "Data: $files interval files, $sessions sessions, 31 days (2026-10, TZ=$TZ); interval files $((size_intervals / 1048576)) MiB, rollups $((size_rollups / 1048576)) MiB."
echo
echo "| request | ms | ratio |"
echo "|---|---:|---:|"
echo "| summary --period month, every interval file (baseline, 1 run) | $raw_ms | 1.0 |"
awk -v m="$rolled_ms" -v b="$raw_ms" 'BEGIN { printf "| summary --period month, daily rollups (median of '"$runs"') | %d | %.4f |\n", m, (b > 0 ? m / b : 0) }'
echo "| ipaudit rollup --rebuild of one day (48 files) | $rebuild_ms | |"
echo
echo "Both summaries printed the same CSV."
