"""live_capture_matches_offline: what ipauditd records live on a veth interface equals what it
records importing tcpdump's capture of the same interface, session by session; plus facts about
orientation, talkers, flags and ICMP pairing that real kernel traffic must produce.

usage: capture_matches_offline.py IPAUDITD IPAUDIT
"""

import os
import sys
import time

import livelib as L
from livelib import A_V4, A_V6, B_V4, B_V6, check


def main():
    ipauditd, ipaudit = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    L.start()
    work = L.workdir("capture")
    pair = L.NetnsPair("cm")
    live_dir, off_dir = os.path.join(work, "live"), os.path.join(work, "offline")
    pcap = os.path.join(work, "cap.pcap")

    # Servers: B answers TCP 5001 (v4 and v6), UDP echo 5003, UDP sink 5004; A answers TCP 5002.
    pair.server(pair.b, f"tcp:{B_V4}:5001", f"tcp:{B_V6}:5001", f"udp-echo:{B_V4}:5003", f"udp-sink:{B_V4}:5004")
    pair.server(pair.a, f"tcp:{A_V4}:5002")

    tcpdump = L.Tcpdump(pair, pair.a, pair.if_a, pcap)
    daemon = L.Daemon(pair, pair.a, [ipauditd, "-i", pair.if_a, "-d", live_dir, "-l", L.LOCAL_A, "--interval", "60",
                                     "--foreground"], os.path.join(work, "ipauditd-live.log"))

    pair.traffic(pair.a, "tcp", B_V4, 5001, 3000)          # A -> B, A initiates
    pair.traffic(pair.a, "tcp", B_V6, 5001, 1500)          # the same over IPv6
    pair.traffic(pair.b, "tcp", A_V4, 5002, 2000)          # B -> A, A is the responder
    pair.traffic(pair.a, "udp", B_V4, 5003, 100, 3)         # request/response
    pair.traffic(pair.a, "udp-oneway", B_V4, 5004, 200, 5)  # no answer
    pair.traffic(pair.a, "ping", B_V4, 3)
    pair.traffic(pair.a, "ping", B_V6, 3)
    pair.traffic(pair.b, "ping", A_V4, 2)                  # echo requested by the remote side
    pair.traffic(pair.a, "tcp-refused", B_V4, 5009)         # SYN, RST

    # Stop at once: frames still in the kernel's capture ring (ipauditd reads it in batches, up to
    # 250 ms late) must be read before the last interval is written.
    time.sleep(0.05)
    rc, secs = daemon.stop()
    drops = tcpdump.stop()
    check(rc == 0, f"ipauditd exits 0 on SIGTERM (exit {rc}, {secs:.2f} s)")
    check(drops in (0, None), f"tcpdump saw no kernel drops ({drops})")
    log_text = daemon.log()

    r = L.sh(ipauditd, "-r", pcap, "-d", off_dir, "--interval", "60", "-l", L.LOCAL_A, "--quiet", check_rc=False)
    L.require(r.returncode == 0, f"offline import of tcpdump's capture exits 0 ({r.returncode}: {r.stderr.strip()})")

    live_files, off_files = L.interval_files(live_dir), L.interval_files(off_dir)
    L.require(live_files, f"live capture wrote interval files ({len(live_files)})")
    L.require(off_files, f"offline import wrote interval files ({len(off_files)})")
    live_dumps = [L.dump(ipaudit, f) for f in live_files]
    off_dumps = [L.dump(ipaudit, f) for f in off_files]
    live, off = L.merge_sessions(live_dumps), L.merge_sessions(off_dumps)
    L.print_sessions("live sessions:", live)

    last_meta = live_dumps[-1][0]
    check(last_meta.get("partial") == "1", f"the interval written at SIGTERM is partial ({last_meta.get('partial')})")
    check(all(m.get("pcap_received", "NULL") != "NULL" for m, _ in live_dumps), "pcap_received is recorded in live files")
    check(L.meta_sum(live_dumps, "pcap_dropped") == 0, f"no pcap drops ({L.meta_sum(live_dumps, 'pcap_dropped')})")
    frames = L.pcap_count(pcap)
    live_packets = L.meta_sum(live_dumps, "packets")
    check(live_packets == frames, f"live packet total equals tcpdump's frame count ({live_packets} vs {frames})")
    check(L.meta_sum(live_dumps, "pcap_received") == live_packets,
          f"pcap_received equals packets accounted ({L.meta_sum(live_dumps, 'pcap_received')} vs {live_packets})")
    check(L.meta_sum(off_dumps, "packets") == frames, "offline packet total equals the frame count")
    for name in ("wire_bytes", "ip_packets", "ip_bytes", "sessions"):
        lv, ov = L.meta_sum(live_dumps, name), L.meta_sum(off_dumps, name)
        check(lv == ov, f"interval totals: {name} live {lv} = offline {ov}")
    check(f"stopped after {live_packets} packets" in log_text, "the shutdown log line states the packet count")

    n = L.compare_sessions(live, off, ("pkts_ab", "pkts_ba", "bytes_ab", "bytes_ba", "first_talker", "last_talker",
                                       "first_by", "flags_ab", "flags_ba", "class_a", "class_b"))
    check(n == 0, f"live and offline agree on every session ({len(live)} live, {len(off)} offline, {n} differences)")
    # Each packet socket takes its own timestamp: tcpdump's differ from ipauditd's by microseconds.
    skew = max((abs(live[k][t] - off[k][t]) for k in set(live) & set(off) for t in ("first_us", "last_us")), default=0)
    check(skew < 200_000, f"live and offline session times agree within 0.2 s (largest difference {skew} us)")

    def find(proto, ip_a, ip_b, port_a=None, port_b=None):
        hits = [s for s in live.values() if s["proto"] == proto and s["ip_a"] == ip_a and s["ip_b"] == ip_b
                and (port_a is None or s["port_a"] == port_a) and (port_b is None or s["port_b"] == port_b)]
        check(len(hits) == 1, f"exactly one session {proto} {ip_a}:{port_a} {ip_b}:{port_b} ({len(hits)})")
        return hits[0] if hits else None

    def flags(s, side):
        return s[f"flags_{side}"]

    for ip_a, ip_b, sent in ((A_V4, B_V4, 3000), (A_V6, B_V6, 1500)):
        s = find(6, ip_a, ip_b, port_b=5001)
        if s:
            check(s["first_talker"] == "a" and s["first_by"] == "syn", f"{ip_a}->{ip_b}:5001 initiated by a (local) per SYN")
            check(all(c in flags(s, "ab") for c in "SAF") and all(c in flags(s, "ba") for c in "SAF"),
                  f"{ip_a}->{ip_b}:5001 flags S, A, F both ways ({flags(s, 'ab')} / {flags(s, 'ba')})")
            check(s["class_a"] == "L" and s["class_b"] == "R", "side a is the local host")
            hdr = 40 if ":" in ip_a else 20
            check(s["bytes_ab"] >= sent + s["pkts_ab"] * (hdr + 20) and s["bytes_ba"] >= 2 * sent + s["pkts_ba"] * (hdr + 20),
                  f"{ip_a}->{ip_b}:5001 IP bytes cover payload plus IP/TCP headers each way")
            check(s["last_talker"] in ("a", "b"), "last talker recorded")
    s = find(6, A_V4, B_V4, port_a=5002)
    if s:
        check(s["first_talker"] == "b" and s["first_by"] == "syn", f"B->A:5002 initiated by b (remote), first_by syn")
        check("S" in flags(s, "ba") and "S" in flags(s, "ab") and "A" in flags(s, "ab"), "B->A:5002 handshake flags")
    s = find(17, A_V4, B_V4, port_b=5003)
    if s:
        check(s["pkts_ab"] == 3 and s["pkts_ba"] == 3, f"UDP request/response 3 each way ({s['pkts_ab']}/{s['pkts_ba']})")
        check(s["bytes_ab"] == 3 * (100 + 28) and s["bytes_ba"] == 3 * (200 + 28), "UDP IP bytes exact")
        check(s["first_talker"] == "a" and s["first_by"] == "guess", "UDP first talker a (guess)")
    s = find(17, A_V4, B_V4, port_b=5004)
    if s:
        check(s["pkts_ab"] == 5 and s["pkts_ba"] == 0 and s["bytes_ba"] == 0, f"one-way UDP: 5 out, pkts_ba 0 ({s['pkts_ba']})")
        check(s["first_talker"] == "a" and s["last_talker"] == "a", "one-way UDP: talkers a/a")
    s = find(6, A_V4, B_V4, port_b=5009)
    if s:
        check("R" in flags(s, "ba"), f"refused connection: R in flags_ba ({flags(s, 'ba')})")
        check(flags(s, "ab") == "S", f"refused connection: only S from a ({flags(s, 'ab')})")
        check(s["pkts_ab"] >= 1 and s["pkts_ba"] >= 1 and s["first_talker"] == "a", "refused connection: SYN out, RST back")
    s = find(1, A_V4, B_V4, port_b=8 * 256)
    if s:
        check(s["port_a"] == 0 and s["pkts_ab"] == 3 and s["pkts_ba"] == 3,
              f"ICMP echo A->B: port_b 2048, requests and replies in one session ({s['pkts_ab']}/{s['pkts_ba']})")
        check(s["bytes_ab"] == 3 * (20 + 8 + 48) and s["bytes_ab"] == s["bytes_ba"], "ICMP echo bytes exact, symmetric")
    s = find(58, A_V6, B_V6, port_b=128 * 256)
    if s:
        check(s["port_a"] == 0 and s["pkts_ab"] == 3 and s["pkts_ba"] == 3,
              f"ICMPv6 echo A->B: port_b 32768, both directions ({s['pkts_ab']}/{s['pkts_ba']})")
        check(s["bytes_ab"] == 3 * (40 + 8 + 48), "ICMPv6 echo bytes exact (payload length + 40)")
    s = find(1, A_V4, B_V4, port_a=8 * 256)
    if s:
        check(s["port_b"] == 0 and s["pkts_ab"] == 2 and s["pkts_ba"] == 2 and s["first_talker"] == "b",
              "ICMP echo B->A: request side is b, port_a 2048, both directions")
    others = [k for k in live if not {k[0], k[1]} <= {A_V4, B_V4, A_V6, B_V6}]
    check(not others, f"no sessions besides the test's own traffic ({others})")


if __name__ == "__main__":
    L.run_test(main)
