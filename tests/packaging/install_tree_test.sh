#!/usr/bin/env bash
# `cmake --install BUILD` into a DESTDIR: every file in its FHS place, nothing else (no tests,
# benchmarks or pcapgen), and a second install keeps an edited ipaudit.conf.
#   install_tree_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=${1:?usage: install_tree_test.sh BUILD_DIR SOURCE_DIR}
src=${2:?usage: install_tree_test.sh BUILD_DIR SOURCE_DIR}
dest=$(mktemp -d "${TMPDIR:-/tmp}/ipaudit-install-tree.XXXXXX")
trap 'rm -rf "$dest"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
prefix=$(cache CMAKE_INSTALL_PREFIX)
cgi_dir=$(cache IPAUDIT_CGI_DIR)
[[ "$cgi_dir" == /* ]] || cgi_dir="$prefix/$cgi_dir"
conf_dir=$(cache IPAUDIT_CONF_DIR)
unit_dir=$(cache IPAUDIT_SYSTEMD_UNIT_DIR)
if [[ -z "$unit_dir" ]]; then
  if [[ "$prefix" == /usr ]]; then unit_dir=/lib/systemd/system; else unit_dir=$prefix/lib/systemd/system; fi
fi
mandir=$(cache CMAKE_INSTALL_MANDIR)  # empty: GNUInstallDirs' default
mandir=$prefix/${mandir:-share/man}
gzip_man=$(cache IPAUDIT_GZIP_MAN)
[[ -n "$prefix" && -n "$conf_dir" ]] || { echo "cannot read $build/CMakeCache.txt" >&2; exit 1; }

DESTDIR=$dest cmake --install "$build" > "$dest.log" 2>&1 || { cat "$dest.log" >&2; rm -f "$dest.log"; exit 1; }
rm -f "$dest.log"

expected=(
  "$prefix/sbin/ipauditd" "$prefix/bin/ipaudit"
  "$conf_dir/ipaudit.conf" "$conf_dir/ports.conf"
  /etc/cron.d/ipaudit /etc/init.d/ipauditd "$unit_dir/ipauditd.service"
  "$prefix/lib/ipaudit/ipaudit-weekly-mail"
  "$prefix/share/doc/ipaudit/examples/lighttpd.conf"
  "$prefix/share/doc/ipaudit/examples/apache-ipaudit.conf"
  "$prefix/share/doc/ipaudit/examples/nginx-ipaudit.conf"
)
for page in index search pairs scanners servers traffic host summary; do
  expected+=("$cgi_dir/$page.cgi")
done
for sql in "$src"/sql/*.sql; do
  expected+=("$prefix/share/ipaudit/sql/$(basename "$sql")")
done
shopt -s nullglob
for page in "$src"/docs/man/*.[1-8]; do
  name=$(basename "$page")
  suffix=""
  [[ "$gzip_man" == ON ]] && suffix=.gz
  expected+=("$mandir/man${name##*.}/$name$suffix")
done

want=$(printf '%s\n' "${expected[@]}" | sort)
have=$(cd "$dest" && find . -type f -o -type l | sed 's|^\.||' | sort)
if [[ "$want" != "$have" ]]; then
  fail "installed files differ from the expected list (< expected, > installed):"
  diff <(echo "$want") <(echo "$have") >&2 || true
fi

for exe in "$prefix/sbin/ipauditd" "$prefix/bin/ipaudit" /etc/init.d/ipauditd "$prefix/lib/ipaudit/ipaudit-weekly-mail" "$cgi_dir/index.cgi"; do
  [[ -x "$dest$exe" ]] || fail "$exe is not executable"
done
for conf in "$conf_dir/ipaudit.conf" /etc/cron.d/ipaudit "$unit_dir/ipauditd.service"; do
  [[ $(stat -c %a "$dest$conf") == 644 ]] || fail "$conf: mode $(stat -c %a "$dest$conf"), expected 644"
done
"$dest$prefix/bin/ipaudit" --help > /dev/null 2>&1 || fail "installed ipaudit --help fails"
"$dest$prefix/sbin/ipauditd" --help > /dev/null 2>&1 || fail "installed ipauditd --help fails"

# Nothing runs until enabled: no active cron job.
if grep -Ev '^[[:space:]]*(#|$)|^[A-Za-z_]+=' "$dest/etc/cron.d/ipaudit"; then
  fail "/etc/cron.d/ipaudit has active jobs"
fi
# The paths in the generated files are the installed ones.
grep -q "^ExecStart=$prefix/sbin/ipauditd " "$dest$unit_dir/ipauditd.service" || fail "unit: ExecStart not $prefix/sbin/ipauditd"
grep -q "^DAEMON=$prefix/sbin/ipauditd$" "$dest/etc/init.d/ipauditd" || fail "init script: DAEMON not $prefix/sbin/ipauditd"
grep -q "$prefix/lib/ipaudit/ipaudit-weekly-mail" "$dest/etc/cron.d/ipaudit" || fail "cron: weekly mail path"
grep -q "\"$cgi_dir/\"" "$dest$prefix/share/doc/ipaudit/examples/lighttpd.conf" || fail "lighttpd.conf: CGI dir"

# An edited configuration survives a second install.
echo "# edited by the administrator" >> "$dest$conf_dir/ipaudit.conf"
echo "# edited too" >> "$dest$conf_dir/ports.conf"
DESTDIR=$dest cmake --install "$build" > /dev/null 2>&1 || fail "second install failed"
tail -1 "$dest$conf_dir/ipaudit.conf" | grep -q "edited by the administrator" || fail "second install overwrote ipaudit.conf"
tail -1 "$dest$conf_dir/ports.conf" | grep -q "edited too" || fail "second install overwrote ports.conf"

if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "install tree: ${#expected[@]} files in place, configuration kept on reinstall"
