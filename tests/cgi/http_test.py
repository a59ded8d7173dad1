#!/usr/bin/env python3
"""The CGI programs through a real lighttpd on loopback: normal queries give the expected rows
(and the same CSV as `ipaudit search`), hostile input in every field gives a 4xx page with a
clear message and the form, never a 500, never an unescaped echo; every response sends the
strict Content-Security-Policy."""
import json
import re
import os
import subprocess
import sys
import urllib.parse

import cgi_harness as h

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'"
FIELDS = ["from", "to", "ip", "ip2", "local_port", "remote_port", "proto", "min_bytes", "max_bytes",
          "first_talker", "last_talker", "limit", "every", "format"]
PERIOD = {"from": "2026-11-01 00:00", "to": "2026-11-04 00:00"}
HOSTILE = {
    "sql": "' OR 1=1--",
    "sql2": "1; DROP TABLE session; --",
    "script": "<script>alert(1)</script>",
    "attr": "\"><img src=x onerror=alert(1)>",
    "traversal": "../../etc/passwd",
    "huge": "9" * 40,
    "negative": "-99999999999999999999",
    "baddate": "2026-13-45 25:61",
    "long": "A" * 10000,
    "header": "x\r\nSet-Cookie: pwned=1",
    "nul": "a\x00b",
}
RAW_HOSTILE = {  # already percent-encoded: invalid UTF-8 and broken escapes
    "utf8": "%C3%28",
    "overlong": "%C0%AF..%C0%AF",
    "lone-surrogate": "%ED%A0%80",
    "latin1": "caf%E9",
}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def from_cgi(headers):
    """Whether the CGI answered (lighttpd itself refuses some requests first, e.g. %00 or
    overlong UTF-8 in the URL, with its own fixed 400 page)."""
    return "Content-Security-Policy" in headers


def common_checks(status, headers, body, what):
    check(status != 500 and status < 500, f"{what}: status {status}")
    if from_cgi(headers):
        check(headers["Content-Security-Policy"].startswith(CSP), f"{what}: CSP header {headers.get('Content-Security-Policy')!r}")
        check(headers.get("X-Content-Type-Options") == "nosniff", f"{what}: nosniff")
    check("<script" not in body.lower(), f"{what}: raw <script in body")
    check("onerror=" not in body.replace("onerror=alert", "") or "&quot;&gt;&lt;img" in body or "<img" not in body,
          f"{what}: unescaped attribute injection")
    check("<img" not in body, f"{what}: raw <img in body")
    check("Set-Cookie" not in headers, f"{what}: injected header")
    check("terminate called" not in body and "what():" not in body, f"{what}: stack trace / exception text")


def search(params, raw=""):
    q = urllib.parse.urlencode(params)
    if raw:
        q = (q + "&" if q else "") + raw
    return server.request("search.cgi?" + q)


