#!/bin/bash
# conf/ipaudit-weekly-mail against a fake `ipaudit` that prints canned reports: the MIME
# structure of the message (headers, both parts, the closing boundary), the week it asks for,
# -d, errors (no MAILTO, a failing report), sending through SENDMAIL, base64 for over-long lines.
# Then conf/ipaudit.cron: well-formed /etc/cron.d entries for the three jobs, shipped commented out.
# Usage: weekly_mail_test.sh PATH/TO/ipaudit-weekly-mail PATH/TO/ipaudit.cron
set -uo pipefail

script=${1:?usage: weekly_mail_test.sh MAIL_SCRIPT CRON_FILE}
cron=${2:?usage: weekly_mail_test.sh MAIL_SCRIPT CRON_FILE}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
check() {  # check DESCRIPTION COMMAND...
    local what=$1
    shift
    "$@" || fail "$what"
}

text_report=$'ipaudit summary, week 2026-11-02 to 2026-11-09\n\nTotal     1234567 bytes\nBusiest   10.1.0.5 \xc3\xbcber-host'
html_report=$'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>summary</title></head>\n<body><h1>Summary</h1><p>10.1.0.5 \xc3\xbcber-host: 1234567 bytes</p></body></html>'
printf '%s\n' "$text_report" > "$tmp/expected.text"
printf '%s\n' "$html_report" > "$tmp/expected.html"

# The fake ipaudit: records its arguments, prints the canned report of the --format asked for.
cat > "$tmp/ipaudit" <<EOF
#!/bin/bash
printf '%s\n' "\$*" >> "$tmp/calls"
format=
while [[ \$# -gt 0 ]]; do
    [[ \$1 == --format ]] && format=\$2
    shift
done
[[ \${FAKE_FAIL:-} == "\$format" ]] && { echo "fake ipaudit: failing on purpose" >&2; exit 1; }
case \$format in
    text) cat "$tmp/expected.text" ;;
    html) if [[ -n \${FAKE_LONG:-} ]]; then cat "$tmp/long.html"; else cat "$tmp/expected.html"; fi ;;
    *) echo "fake ipaudit: no --format" >&2; exit 2 ;;
esac
EOF
cat > "$tmp/sendmail" <<EOF
#!/bin/bash
printf '%s\n' "\$*" > "$tmp/sendmail.args"
cat > "$tmp/sendmail.message"
EOF
chmod +x "$tmp/ipaudit" "$tmp/sendmail"

run_mail() {  # run_mail OUTPUT [ARGS...], with the environment of the caller
    local out=$1
    shift
    rm -f "$tmp/calls"
    IPAUDIT="$tmp/ipaudit" bash "$script" "$@" > "$out" 2> "$tmp/stderr"
}

# --- The message ---
MAILTO='sec@example.org, noc@example.org' MAIL_FROM='ipaudit <ipaudit@example.org>' IPAUDIT_DATA='/srv/ipaudit data' \
IPAUDIT_TODAY=2026-11-12 run_mail "$tmp/msg" --stdout
rc=$?
check "exit 0 with --stdout (got $rc: $(cat "$tmp/stderr"))" test "$rc" -eq 0
check "stderr empty" test ! -s "$tmp/stderr"
expected_calls=$'report summary --period week --from 2026-11-02 -d /srv/ipaudit data --format text\nreport summary --period week --from 2026-11-02 -d /srv/ipaudit data --format html'
check "ipaudit called for the previous full week, text then html, with -d: $(cat "$tmp/calls")" \
    test "$(cat "$tmp/calls")" == "$expected_calls"

# Headers: up to the first empty line.
sed '/^$/q' "$tmp/msg" | sed '$d' > "$tmp/headers"
header() { grep -m1 "^$1: " "$tmp/headers" | sed "s/^$1: //"; }
check "To" test "$(header To)" == 'sec@example.org, noc@example.org'
check "From" test "$(header From)" == 'ipaudit <ipaudit@example.org>'
check "Subject names the week" grep -q '^Subject: ipaudit weekly summary 2026-11-02 to 2026-11-09 (' "$tmp/headers"
check "MIME-Version" test "$(header MIME-Version)" == '1.0'
check "Date" grep -Eq '^Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} [-+][0-9]{4}$' "$tmp/headers"
content_type=$(header Content-Type)
boundary=$(sed -n 's/^multipart\/alternative; boundary="\([^"]*\)"$/\1/p' <<< "$content_type")
check "Content-Type multipart/alternative with a boundary (got '$content_type')" test -n "$boundary"
check "boundary is long enough to be random ($boundary)" test "${#boundary}" -ge 20

