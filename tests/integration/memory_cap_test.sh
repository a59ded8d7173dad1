#!/usr/bin/env bash
# The session memory cap: a capture with more sessions than --max-memory holds must still
# account for every packet (sessions + overflow = IP packets), keep the sessions it has, and
# say so in the log. Never a silent loss, never an out-of-memory kill.
#   memory_cap_test.sh BUILD_DIR
set -euo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 300k sessions in one interval need ~30 MiB of session table; the cap is 16 MiB.
"$bin/tools/pcapgen/ipaudit-pcapgen" bench --packets 900000 --sessions 300000 -o "$work/many.pcap"
"$bin/src/daemon/ipauditd" -r "$work/many.pcap" -d "$work/data" --interval 86400 --max-memory 16M \
  -l 10.1.0.0/16 2>"$work/log"
db=$(find "$work/data/intervals" -name '*.db')
[[ $(wc -l <<<"$db") == 1 ]] || { echo "FAIL: expected one interval file, got: $db"; exit 1; }

read -r packets ip_packets sessions overflow < <(sqlite3 -readonly -separator ' ' "$db" \
  "SELECT packets, ip_packets, sessions, overflow_packets FROM interval")
stored=$(sqlite3 -readonly "$db" "SELECT sum(packets_ab + packets_ba) FROM session")
echo "packets=$packets ip_packets=$ip_packets sessions=$sessions stored=$stored overflow=$overflow"
fail=0
[[ $packets == 900000 ]] || { echo "FAIL: $packets packets recorded, 900000 read"; fail=1; }
[[ $overflow -gt 0 ]] || { echo "FAIL: the cap was not reached (overflow 0): the test proves nothing"; fail=1; }
[[ $sessions -gt 50000 ]] || { echo "FAIL: only $sessions sessions kept under a 16 MiB cap"; fail=1; }
[[ $((stored + overflow)) == "$ip_packets" ]] || { echo "FAIL: sessions $stored + overflow $overflow != IP packets $ip_packets"; fail=1; }
grep -q "session memory (--max-memory) was full" "$work/log" || { echo "FAIL: the overflow was not logged:"; cat "$work/log"; fail=1; }

# Peak RSS under the flood stays bounded, whatever the flood's size: the session tables within
# --max-memory, plus SQLite's fixed page caches (interval writer 4 MiB, rollups at most 64 MiB),
# above an import of a tiny capture. Sanitizer builds carry shadow memory: not measured there.
# (grep without -q: with pipefail, -q's early exit would fail the pipeline through SIGPIPE.)
if ldd "$bin/src/daemon/ipauditd" | grep libasan > /dev/null; then
  echo "skip RSS checks: AddressSanitizer build"
else
  peak_kib() {  # peak_kib PCAP [ipauditd options...]: the import's peak RSS in KiB
    local pcap=$1; shift
    rm -rf "$work/rss"
    /usr/bin/time -f %M -o "$work/rss.kib" "$bin/src/daemon/ipauditd" -q -r "$pcap" -d "$work/rss" --interval 86400 \
      --max-memory 16M -l 10.1.0.0/16 "$@" 2>/dev/null
    cat "$work/rss.kib"
  }
  "$bin/tools/pcapgen/ipaudit-pcapgen" bench --packets 1000 --sessions 100 -o "$work/few.pcap"
  "$bin/tools/pcapgen/ipaudit-pcapgen" bench --packets 2700000 --sessions 900000 -o "$work/more.pcap"
  for mode in rollups no-rollups; do
    opts=(); budget=$(((16 + 64 + 4 + 8) * 1024))  # cap + rollup cache + writer cache + slack, KiB
    if [[ $mode == no-rollups ]]; then opts=(--no-rollups); budget=$(((16 + 4 + 8) * 1024)); fi
    base=$(peak_kib "$work/few.pcap" "${opts[@]}")
    flood=$(peak_kib "$work/many.pcap" "${opts[@]}")
    bigger=$(peak_kib "$work/more.pcap" "${opts[@]}")
    echo "peak RSS ($mode): tiny capture $base KiB, 300k sessions $flood KiB, 900k sessions $bigger KiB"
    ((flood - base <= budget)) || { echo "FAIL: $mode: the flood grew RSS by $((flood - base)) KiB, more than $budget"; fail=1; }
    ((bigger <= flood + 2048)) || { echo "FAIL: $mode: 3x the sessions grew peak RSS from $flood to $bigger KiB"; fail=1; }
  done
fi
((fail == 0)) && echo "ok memory cap"
exit $fail
