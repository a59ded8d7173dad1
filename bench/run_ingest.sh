#!/usr/bin/env bash
# Offline ingest benchmark: one large synthetic capture, read in one run by
#   1. pcap_read_loop      (libpcap reading every record: the physical limit here)
#   2. ipauditd -r         (decode, account, write SQLite interval files)
#   3. tshark -q -z conv,ip (a peer computing per-conversation totals)
# on a warm file; each timed RUNS times (median). Also the peak memory per session of
# ipauditd holding every session in one table (--interval 86400), minus an empty run.
#   bench/run_ingest.sh [BUILD_DIR]   env: PACKETS (5000000) SESSIONS (500000) RUNS (3)
#                                          TSHARK=0 to skip tshark, WORK (/var/tmp/ipaudit-bench)
# Prints a Markdown table for docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
packets=${PACKETS:-5000000}
sessions=${SESSIONS:-500000}
runs=${RUNS:-3}
work=${WORK:-/var/tmp/ipaudit-bench}
mkdir -p "$work"
pcap="$work/bench-$packets-$sessions.pcap"

if [[ ! -s $pcap ]]; then
  echo "generating $pcap ..." >&2
  "$build/tools/pcapgen/ipaudit-pcapgen" bench --packets "$packets" --sessions "$sessions" -o "$pcap"
fi
cat "$pcap" >/dev/null  # warm the page cache

# time_cmd LABEL CMD... -> prints "seconds max_rss_kib" of the median run (by time)
time_cmd() {
  local results=()
  for ((i = 0; i < runs; i++)); do
    rm -rf "$work/data"
    /usr/bin/time -f "%e %M" -o "$work/time.out" "$@" >/dev/null 2>"$work/stderr.out" || {
      echo "failed: $* ($(tail -3 "$work/stderr.out"))" >&2; exit 1; }
    results+=("$(cat "$work/time.out")")
  done
  printf '%s\n' "${results[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

read -r t_loop _ <<<"$(time_cmd "$build/bench/pcap_read_loop" "$pcap")"
read -r t_ipaudit rss_ipaudit <<<"$(time_cmd "$build/src/daemon/ipauditd" -q -r "$pcap" -d "$work/data" -l 10.1.0.0/16,2001:db8:1::/48)"
intervals=$(find "$work/data/intervals" -name '*.db' | wc -l)
stored=$(for db in $(find "$work/data/intervals" -name '*.db'); do sqlite3 -readonly "$db" "SELECT packets FROM interval"; done | awk '{s += $1} END {print s}')
[[ $stored == "$packets" ]] || { echo "interval files hold $stored packets, expected $packets" >&2; exit 1; }

# Memory: all sessions in one table, against a run over an empty capture.
runs=1
read -r _ rss_one <<<"$(time_cmd "$build/src/daemon/ipauditd" -q -r "$pcap" -d "$work/data" --interval 86400 -l 10.1.0.0/16)"
one_table_sessions=$(sqlite3 -readonly "$(find "$work/data/intervals" -name '*.db' | head -1)" "SELECT sessions FROM interval")
"$build/tools/pcapgen/ipaudit-pcapgen" eth-basic -o "$work/tiny.pcap" >/dev/null
read -r _ rss_empty <<<"$(time_cmd "$build/src/daemon/ipauditd" -q -r "$work/tiny.pcap" -d "$work/data")"
runs=${RUNS:-3}

t_tshark="-"
if [[ ${TSHARK:-1} != 0 ]] && command -v tshark >/dev/null; then
  runs=1
  read -r t_tshark _ <<<"$(time_cmd tshark -n -q -z conv,ip -r "$pcap")"
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
bytes_per_session=$(awk -v a="$rss_one" -v b="$rss_empty" -v n="$one_table_sessions" 'BEGIN { printf "%.0f", (a - b) * 1024 / n }')
pps=$(awk -v p="$packets" -v t="$t_ipaudit" 'BEGIN { printf "%.2f M", p / t / 1e6 }')

cat <<EOT
Input: $pcap ($packets packets, $(du -h "$pcap" | cut -f1), $one_table_sessions sessions), warm page cache, median of ${RUNS:-3} runs.

| program | wall s | ratio to read loop | notes |
|---|---:|---:|---|
| pcap_read_loop (libpcap only) | $t_loop | 1.00 | baseline |
| ipauditd -r (+ $intervals interval files written) | $t_ipaudit | $(ratio "$t_ipaudit" "$t_loop") | $pps packets/s, peak RSS $((rss_ipaudit / 1024)) MiB |
| tshark -q -z conv,ip | $t_tshark | $(ratio "$t_tshark" "$t_loop") | ipauditd is $(ratio "$t_tshark" "$t_ipaudit")x faster |

Memory: $one_table_sessions sessions in one table: peak RSS $((rss_one / 1024)) MiB, empty run $((rss_empty / 1024)) MiB: **$bytes_per_session bytes per session**.
EOT
