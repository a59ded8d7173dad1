#!/usr/bin/env python3
"""Cross-check tshark_conversations.py against tshark's own conversation
tables (`tshark -q -z conv,tcp -z conv,udp`), to validate the oracle without
ipauditd.

    conv_crosscheck.py [PCAP...]      default: every capture in <repo>/../shared/pcaps/real

For every TCP/UDP (address, port) pair: the frame counts per direction must be
equal (the oracle's per-session packets, summed over the ICMP-free TCP/UDP
sessions, vs tshark's conversation frames).  Bytes differ by design: tshark's
table counts FRAME bytes (and prints them rounded: "22 kB"), the oracle IP
bytes; the difference per frame must be a plausible link-layer overhead
(>= 14 for Ethernet, <= 14 + 8 (QinQ) + 46 (padding to the 60-byte minimum)).

ICMP errors quoting a TCP/UDP header: tshark's conversation tables do NOT
count the quoted header as a frame of that conversation (checked on
zeek-smtp.pcap), and neither does the oracle (the outer header is ICMP); the
number of such frames is only reported ("icmp-quoted").

Meaningful for ordinary traffic only: on captures with IP fragments or
tunnels the conversation tables count differently by design (tshark's tables
key non-first fragments nowhere and count inner tunnelled conversations; the
oracle counts outer headers), e.g. on synth_pcaps.py's synth-ethernet.pcap.

Exit 0 if all frame counts agree and byte overheads are plausible, 1 otherwise.
"""
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, HERE)
import tshark_conversations as tc  # noqa: E402

ROW = re.compile(r"^(\S+):(\d+)\s+<->\s+(\S+):(\d+)\s+(\d+)\s+([\d.]+ \S*bytes|[\d.]+ [kMGT]B)\s+"
                 r"(\d+)\s+([\d.]+ \S*bytes|[\d.]+ [kMGT]B)\s+(\d+)")
UNITS = {"bytes": 1, "kB": 1000, "MB": 1000 ** 2, "GB": 1000 ** 3, "TB": 1000 ** 4}


def parse_size(s):
    """'1980 bytes' -> (1980, 0); '22 kB' -> (22000, 1000) (value, tolerance)."""
    num, unit = s.split()
    mult = UNITS[unit]
    return int(float(num) * mult), (0 if mult == 1 else mult)


def endpoint(ip, port):
    return (tc.ip16(ip.strip("[]")), int(port))


