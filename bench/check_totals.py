#!/usr/bin/env python3
"""bench/run's check of a peer's per-conversation totals against ipauditd's.

  check_totals.py tshark OURS.csv TSHARK_CONV_IP.txt
  check_totals.py argus  OURS.csv RA.csv

OURS.csv: ip_a,ip_b,proto,port_a,port_b,packets_ab,packets_ba,bytes_ab,bytes_ba (every session
of every interval file). tshark: the output of `tshark -n -q -z conv,ip -z conv,ipv6` (per IP pair: frames).
argus: `ra -n -c , -s saddr sport daddr dport proto spkts dpkts sbytes dbytes` of racluster's
output (per 5-tuple). Packets are compared exactly, per IP pair for tshark, per IP pair and
protocol and (TCP/UDP) per 5-tuple for argus. Prints one line; exit 1 when a total differs.
"""

import csv
import ipaddress
import re
import sys
from collections import defaultdict

PROTO = {"tcp": 6, "udp": 17, "icmp": 1, "ipv6-icmp": 58, "icmp6": 58, "ipv6icmp": 58}


def ip(text):
    return str(ipaddress.ip_address(text.strip()))  # one spelling for every IPv6 address


def pair(a, b):
    return (a, b) if a <= b else (b, a)


def ours(path):
    by_pair = defaultdict(int)
    by_pair_proto = defaultdict(int)
    by_tuple = defaultdict(int)
    with open(path, newline="") as f:
        for row in csv.reader(f):
            a, b = ip(row[0]), ip(row[1])
            proto, pa, pb = int(row[2]), int(row[3]), int(row[4])
            packets = int(row[5]) + int(row[6])
            by_pair[pair(a, b)] += packets
            by_pair_proto[pair(a, b) + (proto,)] += packets
            if proto in (6, 17):
                by_tuple[tuple(sorted(((a, pa), (b, pb)))) + (proto,)] += packets
    return by_pair, by_pair_proto, by_tuple


def compare(name, mine, theirs):
    keys = set(mine) | set(theirs)
    same = sum(1 for k in keys if mine.get(k, 0) == theirs.get(k, 0))
    return same, len(keys), sum(mine.values()), sum(theirs.values())


def main():
    mode, ours_path, peer_path = sys.argv[1:4]
    by_pair, by_pair_proto, by_tuple = ours(ours_path)
    results = []
    if mode == "tshark":
        theirs = defaultdict(int)
        # "10.1.0.5   <-> 198.51.100.7   3 300 bytes   2 200 bytes   5 500 bytes  0.1  2.0"
        line_re = re.compile(r"^(\S+)\s+<->\s+(\S+)\s+(\d[\d,]*)\s")
        for line in open(peer_path):
            m = line_re.match(line)
            if not m:
                continue
            # the columns after the pair: frames, bytes (with a unit), frames, bytes, frames, bytes
            rest = line[m.end(2):].split()
            nums = [t for t in rest if re.fullmatch(r"[\d,]+", t)]
            frames_ab, frames_ba = int(nums[0].replace(",", "")), int(nums[2].replace(",", ""))
            theirs[pair(ip(m.group(1)), ip(m.group(2)))] += frames_ab + frames_ba
        results.append(("IP pairs", compare("pairs", by_pair, theirs)))
    else:
        pairs = defaultdict(int)
        tuples = defaultdict(int)
        with open(peer_path, newline="") as f:
            for row in csv.reader(f):
                if len(row) < 7 or row[0].strip() in ("SrcAddr", ""):
                    continue
                try:
                    a, b = ip(row[0]), ip(row[2])
                except ValueError:
                    continue  # ARP and other non-IP flows
                p = row[4].strip().lower()
                proto = PROTO.get(p, int(p) if p.isdigit() else -1)
                packets = int(row[5]) + int(row[6])
                pairs[pair(a, b) + (proto,)] += packets
                if proto in (6, 17):
                    pa = int(row[1]) if row[1].strip().isdigit() else -1
                    pb = int(row[3]) if row[3].strip().isdigit() else -1
                    tuples[tuple(sorted(((a, pa), (b, pb)))) + (proto,)] += packets
        results.append(("IP pair+protocol", compare("pairs", by_pair_proto, pairs)))
        results.append(("TCP/UDP 5-tuples", compare("tuples", by_tuple, tuples)))
    ok = True
    parts = []
    for label, (same, total, mine, theirs) in results:
        parts.append(f"{label}: {same}/{total} equal in packets (ours {mine} packets, {mode} {theirs})")
        ok = ok and same == total
    print("; ".join(parts))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
