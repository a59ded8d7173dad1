"""live_full_disk: the data directory is a 3 MiB tmpfs that fills up while ipauditd captures a
flood of 200,000 UDP flows with --max-memory 16M, so that finished intervals wait in memory until
the session memory is full too.

  - the write error is logged once (not per waiting interval, not per retry);
  - capture never stops: every packet tcpdump saw is counted in the end;
  - the waiting intervals are bounded by --max-memory: when it is full, packets of new sessions
    are counted as overflow (in the interval file's overflow_packets, so sessions + overflow =
    IP packets) and that is logged once, as it happens;
  - when space returns (the tmpfs is remounted larger and the filler deleted) the waiting
    intervals are written, the recovery is logged once with their number, and the packet totals
    of all files equal tcpdump's count.

The tmpfs lives in a private mount namespace (unshare -m) around the daemon, so nothing is left
mounted if the test dies; the wrapper copies the files out when the daemon exits.

usage: full_disk.py IPAUDITD IPAUDIT
"""

import errno
import os
import signal
import subprocess
import sys
import time

import livelib as L
from livelib import B_V4, check


# FLOWS distinct UDP flows (SOCKETS source ports x PORTS destination ports) at PPS, then exit.
SENDER = r'''
import socket, sys, time
dst, pps, sockets, ports = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(sockets)]
t, sent = time.monotonic(), 0
for port in range(1024, 1024 + ports):
    for s in socks:
        s.sendto(b"y" * 18, (dst, port))
        sent += 1
    if sent % 200 == 0:
        t += 200 / pps
        d = t - time.monotonic()
        if d > 0:
            time.sleep(d)
print(sent)
'''


