"""Shared plumbing of the live tests: skip rules, a pair of network namespaces joined by a veth
pair, processes started inside them, interval-file dumps, and comparisons.

Traffic only ever flows inside the namespaces created here (10.99.0.0/24, fd00:99::/64 on a veth
pair); nothing touches the host's interfaces. Every namespace is deleted on exit, and namespaces
left behind by a killed earlier run (its pid is gone) are deleted at start.
"""

import atexit
import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
TRAFFIC = os.path.join(HERE, "traffic.py")

A_V4, B_V4 = "10.99.0.1", "10.99.0.2"
A_V6, B_V6 = "fd00:99::1", "fd00:99::2"
LOCAL_A = f"{A_V4}/32,{A_V6}/128"
NS_PREFIX = "ipalive"

_failures = []


def log(msg):
    print(msg, flush=True)


def skip(reason):
    print(f"SKIP: {reason}", flush=True)
    sys.exit(SKIP)


def check(cond, msg):
    """Records a failed assertion (the test goes on, to report everything) and returns cond."""
    if cond:
        log(f"ok: {msg}")
    else:
        log(f"FAIL: {msg}")
        _failures.append(msg)
    return cond


def require(cond, msg):
    """A failed assertion the rest of the test depends on: stop now."""
    if not check(cond, msg):
        finish()


def finish():
    if _failures:
        log(f"{len(_failures)} check(s) failed:")
        for f in _failures:
            log(f"  - {f}")
        sys.exit(1)
    log("PASS")
    sys.exit(0)


def _on_signal(signum, _frame):
    # ctest's timeout (and ^C) end the test through the normal exit path, so cleanups run.
    raise SystemExit(f"killed by signal {signum}")


def start(needs=("tcpdump",)):
    """Common prologue: skip unless root with working network namespaces and the tools."""
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    if os.geteuid() != 0:
        skip("needs root (network namespaces, live capture)")
    for tool in ("ip",) + tuple(needs):
        if not any(os.access(os.path.join(d, tool), os.X_OK) for d in os.environ.get("PATH", "").split(os.pathsep)):
            skip(f"{tool} is not installed")
    _remove_stale_namespaces()
    probe = f"{NS_PREFIX}-{os.getpid()}-probe"
    r = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if r.returncode != 0:
        skip(f"cannot create a network namespace: {r.stderr.strip()}")
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)


def _remove_stale_namespaces():
    r = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True)
    for line in r.stdout.splitlines():
        m = re.match(rf"({NS_PREFIX}-(\d+)-\S+)", line)
        if m and not os.path.exists(f"/proc/{m.group(2)}"):
            subprocess.run(["ip", "netns", "del", m.group(1)], capture_output=True)


def workdir(prefix):
    d = tempfile.mkdtemp(prefix=f"ipaudit-{prefix}-")
    keep = os.environ.get("IPAUDIT_KEEP_WORK")

    def cleanup():
        if keep or _failures:
            log(f"work directory kept: {d}")
        else:
            subprocess.run(["rm", "-rf", d])

    atexit.register(cleanup)
    return d


def sh(*args, check_rc=True, **kw):
    r = subprocess.run(list(args), capture_output=True, text=True, **kw)
    if check_rc and r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    return r