# Body: exactly two part delimiters, then the closing one as the last line.
check "two part delimiters" test "$(grep -cxF -- "--$boundary" "$tmp/msg")" -eq 2
check "one closing delimiter" test "$(grep -cxF -- "--$boundary--" "$tmp/msg")" -eq 1
check "closing delimiter is the last line" test "$(tail -n 1 "$tmp/msg")" == "--$boundary--"
check "no boundary inside the headers" test "$(grep -cF -- "--$boundary" "$tmp/headers")" -eq 0

# Part N (1-based): its header lines, and its body (what follows the first empty line up to the
# next delimiter; the line break before a delimiter belongs to the delimiter).
part_headers() {
    awk -v b="--$boundary" -v n="$1" '$0 == b || $0 == b "--" { k++; inh = 1; next }
        k == n && inh { if ($0 == "") inh = 0; else print }' "$tmp/msg"
}
part_body() {
    awk -v b="--$boundary" -v n="$1" '$0 == b || $0 == b "--" { k++; inh = 1; next }
        k == n { if (inh) { if ($0 == "") inh = 0; next } print }' "$tmp/msg"
}
check "part 1 is text/plain utf-8" test "$(part_headers 1 | grep -c -x -e 'Content-Type: text/plain; charset=utf-8' -e 'Content-Transfer-Encoding: 8bit')" -eq 2
check "part 2 is text/html utf-8" test "$(part_headers 2 | grep -c -x -e 'Content-Type: text/html; charset=utf-8' -e 'Content-Transfer-Encoding: 8bit')" -eq 2
check "part 1 body is the text report" cmp -s <(part_body 1) "$tmp/expected.text"
check "part 2 body is the html report" cmp -s <(part_body 2) "$tmp/expected.html"

# A MIME parser agrees (when Python is there).
if command -v python3 > /dev/null; then
    check "python's email parser reads the same structure" python3 - "$tmp/msg" "$tmp/expected.text" "$tmp/expected.html" <<'EOF'
import email, email.policy, sys
msg = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
assert not msg.defects, msg.defects
assert msg.get_content_type() == 'multipart/alternative', msg.get_content_type()
parts = list(msg.iter_parts())
assert [p.get_content_type() for p in parts] == ['text/plain', 'text/html'], parts
assert all(p.get_content_charset() == 'utf-8' and not p.defects for p in parts)
# The line break before a delimiter belongs to the delimiter (RFC 2046).
assert parts[0].get_payload(decode=True) == open(sys.argv[2], 'rb').read().rstrip(b'\n')
assert parts[1].get_payload(decode=True) == open(sys.argv[3], 'rb').read().rstrip(b'\n')
EOF
fi

# --- The week: the one holding Monday of last week (no --to: --period week picks it) ---
week_of() {  # week_of TODAY -> "FROM" (and "--to" when the call has one: it must not)
    MAILTO=a@example.org IPAUDIT_TODAY=$1 run_mail /dev/null --stdout || return 1
    head -n 1 "$tmp/calls" | sed -n 's/.*--period week --from \([0-9-]*\).*/\1/p'
    head -n 1 "$tmp/calls" | grep -o -- '--to' || true
}
check "on a Monday" test "$(week_of 2026-11-09)" == "2026-11-02"
check "on a Sunday" test "$(week_of 2026-11-15)" == "2026-11-02"
check "across a year" test "$(week_of 2026-01-01)" == "2025-12-22"
check "across a DST change" test "$(TZ=Europe/Berlin week_of 2026-03-30)" == "2026-03-23"
check "no --to with --period" test "$(grep -c -- '--to' "$tmp/calls")" -eq 0
MAILTO=a@example.org IPAUDIT_TODAY=2026-11-12 run_mail /dev/null --stdout
check "no -d without IPAUDIT_DATA" test "$(grep -c -- ' -d ' "$tmp/calls")" -eq 0

# Two messages, two boundaries.
MAILTO=a@example.org run_mail "$tmp/msg2" --stdout
MAILTO=a@example.org run_mail "$tmp/msg3" --stdout
check "a random boundary" test "$(grep -m1 boundary= "$tmp/msg2")" != "$(grep -m1 boundary= "$tmp/msg3")"
check "no From header without MAIL_FROM" test "$(sed '/^$/q' "$tmp/msg2" | grep -c '^From:')" -eq 0

# --- Errors ---
env -u MAILTO IPAUDIT="$tmp/ipaudit" bash "$script" --stdout > "$tmp/out" 2> "$tmp/stderr"
check "no MAILTO: exit 2" test $? -eq 2
check "no MAILTO: said" grep -q 'MAILTO is not set' "$tmp/stderr"
check "no MAILTO: nothing printed" test ! -s "$tmp/out"
MAILTO=$'a@example.org\nBcc: victim@example.org' run_mail "$tmp/out" --stdout
check "a line break in MAILTO: exit 2" test $? -eq 2
MAILTO=a@example.org run_mail "$tmp/out" --bogus
check "unknown argument: exit 2" test $? -eq 2
MAILTO=a@example.org IPAUDIT_TODAY=2026-13-45 run_mail "$tmp/out" --stdout
check "bad IPAUDIT_TODAY: exit 2" test $? -eq 2
rm -f "$tmp/sendmail.message"
MAILTO=a@example.org FAKE_FAIL=html SENDMAIL="$tmp/sendmail -t -oi" run_mail "$tmp/out"
check "a failing report: exit 1" test $? -eq 1
check "a failing report: said" grep -q 'failed: no mail sent' "$tmp/stderr"
check "a failing report: nothing sent" test ! -e "$tmp/sendmail.message"

