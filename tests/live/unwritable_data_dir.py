"""live_unwritable_data_dir: the data directory stops accepting writes while ipauditd captures,
first because it is full (a small tmpfs filled up), then because it is remounted read-only. The
daemon logs each problem once when writing starts to fail (not once per waiting interval or per
retry: every retry tries every waiting interval), keeps capturing, writes the waiting intervals once the directory recovers, and in the end has lost nothing: its packet totals equal tcpdump's
and its sessions equal an offline import of tcpdump's capture.

The tmpfs lives in a private mount namespace (unshare -m) around the daemon; the test reaches it
through /proc/PID/root and nsenter, and the wrapper copies the files out when the daemon exits.

usage: unwritable_data_dir.py IPAUDITD IPAUDIT
"""

import errno
import os
import signal
import sys
import time

import livelib as L
from livelib import A_V4, B_V4, check



def main():
    ipauditd, ipaudit = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    L.start(needs=("tcpdump", "unshare", "nsenter"))
    work = L.workdir("unwritable")
    pair = L.NetnsPair("uw")
    data, out, off = (os.path.join(work, d) for d in ("data", "copied", "offline"))
    for d in (data, out):
        os.mkdir(d)
    pidfile, pcap = os.path.join(work, "ipauditd.pid"), os.path.join(work, "cap.pcap")
    left = 86400 - time.time() % 86400  # daily intervals: only SIGUSR1 closes one
    if left < 60:
        time.sleep(left + 1)
    pair.server(pair.b, f"tcp:{B_V4}:8001", f"udp-echo:{B_V4}:8002")
    tcpdump = L.Tcpdump(pair, pair.a, pair.if_a, pcap)
    argv = [ipauditd, "-i", pair.if_a, "-d", data, "-l", L.LOCAL_A, "--interval", "86400", "--retry-interval", "1",
            "--pidfile", pidfile, "--foreground"]
    daemon = L.Daemon(pair, pair.a, argv, os.path.join(work, "ipauditd.log"),
                      wrapper=L.tmpfs_wrapper("16m", data, out))
    L.wait_for(lambda: L.read(pidfile).strip().isdigit(), 5, "the daemon's pid file")
    pid = daemon.pid = int(L.read(pidfile).strip())
    inside = f"/proc/{pid}/root{data}"  # the tmpfs, as the daemon sees it
    fs = os.statvfs(inside)
    L.require(fs.f_blocks * fs.f_frsize == 16 << 20, f"the daemon's data directory is the 16 MiB tmpfs ({inside})")

    def traffic(n):
        for _ in range(n):
            pair.traffic(pair.a, "tcp", B_V4, 8001, 700)
            pair.traffic(pair.a, "udp", B_V4, 8002, 40, 2)

    def rotate_and_wait_file(count, what):
        time.sleep(0.4)  # past the capture timeout: the packets are accounted before the signal
        daemon.signal(signal.SIGUSR1)
        L.wait_for(lambda: len(L.interval_files(inside)) >= count, 10, what)

    def errors():
        return daemon.log().count("cannot write interval")

    def alive():
        return daemon.proc.poll() is None

    # 1. Writing works.
    traffic(1)
    rotate_and_wait_file(1, "the first interval file")

    # 2. Disk full: fill the tmpfs, close two intervals while it stays full.
    filler = os.path.join(inside, "filler")
    with open(filler, "wb", buffering=0) as f:
        for chunk in (1 << 20, 4096):
            try:
                while True:
                    f.write(b"\0" * chunk)
            except OSError as e:
                L.require(e.errno == errno.ENOSPC, f"the tmpfs fills up ({e})")
    traffic(1)
    time.sleep(0.4)
    daemon.signal(signal.SIGUSR1)
    L.wait_for(lambda: errors() >= 1, 5, "the write error to be logged")
    traffic(1)
    time.sleep(1.1)  # a separate second: each SIGUSR1 closes an interval at once
    daemon.signal(signal.SIGUSR1)
    traffic(1)
    time.sleep(3.2)  # at least three retries
    check(alive(), "ipauditd keeps running while the disk is full")
    check(errors() == 1, f"the full disk is logged once, not once per waiting interval or retry ({errors()} times)")
    check("1 interval(s) kept in memory" in daemon.log(), "the error says intervals are kept in memory")
    check(len(L.interval_files(inside)) == 1, "nothing written while full")
    check(not [f for f in os.listdir(inside) if f.startswith(".")] and
          not [f for d, _, fs in os.walk(os.path.join(inside, "intervals")) for f in fs if not f.endswith(".db")],
          "no temporary files left behind by failed writes")

    # 3. Space is freed: the two waiting intervals are written.
    os.unlink(filler)
    L.wait_for(lambda: len(L.interval_files(inside)) >= 3, 5, "the waiting intervals to be written")
    # The recovery line follows the writes (and their rollup merges): wait for it too.
    L.wait_for(lambda: "writing works again" in daemon.log(), 5, "recovery to be logged")
    check("2 waiting interval(s) written" in daemon.log(), "the recovery line counts the 2 intervals written")

    # 4. Read-only: a different problem, logged once more, then recovery.
    traffic(1)
    r = L.sh("nsenter", "-t", str(pid), "-m", "mount", "-o", "remount,ro", data, check_rc=False)
    L.require(r.returncode == 0, f"remount read-only ({r.stderr.strip()})")
    time.sleep(1.1)
    daemon.signal(signal.SIGUSR1)
    traffic(1)
    time.sleep(2.5)
    check(alive(), "ipauditd keeps running on a read-only data directory")
    check(errors() == 2, f"the read-only error is logged once more, not per retry ({errors()} in all)")
    errs = [line for line in daemon.log().splitlines() if "cannot write interval" in line]
    check(len(errs) == 2 and data in errs[1] and "full" in errs[0] and "full" not in errs[1],
          f"the read-only error names the data directory and differs from the full disk's ({errs[1:]})")
    check(len(L.interval_files(inside)) == 3, "nothing written while read-only")
    L.sh("nsenter", "-t", str(pid), "-m", "mount", "-o", "remount,rw", data)
    L.wait_for(lambda: len(L.interval_files(inside)) >= 4, 5, "the interval waiting for a writable directory")
    L.wait_for(lambda: daemon.log().count("writing works again") == 2, 5, "the second recovery to be logged")

    # 5. Stop; compare everything with tcpdump's view.
    traffic(1)
    rc, secs = daemon.stop()
    drops = tcpdump.stop()
    check(rc == 0, f"exit 0 at SIGTERM after recovering ({rc}, {secs:.2f} s)")
    check(drops in (0, None), f"tcpdump saw no kernel drops ({drops})")
    check(not os.listdir(data), "the daemon wrote only to its tmpfs")
    files = L.interval_files(out)
    check(len(files) == 5, f"5 interval files in the end ({len(files)})")
    dumps = [L.dump(ipaudit, f) for f in files]
    frames = L.pcap_count(pcap)
    packets = L.meta_sum(dumps, "packets")
    check(packets == frames, f"nothing lost: packets in interval files equal tcpdump's frames ({packets} vs {frames})")
    check(L.meta_sum(dumps, "pcap_dropped") == 0, "no capture drops")
    r = L.sh(ipauditd, "-r", pcap, "-d", off, "--interval", "86400", "-l", L.LOCAL_A, "--quiet", check_rc=False)
    L.require(r.returncode == 0, f"offline import exits 0 ({r.stderr.strip()})")
    off_dumps = [L.dump(ipaudit, f) for f in L.interval_files(off)]
    live, offline = L.merge_sessions(dumps), L.merge_sessions(off_dumps)
    n = L.compare_sessions(live, offline, ("pkts_ab", "pkts_ba", "bytes_ab", "bytes_ba", "first_talker", "flags_ab",
                                           "flags_ba"))
    check(n == 0, f"sessions equal an offline import of tcpdump's capture ({len(live)} sessions, {n} differences)")
    check(sum(1 for k in live if k[2] == 6 and k[4] == 8001) == 7, "all 7 TCP connections recorded")


if __name__ == "__main__":
    L.run_test(main)
