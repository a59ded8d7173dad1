#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ (see README.md).

decoder: frames taken from the test captures (../shared/pcaps, or PCAP_DIR), one per kind of
frame (link type, ethertype, IP protocol, fragment, ...), cut to 256 bytes as ipauditd's default
snaplen does; plus frames re-wrapped in the link layers the captures lack (NULL, LOOP, SLL2, PPP,
raw IPv4/IPv6) and a few multi-frame inputs (a TCP conversation, IP fragments). The other
targets get hand-written text seeds (config lines, network lists, form fields).

Deterministic: running it again gives the same files. The input layouts are described at the top
of each tests/fuzz/fuzz_<target>.cpp.

    tests/fuzz/make_seeds.py [PCAP_DIR]
"""
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
REPO = os.path.dirname(os.path.dirname(HERE))

# fuzz_decoder.cpp's kLinkTypes, by index.
SEL_EN10MB, SEL_RAW, SEL_NULL, SEL_LOOP, SEL_SLL, SEL_SLL2 = 0, 1, 2, 3, 4, 5
SEL_PPP, SEL_IPV4, SEL_IPV6, SEL_CHDLC, SEL_PPP_SERIAL, SEL_UNSUPPORTED = 6, 7, 8, 9, 10, 11
# LINKTYPE_* values in capture files -> selector.
LINKTYPES = {1: SEL_EN10MB, 101: SEL_RAW, 12: SEL_RAW, 14: SEL_RAW, 0: SEL_NULL, 108: SEL_LOOP,
             113: SEL_SLL, 276: SEL_SLL2, 9: SEL_PPP, 228: SEL_IPV4, 229: SEL_IPV6, 104: SEL_CHDLC,
             50: SEL_PPP_SERIAL}
# fuzz_decoder.cpp's option bits.
MULTI, SNAP, LOCAL, JUMPS, BACK, TINY, UNTIMED = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40
SNAPLEN = 256


def read_capture(path):
    """(linktype, [frames]) of a pcap or pcapng file; ([], None) when it is neither."""
    data = open(path, "rb").read()
    if len(data) < 24:
        return None, []
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = "<" if magic[0] in (0xD4, 0x4D) else ">"
        linktype = struct.unpack(e + "I", data[20:24])[0] & 0x03FFFFFF
        frames, pos = [], 24
        while pos + 16 <= len(data):
            caplen = struct.unpack(e + "I", data[pos + 8:pos + 12])[0]
            frames.append(data[pos + 16:pos + 16 + caplen])
            pos += 16 + caplen
        return linktype, frames
    if magic == b"\x0a\x0d\x0d\x0a":  # pcapng: the first interface's link type, its EPBs
        e = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
        linktype, frames, pos = None, [], 0
        while pos + 12 <= len(data):
            btype, blen = struct.unpack(e + "II", data[pos:pos + 8])
            if blen < 12:
                break
            body = data[pos + 8:pos + blen - 4]
            if btype == 1 and linktype is None:
                linktype = struct.unpack(e + "H", body[:2])[0]
            elif btype == 6 and len(body) >= 20:
                caplen = struct.unpack(e + "I", body[12:16])[0]
                frames.append(body[20:20 + caplen])
            pos += blen
        return linktype, frames
    return None, []


def frame_kind(sel, frame):
    """What makes a frame interesting: link type, ethertype(s), IP version, protocol, fragment."""
    kind = [sel]
    ip = None
    if sel == SEL_EN10MB and len(frame) >= 14:
        et, off = struct.unpack(">H", frame[12:14])[0], 14
        while et in (0x8100, 0x88A8, 0x9100) and len(frame) >= off + 4:
            kind.append(et)
            et, off = struct.unpack(">H", frame[off + 2:off + 4])[0], off + 4
        kind.append(et)
        if et in (0x0800, 0x86DD):
            ip = frame[off:]
    elif sel == SEL_SLL and len(frame) >= 16:
        et = struct.unpack(">H", frame[14:16])[0]
        kind.append(et)
        ip = frame[16:] if et in (0x0800, 0x86DD) else None
    elif sel in (SEL_RAW, SEL_IPV4, SEL_IPV6):
        ip = frame
    else:
        kind.append(frame[:4])
    if ip:
        version = ip[0] >> 4
        kind.append(version)
        if version == 4 and len(ip) >= 20:
            frag = struct.unpack(">H", ip[6:8])[0] & 0x3FFF
            kind += [ip[9], (ip[0] & 15) > 5, frag != 0]
        elif version == 6 and len(ip) >= 40:
            kind.append(ip[6])
    return tuple(kind)


def decoder_input(sel, options, frames):
    if len(frames) == 1 and not options & MULTI:
        return bytes([sel, options]) + frames[0]
    out = bytes([sel, options | MULTI])
    for f in frames:
        out += struct.pack(">H", len(f)) + f
    return out


def cut(frame):
    return frame[:SNAPLEN], (SNAP if len(frame) > SNAPLEN else 0)


def ipv4_packet():
    payload = struct.pack(">HHHH", 40000, 53, 8 + 12, 0) + b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, 17, 0,
                       bytes([10, 0, 0, 1]), bytes([192, 0, 2, 53])) + payload


def ipv6_packet():
    tcp = struct.pack(">HHIIBBHHH", 443, 50000, 1, 2, 5 << 4, 0x12, 65535, 0, 0)
    return struct.pack(">IHBB16s16s", 6 << 28, len(tcp), 6, 64, bytes.fromhex("20010db8" + "00" * 11 + "01"),
                       bytes.fromhex("20010db8" + "00" * 11 + "02")) + tcp


def ipv4_fragments():
    """One UDP datagram in three fragments (first, middle, last), then the last one again alone."""
    body = struct.pack(">HHHH", 5353, 5353, 8 + 40, 0) + bytes(range(40))
    frags = []
    for off, more in ((0, 1), (16, 1), (32, 0)):
        part = body[off:off + 16] if more else body[off:]
        frags.append(struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(part), 0x4242, (more << 13) | (off // 8), 64,
                                 17, 0, bytes([10, 1, 2, 3]), bytes([198, 51, 100, 7])) + part)
    return frags


def wrap(sel, ip):
    v6 = ip[0] >> 4 == 6
    if sel == SEL_NULL:
        return struct.pack("<I", 30 if v6 else 2) + ip
    if sel == SEL_LOOP:
        return struct.pack(">I", 30 if v6 else 2) + ip
    if sel == SEL_SLL2:  # protocol, reserved, ifindex, hatype, pkttype, addrlen, address
        return struct.pack(">HHIHBB8s", 0x86DD if v6 else 0x0800, 0, 2, 1, 0, 6, bytes(8)) + ip
    if sel == SEL_SLL:
        return struct.pack(">HHH8sH", 0, 1, 6, bytes(8), 0x86DD if v6 else 0x0800) + ip
    if sel in (SEL_PPP, SEL_PPP_SERIAL):
        return b"\xff\x03" + struct.pack(">H", 0x57 if v6 else 0x21) + ip
    if sel == SEL_CHDLC:
        return b"\x0f\x00" + struct.pack(">H", 0x86DD if v6 else 0x0800) + ip
    if sel == SEL_EN10MB:
        return bytes(6) + bytes([2, 0, 0, 0, 0, 1]) + struct.pack(">H", 0x86DD if v6 else 0x0800) + ip
    return ip


def decoder_seeds(pcap_dir):
    seeds = {}
    if pcap_dir and os.path.isdir(pcap_dir):
        seen = set()
        per_link = {}
        paths = []
        for sub in ("real", "tcpdump-tests"):
            d = os.path.join(pcap_dir, sub)
            if os.path.isdir(d):
                paths += [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith((".pcap", ".pcapng"))]
        for path in paths:
            linktype, frames = read_capture(path)
            sel = LINKTYPES.get(linktype)
            if sel is None:
                continue
            for i, frame in enumerate(frames[:200]):
                kind = frame_kind(sel, frame)
                if kind in seen or per_link.get(sel, 0) >= 8:
                    continue
                seen.add(kind)
                per_link[sel] = per_link.get(sel, 0) + 1
                data, snap = cut(frame)
                name = "%s-%d" % (os.path.splitext(os.path.basename(path))[0], i)
                seeds[name] = decoder_input(sel, snap, [data])
        # A conversation: the first frames of a real capture, oriented by --local, short intervals.
        for name, options in (("zeek-sshguess", LOCAL), ("zeek-smtp", JUMPS | BACK | UNTIMED)):
            path = os.path.join(pcap_dir, "real", name + ".pcap")
            if os.path.exists(path):
                _, frames = read_capture(path)
                seeds["multi-" + name] = decoder_input(SEL_EN10MB, options | MULTI, [cut(f)[0] for f in frames[:12]])
        for name in ("ip6_frag_asan", "ipv6_frag6_negative_len"):
            path = os.path.join(pcap_dir, "tcpdump-tests", name + ".pcap")
            if os.path.exists(path):
                linktype, frames = read_capture(path)
                if linktype in LINKTYPES:
                    seeds["multi-" + name] = decoder_input(LINKTYPES[linktype], MULTI, [cut(f)[0] for f in frames[:8]])
    # Link layers the captures lack, around an IPv4 UDP and an IPv6 TCP packet.
    for sel, label in ((SEL_NULL, "null"), (SEL_LOOP, "loop"), (SEL_SLL2, "sll2"), (SEL_SLL, "sll"),
                       (SEL_PPP, "ppp"), (SEL_CHDLC, "chdlc"), (SEL_IPV4, "ipv4"), (SEL_IPV6, "ipv6"),
                       (SEL_UNSUPPORTED, "unsupported")):
        for ip, family in ((ipv4_packet(), "v4"), (ipv6_packet(), "v6")):
            if (sel == SEL_IPV4 and family == "v6") or (sel == SEL_IPV6 and family == "v4"):
                continue
            seeds["synth-%s-%s" % (label, family)] = decoder_input(sel, LOCAL, [wrap(sel, ip)])
    frags = ipv4_fragments()
    seeds["synth-ipv4-fragments"] = decoder_input(SEL_EN10MB, MULTI | LOCAL, [wrap(SEL_EN10MB, f) for f in frags])
    seeds["synth-ipv4-fragments-reordered"] = decoder_input(SEL_RAW, MULTI, [frags[2], frags[1], frags[0], frags[2]])
    seeds["synth-tiny-budget"] = decoder_input(SEL_RAW, MULTI | TINY, [ipv4_packet(), ipv6_packet()] * 4)
    return seeds


def text_seeds():
    network_list = {
        "local-v4": "10.0.0.0/8",
        "local-v4-v6": "10.0.0.0/8,2001:db8::/32",
        "partial-and-range": "137.99.11 137.99 10 192.168.1.10-192.168.1.50",
        "exclude": "10.0.0.0/8,!10.0.5.0/24,!10.0.6.7|224.0.0.0/4,255.255.255.255|10.0.5.1,10.0.6.7,10.1.1.1",
        "mapped-v6": "::ffff:10.0.0.0/104,fe80::/10|ff00::/8|::ffff:10.1.2.3 fe80::1 ff02::1",
        "edges": "0.0.0.0/0,::/0|255.255.255.255-255.255.255.255|0.0.0.0 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "bad": "10.0.0.0/33,1.2.3.4-::1,!",
    }
    config = {
        "search-report-keys": "data-dir = /var/lib/ipaudit\nports = /etc/ipaudit/ports.conf\n"
                              "min-targets = 50\nexpected-servers = 10.0.0.1:53, [2001:db8::1]:443\n",
        "daemon": "interface = eth0\nlocal = 10.0.0.0/8\nlocal = 2001:db8::/32\nother = 224.0.0.0/4\n"
                  "interval = 900\nsnaplen = 128\nmax-memory = 512M\ncarry-window = 60\nlog = syslog\n"
                  "# comment\nsensor = edge-1\nbuffer-size = 64\nretry-interval = 5\n",
        "errors": "interval = 7\nsnaplen = x\nlocal = 10.0.0.0/40\nmin-targets = 0\nfoo\n= bar\n",
        "repeated": "interval = 300\ninterval = 600\ndata-dir = /a\ndata-dir = /b\n",
        "ports": "22/tcp SSH service\n53 DNS service\n445/tcp SMB risk\n6881-6889/tcp BitTorrent p2p\n"
                 "# comment\n65535/udp last\n0/tcp zero\n",
        "sizes": "max-memory = 18446744073709551615\nmax-memory = 16T\nmax-memory = -1\n",
    }
    for name in ("ipaudit.conf", "ports.conf"):
        path = os.path.join(REPO, "conf", name)
        if os.path.exists(path):
            with open(path, "rb") as f:
                text = f.read()
            if len(text) <= 16384:
                config["conf-" + name] = text.decode("utf-8", "replace")
    search_form = {
        "all-fields": "10.1.0.0/16\n80,443,8000-8099\ntcp\n10k\nlocal\n100\n2024-03-09\n2024-03-10 12:30\n"
                      "10.0.0.1:53,[2001:db8::1]:443\n1711848600\nfrom=2024-03-09&to=2024-03-10&top=10&format=csv&ip=10.0.0.1&port=53",
        "relative": "2001:db8::/48\n0-65535\nicmp6\n1G\nremote\n1\n-2d\nnow\n\n\nfrom=-3h&to=now&format=json",
        "dst-gap": "::ffff:10.0.0.1\n65535\n255\n0\nany\n100000\n2024-03-31 02:30\n2024-10-27 02:30\n\n1711848600\n"
                   "from=2024-03-31%2002%3A30&to=2024-10-27T02%3A30",
        "bad": "10.0.0.0/33\n80-79\nfoo\n1x\nboth\n0\n2024-02-30\nyesterday\n10.0.0.1\n-1\n"
               "from=%ff%fe&to=%01&top=-1&format=xml&ip=%3Cscript%3E",
        "cgi-only": "\n\n\n\n\n\n\n\n\n\nfrom=today&to=today&top=0&ip=10.0.0.0%2F8&port=22%2C443&x=%E2%82%AC",
    }
    return {"network_list": network_list, "config": config, "search_form": search_form}


def write_corpus(target, seeds):
    d = os.path.join(CORPUS, target)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    for name, data in sorted(seeds.items()):
        if isinstance(data, str):
            data = data.encode()
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
        with open(os.path.join(d, safe), "wb") as f:
            f.write(data)
    total = sum(len(v) if isinstance(v, bytes) else len(v.encode()) for v in seeds.values())
    print("%s: %d seeds, %d bytes" % (target, len(seeds), total))


def main():
    pcap_dir = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        "PCAP_DIR", os.path.join(os.path.dirname(REPO), "shared", "pcaps"))
    write_corpus("decoder", decoder_seeds(pcap_dir))
    for target, seeds in text_seeds().items():
        write_corpus(target, seeds)


if __name__ == "__main__":
    main()
