#!/usr/bin/env bash
# Golden pcap tests: each scenario's capture is written by ipaudit-pcapgen, imported with
# ipauditd -r, and every interval file dumped (ipaudit dump --meta, files in name order) must
# equal tests/golden/SCENARIO.expected.
#   run_golden.sh --bin-dir BUILD [--update] [SCENARIO...]     (default: all in scenarios.list)
# --update rewrites the .expected files; review the diff before committing it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=""
update=0
scenarios=()
while (($#)); do
  case $1 in
    --bin-dir) bin=$2; shift 2 ;;
    --update) update=1; shift ;;
    *) scenarios+=("$1"); shift ;;
  esac
done
[[ -n $bin ]] || { echo "usage: run_golden.sh --bin-dir BUILD [--update] [SCENARIO...]" >&2; exit 2; }
if ((${#scenarios[@]} == 0)); then
  mapfile -t scenarios < <(grep -vE '^\s*(#|$)' "$here/scenarios.list" | awk '{print $1}')
fi

# Fixed so the dumps do not depend on the machine.
export TZ=UTC
local_nets="10.1.0.0/16,2001:db8:1::/48"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
for name in "${scenarios[@]}"; do
  line=$(grep -E "^$name(\s|$)" "$here/scenarios.list" || true)
  extra=$(sed -E 's/^\S+\s*//' <<<"$line")
  dir="$work/$name"
  mkdir -p "$dir"
  pcap="$dir/$name.pcap"
  "$bin/tools/pcapgen/ipaudit-pcapgen" "$name" -o "$pcap" >/dev/null
  # shellcheck disable=SC2086  # extra holds options from scenarios.list
  "$bin/src/daemon/ipauditd" -q -r "$pcap" -d "$dir/data" -l "$local_nets" --sensor golden $extra
  actual="$dir/actual"
  : >"$actual"
  while IFS= read -r db; do
    echo "== ${db#"$dir/data/"}" >>"$actual"
    "$bin/src/cli/ipaudit" dump --meta "$db" >>"$actual"
  done < <(find "$dir/data/intervals" -name '*.db' | sort)
  expected="$here/$name.expected"
  if ((update)); then
    cp "$actual" "$expected"
    echo "updated $expected"
  elif ! diff -u "$expected" "$actual" >"$dir/diff"; then
    echo "FAIL $name: dump differs from $expected:"
    head -60 "$dir/diff"
    failed=$((failed + 1))
  else
    echo "ok $name"
  fi
done
exit $((failed > 0))