class NetnsPair:
    """Namespaces A and B joined by veth pair (if_a in A, if_b in B), v4 and v6 addresses,
    static neighbour entries (no ARP or neighbour discovery) and no link-local addresses (no
    router solicitations), so the only packets on the link are the ones a test sends."""

    def __init__(self, tag):
        pid = os.getpid()
        self.a = f"{NS_PREFIX}-{pid}-{tag}a"
        self.b = f"{NS_PREFIX}-{pid}-{tag}b"
        self.if_a = f"ipa{pid % 100000}{tag[:2]}a"[:15]
        self.if_b = f"ipa{pid % 100000}{tag[:2]}b"[:15]
        self._procs = []
        atexit.register(self.close)
        sh("ip", "netns", "add", self.a)
        sh("ip", "netns", "add", self.b)
        self.make_link()

    def make_link(self):
        """Creates the veth pair with its addresses (again, after a test deleted it)."""
        sh("ip", "link", "add", self.if_a, "netns", self.a, "type", "veth", "peer", "name", self.if_b, "netns", self.b)
        for ns, ifc, v4, v6 in ((self.a, self.if_a, A_V4, A_V6), (self.b, self.if_b, B_V4, B_V6)):
            sh("ip", "-n", ns, "link", "set", "lo", "up")
            sh("ip", "-n", ns, "link", "set", ifc, "addrgenmode", "none")
            sh("ip", "netns", "exec", ns, "sysctl", "-qw", f"net.ipv6.conf.{ifc}.mldv2_unsolicited_report_interval=10")
            sh("ip", "-n", ns, "addr", "add", f"{v4}/24", "dev", ifc)
            sh("ip", "-n", ns, "addr", "add", f"{v6}/64", "dev", ifc, "nodad")
        for ns, ifc in ((self.a, self.if_a), (self.b, self.if_b)):
            sh("ip", "-n", ns, "link", "set", ifc, "up")
        mac_a, mac_b = self._mac(self.a, self.if_a), self._mac(self.b, self.if_b)
        for ns, ifc, mac, v4, v6 in ((self.a, self.if_a, mac_b, B_V4, B_V6), (self.b, self.if_b, mac_a, A_V4, A_V6)):
            sh("ip", "-n", ns, "neigh", "replace", v4, "lladdr", mac, "dev", ifc, "nud", "permanent")
            sh("ip", "-n", ns, "neigh", "replace", v6, "lladdr", mac, "dev", ifc, "nud", "permanent")
        time.sleep(0.3)  # let the multicast listener reports of the new addresses pass

    @staticmethod
    def _mac(ns, ifc):
        out = sh("ip", "-n", ns, "-o", "link", "show", ifc).stdout
        return re.search(r"link/ether (\S+)", out).group(1)

    def popen(self, ns, argv, **kw):
        p = subprocess.Popen(["ip", "netns", "exec", ns] + list(argv), **kw)
        self._procs.append(p)
        return p

    def run(self, ns, argv, timeout=30, **kw):
        return subprocess.run(["ip", "netns", "exec", ns] + list(argv), capture_output=True, text=True,
                              timeout=timeout, **kw)

    def traffic(self, ns, *args, timeout=30):
        r = self.run(ns, [sys.executable, TRAFFIC] + [str(a) for a in args], timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError(f"traffic {' '.join(map(str, args))} in {ns}: exit {r.returncode}: {r.stderr.strip()}")
        return r.stdout

    def server(self, ns, *specs):
        """Starts traffic.py serve in `ns`; returns once it listens."""
        p = self.popen(ns, [sys.executable, TRAFFIC, "serve"] + list(specs), stdout=subprocess.PIPE, text=True)
        line = p.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"server {specs} in {ns} did not start")
        return p

    def close(self):
        for p in self._procs:
            if p.poll() is None:
                p.kill()
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
        self._procs = []
        for ns in (self.a, self.b):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


class Tcpdump:
    """tcpdump -U --immediate-mode writing every frame of an interface in a namespace. For floods,
    immediate=False (batches, far less CPU) with a buffer of buffer_kib; then wait a second (its
    ring block timeout) after the last packet before stop()."""

    def __init__(self, pair, ns, ifc, path, immediate=True, buffer_kib=None):
        self.path = path
        self.err_path = path + ".log"
        self._err = open(self.err_path, "w")
        argv = ["tcpdump", "-i", ifc, "-n", "-U"] + (["--immediate-mode"] if immediate else [])
        argv += ["-B", str(buffer_kib)] if buffer_kib else []
        self.proc = pair.popen(ns, argv + ["-w", path], stdout=subprocess.DEVNULL, stderr=self._err)
        wait_for(lambda: "listening on" in read(self.err_path), 10, "tcpdump to start")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)
        self._err.close()
        m = re.search(r"(\d+) packets dropped by kernel", read(self.err_path))
        return int(m.group(1)) if m else None


class Daemon:
    """ipauditd in the foreground with its log captured."""

    def __init__(self, pair, ns, argv, log_path, ready="capturing on", wrapper=()):
        self.log_path = log_path
        self._log = open(log_path, "w")
        self.proc = pair.popen(ns, list(wrapper) + list(argv), stdout=self._log, stderr=subprocess.STDOUT)
        self.pid = self.proc.pid  # the daemon's pid (set it when a wrapper runs the daemon as a child)
        atexit.register(self._kill)  # runs before the namespaces are deleted (atexit is LIFO)
        if ready:
            wait_for(lambda: ready in self.log() or self.proc.poll() is not None, 15, "ipauditd to start")
            if self.proc.poll() is not None:
                raise RuntimeError(f"ipauditd exited {self.proc.returncode} at start:\n{self.log()}")

    def log(self):
        return read(self.log_path)

    def _kill(self):
        if self.proc.poll() is None:
            for pid in {self.pid, self.proc.pid}:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc.wait()

    def signal(self, sig):
        if self.proc.poll() is None:
            os.kill(self.pid, sig)

    def stop(self, timeout=10):
        """SIGTERM; returns (exit code, seconds taken)."""
        t0 = time.monotonic()
        self.signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self._log.close()
        return rc, time.monotonic() - t0


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def wait_for(pred, timeout, what, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout} s waiting for {what}")