def main():
    # Dashboard.
    status, headers, body = server.request("")
    common_checks(status, headers, body, "index")
    check(status == 200, f"index status {status}")
    for needle in ("<svg", "Traffic per interval", "Last interval", "Capture health", "Data available", "Disk used",
                   'href="search.cgi', 'id="top-pairs"', 'id="top-scanners-out"', 'id="top-scanners-in"',
                   'id="top-servers"', "10.1.9.9", "198.51.100.7", "UNEXPECTED", 'href="pairs.cgi?from='):
        check(needle in body, f"index has {needle!r}")
    status, headers, body = server.request("index.cgi?format=json")
    check(status == 200, "index json status")
    doc = json.loads(body)
    check(doc["data_available"] is not None and doc["last_interval"]["sessions"] > 0, "index json figures")
    check(sum(p["bytes_in"] + p["bytes_out"] for p in doc["intervals"]) > 0, "index json in/out bytes")
    status, headers, body = server.request("index.cgi?format=csv")
    lines = body.splitlines()
    check(status == 200 and lines[0].startswith("interval_start,packets,ip_bytes,sessions,bytes_in,bytes_out")
          and len(lines) == 1 + len(doc["intervals"]), "index csv: one row per interval")
    status, headers, body = server.request("index.cgi?format=%3Cscript%3E")
    common_checks(status, headers, body, "index bad format")
    check(status == 400 and 'class="error"' in body, "index bad format is 400")

    # Search: the form and the data span, default period (the latest day of data).
    status, headers, body = search({})
    common_checks(status, headers, body, "search default")
    check(status == 200 and "Data available from" in body and "<form" in body, "search form with data span")
    check('id="results"' in body and body.count("<tr>") > 1, "default search shows rows")
    for name in FIELDS:
        check(f'name="{name}"' in body, f"form field {name}")

    # 10.1.9.9 is the worm: it sweeps port 445.
    status, headers, body = search({**PERIOD, "ip": "10.1.9.9", "remote_port": "445", "limit": "50"})
    common_checks(status, headers, body, "search worm")
    check(status == 200, f"search worm status {status}")
    check(re.search(r'<td class="n">(<span class="tag risk">SMB[^<]*</span> )?445</td>', body) and "10.1.9.9" in body,
          "worm rows on port 445, labelled a risk")
    check(body.count("<tr><td>") == 50, f"50 rows shown, got {body.count('<tr><td>')}")
    check('id="limited"' in body and "Line limit reached" in body, "line limit notice")
    check("search.cgi?ip=10.1.9.9" in body, "IPs link to a pre-filled search")

    # CSV equals the CLI's for the same query.
    params = {**PERIOD, "ip": "10.1.9.9", "limit": "500", "every": "3", "format": "csv"}
    status, headers, body = search(params)
    check(status == 200 and headers.get("Content-Type", "").startswith("text/csv"), f"csv status {status}")
    check(body.startswith("interval_start,local_ip,remote_ip,proto,local_port,remote_port,bytes_in,bytes_out,"
                          "packets_in,packets_out,first_time,last_time,first_talker,last_talker\n"), "csv header row")
    env = {k: v for k, v in os.environ.items() if k != "TZ"}
    cli = subprocess.run([args.ipaudit, "search", "-d", os.path.join(server.work, "data"), "--from", PERIOD["from"],
                          "--to", PERIOD["to"], "--ip", "10.1.9.9", "--limit", "500", "--every", "3", "--format", "csv"],
                         capture_output=True, text=True, env=env, check=True)
    check(body == cli.stdout, "CGI CSV equals `ipaudit search --format csv`")
    status, headers, body = search({**PERIOD, "ip": "10.1.9.9", "limit": "3", "format": "json"})
    doc = json.loads(body)
    check(status == 200 and len(doc["rows"]) == 3 and doc["limited"] is True, "json rows and limited")

    # A foreign file among the interval files: a note, and the rest of the results.
    day = os.path.join(server.work, "data", "intervals", "2026", "11", "02")
    with open(os.path.join(day, "20261102-1045.db"), "w") as f:
        f.write("<script>not a database</script>\n" * 100)
    status, headers, body = search({**PERIOD, "ip": "10.1.9.9", "limit": "5"})
    common_checks(status, headers, body, "search with a foreign file")
    check(status == 200 and "Note: skipped" in body and "20261102-1045.db" in body and body.count("<tr><td>") == 5,
          "foreign file skipped with a note")
    status, headers, body = server.request("index.cgi")
    common_checks(status, headers, body, "index with a foreign file")
    check(status == 200 and "<svg" in body, "index with a foreign file")
    os.remove(os.path.join(day, "20261102-1045.db"))

    # A year is capped to 31 days with a notice.
    status, headers, body = search({"from": "2025-11-01", "to": "2026-11-04", "ip": "10.1.9.9"})
    check(status == 200 and "longer than 31 days" in body, "long period capped with a notice")

    # Hostile values in every field.
    count = 0
    for name in FIELDS:
        for kind, value in HOSTILE.items():
            status, headers, body = search({**PERIOD, name: value} if name not in ("from", "to") else {name: value})
            what = f"search {name}={kind}"
            common_checks(status, headers, body, what)
            check(status == 400, f"{what}: status {status}, expected 400")
            if from_cgi(headers) and headers.get("Content-Type", "").startswith("text/html"):
                check('class="error"' in body and "<form" in body, f"{what}: message and form")
            count += 1
        for kind, raw in RAW_HOSTILE.items():
            status, headers, body = search({}, f"{name}={raw}")
            what = f"search {name}={kind}"
            common_checks(status, headers, body, what)
            check(status == 400 and ('class="error"' in body or not from_cgi(headers)), f"{what}: status {status}")
            count += 1
    # In csv and json the errors are plain messages, still 400.
    status, headers, body = search({"format": "csv", "ip": "<script>"})
    common_checks(status, headers, body, "csv error")
    check(status == 400 and body.startswith("error: "), "csv error message")
    status, headers, body = search({"format": "json", "ip": "<script>"})
    common_checks(status, headers, body, "json error")
    check(status == 400 and "<script>" in json.loads(body)["error"], "json error message")
    # min above max, limit over the cap, duplicated parameters (the first counts).
    status, headers, body = search({"min_bytes": "2m", "max_bytes": "1k"})
    check(status == 400 and "more than max size" in body, "min > max refused")
    status, headers, body = search({"limit": "100001", "format": "csv"})
    check(status == 400, "limit above the cap refused")
    status, headers, body = search({"limit": "10001"})
    check(status == 400 and "choose CSV or JSON" in body, "web page limit")
    status, headers, body = search({"limit": "10001", "format": "csv", **PERIOD})
    check(status == 200, "csv allows a larger limit")
    status, headers, body = search({}, "ip=10.1.9.9&ip=%3Cscript%3E&" + urllib.parse.urlencode(PERIOD))
    check(status == 200, f"duplicate parameter: first wins ({status})")

    # Wrong methods.
    for method in ("POST", "PUT", "DELETE"):
        status, headers, body = server.request("search.cgi", method=method, data=b"ip=10.1.9.9")
        check(400 <= status < 500, f"{method}: status {status}")
        check(status != 500, f"{method}: no 500")
    status, headers, body = server.request("search.cgi", method="HEAD")
    check(status == 200 and "Content-Security-Policy" in headers, "HEAD works")

    count += report_pages()

    with open(server.errorlog) as f:
        log = f.read()
    print(f"{count} hostile requests; lighttpd error log {len(log)} bytes")
    return 1 if failures else 0