def main():
    ipauditd, ipaudit = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    L.start(needs=("tcpdump", "unshare", "nsenter"))
    work = L.workdir("fulldisk")
    pair = L.NetnsPair("fd")
    data, out = os.path.join(work, "data"), os.path.join(work, "copied")
    for d in (data, out):
        os.mkdir(d)
    pidfile, pcap = os.path.join(work, "ipauditd.pid"), os.path.join(work, "cap.pcap")
    left = 86400 - time.time() % 86400  # daily intervals: only SIGUSR1 closes one
    if left < 90:
        time.sleep(left + 1)
    # No ICMP port unreachable answers from B: the flood is the only traffic.
    pair.run(pair.b, ["sh", "-c", "sysctl -qw net.ipv4.icmp_ratelimit=1000000; sysctl -qw net.ipv4.icmp_msgs_per_sec=1"])
    tcpdump = L.Tcpdump(pair, pair.a, pair.if_a, pcap, immediate=False, buffer_kib=32768)
    argv = [ipauditd, "-i", pair.if_a, "-d", data, "-l", L.LOCAL_A, "--interval", "86400", "--retry-interval", "1",
            "--max-memory", "16M", "--no-rollups", "--pidfile", pidfile, "--foreground"]
    daemon = L.Daemon(pair, pair.a, argv, os.path.join(work, "ipauditd.log"),
                      wrapper=L.tmpfs_wrapper("3m", data, out))
    L.wait_for(lambda: L.read(pidfile).strip().isdigit(), 5, "the daemon's pid file")
    pid = daemon.pid = int(L.read(pidfile).strip())
    inside = f"/proc/{pid}/root{data}"
    fs = os.statvfs(inside)
    L.require(fs.f_blocks * fs.f_frsize == 3 << 20, f"the daemon's data directory is the 3 MiB tmpfs ({inside})")

    def errors():
        return daemon.log().count("cannot write interval")

    def rotate():
        time.sleep(0.4)
        daemon.signal(signal.SIGUSR1)
        time.sleep(1.05)  # one file name per second

    # 1. Writing works.
    pair.traffic(pair.a, "udp-oneway", B_V4, 9, 30, 5)
    rotate()
    L.wait_for(lambda: len(L.interval_files(inside)) >= 1, 10, "the first interval file")

    # 2. Full: fill the tmpfs, then flood while closing intervals.
    filler = os.path.join(inside, "filler")
    with open(filler, "wb", buffering=0) as f:
        for chunk in (1 << 16, 512):
            try:
                while True:
                    f.write(b"\0" * chunk)
            except OSError as e:
                L.require(e.errno == errno.ENOSPC, f"the tmpfs fills up ({e})")
    sender = pair.popen(pair.a, [sys.executable, "-c", SENDER, B_V4, "40000", "4", "50000"], stdout=subprocess.PIPE,
                        text=True)
    time.sleep(1.5)
    daemon.signal(signal.SIGUSR1)
    L.wait_for(lambda: errors() >= 1, 5, "the write error to be logged")
    time.sleep(1.5)
    daemon.signal(signal.SIGUSR1)
    sent = int(sender.communicate(timeout=40)[0].strip())
    rotate()
    time.sleep(3.2)  # three more retries of three waiting intervals
    check(daemon.proc.poll() is None, "ipauditd keeps running while the disk is full")
    check(errors() == 1, f"the full disk is logged once, not per waiting interval or retry ({errors()} times)")
    full_lines = [line for line in daemon.log().splitlines() if "session memory (--max-memory" in line and "is full" in line]
    check(len(full_lines) == 1 and "waiting to be written" in full_lines[0],
          f"the session memory filling up is logged once, as it happens, naming the waiting intervals ({len(full_lines)})")
    check(len(L.interval_files(inside)) == 1, "nothing written while full")

    # 3. Space returns: remount larger, delete the filler.
    r = L.sh("nsenter", "-t", str(pid), "-m", "mount", "-o", "remount,size=64m", data, check_rc=False)
    L.require(r.returncode == 0, f"remount the tmpfs larger ({r.stderr.strip()})")
    os.unlink(filler)
    L.wait_for(lambda: "writing works again" in daemon.log(), 10, "the recovery to be logged")
    files_now = len(L.interval_files(inside))
    check(files_now == 4, f"the 3 waiting intervals are written ({files_now} files)")
    check("3 waiting interval(s) written" in daemon.log(), "the recovery line counts them")
    check(daemon.log().count("writing works again") == 1, "the recovery is logged once")

    # 4. Stop; everything adds up.
    rc, _ = daemon.stop(timeout=30)
    time.sleep(1.2)  # tcpdump's last ring block
    drops = tcpdump.stop()
    check(rc == 0, f"exit 0 at SIGTERM ({rc})")
    files = L.interval_files(out)
    check(len(files) == 5, f"5 interval files in the end ({len(files)})")
    dumps = [L.dump(ipaudit, f) for f in files]
    frames = L.pcap_count(pcap)
    packets, dropped = L.meta_sum(dumps, "packets"), L.meta_sum(dumps, "pcap_dropped")
    overflow = L.meta_sum(dumps, "overflow_packets")
    L.log(f"  sent {sent}, tcpdump {frames} (drops {drops}), ipauditd {packets} (drops {dropped}), overflow {overflow}")
    # The only packets on the link: 5 before the flood, then the flood (B sends no ICMP).
    check(packets + dropped == sent + 5,
          f"capture never stopped: packets (+ kernel drops) in the files equal what was sent ({packets} + {dropped} vs {sent + 5})")
    if drops == 0:
        check(packets + dropped == frames, f"and equal tcpdump's count ({packets} + {dropped} vs {frames})")
    else:
        L.log(f"  tcpdump dropped {drops} (a loaded machine): its count is not compared")
    check(overflow > 0, f"the session memory cap was reached: overflow counted ({overflow} packets)")
    for f, (meta, rows) in zip(files, dumps):
        stored = sum(r["pkts_ab"] + r["pkts_ba"] for r in rows)
        check(stored + int(meta.get("overflow_packets", 0)) == int(meta["ip_packets"]),
              f"{os.path.basename(f)}: sessions {stored} + overflow {meta.get('overflow_packets', 0)} = IP packets {meta['ip_packets']}")


if __name__ == "__main__":
    L.run_test(main)
