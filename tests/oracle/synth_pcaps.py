#!/usr/bin/env python3
"""Write small synthetic captures that exercise the decoder edge cases the
real captures in ../shared/pcaps/real do not contain (fragments, IPv6
extension chains, ICMP/ICMPv6 pairing and errors, tunnels, VLAN/QinQ, Linux
cooked, raw IP, snaplen truncation), together with the session table that
DESIGN.md "Sessions" prescribes for them, written BY HAND (not computed by
tshark_conversations.py), so that

    tshark_conversations.py FILE  ==  FILE.expected.tsv

checks the tshark side (tshark's field quirks and our reading of them) end to
end, independently of ipauditd.  oracle_test.py --with-synthetic also runs the
daemon on them.

Usage: synth_pcaps.py OUTDIR        (writes synth-*.pcap and synth-*.expected.tsv)
Python 3 standard library only.
"""
import os
import struct
import sys

# --------------------------------------------------------------------------
# packet builders (all checksums correct, so no dissector takes a detour)


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def v4(a: str) -> bytes:
    return bytes(int(x) for x in a.split("."))


def v6(a: str) -> bytes:
    import ipaddress
    return ipaddress.IPv6Address(a).packed


def ipv4(src, dst, proto, payload, ident=1, mf=False, df=False, off8=0,
         total_len=None, options=b""):
    ihl = 5 + len(options) // 4
    tl = total_len if total_len is not None else ihl * 4 + len(payload)
    flags = (0x2000 if mf else 0) | (0x4000 if df else 0) | off8
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tl, ident, flags, 64,
                      proto, 0, v4(src), v4(dst)) + options
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(src, dst, nxt, payload, plen=None):
    pl = plen if plen is not None else len(payload)
    return struct.pack("!IHBB16s16s", 0x60000000, pl, nxt, 64, v6(src),
                       v6(dst)) + payload


def pseudo4(src, dst, proto, length):
    return struct.pack("!4s4sBBH", v4(src), v4(dst), 0, proto, length)


def pseudo6(src, dst, proto, length):
    return struct.pack("!16s16sI3xB", v6(src), v6(dst), length, proto)


def udp(sport, dport, data, pseudo=None):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    if pseudo is not None:
        c = csum(pseudo(len(seg)) + seg) or 0xFFFF
        seg = seg[:6] + struct.pack("!H", c) + seg[8:]
    return seg


def tcp(sport, dport, flags=0x02, data=b"", seq=1000, ack=0, pseudo=None):
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      8192, 0, 0) + data
    if pseudo is not None:
        c = csum(pseudo(len(seg)) + seg)
        seg = seg[:16] + struct.pack("!H", c) + seg[18:]
    return seg


def icmp(typ, code, rest=b"\0\0\0\0", data=b""):
    m = struct.pack("!BBH", typ, code, 0) + rest + data
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def icmp6(src, dst, typ, code, body):
    m = struct.pack("!BBH", typ, code, 0) + body
    c = csum(pseudo6(src, dst, 58, len(m)) + m)
    return m[:2] + struct.pack("!H", c) + m[4:]


