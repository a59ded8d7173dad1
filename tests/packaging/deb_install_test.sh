#!/usr/bin/env bash
# The .deb on a fresh Debian 12: installed with apt-get (pulling its runtime dependencies) into a
# debootstrapped bookworm chroot, checked (FHS places, user, data directory, conffiles, nothing
# enabled), used (an import as the ipaudit user, a report, a CGI page as www-data), then purged
# (no file, user or dpkg record left).
#   deb_install_test.sh SOURCE_DIR WORK_DIR
# Environment:
#   IPAUDIT_DEB=FILE          test this package (default: build one with scripts/package.sh)
#   IPAUDIT_PCAPGEN=PROGRAM   ipaudit-pcapgen for the sample capture (default: the one built
#                             with the package; required with IPAUDIT_DEB)
#   IPAUDIT_TEST_CACHE=DIR    where the pristine chroot is cached as a tarball
#                             (default /var/cache/ipaudit-tests)
#   IPAUDIT_DEBIAN_MIRROR=URL (default http://deb.debian.org/debian)
#   IPAUDIT_JOBS=N            ninja jobs for the package build
# Exit 77 (skipped) when not root, or without debootstrap, unshare or network.
set -euo pipefail
src=$(cd "${1:?usage: deb_install_test.sh SOURCE_DIR WORK_DIR}" && pwd)
work=${2:?usage: deb_install_test.sh SOURCE_DIR WORK_DIR}
cache=${IPAUDIT_TEST_CACHE:-/var/cache/ipaudit-tests}
mirror=${IPAUDIT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
tarball=$cache/$suite-minbase.tar.gz
started=$(date +%s)

skip() { echo "SKIP: $*"; exit 77; }
say() { printf '[%4ds] %s\n' $(($(date +%s) - started)) "$*"; }


[[ $(id -u) -eq 0 ]] || skip "needs root (debootstrap, chroot, mounts)"
for tool in debootstrap unshare chroot mount tar dpkg-deb; do
  command -v "$tool" > /dev/null || skip "$tool not found"
done
host=${mirror#*://}
host=${host%%/*}
if ! timeout 15 bash -c "exec 3<>/dev/tcp/$host/80" 2> /dev/null; then
  skip "no network to $host (apt-get in the chroot needs it)"
fi

mkdir -p "$work"
work=$(cd "$work" && pwd)

# --- The package, and a capture to import (pcapgen's sample, built with the package). ---
if [[ -n "${IPAUDIT_DEB:-}" ]]; then
  deb=$(realpath "$IPAUDIT_DEB")
  pkg_build=""
else
  say "building the package (scripts/package.sh)"
  pkg_build=$work/build-pkg
  deb=$(IPAUDIT_PKG_BUILD_DIR=$pkg_build "$src/scripts/package.sh" "$work/deb" | tail -1)
fi
[[ -f "$deb" ]] || { echo "no package: $deb" >&2; exit 1; }
say "package: $deb"
pcapgen=${IPAUDIT_PCAPGEN:-${pkg_build:+$pkg_build/tools/pcapgen/ipaudit-pcapgen}}
if [[ ! -x "$pcapgen" ]]; then
  echo "ipaudit-pcapgen not found: with IPAUDIT_DEB, set IPAUDIT_PCAPGEN too" >&2
  exit 1
fi
"$pcapgen" sample -o "$work/sample.pcap" > /dev/null

# --- The pristine chroot, cached. ---
mkdir -p "$cache"
exec 9> "$cache/.lock"
flock 9
if [[ ! -s "$tarball" ]]; then
  say "debootstrap --variant=minbase $suite (cached afterwards as $tarball)"
  boot=$(mktemp -d /var/tmp/ipaudit-debootstrap.XXXXXX)
  if ! debootstrap --variant=minbase "$suite" "$boot/root" "$mirror" > "$work/debootstrap.log" 2>&1; then
    tail -20 "$work/debootstrap.log" >&2
    rm -rf --one-file-system "$boot"
    echo "debootstrap failed (log: $work/debootstrap.log)" >&2
    exit 1
  fi
  tar -C "$boot/root" --numeric-owner -cpzf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -rf --one-file-system "$boot"
fi
flock -u 9

root_parent=$(mktemp -d /var/tmp/ipaudit-deb-test.XXXXXX)
root=$root_parent/root
mkdir "$root"
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  # Mounts live in the private namespace and vanish with it; unmount anyway, and never remove
  # a tree that still has something mounted in it.
  local m
  while read -r m; do
    umount -l "$m" 2> /dev/null || true
  done < <(awk -v r="$root" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r)
  if awk -v r="$root" 'index($2, r) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    echo "cleanup: mounts remain under $root; not removing it" >&2
    return
  fi
  rm -rf --one-file-system "$root_parent"
}
trap cleanup EXIT
say "unpacking the cached $suite chroot"
tar -C "$root" --numeric-owner -xpzf "$tarball"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$work/sample.pcap" "$root/tmp/"
chmod 644 "$root/tmp/sample.pcap"
# No service may start inside the chroot, whatever a maintainer script asks.
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

# The checks run in the chroot, in a private mount namespace: /proc and /dev mounted there go
# away with it even if this script is killed.
cat > "$root/tmp/checks.sh" <<'CHECKS'
#!/bin/bash
set -uo pipefail
deb=$1
man_pages=$2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
check() { local what=$1; shift; "$@" > /tmp/check.out 2>&1 || { fail "$what"; sed 's/^/    /' /tmp/check.out >&2; }; }
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin

echo "== apt-get install ./$(basename "$deb")"
apt-get update -qq || exit 1
if ! apt-get install -y -q --no-install-recommends "$deb" > /tmp/apt.log 2>&1; then
  cat /tmp/apt.log >&2
  echo "FAIL: apt-get install" >&2
  exit 1
fi
grep -E '^(Setting up|Unpacking) ' /tmp/apt.log | sed 's/^/    /'

echo "== files in their places"
for f in /usr/sbin/ipauditd /usr/bin/ipaudit /usr/lib/ipaudit/ipaudit-weekly-mail /etc/init.d/ipauditd \
         /usr/lib/cgi-bin/ipaudit/{index,search,pairs,scanners,servers,traffic,host,summary}.cgi; do
  [[ -f $f && -x $f ]] || fail "missing or not executable: $f"
done
for f in /etc/ipaudit/ipaudit.conf /etc/ipaudit/ports.conf /etc/cron.d/ipaudit /lib/systemd/system/ipauditd.service \
         /usr/share/ipaudit/sql/interval_schema.sql /usr/share/ipaudit/sql/rollup_schema.sql \
         /usr/share/doc/ipaudit/examples/{lighttpd.conf,apache-ipaudit.conf,nginx-ipaudit.conf}; do
  [[ -f $f ]] || fail "missing: $f"
done
for page in $man_pages; do
  f=/usr/share/man/man${page##*.}/$page.gz
  [[ -f $f ]] || fail "missing man page: $f"
done
conffiles=$(dpkg-query -W -f='${Conffiles}\n' ipaudit | awk 'NF { print $1 }' | sort | tr '\n' ' ')
[[ "$conffiles" == "/etc/cron.d/ipaudit /etc/init.d/ipauditd /etc/ipaudit/ipaudit.conf /etc/ipaudit/ports.conf " ]] ||
  fail "conffiles: '$conffiles'"
check "ipauditd runs (its libraries were installed)" /usr/sbin/ipauditd --version
check "ipaudit runs" /usr/bin/ipaudit --help

echo "== user, group, data directory"
IFS=: read -r _ _ uid _ _ home shell <<< "$(getent passwd ipaudit)"
[[ -n "${uid:-}" ]] || fail "no user ipaudit"
[[ ${uid:-1000} -lt 1000 ]] || fail "ipaudit is not a system user (uid ${uid:-})"
[[ ${home:-} == /var/lib/ipaudit ]] || fail "ipaudit's home: ${home:-}"
[[ ${shell:-} == */nologin || ${shell:-} == /bin/false ]] || fail "ipaudit's shell: ${shell:-}"
getent group ipaudit > /dev/null || fail "no group ipaudit"
[[ $(id -gn ipaudit) == ipaudit ]] || fail "ipaudit's primary group is $(id -gn ipaudit)"
for d in /var/lib/ipaudit /var/lib/ipaudit/intervals /var/lib/ipaudit/rollups; do
  [[ $(stat -c '%U:%G %a' "$d" 2> /dev/null) == "ipaudit:ipaudit 750" ]] ||
    fail "$d: $(stat -c '%U:%G %a' "$d" 2>&1), expected ipaudit:ipaudit 750"
done

echo "== nothing enabled or running"
[[ ! -e /etc/systemd/system/multi-user.target.wants/ipauditd.service ]] || fail "ipauditd.service is enabled"
compgen -G '/etc/rc[0-6S].d/[SK]*ipauditd' > /dev/null && fail "init script has rc.d links"
if active=$(grep -Ev '^[[:space:]]*(#|$)|^[A-Za-z_]+=' /etc/cron.d/ipaudit); then
  fail "active cron jobs: $active"
fi

echo "== import a capture as ipaudit"
check "ipauditd -r as ipaudit" runuser -u ipaudit -- ipauditd -q -r /tmp/sample.pcap -d /var/lib/ipaudit -l 10.0.0.0/8
files=$(find /var/lib/ipaudit/intervals -name '*.db' | wc -l)
[[ $files -gt 0 ]] || fail "no interval file written"
echo "    $files interval files"
[[ -z $(find /var/lib/ipaudit ! -user ipaudit) ]] || fail "files not owned by ipaudit: $(find /var/lib/ipaudit ! -user ipaudit)"
first_day=$(basename "$(find /var/lib/ipaudit/intervals -name '*.db' | sort | head -1)" | sed -E 's/^([0-9]{4})([0-9]{2})([0-9]{2})-.*/\1-\2-\3/')
check "ipaudit report pairs" runuser -u ipaudit -- ipaudit report pairs --from "$first_day" --to "$first_day 23:59"
head -4 /tmp/check.out | sed 's/^/    /'
grep -q '10\.[0-9]*\.[0-9]*\.[0-9]' /tmp/check.out || fail "report pairs shows no local (10.x) host"

# The installation's own check, once the data directory holds intervals: the web server's user
# is not in the group ipaudit yet (the package leaves that to the admin), which it must name.
echo "== ipaudit check"
if ipaudit check > /tmp/check-before.out 2>&1; then
  fail "ipaudit check passed although www-data cannot read the data"
fi
sed 's/^/    /' /tmp/check-before.out
grep -q '^FAIL .*/intervals not readable by www-data' /tmp/check-before.out || fail "ipaudit check: no FAIL for www-data"
grep -q 'fix: .*adduser www-data ipaudit' /tmp/check-before.out || fail "ipaudit check: no fix 'adduser www-data ipaudit'"
grep -q '^ok .*/intervals writable by ipaudit' /tmp/check-before.out || fail "ipaudit check: intervals not writable by ipaudit"

echo "== a CGI page as www-data"
cgi() {  # cgi PAGE QUERY: the page as www-data
  setpriv --reuid www-data --regid www-data --init-groups -- \
    env -i PATH=/usr/bin:/bin REQUEST_METHOD=GET QUERY_STRING="$2" SCRIPT_NAME="/ipaudit/$1" \
      SERVER_NAME=localhost SERVER_PORT=80 GATEWAY_INTERFACE=CGI/1.1 "/usr/lib/cgi-bin/ipaudit/$1"
}
# Not in the group ipaudit (the package does not add it): the data is out of reach.
cgi pairs.cgi "from=$first_day" > /tmp/cgi-denied.out 2>&1 || true
grep -q 'Permission denied' /tmp/cgi-denied.out || fail "pairs.cgi as www-data outside group ipaudit: no 'Permission denied'"
if grep -q '<td[^>]*>10\.' /tmp/cgi-denied.out; then fail "www-data reads the data without being in group ipaudit"; fi
# As the README says: the web server's user joins the group ipaudit.
check "adduser www-data ipaudit" adduser --quiet www-data ipaudit
check "ipaudit check (www-data in group ipaudit)" ipaudit check
sed 's/^/    /' /tmp/check.out
check "ipaudit check as ipaudit" runuser -u ipaudit -- ipaudit check
cgi index.cgi "" > /tmp/cgi-index.out 2> /tmp/cgi-index.err || fail "index.cgi failed: $(cat /tmp/cgi-index.err)"
grep -qi '^Content-Type: text/html' /tmp/cgi-index.out || fail "index.cgi: no text/html header"
grep -qi '<html' /tmp/cgi-index.out || fail "index.cgi: no HTML"
cgi pairs.cgi "from=$first_day" > /tmp/cgi-pairs.out 2> /tmp/cgi-pairs.err || fail "pairs.cgi failed: $(cat /tmp/cgi-pairs.err)"
grep -q '10\.' /tmp/cgi-pairs.out || fail "pairs.cgi: no local host in the page"
echo "    index.cgi $(wc -c < /tmp/cgi-index.out) bytes, pairs.cgi $(wc -c < /tmp/cgi-pairs.out) bytes"

echo "== the sysvinit script (ipauditd --daemon --pidfile, root dropping to ipaudit)"
# Passive capture on lo for a few seconds; the configuration is restored afterwards.
cp /etc/ipaudit/ipaudit.conf /tmp/ipaudit.conf.orig
printf '\ninterface = lo\n' >> /etc/ipaudit/ipaudit.conf
check "init.d start" /etc/init.d/ipauditd start
pid=$(cat /run/ipauditd.pid 2>/dev/null)
if [[ -n $pid && -d /proc/$pid ]]; then
  uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
  [[ $uid == "$(id -u ipaudit)" ]] || fail "the daemon runs as uid $uid, not ipaudit"
  grep -q '^CapEff:[[:space:]]*0*$' "/proc/$pid/status" || fail "the daemon kept capabilities: $(grep ^CapEff "/proc/$pid/status")"
  check "init.d status" /etc/init.d/ipauditd status
  check "init.d reload (SIGHUP)" /etc/init.d/ipauditd reload
  check "init.d stop" /etc/init.d/ipauditd stop
  for _ in 1 2 3 4 5 6 7 8 9 10; do [[ -d /proc/$pid ]] || break; sleep 0.5; done
  [[ ! -d /proc/$pid ]] || fail "ipauditd still runs after init.d stop"
  [[ ! -e /run/ipauditd.pid ]] || fail "init.d stop left /run/ipauditd.pid"
  if /etc/init.d/ipauditd status > /dev/null 2>&1; then fail "init.d status says running after stop"; fi
else
  fail "init.d start: no running ipauditd behind /run/ipauditd.pid ($pid)"
fi
cp /tmp/ipaudit.conf.orig /etc/ipaudit/ipaudit.conf
files=$(find /var/lib/ipaudit/intervals -name '*.db' | wc -l)  # stop wrote the interval in progress

echo "== reinstall keeps an edited configuration and the data"
echo "# edited by the administrator" >> /etc/ipaudit/ipaudit.conf
check "dpkg -i (reinstall)" dpkg -i "$deb"
tail -1 /etc/ipaudit/ipaudit.conf | grep -q 'edited by the administrator' || fail "reinstall overwrote /etc/ipaudit/ipaudit.conf"
[[ $(find /var/lib/ipaudit/intervals -name '*.db' | wc -l) -eq $files ]] || fail "reinstall changed the interval files"

echo "== apt-get purge ipaudit"
if ! apt-get purge -y -q ipaudit > /tmp/purge.log 2>&1; then
  cat /tmp/purge.log >&2
  fail "apt-get purge"
fi
for f in /etc/ipaudit /var/lib/ipaudit /usr/sbin/ipauditd /usr/bin/ipaudit /usr/lib/cgi-bin/ipaudit /usr/lib/ipaudit \
         /usr/share/ipaudit /usr/share/doc/ipaudit /etc/cron.d/ipaudit /etc/init.d/ipauditd /lib/systemd/system/ipauditd.service; do
  [[ ! -e $f ]] || fail "left after purge: $f"
done
dpkg-query -W ipaudit > /dev/null 2>&1 && fail "dpkg still has a record of ipaudit: $(dpkg-query -W -f='${Status}' ipaudit)"
getent passwd ipaudit > /dev/null && fail "user ipaudit left after purge"
getent group ipaudit > /dev/null && fail "group ipaudit left after purge"
getent passwd www-data > /dev/null || fail "purge removed www-data"

if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all checks passed"
CHECKS
chmod 755 "$root/tmp/checks.sh"

man_pages=""
for page in "$src"/docs/man/*.[1-8]; do
  [[ -f "$page" ]] && man_pages+="$(basename "$page") "
done
say "installing, using and purging the package in the chroot"
status=0
# shellcheck disable=SC2016  # expanded by the inner bash
unshare --mount --propagation private -- bash -c '
  set -e
  root=$1
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount -t sysfs sysfs "$root/sys"
  exec chroot "$root" /tmp/checks.sh "/tmp/$2" "$3"' _ "$root" "$(basename "$deb")" "$man_pages" || status=$?
# Nothing the package started may outlive the test (policy-rc.d forbids it; check anyway).
for p in /proc/[0-9]*; do
  if [[ "$(readlink "$p/root" 2> /dev/null)" == "$root" ]]; then
    echo "FAIL: a process still runs in the chroot: $(tr '\0' ' ' < "$p/cmdline")" >&2
    kill -9 "${p#/proc/}" 2> /dev/null || true
    status=1
  fi
done
say "done (status $status)"
exit "$status"