def tmpfs_wrapper(size, data, out):
    """A command prefix that runs a program with a private tmpfs of `size` (e.g. "3m") mounted on
    `data`, in its own mount namespace (gone with the process, even if the test dies), and copies
    the files out to `out` when the program exits, keeping its exit status."""
    script = ("set -u\ndata=$1; out=$2; shift 2\n"
              f"mount -t tmpfs -o size={size},mode=0755 ipaudit-live \"$data\" || exit 97\n"
              "\"$@\"\nrc=$?\ncp -a \"$data/.\" \"$out/\" || exit 98\nexit $rc\n")
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", data, out]


def interval_files(data_dir):
    """Finished interval files (temp files start with '.'), sorted by name (= time)."""
    out = []
    root = os.path.join(data_dir, "intervals")
    for dirpath, _dirs, files in os.walk(root):
        out += [os.path.join(dirpath, f) for f in files if f.endswith(".db") and not f.startswith(".")]
    return sorted(out, key=os.path.basename)


def dump(ipaudit, path):
    """-> (meta dict, list of row dicts) from `ipaudit dump --meta`."""
    r = subprocess.run([ipaudit, "dump", "--meta", path], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"ipaudit dump {path}: exit {r.returncode}: {r.stderr.strip()}")
    meta, rows, header = {}, [], None
    for line in r.stdout.splitlines():
        if line.startswith("# "):
            k, _, v = line[2:].partition("=")
            meta[k] = v
        elif header is None:
            header = line.split("\t")
        else:
            row = dict(zip(header, line.split("\t")))
            for k in ("proto", "port_a", "port_b", "pkts_ab", "pkts_ba", "bytes_ab", "bytes_ba", "first_us", "last_us"):
                row[k] = int(row[k])
            rows.append(row)
    return meta, rows


def key(row):
    return (row["ip_a"], row["ip_b"], row["proto"], row["port_a"], row["port_b"])


def merge_sessions(dumps):
    """Sums sessions by key across interval files: counters add, flags OR, talkers from the
    earliest/latest piece."""
    out = {}
    for _meta, rows in dumps:
        for r in rows:
            k = key(r)
            s = out.get(k)
            if s is None:
                out[k] = dict(r)
                continue
            for c in ("pkts_ab", "pkts_ba", "bytes_ab", "bytes_ba"):
                s[c] += r[c]
            for c in ("flags_ab", "flags_ba"):
                s[c] = "".join(ch for ch in "FSRPAUEC" if ch in s[c] + r[c]) or "-"
            if r["first_us"] < s["first_us"]:
                s["first_us"], s["first_talker"], s["first_by"] = r["first_us"], r["first_talker"], r["first_by"]
            if r["last_us"] >= s["last_us"]:
                s["last_us"], s["last_talker"] = r["last_us"], r["last_talker"]
    return out


def meta_sum(dumps, name):
    return sum(int(m.get(name, 0)) for m, _ in dumps if m.get(name, "NULL") != "NULL")


def pcap_count(path):
    """Frames in a classic pcap file (what tcpdump -w writes)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return 0
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    n, off = 0, 24
    while off + 16 <= len(data):
        incl = struct.unpack_from(endian + "I", data, off + 8)[0]
        off += 16 + incl
        n += 1
    return n


def compare_sessions(live, offline, fields, label_live="live", label_off="offline"):
    """Checks that two merged session maps agree on `fields`; returns the number of differences."""
    diffs = []
    for k in sorted(set(live) | set(offline), key=str):
        lv, ov = live.get(k), offline.get(k)
        if lv is None or ov is None:
            diffs.append(f"{k}: only in {label_live if ov is None else label_off}")
            continue
        bad = [f"{f} {lv[f]}!={ov[f]}" for f in fields if lv[f] != ov[f]]
        if bad:
            diffs.append(f"{k}: " + ", ".join(bad))
    for d in diffs:
        log(f"  difference: {d}")
    return len(diffs)


def print_sessions(title, sessions):
    log(title)
    for k in sorted(sessions, key=str):
        s = sessions[k]
        log("  " + "\t".join(str(s[c]) for c in ("ip_a", "ip_b", "proto", "port_a", "port_b", "pkts_ab", "pkts_ba",
                                                  "bytes_ab", "bytes_ba", "first_talker", "last_talker", "first_by",
                                                  "flags_ab", "flags_ba", "class_a", "class_b")))


def run_test(fn):
    """Runs a test's main; an unexpected error fails the test (and keeps its work directory)."""
    try:
        fn()
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        _failures.append(str(e))
        log(f"FAIL: {type(e).__name__}: {e}")
        sys.exit(1)
    finish()
