#!/usr/bin/env python3
"""host.cgi through a real lighttpd on loopback (the harness of tests/cgi): a good IP gives 200
with the totals, the SVG chart, the day, peer and service tables and links to host.cgi and a
pre-filled search.cgi, the findings (scanner, unexpected server, settings of ipaudit.conf, a
bad line a 503 with FILE:LINE); the CSV equals `ipaudit report host --format csv`; hostile ip values
give 400 with a clear message, never a 500, never an unescaped echo; every answer of the CGI
carries the strict Content-Security-Policy."""
import argparse
import os
import subprocess
import shutil
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cgi"))
import cgi_harness as h  # noqa: E402

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'"
PERIOD = {"from": "2026-11-02", "to": "2026-11-02"}
HOSTILE = {
    "sql": "' OR 1=1--",
    "sql2": "10.1.2.20'; DROP TABLE session; --",
    "script": "<script>alert(1)</script>",
    "attr": "\"><img src=x onerror=alert(1)>",
    "traversal": "../../etc/passwd",
    "cidr": "10.1.2.0/24",
    "octet": "10.1.2.300",
    "huge": "9" * 40,
    "long": "A" * 10000,
    "header": "x\r\nSet-Cookie: pwned=1",
    "nul": "a\x00b",
}
RAW_HOSTILE = {"utf8": "%C3%28", "latin1": "caf%E9", "overlong": "%C0%AF..%C0%AF"}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def common_checks(status, headers, body, what):
    check(status < 500, f"{what}: status {status}")
    if "Content-Security-Policy" in headers:  # the CGI answered (not lighttpd's own 400)
        check(headers["Content-Security-Policy"].startswith(CSP), f"{what}: CSP {headers.get('Content-Security-Policy')!r}")
        check(headers.get("X-Content-Type-Options") == "nosniff", f"{what}: nosniff")
    check("<script" not in body.lower(), f"{what}: raw <script in body")
    check("<img" not in body, f"{what}: raw <img in body")
    check("Set-Cookie" not in headers, f"{what}: injected header")
    check("terminate called" not in body and "what():" not in body, f"{what}: stack trace")


def host(params, raw=""):
    q = urllib.parse.urlencode(params)
    if raw:
        q = (q + "&" if q else "") + raw
    return server.request("host.cgi?" + q)


