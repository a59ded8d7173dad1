"""Shared by the CGI tests: a data directory imported from `ipaudit-pcapgen sample`, the CGI
programs served by a private lighttpd on 127.0.0.1 (random free port), HTTP helpers, and
headless Chromium. Standard library only. Exit code 77 tells CTest the test was skipped."""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SKIP = 77
LOCAL_NETS = "10.1.0.0/16,2001:db8:1::/48"
REPORT_PAGES = ("pairs", "scanners", "servers", "traffic", "summary")


def arguments():
    p = argparse.ArgumentParser()
    for name in ("index", "search", "pcapgen", "ipauditd", "ipaudit", "work"):
        p.add_argument("--" + name, required=True)
    # The report pages (and any later page, e.g. --host) are optional: copied when given.
    for name in REPORT_PAGES + ("host",):
        p.add_argument("--" + name)
    p.add_argument("--screenshots")
    return p.parse_args()


def find_lighttpd():
    for path in (shutil.which("lighttpd"), "/usr/sbin/lighttpd"):
        if path and os.access(path, os.X_OK):
            return path
    return None


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium(browser, url, *extra):
    """Headless Chromium (binary BROWSER) on URL with EXTRA flags (--dump-dom, --screenshot=...), a
    fresh profile each time; the CompletedProcess, its stderr's tail printed when it fails."""
    with tempfile.TemporaryDirectory(prefix="ipaudit-chromium-") as profile:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", f"--user-data-dir={profile}", *extra, url]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            print(r.stderr[-2000:])
        return r


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """lighttpd serving /ipaudit/*.cgi (index, search and the pages given) over a sample data dir."""

    def __init__(self, args):
        self.lighttpd = find_lighttpd()
        if not self.lighttpd:
            print("SKIP: lighttpd not installed (apt-get install lighttpd)")
            sys.exit(SKIP)
        self.work = os.path.abspath(args.work)
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        data = os.path.join(self.work, "data")
        pcap = os.path.join(self.work, "sample.pcap")
        subprocess.run([args.pcapgen, "sample", "-o", pcap], check=True)
        subprocess.run([args.ipauditd, "-q", "-r", pcap, "-d", data, "-l", LOCAL_NETS, "--sensor", "test"], check=True)
        conf = os.path.join(self.work, "ipaudit.conf")
        with open(conf, "w") as f:
            f.write(f"# test configuration\ndata-dir = {data}\n")
        www = os.path.join(self.work, "www", "ipaudit")
        os.makedirs(www)
        shutil.copy(args.index, os.path.join(www, "index.cgi"))
        shutil.copy(args.search, os.path.join(www, "search.cgi"))
        self.pages = ["index", "search"]
        for name in REPORT_PAGES + ("host",):
            if getattr(args, name, None):
                shutil.copy(getattr(args, name), os.path.join(www, name + ".cgi"))
                self.pages.append(name)
        self.port = free_port()
        self.errorlog = os.path.join(self.work, "lighttpd-error.log")
        lconf = os.path.join(self.work, "lighttpd.conf")
        with open(lconf, "w") as f:
            f.write(f"""server.modules = ( "mod_access", "mod_cgi", "mod_setenv" )
server.document-root = "{os.path.join(self.work, 'www')}"
server.bind = "127.0.0.1"
server.port = {self.port}
# long query strings reach the CGI, which refuses them itself with its form and message
server.max-request-field-size = 65536
server.errorlog = "{self.errorlog}"
server.stream-response-body = 2
index-file.names = ( "index.cgi" )
$HTTP["url"] =^ "/ipaudit/" {{
    cgi.assign = ( ".cgi" => "" )
    setenv.add-environment = ( "IPAUDIT_CONF" => "{conf}" )
}}
""")
        self.proc = subprocess.Popen([self.lighttpd, "-D", "-f", lconf], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.base = f"http://127.0.0.1:{self.port}/ipaudit/"
        deadline = time.time() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    err = self.proc.stderr.read().decode(errors="replace") if self.proc.poll() is not None else ""
                    raise RuntimeError(f"lighttpd did not start: {err}")
                time.sleep(0.1)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def request(self, path, method="GET", data=None):
        """(status, headers, body text) of a request to /ipaudit/PATH; HTTP errors included."""
        req = urllib.request.Request(self.base + path, method=method, data=data)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.headers, r.read().decode("utf-8", errors="replace")
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode("utf-8", errors="replace")