# --- Sending ---
MAILTO=sec@example.org IPAUDIT_TODAY=2026-11-12 SENDMAIL="$tmp/sendmail -t -oi" run_mail "$tmp/out"
check "sent: exit 0 ($(cat "$tmp/stderr"))" test $? -eq 0
check "sent: nothing on stdout" test ! -s "$tmp/out"
check "sendmail got -t -oi" test "$(cat "$tmp/sendmail.args")" == "-t -oi"
check "sendmail got the message" grep -qx 'To: sec@example.org' "$tmp/sendmail.message"
sent_boundary=$(sed -n 's/^Content-Type: multipart\/alternative; boundary="\([^"]*\)"$/\1/p' "$tmp/sendmail.message")
check "sendmail got the whole message" test "$(tail -n 1 "$tmp/sendmail.message")" == "--$sent_boundary--"
cat > "$tmp/failing-sendmail" <<'EOF'
#!/bin/bash
cat > /dev/null
exit 75
EOF
chmod +x "$tmp/failing-sendmail"
MAILTO=sec@example.org SENDMAIL="$tmp/failing-sendmail" run_mail "$tmp/out"
check "a failing sendmail: exit 1" test $? -eq 1
check "a failing sendmail: said" grep -q 'was not sent' "$tmp/stderr"

# --- A line too long for 8bit (over 998 bytes) makes that part base64 ---
{ printf '<html><body>'; for _ in $(seq 1 300); do printf '<td>12345</td>'; done; printf '</body></html>\n'; } > "$tmp/long.html"
MAILTO=a@example.org FAKE_LONG=1 run_mail "$tmp/msg" --stdout
boundary=$(sed -n 's/^Content-Type: multipart\/alternative; boundary="\([^"]*\)"$/\1/p' "$tmp/msg")
part_has() { part_headers "$1" | grep -qx "$2"; }
check "long line: text part still 8bit" part_has 1 'Content-Transfer-Encoding: 8bit'
check "long line: html part base64" part_has 2 'Content-Transfer-Encoding: base64'
check "long line: no line over 998 bytes" test "$(LC_ALL=C awk 'length($0) > 998' "$tmp/msg" | wc -l)" -eq 0
check "long line: html decodes back" cmp -s <(part_body 2 | base64 -d) "$tmp/long.html"

# --- The script itself ---
check "bash -n" bash -n "$script"
check "executable" test -x "$script"
check "--help" bash "$script" --help > /dev/null

# --- conf/ipaudit.cron ---
check "cron file ends with a newline" test "$(tail -c 1 "$cron" | od -An -c | tr -d ' ')" == '\n'
# Shipped disabled: no active job; the three jobs are there commented out ('#' then the entry).
check "no active cron entry (nothing runs until the admin enables it)" \
    test -z "$(grep -Ev '^[[:space:]]*(#|$)|^[A-Za-z_]+=' "$cron")"
entries=$(grep -E '^#[0-9*]' "$cron" | sed 's/^#//')
check "three cron entries" test "$(wc -l <<< "$entries")" -eq 3
while read -r m h dom mon dow user command; do
    check "entry has a command: $m $h" test -n "$command"
    check "entry runs as ipaudit: $command" test "$user" == ipaudit
    check "no % in a cron command: $command" test "${command//%/}" == "$command"
    check "entry checks the program is installed: $command" grep -q '^\[ -x /usr/' <<< "$command"
    case $command in
        *'/usr/bin/ipaudit prune '*)
            check "prune nightly at 03:17" test "$m $h $dom $mon $dow" == '17 3 * * *'
            check "prune keeps 35 days of intervals, 400 of rollups" grep -q -- '--keep-intervals 35 --keep-rollups 400' <<< "$command" ;;
        *'/usr/bin/ipaudit rollup'*)
            check "rollup hourly" test "$h $dom $mon $dow" == '* * * *' ;;
        *'/usr/lib/ipaudit/ipaudit-weekly-mail'*)
            check "weekly mail Mondays at 06:00" test "$m $h $dom $mon $dow" == '0 6 * * 1' ;;
        *) fail "unexpected cron entry: $command" ;;
    esac
done <<< "$entries"
check "MAILTO set for the weekly mail" grep -q '^MAILTO=' "$cron"

if [[ $failures -gt 0 ]]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "weekly mail and cron file: all checks passed"
