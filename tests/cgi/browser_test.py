#!/usr/bin/env python3
"""Headless Chromium loads the dashboard, the report pages and a search from lighttpd: the rendered DOM has the
SVG chart, the results table and working links; screenshots are saved for people to look at."""
import os
import re
import sys
import urllib.parse

import cgi_harness as h

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def main(args, browser):
    shots = os.path.abspath(args.screenshots or os.path.join(args.work, "screenshots"))
    server = h.Server(args)  # recreates args.work
    os.makedirs(shots, exist_ok=True)
    try:
        pages = {
            "index": server.base + "index.cgi",
            "search": server.base + "search.cgi?" + urllib.parse.urlencode(
                {"from": "2026-11-02 09:00", "to": "2026-11-02 11:00", "ip": "10.1.0.0/16", "limit": "40"}),
            **{page: server.base + page + ".cgi?" + urllib.parse.urlencode(
                {"from": "2026-11-01 00:00", "to": "2026-11-04 00:00"}) for page in h.REPORT_PAGES
               if page in server.pages},
            **({"summary-week": server.base + "summary.cgi?" + urllib.parse.urlencode({"period": "week", "from": "2026-11-02"})}
               if "summary" in server.pages else {}),
            "pairs-error": server.base + "pairs.cgi?" + urllib.parse.urlencode({"from": "<script>alert(1)</script>"}),
            "search-error": server.base + "search.cgi?" + urllib.parse.urlencode(
                {"ip": "<script>alert(1)</script>", "limit": "40"}),
        }
        doms = {}
        for name, url in pages.items():
            r = h.chromium(browser, url, "--dump-dom")
            check(r.returncode == 0, f"{name}: chromium --dump-dom exit {r.returncode}")
            doms[name] = r.stdout
            r = h.chromium(browser, url, f"--screenshot={os.path.join(shots, name + '.png')}", "--window-size=1280,900",
                         "--hide-scrollbars")
            png = os.path.join(shots, name + ".png")
            check(r.returncode == 0 and os.path.exists(png) and os.path.getsize(png) > 10000,
                  f"{name}: screenshot")
        index = doms["index"]
        check('<svg id="traffic-chart"' in index and "<rect" in index, "index: SVG chart rendered")
        check('id="biggest"' in index and 'id="health"' in index, "index: tables rendered")
        check('href="search.cgi?' in index, "index: links to the search")
        search = doms["search"]
        check('<table id="results">' in search, "search: results table rendered")
        rows = search.count("<tr><td>")
        check(rows == 40, f"search: 40 rows rendered, got {rows}")
        check("Data available from" in search, "search: data span")
        # Links work: follow the first IP link of the results.
        start = search.find('href="search.cgi?ip=')
        check(start >= 0, "search: IP links")
        if start >= 0:
            href = search[start + 6:search.find('"', start + 6)].replace("&amp;", "&")
            r = h.chromium(browser, server.base + href, "--dump-dom")
            check('<table id="results">' in r.stdout and "<tr><td>" in r.stdout, "search: an IP link opens a search")
        for page, tables in {"pairs": ("pairs", "local-hosts", "remote-hosts"), "scanners": ("scanners-out", "scanners-in"),
                             "servers": ("servers", "clients"), "traffic": ("traffic",),
                             "summary": ("days", "local-hosts", "remote-hosts", "pairs", "services"),
                             "summary-week": ("days", "local-hosts", "remote-hosts", "pairs", "services", "scanners")}.items():
            dom = doms.get(page, "")
            for t in tables:
                check(f'<table id="{t}">' in dom and re.match(r".*?<tbody>\s*<tr", dom.split(f'<table id="{t}">', 1)[-1], re.S),
                      f"{page}: table {t} rendered with rows")
            check('id="picker"' in dom and 'id="quick"' in dom, f"{page}: period picker")
            check('class="srch" href="search.cgi?' in dom, f"{page}: rows link to a search")
        check('<svg id="traffic-chart"' in doms.get("traffic", "") and "<rect" in doms.get("traffic", ""),
              "traffic: SVG chart rendered")
        check("UNEXPECTED" in doms.get("servers", ""), "servers: unexpected servers flagged")
        # A pairs row's search link opens a pre-filled search with results.
        dom = doms.get("pairs", "")
        start = dom.find('class="srch" href="')
        if start >= 0:
            href = dom[start + 19:dom.find('"', start + 19)].replace("&amp;", "&")
            r = h.chromium(browser, server.base + href, "--dump-dom")
            check('<table id="results">' in r.stdout and "<tr><td>" in r.stdout, "pairs: the search link opens results")
        start = dom.find('class="ip" href="')
        if start >= 0 and "host" in server.pages:
            href = dom[start + 17:dom.find('"', start + 17)].replace("&amp;", "&")
            r = h.chromium(browser, server.base + href, "--dump-dom")
            check(r.returncode == 0 and "<table" in r.stdout, "pairs: an IP link opens the host report")
        index = doms["index"]
        for t in ("top-pairs", "top-scanners-out", "top-scanners-in", "top-servers"):
            check(f'<table id="{t}">' in index, f"index: top five table {t}")
        err = doms["pairs-error"]
        check('class="error"' in err and "<script>alert" not in err and 'id="picker"' in err,
              "pairs error: message and form, nothing injected")
        err = doms["search-error"]
        check('class="error"' in err and "<script>alert" not in err, "search error: message, nothing injected")
        print("screenshots in", shots)
    finally:
        server.stop()
    print("FAILED: %d checks" % len(failures) if failures else "OK")
    return 1 if failures else 0


if __name__ == "__main__":
    a = h.arguments()
    b = h.find_chromium()
    if not b:
        print("SKIP: chromium not installed (apt-get install chromium)")
        sys.exit(h.SKIP)
    if not h.find_lighttpd():
        print("SKIP: lighttpd not installed")
        sys.exit(h.SKIP)
    sys.exit(main(a, b))