def ext6(nxt, body=b"\0" * 6):
    """generic 8-byte-multiple extension header (hop-by-hop, dst options,
    routing): next header, hdr ext len, body (PadN-padded)."""
    assert (len(body) + 2) % 8 == 0
    return struct.pack("!BB", nxt, (len(body) + 2) // 8 - 1) + body


def pad_opts(n):  # PadN option filling n bytes (n >= 2)
    return struct.pack("!BB", 1, n - 2) + b"\0" * (n - 2)


def frag6(nxt, off8, more, ident):
    return struct.pack("!BBHI", nxt, 0, (off8 << 3) | (1 if more else 0), ident)


def ah6(nxt, icv=b"\0" * 12):
    # AH: next header, payload len in 4-octet units minus 2, reserved, SPI, seq, ICV
    body = struct.pack("!II", 0x100, 1) + icv
    return struct.pack("!BBH", nxt, (len(body) + 4) // 4 - 2, 0) + body


MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")


def eth(payload, etype, vlans=()):
    hdr = MAC_B + MAC_A
    for tpid, vid in vlans:
        hdr += struct.pack("!HH", tpid, vid)
    return hdr + struct.pack("!H", etype) + payload


def sll(payload, etype):
    # Linux cooked v1: packet type, ARPHRD, addr len, addr(8), protocol
    return struct.pack("!HHH8sH", 0, 1, 6, MAC_A + b"\0\0", etype) + payload


# --------------------------------------------------------------------------
# pcap writer


def write_pcap(path, linktype, frames, snaplen=65535):
    """frames: list of bytes or (bytes, caplen) for snaplen truncation."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        t = 1700000000
        for i, fr in enumerate(frames):
            data, caplen = (fr, len(fr)) if isinstance(fr, bytes) else fr
            f.write(struct.pack("<IIII", t, i * 1000, caplen, len(data)))
            f.write(data[:caplen])


def write_expected(path, rows):
    import ipaddress

    def k(r):
        def b(ip):
            a = ipaddress.ip_address(ip)
            return (a.packed if a.version == 6
                    else b"\0" * 10 + b"\xff\xff" + a.packed)
        return (b(r[0]), b(r[1]), r[2], r[3], r[4])
    with open(path, "w") as f:
        f.write("ip_a\tip_b\tproto\tport_a\tport_b\tpkts_ab\tpkts_ba\tbytes_ab\tbytes_ba\n")
        for r in sorted(rows, key=k):
            f.write("\t".join(str(x) for x in r) + "\n")


# --------------------------------------------------------------------------
# the captures and their expected sessions (computed by hand from DESIGN.md)


def build(outdir):
    os.makedirs(outdir, exist_ok=True)
    E4, E6 = 0x0800, 0x86DD
    fr, exp = [], []

    # 1. ICMP echo request + reply meet in one session: ports (0, 8*256+0)
    ps = icmp(8, 0, struct.pack("!HH", 7, 1), b"x" * 32)
    pr = icmp(0, 0, struct.pack("!HH", 7, 1), b"x" * 32)
    fr.append(eth(ipv4("10.0.0.1", "10.0.0.2", 1, ps), E4))   # 20+8+32 = 60
    fr.append(eth(ipv4("10.0.0.2", "10.0.0.1", 1, pr), E4))   # 60
    fr.append(eth(ipv4("10.0.0.1", "10.0.0.2", 1, ps), E4))   # 60
    exp.append(("10.0.0.1", "10.0.0.2", 1, 0, 2048, 2, 1, 120, 60))
    # timestamp reply 14 from .9 to .1 with no request: maps to 13, src port
    # 13*256 on .9 -> A=(10.0.0.1,0), B=(10.0.0.9,3328), direction B->A
    fr.append(eth(ipv4("10.0.0.9", "10.0.0.1", 1, icmp(14, 0, b"\0" * 4, b"\0" * 12)), E4))  # 40
    exp.append(("10.0.0.1", "10.0.0.9", 1, 0, 3328, 0, 1, 0, 40))

    # 2. ICMP error (port unreachable) from .2 to .1 quoting a UDP packet
    #    .1:5000 -> .2:53: OUTER header counts: src (.2,0) dst (.1, 3*256+3)
    inner = ipv4("10.0.0.1", "10.0.0.2", 17, udp(5000, 53, b"q" * 12))
    fr.append(eth(ipv4("10.0.0.2", "10.0.0.1", 1, icmp(3, 3, b"\0" * 4, inner)), E4))  # 20+8+40=68
    exp.append(("10.0.0.1", "10.0.0.2", 1, 771, 0, 0, 1, 0, 68))
    # ICMP time exceeded quoting a TCP SYN, from router 192.0.2.1
    inner = ipv4("10.0.0.1", "198.51.100.7", 6, tcp(40000, 80))
    fr.append(eth(ipv4("192.0.2.1", "10.0.0.1", 1, icmp(11, 0, b"\0" * 4, inner)), E4))  # 20+8+40=68
    exp.append(("10.0.0.1", "192.0.2.1", 1, 2816, 0, 0, 1, 0, 68))

    # 3. IPv4 fragments of one UDP datagram .1:5001 -> .3:2049, id 0x1234,
    #    first fragment 8+64 payload bytes, then two more; non-first ones
    #    inherit the ports.  A lone non-first fragment (id 0x9999, no first
    #    seen) goes to ports 0.  A non-first fragment that arrives BEFORE its
    #    first fragment (id 0x7777) also goes to ports 0.
    data = bytes(range(256)) * 1
    u = udp(5001, 2049, data[:200], lambda n: pseudo4("10.0.0.1", "10.0.0.3", 17, n))
    fr.append(eth(ipv4("10.0.0.7", "10.0.0.3", 17, u[72:144], ident=0x7777, mf=True, off8=9), E4))  # 92
    fr.append(eth(ipv4("10.0.0.1", "10.0.0.3", 17, u[:72], ident=0x1234, mf=True), E4))          # 92
    fr.append(eth(ipv4("10.0.0.1", "10.0.0.3", 17, u[72:144], ident=0x1234, mf=True, off8=9), E4))  # 92
    fr.append(eth(ipv4("10.0.0.1", "10.0.0.3", 17, u[144:], ident=0x1234, off8=18), E4))         # 20+64=84
    fr.append(eth(ipv4("10.0.0.3", "10.0.0.1", 17, u[144:], ident=0x9999, off8=18), E4))         # 84
    fr.append(eth(ipv4("10.0.0.7", "10.0.0.3", 17, u[:72], ident=0x7777, mf=True), E4))          # 92
    exp.append(("10.0.0.1", "10.0.0.3", 17, 5001, 2049, 3, 0, 268, 0))
    exp.append(("10.0.0.1", "10.0.0.3", 17, 0, 0, 0, 1, 0, 84))
    exp.append(("10.0.0.3", "10.0.0.7", 17, 0, 0, 0, 1, 0, 92))
    exp.append(("10.0.0.3", "10.0.0.7", 17, 2049, 5001, 0, 1, 0, 92))
    # fragmented TCP: first fragment carries the full 20-byte TCP header
    t = tcp(1234, 80, 0x18, b"P" * 40)
    fr.append(eth(ipv4("10.0.1.1", "10.0.1.2", 6, t[:32], ident=42, mf=True), E4))        # 52
    fr.append(eth(ipv4("10.0.1.1", "10.0.1.2", 6, t[32:], ident=42, off8=4), E4))         # 48
    exp.append(("10.0.1.1", "10.0.1.2", 6, 1234, 80, 2, 0, 100, 0))

    # 4. QinQ (802.1ad outer + 802.1Q inner) and single VLAN TCP
    fr.append(eth(ipv4("10.1.0.1", "10.1.0.2", 6, tcp(1111, 22)), E4, ((0x88A8, 100), (0x8100, 200))))  # 40
    fr.append(eth(ipv4("10.1.0.2", "10.1.0.1", 6, tcp(22, 1111, 0x12)), E4, ((0x8100, 200),)))         # 40
    exp.append(("10.1.0.1", "10.1.0.2", 6, 1111, 22, 1, 1, 40, 40))

    # 5. snaplen truncation: total length 1500, only 54 bytes captured
    big = eth(ipv4("10.2.0.1", "10.2.0.2", 6, tcp(2222, 443, 0x10, b"D" * 1460)), E4)
    fr.append((big, 54))
    # truncated inside the TCP header (ports captured, rest not): 38 bytes
    fr.append((eth(ipv4("10.2.0.2", "10.2.0.1", 6, tcp(443, 2222, 0x10, b"E" * 100)), E4), 38))
    exp.append(("10.2.0.1", "10.2.0.2", 6, 2222, 443, 1, 1, 1500, 140))

    # 6. IPv4 with options (IHL 6) carrying UDP
    fr.append(eth(ipv4("10.3.0.1", "10.3.0.2", 17, udp(68, 67, b"d" * 10),
                       options=b"\x94\x04\x00\x00"), E4))  # 24+18=42
    exp.append(("10.3.0.1", "10.3.0.2", 17, 68, 67, 1, 0, 42, 0))

    # 7. tunnels: the OUTER header is the conversation
    in6 = ipv6("2001:db8::a", "2001:db8::b", 6, tcp(3333, 80))
    fr.append(eth(ipv4("192.0.2.10", "192.0.2.20", 41, in6), E4))                 # 6in4: 20+60=80
    exp.append(("192.0.2.10", "192.0.2.20", 41, 0, 0, 1, 0, 80, 0))
    gre = struct.pack("!HH", 0, 0x0800) + ipv4("172.16.0.1", "172.16.0.2", 17, udp(9, 9, b"g" * 4))
    fr.append(eth(ipv4("192.0.2.20", "192.0.2.10", 47, gre), E4))                # GRE: 20+4+32=56
    exp.append(("192.0.2.10", "192.0.2.20", 47, 0, 0, 0, 1, 0, 56))
    ipip = ipv4("172.16.0.1", "172.16.0.2", 6, tcp(5, 6))
    fr.append(eth(ipv4("192.0.2.30", "192.0.2.10", 4, ipip), E4))                # IPIP: 20+40=60
    exp.append(("192.0.2.10", "192.0.2.30", 4, 0, 0, 0, 1, 0, 60))
    in4 = ipv4("10.9.9.9", "10.8.8.8", 17, udp(53, 53, b"z" * 4))
    fr.append(eth(ipv6("2001:db8::20", "2001:db8::10", 4, in4), E6))             # 4in6: 40+32=72
    exp.append(("2001:db8::10", "2001:db8::20", 4, 0, 0, 0, 1, 0, 72))
    # Teredo-like: IPv4 UDP 3544 carrying IPv6 -> the outer UDP ports
    fr.append(eth(ipv4("192.0.2.40", "192.0.2.50", 17, udp(3544, 40001, in6)), E4))  # 20+8+60=88
    exp.append(("192.0.2.40", "192.0.2.50", 17, 3544, 40001, 1, 0, 88, 0))

    # 8. IPv6: hop-by-hop + destination options + UDP  -> proto 17
    S, D = "2001:db8::1", "2001:db8::2"
    u6 = udp(1234, 53, b"v" * 20, lambda n: pseudo6(S, D, 17, n))
    p = ext6(60, pad_opts(6)) + ext6(17, pad_opts(6)) + u6
    fr.append(eth(ipv6(S, D, 0, p), E6))                                       # 40+8+8+28 = 84
    exp.append((S, D, 17, 1234, 53, 1, 0, 84, 0))
    # routing header (type 0 segments left 0) + TCP
    rh = struct.pack("!BBBB4x", 6, 2, 0, 0) + v6("2001:db8::99")
    fr.append(eth(ipv6(D, S, 43, rh + tcp(80, 50000, 0x12)), E6))              # 40+24+20=84
    exp.append((S, D, 6, 50000, 80, 0, 1, 0, 84))
    # AH + TCP  (AH is skipped like an extension header: proto 6)
    fr.append(eth(ipv6(S, D, 51, ah6(6) + tcp(50000, 80, 0x10)), E6))          # 40+24+20=84
    exp[-1] = (S, D, 6, 50000, 80, 1, 1, 84, 84)
    # ESP: the protocol is 50
    fr.append(eth(ipv6(S, D, 50, struct.pack("!II", 0x200, 1) + b"e" * 24), E6))  # 40+32=72
    exp.append((S, D, 50, 0, 0, 1, 0, 72, 0))
    # no next header (59)
    fr.append(eth(ipv6(S, D, 59, b""), E6))                                    # 40
    exp.append((S, D, 59, 0, 0, 1, 0, 40, 0))

    # 9. IPv6 fragments: first (offset 0, M=1) after hop-by-hop, then the rest
    u6 = udp(7000, 7001, b"F" * 100, lambda n: pseudo6(S, D, 17, n))  # 108 bytes
    fr.append(eth(ipv6(S, D, 0, ext6(44, pad_opts(6)) + frag6(17, 0, True, 0xABCD) + u6[:56]), E6))  # 40+8+8+56=112
    fr.append(eth(ipv6(S, D, 44, frag6(17, 7, False, 0xABCD) + u6[56:]), E6))  # 40+8+52 = 100
    # lone non-first fragment (ident 0x5555): ports 0
    fr.append(eth(ipv6(D, S, 44, frag6(17, 7, False, 0x5555) + u6[56:]), E6))  # 100
    exp.append((S, D, 17, 7000, 7001, 2, 0, 212, 0))
    exp.append((S, D, 17, 0, 0, 0, 1, 0, 100))

    # 10. ICMPv6: echo request/reply, NS/NA, RS/RA, and an error
    fr.append(eth(ipv6(S, D, 58, icmp6(S, D, 128, 0, b"\0\1\0\1" + b"p" * 16)), E6))  # 40+24=64
    fr.append(eth(ipv6(D, S, 58, icmp6(D, S, 129, 0, b"\0\1\0\1" + b"p" * 16)), E6))  # 64
    exp.append((S, D, 58, 0, 128 * 256, 1, 1, 64, 64))
    fr.append(eth(ipv6(S, D, 58, icmp6(S, D, 135, 0, b"\0" * 4 + v6(D))), E6))   # 40+24=64
    fr.append(eth(ipv6(D, S, 58, icmp6(D, S, 136, 0, b"\x60\0\0\0" + v6(D))), E6))  # 64
    exp.append((S, D, 58, 0, 135 * 256, 1, 1, 64, 64))
    L, M = "fe80::1", "ff02::2"
    fr.append(eth(ipv6(L, M, 58, icmp6(L, M, 133, 0, b"\0" * 4)), E6))          # 40+8=48
    exp.append((L, M, 58, 0, 133 * 256, 1, 0, 48, 0))
    fr.append(eth(ipv6("fe80::2", L, 58, icmp6("fe80::2", L, 134, 0, b"\0" * 12)), E6))  # 40+16=56
    exp.append((L, "fe80::2", 58, 0, 133 * 256, 0, 1, 0, 56))
    q = ipv6(S, "2001:db8::77", 17, udp(7000, 33434, b"t" * 8))
    fr.append(eth(ipv6("2001:db8::fe", S, 58, icmp6("2001:db8::fe", S, 3, 0, b"\0" * 4 + q)), E6))  # 40+8+56=104
    exp.append((S, "2001:db8::fe", 58, 3 * 256, 0, 0, 1, 0, 104))

    # 11. side A ordering: IPv4 (mapped ::ffff:a.b.c.d) sorts after ::/96
    #     IPv6 and before everything else; equal IPs compare ports.
    fr.append(eth(ipv6("::2", "::1", 17, udp(9, 7, b"")), E6))                 # 48
    exp.append(("::1", "::2", 17, 7, 9, 0, 1, 0, 48))
    fr.append(eth(ipv4("10.5.0.5", "10.5.0.5", 17, udp(9000, 7, b"s")), E4))   # 29
    exp.append(("10.5.0.5", "10.5.0.5", 17, 7, 9000, 0, 1, 0, 29))
    fr.append(eth(ipv4("10.5.0.5", "10.5.0.5", 17, udp(7, 9000, b"ss")), E4))  # 30
    exp[-1] = ("10.5.0.5", "10.5.0.5", 17, 7, 9000, 1, 1, 30, 29)
    fr.append(eth(ipv4("255.255.255.255", "0.0.0.1", 17, udp(1, 2, b"")), E4))  # 28
    exp.append(("0.0.0.1", "255.255.255.255", 17, 2, 1, 0, 1, 0, 28))

    # 12. not IP: ARP, LLDP-ish -> ignored
    fr.append(eth(b"\0\1\x08\0\6\4\0\1" + MAC_A + v4("10.0.0.1") + b"\0" * 6 + v4("10.0.0.2"), 0x0806))
    fr.append(eth(b"\0" * 46, 0x88CC))
    # other protocol numbers: SCTP (132) gets no ports, UDP-Lite neither
    fr.append(eth(ipv4("10.6.0.1", "10.6.0.2", 132, struct.pack("!HHII", 5000, 5001, 0, 0)), E4))  # 32
    exp.append(("10.6.0.1", "10.6.0.2", 132, 0, 0, 1, 0, 32, 0))

    write_pcap(os.path.join(outdir, "synth-ethernet.pcap"), 1, fr)
    write_expected(os.path.join(outdir, "synth-ethernet.expected.tsv"), exp)

    # Linux cooked capture (DLT_LINUX_SLL 113) and raw IP (DLT_RAW 101)
    fr2 = [sll(ipv4("10.7.0.1", "10.7.0.2", 17, udp(111, 222, b"c" * 3)), E4),   # 31
           sll(ipv6("2001:db8::7", "2001:db8::8", 6, tcp(1, 2)), E6)]            # 60
    write_pcap(os.path.join(outdir, "synth-sll.pcap"), 113, fr2)
    write_expected(os.path.join(outdir, "synth-sll.expected.tsv"), [
        ("10.7.0.1", "10.7.0.2", 17, 111, 222, 1, 0, 31, 0),
        ("2001:db8::7", "2001:db8::8", 6, 1, 2, 1, 0, 60, 0)])
    fr3 = [ipv4("10.7.0.3", "10.7.0.4", 1, icmp(8, 0)),                          # 28
           ipv6("2001:db8::9", "2001:db8::7", 58, icmp6("2001:db8::9", "2001:db8::7", 129, 0, b"\0" * 4))]  # 48
    write_pcap(os.path.join(outdir, "synth-raw.pcap"), 101, fr3)
    write_expected(os.path.join(outdir, "synth-raw.expected.tsv"), [
        ("10.7.0.3", "10.7.0.4", 1, 0, 2048, 1, 0, 28, 0),
        ("2001:db8::7", "2001:db8::9", 58, 0, 128 * 256, 0, 1, 0, 48)])

    # Malformed outer IP headers: not sessions (DESIGN: decode outcomes "bad
    # header length", "truncated").
    # (Deliberately NOT included, the definition does not settle them: a
    # length field promising more than the frame held on the wire (tshark
    # counts the header's length, a decoder may call it a bad length); a TCP
    # header cut short on the wire; ethertype 0x0800 carrying version 6.)
    p = ipv4("10.8.0.1", "10.8.0.2", 17, udp(1, 2, b"x" * 10))
    fr4 = [eth(bytes([0x44]) + p[1:], E4),                                          # IHL 4
           eth(ipv4("10.8.0.1", "10.8.0.2", 17, udp(1, 2, b"x" * 10), total_len=16), E4),
           (eth(p, E4), 30),                                                        # 16 of 20 header bytes
           (eth(ipv6("2001:db8::1", "2001:db8::2", 17, udp(1, 2, b"")), E6), 40),  # 26 of 40
           eth(p, E4)]                                                              # a sane one: 38
    write_pcap(os.path.join(outdir, "synth-malformed.pcap"), 1, fr4)
    write_expected(os.path.join(outdir, "synth-malformed.expected.tsv"), [
        ("10.8.0.1", "10.8.0.2", 17, 1, 2, 1, 0, 38, 0)])

    # TSO: a host's own outgoing super-segments, IP length field 0; counted
    # with the frame's length after the link header (--tso wire, default)
    fr5 = [eth(ipv4("10.9.0.1", "10.9.0.2", 6, tcp(40000, 25, 0x18, b"m" * 4096), total_len=0), E4),
           eth(ipv4("10.9.0.1", "10.9.0.2", 6, tcp(40000, 25, 0x18, b"m" * 2000), total_len=0), E4,
               ((0x8100, 7),)),
           eth(ipv4("10.9.0.2", "10.9.0.1", 6, tcp(25, 40000, 0x10)), E4),
           eth(ipv6("2001:db8::1", "2001:db8::2", 6, tcp(40001, 443, 0x18, b"n" * 3000), plen=0), E6)]
    write_pcap(os.path.join(outdir, "synth-tso.pcap"), 1, fr5)
    write_expected(os.path.join(outdir, "synth-tso.expected.tsv"), [
        ("10.9.0.1", "10.9.0.2", 6, 40000, 25, 2, 1, 4136 + 2040, 40),
        ("2001:db8::1", "2001:db8::2", 6, 40001, 443, 1, 0, 3060, 0)])

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: synth_pcaps.py OUTDIR")
    build(sys.argv[1])
