"""live_snaplen68: ipauditd capturing with --snaplen 68 (68 bytes of each frame: Ethernet, the IP
header and the first bytes of TCP/UDP, less than the TCP header over IPv6 with options) still
counts every session's packets and IP bytes exactly: sizes come from the IP headers, not from
what was captured. The reference is an offline import of tcpdump's full-size capture of the
same interface.

usage: snaplen68.py IPAUDITD IPAUDIT
"""

import os
import sys
import time

import livelib as L
from livelib import B_V4, B_V6, check


def main():
    ipauditd, ipaudit = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    L.start()
    work = L.workdir("snaplen")
    pair = L.NetnsPair("sl")
    live_dir, off_dir = os.path.join(work, "live"), os.path.join(work, "offline")
    pcap = os.path.join(work, "full.pcap")

    pair.server(pair.b, f"tcp:{B_V4}:5001", f"tcp:{B_V6}:5001", f"udp-echo:{B_V4}:5003")
    tcpdump = L.Tcpdump(pair, pair.a, pair.if_a, pcap)
    daemon = L.Daemon(pair, pair.a, [ipauditd, "-i", pair.if_a, "-d", live_dir, "-l", L.LOCAL_A, "--interval", "60",
                                     "--snaplen", "68", "--foreground"], os.path.join(work, "ipauditd.log"))

    pair.traffic(pair.a, "tcp", B_V4, 5001, 20000)   # full-size segments, 68 bytes of each captured
    pair.traffic(pair.a, "tcp", B_V6, 5001, 20000)   # IPv6: 14 + 40 + 14 bytes of the TCP header
    pair.traffic(pair.a, "udp", B_V4, 5003, 1400, 4)
    pair.traffic(pair.a, "ping", B_V6, 2)

    time.sleep(0.05)
    rc, _ = daemon.stop()
    drops = tcpdump.stop()
    check(rc == 0, f"ipauditd exits 0 on SIGTERM ({rc})")
    check(drops in (0, None), f"tcpdump saw no kernel drops ({drops})")

    r = L.sh(ipauditd, "-r", pcap, "-d", off_dir, "--interval", "60", "-l", L.LOCAL_A, "--quiet", check_rc=False)
    L.require(r.returncode == 0, f"offline import of tcpdump's full capture exits 0 ({r.returncode}: {r.stderr.strip()})")
    live_dumps = [L.dump(ipaudit, f) for f in L.interval_files(live_dir)]
    off_dumps = [L.dump(ipaudit, f) for f in L.interval_files(off_dir)]
    L.require(live_dumps and off_dumps, "both wrote interval files")
    live, off = L.merge_sessions(live_dumps), L.merge_sessions(off_dumps)
    L.print_sessions("sessions captured at snaplen 68:", live)

    for name in ("packets", "ip_packets", "ip_bytes", "sessions"):
        lv, ov = L.meta_sum(live_dumps, name), L.meta_sum(off_dumps, name)
        check(lv == ov, f"interval totals at snaplen 68: {name} {lv} = full capture {ov}")
    check(L.meta_sum(live_dumps, "ip_bytes") > 40 * 68 * 10,
          f"IP bytes far beyond what was captured ({L.meta_sum(live_dumps, 'ip_bytes')})")
    n = L.compare_sessions(live, off, ("pkts_ab", "pkts_ba", "bytes_ab", "bytes_ba", "first_talker", "flags_ab", "flags_ba"))
    check(n == 0, f"every session's packets, bytes, talker and flags equal the full capture's ({len(live)} sessions, {n} differences)")
    big = [s for s in live.values() if s["proto"] == 6 and s["bytes_ba"] > 40000]
    check(len(big) == 2, f"both TCP transfers (v4, v6) counted with their full sizes ({len(big)})")


if __name__ == "__main__":
    L.run_test(main)
