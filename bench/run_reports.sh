#!/usr/bin/env bash
# Report latency: every CGI page (run as lighttpd runs it: a process per request) and a one-day
# search by IP, over 48 interval files of ~100k sessions each, with a plain sqlite3 query over the
# same 48 files as the baseline, measured in one run.
#   bench/run_reports.sh [BUILD_DIR]   env: SESSIONS (4800000) RUNS (3) WORK (/var/tmp/ipaudit-bench-reports)
# The data is the pcapgen bench mix (two hours) imported with --interval 150, which gives the 48
# files of a day of 30-minute intervals in a fraction of the generation time.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
sessions=${SESSIONS:-4800000}
runs=${RUNS:-3}
work=${WORK:-/var/tmp/ipaudit-bench-reports}
data="$work/data-$sessions"
export TZ=UTC
mkdir -p "$work"

if [[ ! -f $data/ready ]]; then
  rm -rf "$data"
  echo "building $data ..." >&2
  "$build/tools/pcapgen/ipaudit-pcapgen" bench --packets $((sessions * 3)) --sessions "$sessions" -o "$work/day.pcap"
  "$build/src/daemon/ipauditd" -q -r "$work/day.pcap" -d "$data" --interval 150 -l 10.1.0.0/16,2001:db8:1::/48
  rm -f "$work/day.pcap"
  touch "$data/ready"
fi
mapfile -t files < <(find "$data/intervals" -name '*.db' | sort)
day=$(basename "$(dirname "${files[0]}")")
month=$(basename "$(dirname "$(dirname "${files[0]}")")")
year=$(basename "$(dirname "$(dirname "$(dirname "${files[0]}")")")")
date="$year-$month-$day"
ip=$(sqlite3 -readonly "${files[0]}" "SELECT ip_a FROM session_text LIMIT 1 OFFSET 5000")
ip_hex=$(sqlite3 -readonly "${files[0]}" "SELECT hex(ip_a) FROM session LIMIT 1 OFFSET 5000")
total=$(for f in "${files[@]}"; do sqlite3 -readonly "$f" "SELECT sessions FROM interval"; done | awk '{s += $1} END {print s}')
printf 'data-dir = %s\n' "$data" >"$work/ipaudit.conf"

# median wall milliseconds of RUNS runs of a command
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
cgi() {  # cgi PAGE QUERY
  env -i REQUEST_METHOD=GET QUERY_STRING="$2" IPAUDIT_CONF="$work/ipaudit.conf" TZ=UTC "$build/cgi/$1.cgi"
}
sqlite_over_files() {  # one sqlite3 process running QUERY on every file, as a script would
  local script="$work/baseline.sql"
  : >"$script"
  for f in "${files[@]}"; do printf '.open --readonly %s\n%s\n' "$f" "$1" >>"$script"; done
  sqlite3 <"$script"
}
q="from=$date&to=$date"
base_ip=$(median_ms sqlite_over_files "SELECT count(*) FROM session WHERE ip_a = x'$ip_hex' OR ip_b = x'$ip_hex';")
base_agg=$(median_ms sqlite_over_files "SELECT ip_a, ip_b, sum(bytes_ab + bytes_ba) AS b FROM session GROUP BY ip_a, ip_b ORDER BY b DESC LIMIT 20;")

echo "Data: ${#files[@]} interval files, $total sessions (~$((total / ${#files[@]})) per file), day $date; search IP $ip; median of $runs runs."
echo
echo "| request | ms | ratio to the sqlite3 baseline | baseline |"
echo "|---|---:|---:|---|"
row() {  # row LABEL BASE_MS BASE_NAME CMD...
  local label=$1 base=$2 base_name=$3
  shift 3
  local ms
  ms=$(median_ms "$@")
  awk -v l="$label" -v m="$ms" -v b="$base" -v n="$base_name" 'BEGIN { printf "| %s | %d | %.1f | %s |\n", l, m, (b > 0 ? m / b : 0), n }'
}
echo "| sqlite3: sessions of one IP in 48 files | $base_ip | 1.0 | itself |"
echo "| sqlite3: top 20 pairs by bytes in 48 files | $base_agg | 1.0 | itself |"
row "ipaudit search --ip (one day, limit 100)" "$base_ip" "IP" "$build/src/cli/ipaudit" search -d "$data" --from "$date" --to "$date" --ip "$ip" --format csv
row "search.cgi ip=… (one day)" "$base_ip" "IP" cgi search "$q&ip=$ip"
row "host.cgi ip=… (one day)" "$base_ip" "IP" cgi host "$q&ip=$ip"
for page in index pairs scanners servers traffic; do
  row "$page.cgi (one day)" "$base_agg" "pairs" cgi "$page" "$q"
done
