#!/usr/bin/env python3
"""`ipaudit report summary --period week --format html` (the HTML part of the weekly mail) saved
as a file and rendered by headless Chromium: the DOM has the summary's tables with rows and the
daily bar chart, no script, nothing to fetch from outside (no src, no http(s) links, no
stylesheets or fonts), markup from the data (a port label) comes out as text; screenshots at
mail-reader widths are saved for people to look at. Exit 77 (skip) without chromium."""
import argparse
import os
import re
import shutil
import subprocess
import sys

import cgi_harness as h

TABLES = ("totals", "days", "local-hosts", "remote-hosts", "pairs", "services", "scanners", "new-servers")

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def outside_references(text):
    """Attributes or CSS that would make a mail reader fetch something."""
    found = re.findall(r'\b(?:src|srcset|background|poster|data|action)\s*=', text, re.I)
    found += re.findall(r'\bhref\s*=\s*["\']?\s*(?:https?:|//|ftp:)', text, re.I)
    found += re.findall(r'url\s*\(|@import|<link\b|<img\b|<script\b|<iframe\b|<object\b|<embed\b|<svg\b|<base\b', text, re.I)
    return found


def main():
    p = argparse.ArgumentParser()
    for name in ("pcapgen", "ipauditd", "ipaudit", "work"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--screenshots")
    args = p.parse_args()
    browser = h.find_chromium()
    if not browser:
        print("SKIP: chromium not installed (apt-get install chromium)")
        return h.SKIP
    work = os.path.abspath(args.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    shots = os.path.abspath(args.screenshots or os.path.join(work, "screenshots"))
    os.makedirs(shots, exist_ok=True)

    env = dict(os.environ, TZ="Europe/Berlin")
    data = os.path.join(work, "data")
    pcap = os.path.join(work, "sample.pcap")
    subprocess.run([args.pcapgen, "sample", "-o", pcap], check=True)
    subprocess.run([args.ipauditd, "-q", "-r", pcap, "-d", data, "-l", h.LOCAL_NETS, "--sensor", "test"], check=True, env=env)
    here = os.path.dirname(os.path.abspath(__file__))
    ports = os.path.join(work, "ports.conf")
    with open(os.path.join(here, "..", "..", "conf", "ports.conf")) as src, open(ports, "w") as dst:
        dst.write(src.read() + "\n445/tcp <b>SMB</b> risk service\n")
    mail = os.path.join(work, "summary-mail.html")
    with open(mail, "w") as f:
        subprocess.run([args.ipaudit, "report", "summary", "-d", data, "--ports", ports, "--period", "week",
                        "--from", "2026-11-02", "--format", "html"], check=True, env=env, stdout=f)
    with open(mail, encoding="utf-8") as f:
        html = f.read()
    check(html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>"), "a complete document")
    check(not outside_references(html), f"the file references nothing outside: {outside_references(html)}")
    check("<style" not in html.lower() or html.lower().count("<style") == 1, "at most one <style> block")
    check("&lt;b&gt;SMB&lt;/b&gt;" in html and "<b>SMB" not in html, "a port label with markup is escaped")

    url = "file://" + mail
    r = h.chromium(browser, url, "--dump-dom")
    check(r.returncode == 0, f"chromium --dump-dom exit {r.returncode}")
    dom = r.stdout
    for t in TABLES:
        part = dom.split(f'<table id="{t}"', 1)
        check(len(part) == 2 and re.match(r"[^>]*>.*?<tbody>\s*<tr", part[1], re.S), f"table {t} rendered with rows")
    check("Weekly summary" in dom, "the title names the week")
    check(dom.count("2026-11-0") >= 7, "a row per day of the week")
    bars = re.findall(r'<div title="(?:in|out): \d+ bytes" style="[^"]*width:\s*[\d.]+%', dom)
    check(len(bars) == 14, f"the daily chart: an in and an out bar per day (got {len(bars)})")
    check(re.search(r'title="\d+ bytes">[\d.]+ [KMG]?i?B<', dom), "human units with the exact value on hover")
    check("<script" not in dom.lower(), "no script in the DOM")
    check(not outside_references(dom), f"the DOM references nothing outside: {outside_references(dom)}")
    check("10.1.9.9" in dom and "198.51.100.7" in dom, "both scanners listed")
    check("UNEXPECTED" in dom, "new servers flagged")

    for name, width in (("summary-mail", 1000), ("summary-mail-narrow", 600)):
        png = os.path.join(shots, name + ".png")
        r = h.chromium(browser, url, f"--screenshot={png}", f"--window-size={width},2400", "--hide-scrollbars")
        check(r.returncode == 0 and os.path.exists(png) and os.path.getsize(png) > 10000, f"screenshot {name}")
    print("screenshots in", shots)
    print("FAILED: %d checks" % len(failures) if failures else "OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
