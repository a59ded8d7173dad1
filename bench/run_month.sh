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

span="$data/rollups/2026-10-01_2026-10-31.db"
rm -f "$span"

# The same numbers every way (notes about missing rollups go to stderr).
summary "$raw" csv >"$work/raw.csv" 2>/dev/null
if ! diff "$work/raw.csv" <(summary "$data" csv 2>/dev/null) >/dev/null; then
  echo "FAIL: the monthly summary from daily rollups differs from the one from interval files" >&2
  exit 1
fi
raw_ms=$(RUNS=1 median_ms summary "$raw" csv)
daily_ms=$(RUNS=1 median_ms summary "$data" csv)
rebuild_ms=$(RUNS=1 median_ms "$build/src/cli/ipaudit" rollup -d "$data" --rebuild 2026-10-15)
span_build_ms=$(RUNS=1 median_ms "$build/src/cli/ipaudit" rollup -d "$data" --month 2026-10-01)
[[ -f $span ]] || { echo "FAIL: no month rollup $span" >&2; exit 1; }
if ! diff "$work/raw.csv" <(summary "$data" csv 2>/dev/null) >/dev/null; then
  echo "FAIL: the monthly summary from the month rollup differs from the one from interval files" >&2
  exit 1
fi
span_ms=$(median_ms summary "$data" csv)
html_ms=$(median_ms summary "$data" html)
size_intervals=$(du -sb "$data/intervals" | cut -f1)
size_rollups=$(du -sb --exclude='*_*' "$data/rollups" | cut -f1)
size_span=$(stat -c %s "$span")

ratio() { awk -v m="$1" -v b="$raw_ms" 'BEGIN { printf "%.4f", (b > 0 ? m / b : 0) }'; }
echo "Data: $files interval files, $sessions sessions, 31 days (2026-10, TZ=$TZ); interval files $((size_intervals / 1048576)) MiB, daily rollups $((size_rollups / 1048576)) MiB, month rollup $((size_span / 1048576)) MiB."
echo
echo "| request | ms | ratio to reading every interval file |"
echo "|---|---:|---:|"
echo "| summary --period month --format csv, every interval file (1 run) | $raw_ms | 1.0 |"
echo "| summary --period month --format csv, 31 daily rollups (1 run) | $daily_ms | $(ratio "$daily_ms") |"
echo "| summary --period month --format csv, the month rollup (median of $runs) | $span_ms | $(ratio "$span_ms") |"
echo "| summary --period month --format html, the month rollup (median of $runs) | $html_ms | $(ratio "$html_ms") |"
echo "| ipaudit rollup --month (builds the month rollup from the daily ones) | $span_build_ms | |"
echo "| ipaudit rollup --rebuild of one day (48 files) | $rebuild_ms | |"
echo
echo "All three summaries printed the same CSV."