def main(args):
    # A good IP: the page and its parts.
    status, headers, body = host({"ip": "10.1.2.20", **PERIOD})
    common_checks(status, headers, body, "good ip")
    check(status == 200, f"good ip: status {status}")
    check("Content-Security-Policy" in headers, "good ip: CSP header missing")
    for needle in ('id="totals"', '<svg id="host-chart"', 'id="days"', 'id="peers"', 'id="used"', 'id="offered"',
                   'href="host.cgi?ip=203.0.113.100&amp;', 'href="search.cgi?ip=10.1.2.20&amp;ip2=203.0.113.100&amp;',
                   "HTTPS"):
        check(needle in body, f"good ip: {needle!r} missing")
    # The busiest peer comes first.
    peers = body[body.find('id="peers"'):]
    check(peers.find("203.0.113.100") != -1 and peers.find("203.0.113.100") < peers.find("192.0.2.80"),
          "good ip: 203.0.113.100 is not the first peer")
    # SMTP offered by the workstation.
    status, headers, body = host({"ip": "10.1.2.50", **PERIOD})
    check(status == 200, f"smtp host: status {status}")
    offered = body[body.find('id="offered"'):]
    check("SMTP" in offered[:offered.find("</table>")], "smtp host: SMTP not offered")
    # Its findings: an unexpected SMTP server, no scanner; links to the reports for the period.
    findings = body[body.find('id="findings"'):body.find("<h2>Traffic per interval")]
    check("UNEXPECTED" in findings and 'id="finding-servers"' in findings, "smtp host: findings without the unexpected server")
    check('href="servers.cgi?from=2026-11-02%2000%3A00&amp;to=2026-11-03%2000%3A00"' in findings, "smtp host: servers.cgi link")
    status, headers, body = host({"ip": "10.1.9.9", **PERIOD})
    findings = body[body.find('id="findings"'):body.find("<h2>Traffic per interval")]
    check("outgoing scanner" in findings and "worm-like" in findings and 'href="scanners.cgi?' in findings,
          "worm: findings without the outgoing scanner")
    # IPv6 and an address never seen: 200.
    for ip in ("2001:db8:1::10", "192.0.2.254"):
        status, headers, body = host({"ip": ip, **PERIOD})
        common_checks(status, headers, body, ip)
        check(status == 200, f"{ip}: status {status}")
    # No ip: the form, 200.
    status, headers, body = host({})
    common_checks(status, headers, body, "no ip")
    check(status == 200 and 'name="ip"' in body, f"no ip: status {status} / no ip field")
    # CSV equals the CLI's.
    status, headers, body = host({"ip": "10.1.2.20", **PERIOD, "format": "csv"})
    check(status == 200 and headers.get("Content-Type", "").startswith("text/csv"), f"csv: status {status}")
    cli = subprocess.run([args.ipaudit, "report", "host", "-d", os.path.join(server.work, "data"), "--ip", "10.1.2.20",
                          "--from", PERIOD["from"], "--to", PERIOD["to"], "--format", "csv"],
                         capture_output=True, text=True, env={**os.environ, "TZ": os.environ.get("TZ", "UTC")})
    check(cli.returncode == 0, f"cli: {cli.stderr}")
    check(body.replace("\r\n", "\n") == cli.stdout.replace("\r\n", "\n"), "csv differs from `ipaudit report host`")
    status, headers, body = host({"ip": "10.1.2.20", **PERIOD, "format": "json"})
    check(status == 200 and body.startswith('{"report":"host"'), f"json: status {status} {body[:80]!r}")
    # Hostile ip values (and in the other fields): 4xx with a message, escaped.
    for name, value in HOSTILE.items():
        for fmt in ("html", "csv", "json"):
            status, headers, body = host({"ip": value, **PERIOD, "format": fmt})
            what = f"hostile {name} ({fmt})"
            common_checks(status, headers, body, what)
            check(400 <= status < 500, f"{what}: status {status}")
            if fmt == "html" and "Content-Security-Policy" in headers:
                check('class="error"' in body and ("IP address" in body or "ip:" in body), f"{what}: no clear message")
        for field in ("from", "to", "top", "format"):
            status, headers, body = host({"ip": "10.1.2.20", **PERIOD, field: value})
            common_checks(status, headers, body, f"hostile {name} in {field}")
            check(400 <= status < 500, f"hostile {name} in {field}: status {status}")
    for name, raw in RAW_HOSTILE.items():
        status, headers, body = host(PERIOD, "ip=" + raw)
        common_checks(status, headers, body, f"raw {name}")
        check(400 <= status < 500, f"raw {name}: status {status}")
    # The settings of ipaudit.conf: expected-servers clears the flag; a bad line is a 503 naming FILE:LINE.
    conf = os.path.join(server.work, "ipaudit.conf")
    with open(conf) as f:
        saved = f.read()
    try:
        with open(conf, "w") as f:
            f.write(saved + "expected-servers = 10.1.2.50:25\n")
        status, headers, body = host({"ip": "10.1.2.50", **PERIOD})
        findings = body[body.find('id="findings"'):body.find("<h2>Traffic per interval")]
        check(status == 200 and "UNEXPECTED" not in findings and "expected</span>" in findings,
              "expected-servers does not clear the flag")
        with open(conf, "w") as f:
            f.write(saved + "min-targets = <script>\n")
        line = saved.count("\n") + 1
        for fmt in ("html", "csv", "json"):
            status, headers, body = host({"ip": "10.1.2.50", **PERIOD, "format": fmt})
            # 503 (the site's configuration, not the request, is wrong), never 500; escaped, with the CSP
            check("<script" not in body.lower() and "Content-Security-Policy" in headers, f"bad config ({fmt}): escaping, CSP")
            check(status == 503 and f"ipaudit.conf:{line}: min-targets" in body, f"bad config ({fmt}): {status} {body[:300]!r}")
    finally:
        with open(conf, "w") as f:
            f.write(saved)
    status, headers, body = server.request("host.cgi?ip=10.1.2.20", method="POST", data=b"ip=1")
    common_checks(status, headers, body, "POST")
    check(status == 405, f"POST: status {status}")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    for name in ("host", "index", "search", "pcapgen", "ipauditd", "ipaudit", "work"):
        p.add_argument("--" + name, required=True)
    args = p.parse_args()
    os.environ.setdefault("TZ", "UTC")
    server = h.Server(argparse.Namespace(**{k: getattr(args, k) for k in
                                            ("index", "search", "pcapgen", "ipauditd", "ipaudit", "work")},
                                         screenshots=None))
    try:
        shutil.copy(args.host, os.path.join(server.work, "www", "ipaudit", "host.cgi"))
        main(args)
    finally:
        server.stop()
    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)
    print("host.cgi HTTP test passed")