def tshark_conv(pcap):
    out = subprocess.run(["tshark", "-r", pcap, "-n", "-q",
                          "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
                          "-o", "ip.tso_support:TRUE", "-o", "ipv6.tso_support:TRUE",
                          "-z", "conv,tcp", "-z", "conv,udp"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         universal_newlines=True, check=True).stdout
    conv = {}   # (proto, ep_lo, ep_hi) -> [frames lo->hi, frames hi->lo, bytes lo->hi, tol, bytes hi->lo, tol]
    proto = None
    for line in out.splitlines():
        if line.startswith("TCP Conversations"):
            proto = 6
        elif line.startswith("UDP Conversations"):
            proto = 17
        m = ROW.match(line)
        if not m or proto is None:
            continue
        a, b = endpoint(m.group(1), m.group(2)), endpoint(m.group(3), m.group(4))
        f_ba, f_ab = int(m.group(5)), int(m.group(7))          # "<-" is B->A, "->" is A->B
        b_ba, t_ba = parse_size(m.group(6))
        b_ab, t_ab = parse_size(m.group(8))
        if a > b:
            a, b = b, a
            f_ab, f_ba, b_ab, t_ab, b_ba, t_ba = f_ba, f_ab, b_ba, t_ba, b_ab, t_ab
        e = conv.setdefault((proto, a, b), [0, 0, 0, 0, 0, 0])
        for i, v in enumerate((f_ab, f_ba, b_ab, t_ab, b_ba, t_ba)):
            e[i] += v
    return conv


def icmp_quoted(pcap):
    """frames of ICMP/ICMPv6 errors quoting a TCP/UDP header: (proto, src ep, dst ep) -> count"""
    out = subprocess.run(["tshark", "-r", pcap, "-n", "-Y", "(icmp || icmpv6) && (tcp || udp)",
                          "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
                          "-T", "fields", "-E", "occurrence=l",
                          "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src", "-e", "ipv6.dst",
                          "-e", "tcp.srcport", "-e", "tcp.dstport",
                          "-e", "udp.srcport", "-e", "udp.dstport", "-e", "frame.protocols"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         universal_newlines=True, check=True).stdout
    q = {}
    for line in out.splitlines():
        f = line.split("\t")
        protos = f[8].split(":")
        inner = [p for p in protos if p in ("ip", "ipv6")][-1]
        src, dst = (f[0], f[1]) if inner == "ip" else (f[2], f[3])
        if f[4]:
            k = (6, endpoint(src, f[4]), endpoint(dst, f[5]))
        else:
            k = (17, endpoint(src, f[6]), endpoint(dst, f[7]))
        q[k] = q.get(k, 0) + 1
    return q


def check(pcap):
    s = tc.run_tshark(pcap, tso_policy="wire")
    mine = {}
    for (a, b, proto, pa, pb), e in s.table.items():
        if proto not in (6, 17):
            continue
        ea, eb = (a, pa), (b, pb)
        k = (proto, ea, eb)        # ea <= eb already (side A is the smaller pair)
        m = mine.setdefault(k, [0, 0, 0, 0])
        for i in range(4):
            m[i] += e[i]
    conv = tshark_conv(pcap)
    quoted = icmp_quoted(pcap)
    nq = sum(quoted.values())
    bad = []
    overheads = []
    for k in sorted(set(mine) | set(conv)):
        proto, a, b = k
        name = "%s %s:%d <-> %s:%d" % ("tcp" if proto == 6 else "udp",
                                       tc.ip_text(a[0]), a[1], tc.ip_text(b[0]), b[1])
        m, c = mine.get(k), conv.get(k)
        if m is None or c is None:
            bad.append("%s: only in %s" % (name, "oracle" if c is None else "tshark conv"))
            continue
        if (m[0], m[1]) != (c[0], c[1]):
            bad.append("%s: frames oracle %d/%d, conv %d/%d" % (name, m[0], m[1], c[0], c[1]))
            continue
        for frames, ipb, fb, tol in ((m[0], m[2], c[2], c[3]), (m[1], m[3], c[4], c[5])):
            if frames == 0:
                if fb != 0:
                    bad.append("%s: bytes without frames" % name)
                continue
            lo_oh = (fb - tol - ipb) / frames
            hi_oh = (fb + tol - ipb) / frames
            if hi_oh < 14 or lo_oh > 14 + 8 + 46:
                bad.append("%s: frame bytes %d(+-%d) vs IP bytes %d over %d frames: "
                           "overhead %.1f..%.1f/frame implausible"
                           % (name, fb, tol, ipb, frames, lo_oh, hi_oh))
            elif tol == 0:
                overheads.append((fb - ipb) / frames)
    n_conv = len(conv)
    ohs = (" exact-byte overhead/frame %.1f..%.1f" % (min(overheads), max(overheads))
           if overheads else "")
    print("%s: %d TCP/UDP conversations, %d icmp-quoted frames (not counted by either), %s%s"
          % (os.path.basename(pcap), n_conv, nq,
             "OK" if not bad else "%d MISMATCHES" % len(bad), ohs))
    for b in bad:
        print("  " + b)
    return not bad


def main(argv):
    pcaps = argv or sorted(glob.glob(os.path.join(HERE, "..", "..", "..", "shared", "pcaps",
                                                  "real", "*.pcap*")))
    ok = True
    for p in pcaps:
        ok &= check(p)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
