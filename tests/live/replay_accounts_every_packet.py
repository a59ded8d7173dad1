"""live_replay_accounts_every_packet: tcpreplay replays a real capture (a browser session, TLS
over IPv4 and IPv6, 334 TCP conversations) at a modest rate onto the veth; ipauditd and tcpdump
capture the other end. The interval files must account for every packet tcpdump saw (and
tcpreplay sent), with no kernel drops, and hold the same sessions as an offline import of
tcpdump's capture.

The capture: $IPAUDIT_REPLAY_PCAP, else <repo>/../shared/pcaps/real/pcapplusplus-tls2.pcap.
Skips (77) without tcpreplay or the capture. The full-rate measurement is bench/run_live.py.

usage: replay_accounts_every_packet.py IPAUDITD IPAUDIT
"""

import os
import re
import signal
import subprocess
import sys
import time

import livelib as L
from livelib import check

RATE = 2500  # packets per second: well below any drop on the test machines


def main():
    ipauditd, ipaudit = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    pcap = os.environ.get("IPAUDIT_REPLAY_PCAP") or os.path.normpath(
        os.path.join(L.HERE, "..", "..", "..", "shared", "pcaps", "real", "pcapplusplus-tls2.pcap"))
    L.start(needs=("tcpdump", "tcpreplay"))
    if not os.path.exists(pcap):
        L.skip(f"no capture to replay ({pcap}; set IPAUDIT_REPLAY_PCAP)")
    work = L.workdir("replay")
    pair = L.NetnsPair("rp")
    data, off = os.path.join(work, "data"), os.path.join(work, "offline")
    cap = os.path.join(work, "tcpdump.pcap")
    left = 86400 - time.time() % 86400
    if left < 60:
        time.sleep(left + 1)
    # tcpdump with a 32 MiB buffer and without immediate mode (livelib's Tcpdump wakes up for
    # every packet and drops under load); it gets 1.5 s at the end for its last ring block.
    tlog = os.path.join(work, "tcpdump.log")
    tcpdump = pair.popen(pair.a, ["tcpdump", "-i", pair.if_a, "-n", "-B", "32768", "-w", cap],
                         stdout=subprocess.DEVNULL, stderr=open(tlog, "w"))
    L.wait_for(lambda: "listening on" in L.read(tlog), 10, "tcpdump to start")
    daemon = L.Daemon(pair, pair.a, [ipauditd, "-i", pair.if_a, "-d", data, "--interval", "86400", "--foreground",
                                     "-l", "10.0.0.0/8,192.168.0.0/16,172.16.0.0/12"], os.path.join(work, "ipauditd.log"))
    t0 = time.monotonic()
    r = pair.run(pair.b, ["tcpreplay", "-i", pair.if_b, f"--pps={RATE}", pcap], timeout=40)
    L.require(r.returncode == 0, f"tcpreplay ran ({r.stderr.strip()[-300:]})")
    sent = int(re.search(r"Successful packets:\s+(\d+)", r.stdout).group(1))
    L.log(f"  tcpreplay sent {sent} packets in {time.monotonic() - t0:.1f} s")
    time.sleep(1.5)
    rc, _ = daemon.stop()
    tcpdump.send_signal(signal.SIGTERM)
    tcpdump.wait(timeout=10)
    m = re.search(r"(\d+) packets dropped by kernel", L.read(tlog))
    drops = int(m.group(1)) if m else None
    check(rc == 0, f"ipauditd exits 0 ({rc})")
    frames = L.pcap_count(cap)
    dumps = [L.dump(ipaudit, f) for f in L.interval_files(data)]
    packets, dropped = L.meta_sum(dumps, "packets"), L.meta_sum(dumps, "pcap_dropped")
    check(dropped == 0, f"ipauditd: no kernel drops ({dropped})")
    check(packets == sent, f"the interval files account for every packet tcpreplay sent ({packets} vs {sent})")
    if drops != 0:
        L.log(f"  tcpdump dropped {drops} packets (a loaded machine): the comparison with its capture is skipped")
        return
    check(packets == frames, f"the interval files account for every packet tcpdump saw ({packets} vs {frames})")
    r = L.sh(ipauditd, "-r", cap, "-d", off, "--interval", "86400", "-l", "10.0.0.0/8,192.168.0.0/16,172.16.0.0/12",
             "--quiet", "--no-rollups", check_rc=False)
    L.require(r.returncode == 0, f"offline import of tcpdump's capture ({r.stderr.strip()})")
    live = L.merge_sessions(dumps)
    offline = L.merge_sessions([L.dump(ipaudit, f) for f in L.interval_files(off)])
    n = L.compare_sessions(live, offline, ("pkts_ab", "pkts_ba", "bytes_ab", "bytes_ba", "flags_ab", "flags_ba"))
    check(n == 0, f"sessions equal an offline import of tcpdump's capture ({len(live)} sessions, {n} differences)")


if __name__ == "__main__":
    L.run_test(main)