REPORT_FIELDS = {  # page -> its fields besides from, to, top, format
    "pairs": [], "scanners": ["min_targets"], "servers": ["expected"], "traffic": [],
    "summary": ["period", "week_start", "min_targets", "expected"]}


def rows_of(body, table_id):
    """The <tr> rows of the tbody of table `table_id` (text between <tbody> and </tbody>)."""
    m = re.search(r'<table id="' + table_id + r'">.*?<tbody>(.*?)</tbody>', body, re.S)
    return re.findall(r"<tr[^>]*>(.*?)</tr>", m.group(1), re.S) if m else []


def report_pages():
    """pairs, scanners, servers, traffic: expected hosts, CSV equal to the CLI's, hostile input."""
    env = {k: v for k, v in os.environ.items() if k != "TZ"}
    data = os.path.join(server.work, "data")
    for page in REPORT_FIELDS:
        status, headers, body = server.request(page + ".cgi")
        common_checks(status, headers, body, page)
        check(status == 200, f"{page}: status {status}")
        for needle in ('id="picker"', 'name="from"', 'name="to"', 'name="top"', 'id="quick"', "last interval",
                       "yesterday", "last 7 days", 'href="pairs.cgi"', 'href="scanners.cgi"', 'href="servers.cgi"',
                       'href="traffic.cgi"', "format=csv"):
            check(needle in body, f"{page} has {needle!r}")
        check(f'href="{page}.cgi" class="active"' in body, f"{page}: active nav entry")
        status, headers, body = server.request(page + ".cgi?" + urllib.parse.urlencode(PERIOD))
        check(status == 200, f"{page} period: status {status}")
        check(("host.cgi?ip=" in body or page == "traffic") and 'class="srch" href="search.cgi?' in body,
              f"{page}: IPs link to host.cgi, rows to search.cgi")
        check(re.search(r'<span title="[0-9]+ bytes">[0-9.]+ [KMG]?i?B</span>', body) or
              (page == "scanners" and re.search(r'<td class="n" title="[0-9]+">', body)), f"{page}: exact values on hover")

    # The expected hosts of the sample, in order.
    status, headers, body = server.request("pairs.cgi?" + urllib.parse.urlencode(PERIOD))
    rows = rows_of(body, "pairs")
    check(rows and "10.1.2.20" in rows[0] and "203.0.113.100" in rows[0], "pairs: 10.1.2.20 - 203.0.113.100 first")
    check(rows and "search.cgi?ip=10.1.2.20&amp;ip2=203.0.113.100" in rows[0], "pairs: row search pre-filled")
    check(rows and "host.cgi?ip=10.1.2.20&amp;from=2026-11-01" in rows[0], "pairs: host link with the period")
    check(rows_of(body, "local-hosts") and rows_of(body, "remote-hosts"), "pairs: busiest local and remote hosts")
    if "host" in server.pages and rows:  # the IP links open the host report
        href = re.search(r'href="(host\.cgi\?[^"]*)"', rows[0]).group(1).replace("&amp;", "&")
        status, headers, hbody = server.request(href)
        common_checks(status, headers, hbody, "host link")
        check(status == 200 and "10.1.2.20" in hbody, f"pairs: the host link works ({status})")
    status, headers, body = server.request("scanners.cgi?" + urllib.parse.urlencode(PERIOD))
    out_rows, in_rows = rows_of(body, "scanners-out"), rows_of(body, "scanners-in")
    check(out_rows and "10.1.9.9" in out_rows[0] and "SMB" in out_rows[0] and "worm-like" in out_rows[0],
          "scanners: 10.1.9.9 outgoing first, port 445 labelled SMB, worm-like")
    check(in_rows and "198.51.100.7" in in_rows[0], "scanners: 198.51.100.7 incoming first")
    check("10.1.9.9" not in "".join(in_rows) and "198.51.100.7" not in "".join(out_rows), "scanners: directions")
    status, headers, body = server.request("servers.cgi?" + urllib.parse.urlencode(PERIOD))
    smtp = [r for r in rows_of(body, "servers") if "10.1.2.50" in r and "SMTP" in r]
    check(smtp and "UNEXPECTED" in smtp[0] and 'class="tag flag"' in smtp[0], "servers: 10.1.2.50 SMTP flagged")
    check('<tr class="flag"><td><span class="tag">SMTP</span> 25/tcp</td><td><a class="ip" href="host.cgi?ip=10.1.2.50'
          in body, "servers: the SMTP row is highlighted")
    check('id="unexpected"' in body, "servers: unexpected servers notice")
    status, headers, body = server.request("servers.cgi?" + urllib.parse.urlencode({**PERIOD, "expected": "10.1.2.50:25"}))
    smtp = [r for r in rows_of(body, "servers") if "10.1.2.50" in r and "SMTP" in r]
    check(status == 200 and smtp and "UNEXPECTED" not in smtp[0] and "expected" in smtp[0], "servers: expected= clears the flag")
    status, headers, body = server.request("traffic.cgi?" + urllib.parse.urlencode(PERIOD))
    check('<svg id="traffic-chart"' in body and "<rect" in body, "traffic: SVG chart")
    check('class="total"' in body and rows_of(body, "traffic"), "traffic: table with a TOTAL row")

    # CSV and JSON equal the CLI's for the same period and parameters.
    cases = [("pairs", {"top": "5"}, []), ("scanners", {"min_targets": "20"}, ["--min-targets", "20"]),
             ("servers", {"expected": "10.1.1.22:22"}, ["--expected", "10.1.1.22:22"]), ("traffic", {}, []),
             ("pairs", {}, []), ("scanners", {}, []), ("servers", {"top": "0"}, []),
             ("summary", {}, []), ("summary", {"top": "5", "min_targets": "20"}, ["--min-targets", "20"])]
    for page, params, extra in cases:
        cli_extra = list(extra)
        if "top" in params:
            cli_extra += ["--top", params["top"]]
        for fmt in ("csv", "json"):
            status, headers, body = server.request(page + ".cgi?" + urllib.parse.urlencode({**PERIOD, **params, "format": fmt}))
            cli = subprocess.run([args.ipaudit, "report", page, "-d", data, "--from", PERIOD["from"], "--to", PERIOD["to"],
                                  "--format", fmt] + cli_extra, capture_output=True, env=env, check=True)
            # bytes, decoded as the server's reply is: no newline translation (CSV rows end in CRLF)
            check(status == 200 and body == cli.stdout.decode("utf-8", errors="replace") and (fmt == "json" or body.count("\n") > 1),
                  f"{page} {params} {fmt}: equals `ipaudit report {page} --format {fmt}`")
            if fmt == "json":
                json.loads(body)

    # A foreign file among the interval files: a note, and the rest of each report.
    foreign = os.path.join(data, "intervals", "2026", "11", "02", "20261102-1045.db")
    with open(foreign, "w") as f:
        f.write("<script>not a database</script>\n" * 100)
    for page, table in (("pairs", "pairs"), ("scanners", "scanners-out"), ("servers", "servers"), ("traffic", "traffic"),
                        ("summary", "pairs")):
        status, headers, body = server.request(page + ".cgi?" + urllib.parse.urlencode(PERIOD))
        common_checks(status, headers, body, f"{page} with a foreign file")
        check(status == 200 and "Note: skipped" in body and rows_of(body, table), f"{page}: foreign file skipped with a note")
    os.remove(foreign)

    # Quick links and a period over 31 days.
    for q in ({"from": "today", "to": "today"}, {"from": "yesterday", "to": "yesterday"}, {"from": "-7d", "to": "now"}):
        status, headers, body = server.request("traffic.cgi?" + urllib.parse.urlencode(q))
        check(status == 200, f"traffic quick link {q}: {status}")
    status, headers, body = server.request("pairs.cgi?" + urllib.parse.urlencode({"from": "2025-11-01", "to": "2026-11-04"}))
    check(status == 200 and "longer than 31 days" in body, "report period capped with a notice")
    status, headers, body = server.request("pairs.cgi?" + urllib.parse.urlencode({"from": "2026-11-04", "to": "2026-11-01"}))
    check(status == 400 and 'class="error"' in body and 'id="picker"' in body, "from after to refused with the form")

    # Hostile values in every field of every page.
    count = 0
    for page, fields in REPORT_FIELDS.items():
        for name in ["from", "to", "top", "format"] + fields:
            for kind, value in HOSTILE.items():
                params = {**PERIOD, name: value} if name not in ("from", "to") else {name: value}
                status, headers, body = server.request(page + ".cgi?" + urllib.parse.urlencode(params))
                what = f"{page} {name}={kind}"
                common_checks(status, headers, body, what)
                check(status == 400, f"{what}: status {status}, expected 400")
                if from_cgi(headers) and headers.get("Content-Type", "").startswith("text/html"):
                    check('class="error"' in body and 'id="picker"' in body, f"{what}: message and form")
                count += 1
            for kind, raw in RAW_HOSTILE.items():
                status, headers, body = server.request(f"{page}.cgi?{name}={raw}")
                what = f"{page} {name}={kind}"
                common_checks(status, headers, body, what)
                check(status == 400 and ('class="error"' in body or not from_cgi(headers)), f"{what}: status {status}")
                count += 1
        for fmt in ("csv", "json"):
            status, headers, body = server.request(page + ".cgi?" + urllib.parse.urlencode({"format": fmt, "from": "<script>"}))
            common_checks(status, headers, body, f"{page} {fmt} error")
            check(status == 400 and (body.startswith("error: ") if fmt == "csv" else "error" in json.loads(body)),
                  f"{page} {fmt} error message")
        status, headers, body = server.request(page + ".cgi", method="POST", data=b"top=5")
        check(400 <= status < 500, f"{page} POST: status {status}")
        status, headers, body = server.request(page + ".cgi", method="HEAD")
        check(status == 200 and "Content-Security-Policy" in headers, f"{page} HEAD")
    return count


args = h.arguments()
server = h.Server(args)
try:
    rc = main()
finally:
    server.stop()
print("FAILED: %d checks" % len(failures) if failures else "OK")
sys.exit(rc)
