#!/usr/bin/env bash
# The main job, end to end: install what is needed, build, write the bundled sample capture
# (a synthetic office network: web, DNS, SSH, SMTP, a worm sweep, a port scan), import it with
# `ipauditd -r`, and show where the interval files are with a short summary.
#   scripts/demo.sh            output under /tmp/ipaudit-demo (IPAUDIT_DEMO_DIR overrides)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${IPAUDIT_DEMO_DIR:-/tmp/ipaudit-demo}
local_nets="10.1.0.0/16,2001:db8:1::/48"

scripts/install-deps.sh
scripts/build.sh build
rm -rf "$out"
mkdir -p "$out"

build/tools/pcapgen/ipaudit-pcapgen sample -o "$out/sample.pcap"
build/src/daemon/ipauditd -q -r "$out/sample.pcap" -d "$out/data" -l "$local_nets" --sensor demo

echo
echo "Imported $out/sample.pcap (local networks $local_nets)."
echo "Interval files (UTC, one per 30 minutes):"
total_sessions=0
while IFS= read -r db; do
  sessions=$(sqlite3 -readonly "$db" "SELECT sessions FROM interval")
  packets=$(sqlite3 -readonly "$db" "SELECT packets FROM interval")
  total_sessions=$((total_sessions + sessions))
  printf '  %s  %7d packets  %6d sessions\n' "$db" "$packets" "$sessions"
done < <(find "$out/data/intervals" -name '*.db' | sort)

echo
echo "Busiest conversations (all intervals, by bytes both ways):"
printf '  %-40s %-40s %5s %6s %6s %12s %s\n' LOCAL REMOTE PROTO LPORT RPORT BYTES FIRST-TALKER
find "$out/data/intervals" -name '*.db' -print0 | sort -z | xargs -0 build/src/cli/ipaudit dump |
  awk -F'\t' '$1 != "ip_a" { k = $1 FS $2 FS $3 FS $4 FS $5; b[k] += $8 + $9; t[k] = $12 } 
              END { for (k in b) print b[k] FS k FS t[k] }' |
  sort -t$'\t' -k1,1nr | head -10 |
  awk -F'\t' '{ printf "  %-40s %-40s %5s %6s %6s %12s %s\n", $2, $3, $4, $5, $6, $1, ($7 == "a" ? "local" : "remote") }'
echo
echo "Total: $total_sessions sessions. Inspect any file with:"
echo "  build/src/cli/ipaudit dump --meta $(find "$out/data/intervals" -name '*.db' | sort | head -1)"
echo "  sqlite3 -readonly -header -column FILE.db 'SELECT * FROM session_text LIMIT 20'"
