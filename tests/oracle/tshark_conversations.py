#!/usr/bin/env python3
"""Independent oracle: ipaudit sessions (DESIGN.md "Sessions") computed from tshark.

    tshark_conversations.py PCAP            TSV of sessions on stdout
    tshark_conversations.py --rows FILE     same, from saved tshark rows (see FIELDS)
    tshark_conversations.py --self-test     logic self-test on synthetic rows (no tshark)

Output: header `ip_a ip_b proto port_a port_b pkts_ab pkts_ba bytes_ab bytes_ba`,
one line per session, sorted by the binary key (ip_a, ip_b as 16-byte
IPv4-mapped big-endian, proto, port_a, port_b).  A summary of what was read and
skipped goes to stderr (-q to silence).

The session definition implemented here, with NO local networks configured:
  * The conversation is the OUTERMOST IP header (tunnels: IP-in-IP, 6in4, 4in6,
    GRE, Teredo... count as the outer protocol; ICMP errors count by their own
    outer header, not the quoted one).
  * proto: IPv4 protocol field as is (AH 51 included); IPv6: the next header
    after the extension chain, skipping hop-by-hop 0, routing 43, fragment 44,
    destination options 60, mobility 135 and AH 51 (AH is skipped in IPv6
    only; ESP 50 is the protocol; 59 "no next header" is the protocol).
  * ports: TCP (6) / UDP (17) source/destination ports.  ICMP (1) and
    ICMPv6 (58): a reply (ICMP 0,14,16,18,9; ICMPv6 129,134,136,140) gets
    src port = (its request type)*256+code, dst port 0; any other type
    (requests, errors, unpaired) gets src port 0, dst port type*256+code.
    So the reply Y->X has the same bidirectional key as the request X->Y.
    Other protocols: ports 0.  The ICMP rule is applied by protocol number,
    whatever the IP version.
  * Non-first fragments (IPv4 fragment offset > 0, IPv6 fragment header
    offset > 0) take (proto and) ports of their datagram's first fragment
    (offset 0 with MF set), keyed by (src, dst, protocol, id); IPv6 keys use
    the fragment header's next-header value as "protocol" (identical in all
    fragments by RFC 8200).  Only a first fragment seen EARLIER in the file
    counts; otherwise ports 0 (and, for IPv6, proto = the fragment header's
    next header).  The cache is not bounded (small captures).
  * Side A: the smaller (ip16, port) pair; if both pairs are equal the
    packet counts as A->B.
  * bytes: IPv4 total length; IPv6 payload length + 40 (jumbogram: jumbo
    payload length + 40; TSO frames: see below).  Truncated frames count the header's
    length.  IPv4 addresses and IPv4-mapped IPv6 addresses (::ffff:a.b.c.d)
    share the same 16-byte key and print as dotted IPv4.
  * Frames without an IP layer, and frames whose outer IP header tshark
    could not parse (no source address: bogus header length, total length
    below header length, captured header incomplete), are not counted.

How the tshark fields are read (the quirks this works around):
  * `-E occurrence=a`: every occurrence of a field, in dissection (tree)
    order.  Element [0] is what `-E occurrence=f` would give: the outermost.
    All occurrences are needed to walk the IPv6 extension chain (each
    extension header type has its own *.nxt field; ipv6.nxt is the fixed
    header's Next Header only).
  * frame.protocols says whether the outermost IP layer is IPv4 or IPv6
    (ip.* and ipv6.* [0] are the outermost of each version: for 6in4 the
    ip.* is outer, for 4in6 ipv6.* is).
  * Transport fields (tcp/udp ports, icmp type) are only taken when the
    outer header's protocol says so; then element [0] is the outer one
    (an ICMP error's quoted TCP header comes later in the tree, and is only
    there when the outer protocol is ICMP anyway).
  * ip.defragment/ipv6.defragment off, so each fragment is its own frame,
    tshark still dissects the transport header of a FIRST fragment, and
    stops at the fragment header of a non-first one.
  * TSO: hosts doing TCP segmentation offload capture their own outgoing
    super-segments with IPv4 total length 0 (IPv6 payload length 0).  Pass 1
    runs with ip/ipv6.tso_support off, so such a length reads literally as 0
    (tshark: "Bogus IP length", no addresses; "ipv6.plen_zero").  With
    --tso wire (default) those frames are re-read from a pass 2 with
    tso_support on, where tshark substitutes the frame's length after the
    link header (what Wireshark shows as "[Total Length: N bytes (reported as
    0, presumed to be because of TSO)]"), and counted with that length;
    with --tso drop they are not counted.
  * TCP reassembly and sequence analysis off (speed; fields unaffected).
"""
import argparse
import ipaddress
import os
import shutil
import subprocess
import sys

FIELDS = [
    "frame.number", "frame.protocols",
    "ip.src", "ip.dst", "ip.proto", "ip.len", "ip.id", "ip.flags.mf", "ip.frag_offset",
    "ipv6.src", "ipv6.dst", "ipv6.plen", "ipv6.nxt",
    "ipv6.hopopts.nxt", "ipv6.routing.nxt", "ipv6.dstopts.nxt", "ah.next_header", "mip6.proto",
    "ipv6.fraghdr.nxt", "ipv6.fraghdr.offset", "ipv6.fraghdr.more", "ipv6.fraghdr.ident",
    "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport",
    "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code",
    "ip.bogus_ip_length", "ipv6.plen_zero", "ipv6.opt.jumbo",
]

TSHARK_PREFS = [
    "ip.defragment:FALSE", "ipv6.defragment:FALSE",
    "tcp.desegment_tcp_streams:FALSE", "tcp.analyze_sequence_numbers:FALSE",
]
# pass 1 reads the length fields literally; pass 2 (only if pass 1 found
# TSO frames and the policy is "wire") lets tshark substitute the wire length
TSO_OFF = ["ip.tso_support:FALSE", "ipv6.tso_support:FALSE"]
TSO_ON = ["ip.tso_support:TRUE", "ipv6.tso_support:TRUE"]
TSO_POLICIES = ("wire", "drop")

# IPv6 extension headers skipped to find the upper-layer protocol, and the
# tshark field holding each one's "next header".
IPV6_EXT_NXT_FIELD = {
    0: "ipv6.hopopts.nxt",
    43: "ipv6.routing.nxt",
    44: "ipv6.fraghdr.nxt",
    60: "ipv6.dstopts.nxt",
    51: "ah.next_header",
    135: "mip6.proto",
}

ICMP_REPLY_TO_REQUEST = {
    1: {0: 8, 14: 13, 16: 15, 18: 17, 9: 10},               # ICMP
    58: {129: 128, 134: 133, 136: 135, 140: 139},          # ICMPv6
}

HEADER = ["ip_a", "ip_b", "proto", "port_a", "port_b",
          "pkts_ab", "pkts_ba", "bytes_ab", "bytes_ba"]


class OracleError(Exception):
    pass


def tshark_command(pcap, tshark="tshark", tso=False):
    cmd = [tshark, "-r", pcap, "-n", "-T", "fields", "-E", "separator=/t",
           "-E", "header=n", "-E", "occurrence=a", "-E", "aggregator=,",
           "-E", "quote=n"]
    for p in TSHARK_PREFS + (TSO_ON if tso else TSO_OFF):
        cmd += ["-o", p]
    for f in FIELDS:
        cmd += ["-e", f]
    return cmd


def ip16(text):
    """16-byte key of an address (IPv4 -> IPv4-mapped IPv6)."""
    a = ipaddress.ip_address(text.strip())
    if a.version == 4:
        return b"\0" * 10 + b"\xff\xff" + a.packed
    return a.packed


def ip_text(b16):
    if b16[:12] == b"\0" * 10 + b"\xff\xff":
        return str(ipaddress.IPv4Address(b16[12:]))
    return ipaddress.IPv6Address(b16).compressed


def _int(s):
    s = s.strip()
    if s.lower() in ("true",):
        return 1
    if s.lower() in ("false",):
        return 0
    return int(s, 0) if s.lower().startswith("0x") else int(s)


def icmp_ports(proto, typ, code):
    req = ICMP_REPLY_TO_REQUEST[proto].get(typ)
    if req is not None:
        return req * 256 + code, 0
    return 0, typ * 256 + code


class Sessions:
    def __init__(self, tso_policy="wire"):
        assert tso_policy in TSO_POLICIES
        self.tso_policy = tso_policy
        self.tso_frames = set()  # frame numbers (str) of TSO frames (length field 0)
        self.table = {}          # key -> [pkts_ab, pkts_ba, bytes_ab, bytes_ba]
        self.frag_cache = {}     # (ver, src, dst, proto, id) -> (proto, sport, dport)
        self.stats = {"frames": 0, "ip_frames": 0, "non_ip": 0, "unparsed_ip": 0,
                      "first_fragments": 0, "nonfirst_attributed": 0,
                      "nonfirst_unattributed": 0, "transport_missing": 0,
                      "ipv6_chain_truncated": 0, "tso_wire": 0, "tso_dropped": 0}
        self.notes = []          # (frame, text) for unusual frames

    def note(self, frame, text):
        self.notes.append((frame, text))

    def add(self, src16, dst16, proto, sport, dport, nbytes):
        a, b = (src16, sport), (dst16, dport)
        if a <= b:
            key = (src16, dst16, proto, sport, dport)
            i = 0
        else:
            key = (dst16, src16, proto, dport, sport)
            i = 1
        e = self.table.setdefault(key, [0, 0, 0, 0])
        e[i] += 1
        e[2 + i] += nbytes

    def feed_row(self, cols):
        """cols: dict field -> list of occurrence strings (possibly empty)."""
        self.stats["frames"] += 1
        frame = cols["frame.number"][0] if cols["frame.number"] else "?"
        protos = cols["frame.protocols"][0].split(":") if cols["frame.protocols"] else []
        outer = next((p for p in protos if p in ("ip", "ipv6")), None)
        if outer is None:
            self.stats["non_ip"] += 1
            return
        g = lambda f: cols[f][0] if cols[f] else None  # noqa: E731  (occurrence f)
        if frame in self.tso_frames:
            if self.tso_policy == "drop":
                self.stats["tso_dropped"] += 1
                self.note(frame, "TSO frame (IP length field 0): dropped (--tso drop)")
                return
            self.stats["tso_wire"] += 1

        if outer == "ip":
            if None in (g("ip.src"), g("ip.dst"), g("ip.len"), g("ip.proto")):
                self.stats["unparsed_ip"] += 1
                self.note(frame, "outer IPv4 header not parsed by tshark: not counted")
                return
            src, dst = ip16(g("ip.src")), ip16(g("ip.dst"))
            proto = _int(g("ip.proto"))
            nbytes = _int(g("ip.len"))
            ident = _int(g("ip.id")) if g("ip.id") is not None else 0
            off = _int(g("ip.frag_offset") or "0")
            mf = _int(g("ip.flags.mf") or "0")
            frag = (4, src, dst, proto, ident)
            nonfirst = off > 0
            first = (off == 0 and mf == 1)
        else:
            if None in (g("ipv6.src"), g("ipv6.dst"), g("ipv6.plen"), g("ipv6.nxt")):
                self.stats["unparsed_ip"] += 1
                self.note(frame, "outer IPv6 header not parsed by tshark: not counted")
                return
            src, dst = ip16(g("ipv6.src")), ip16(g("ipv6.dst"))
            nbytes = _int(g("ipv6.plen")) + 40
            if nbytes == 40 and g("ipv6.opt.jumbo") is not None:
                nbytes = _int(g("ipv6.opt.jumbo")) + 40
                self.note(frame, "IPv6 jumbogram")
            proto = _int(g("ipv6.nxt"))
            used = {}
            frag, nonfirst, first = None, False, False
            while proto in IPV6_EXT_NXT_FIELD:
                field = IPV6_EXT_NXT_FIELD[proto]
                k = used.get(field, 0)
                used[field] = k + 1
                vals = cols[field]
                if k >= len(vals):
                    # chain not dissected further (truncated capture):
                    # the last known header number stands as the protocol
                    self.stats["ipv6_chain_truncated"] += 1
                    self.note(frame, "IPv6 extension chain truncated at header %d" % proto)
                    break
                nxt = _int(vals[k])
                if proto == 44:
                    off = _int(cols["ipv6.fraghdr.offset"][k])
                    more = _int(cols["ipv6.fraghdr.more"][k])
                    ident = _int(cols["ipv6.fraghdr.ident"][k])
                    frag = (6, src, dst, nxt, ident)
                    if off > 0:
                        nonfirst = True
                        proto = nxt
                        break
                    first = bool(more)
                proto = nxt

        if nonfirst:
            hit = self.frag_cache.get(frag)
            if hit is not None:
                self.stats["nonfirst_attributed"] += 1
                proto, sport, dport = hit
            else:
                self.stats["nonfirst_unattributed"] += 1
                sport = dport = 0
        else:
            sport = dport = 0
            if proto in (6, 17):
                name = "tcp" if proto == 6 else "udp"
                sp, dp = cols[name + ".srcport"], cols[name + ".dstport"]
                if sp and dp:
                    sport, dport = _int(sp[0]), _int(dp[0])
                else:
                    self.stats["transport_missing"] += 1
                    self.note(frame, "%s header not captured: ports 0" % name)
            elif proto in (1, 58):
                name = "icmp" if proto == 1 else "icmpv6"
                t, c = cols[name + ".type"], cols[name + ".code"]
                if t and c:
                    sport, dport = icmp_ports(proto, _int(t[0]), _int(c[0]))
                else:
                    self.stats["transport_missing"] += 1
                    self.note(frame, "%s header not captured: ports 0" % name)
            if first:
                self.stats["first_fragments"] += 1
                self.frag_cache[frag] = (proto, sport, dport)
        self.stats["ip_frames"] += 1
        self.add(src, dst, proto, sport, dport, nbytes)

    def feed_line(self, line):
        self.feed_row(split_line(line))

    def rows(self):
        for key in sorted(self.table):
            a, b, proto, pa, pb = key
            e = self.table[key]
            yield (ip_text(a), ip_text(b), proto, pa, pb, e[0], e[1], e[2], e[3])

    def write(self, out):
        out.write("\t".join(HEADER) + "\n")
        for r in self.rows():
            out.write("\t".join(str(x) for x in r) + "\n")

    def summary(self, name=""):
        s = self.stats
        txt = ("%s: %d frames, %d IP counted, %d non-IP, %d IP not parsable, "
               "%d sessions; fragments: %d first, %d non-first attributed, "
               "%d non-first unattributed; %d transport header missing, "
               "%d IPv6 chains truncated; TSO frames: %d counted at wire length, "
               "%d dropped" % (
                   name, s["frames"], s["ip_frames"], s["non_ip"], s["unparsed_ip"],
                   len(self.table), s["first_fragments"], s["nonfirst_attributed"],
                   s["nonfirst_unattributed"], s["transport_missing"],
                   s["ipv6_chain_truncated"], s["tso_wire"], s["tso_dropped"]))
        return txt


def _tshark_lines(pcap, tshark, tso):
    cmd = tshark_command(pcap, tshark, tso)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, errors="replace")
    err = "\n".join(l for l in p.stderr.splitlines()
                    if "Running as user" not in l and l.strip())
    if p.returncode != 0:
        raise OracleError("tshark failed (%d) on %s: %s" % (p.returncode, pcap, err))
    return [l for l in p.stdout.splitlines() if l.strip()], err


def split_line(line):
    parts = line.rstrip("\r\n").split("\t")
    if len(parts) < len(FIELDS):
        parts += [""] * (len(FIELDS) - len(parts))
    # frame.protocols never contains ','; the other fields are numbers/addresses
    return {f: (v.split(",") if v != "" else []) for f, v in zip(FIELDS, parts)}


def tso_frame(cols):
    """Is this a frame whose OUTER IP length field is 0 (TCP segmentation
    offload on the capturing host)?  Judged on pass-1 (literal) fields."""
    protos = cols["frame.protocols"][0].split(":") if cols["frame.protocols"] else []
    outer = next((p for p in protos if p in ("ip", "ipv6")), None)
    if outer == "ip":
        return (cols["ip.len"][:1] == ["0"] and bool(cols["ip.bogus_ip_length"])
                and not cols["ip.src"])
    if outer == "ipv6":
        return (cols["ipv6.plen"][:1] == ["0"] and bool(cols["ipv6.plen_zero"])
                and not cols["ipv6.opt.jumbo"])
    return False


def run_tshark(pcap, tshark="tshark", tso_policy="wire"):
    """Sessions of one capture, from tshark.

    TSO frames (IPv4 total length 0 / IPv6 payload length 0 without jumbo
    option, as captured on a host doing TCP segmentation offload): policy
    "wire" counts them with the length tshark presumes (the frame's bytes
    after the link header, pass 2 with ip/ipv6.tso_support on), "drop" does
    not count them."""
    if shutil.which(tshark) is None:
        raise OracleError("tshark not found")
    lines, err = _tshark_lines(pcap, tshark, tso=False)
    rows = [split_line(l) for l in lines]
    s = Sessions(tso_policy)
    tso = [i for i, c in enumerate(rows) if tso_frame(c)]
    s.tso_frames = {rows[i]["frame.number"][0] for i in tso}
    if tso and tso_policy == "wire":
        lines2, err2 = _tshark_lines(pcap, tshark, tso=True)
        rows2 = [split_line(l) for l in lines2]
        if len(rows2) != len(rows):
            raise OracleError("tshark passes disagree on the frame count of %s" % pcap)
        for i in tso:
            if rows2[i]["frame.number"] != rows[i]["frame.number"]:
                raise OracleError("tshark passes disagree on frame order in %s" % pcap)
            rows[i] = rows2[i]
    for c in rows:
        s.feed_row(c)
    if err:
        s.note("-", "tshark stderr: " + err)
    return s


# --------------------------------------------------------------------------
# self-test of the logic on synthetic tshark rows (no tshark needed)


def _row(**kw):
    """A synthetic tshark row: keyword names use '_' for '.'; values are
    comma-joined occurrence lists exactly as tshark prints them."""
    cols = {f: [] for f in FIELDS}
    names = {f.replace(".", "_"): f for f in FIELDS}
    for k, v in kw.items():
        f = names[k]
        cols[f] = str(v).split(",") if v != "" else []
    return "\t".join(",".join(cols[f]) for f in FIELDS)


def self_test():
    R = _row
    lines = [
        # ICMP echo request 10.0.0.1 -> 10.0.0.2 and its reply
        R(frame_number=1, frame_protocols="eth:ethertype:ip:icmp:data", ip_src="10.0.0.1",
          ip_dst="10.0.0.2", ip_proto=1, ip_len=84, ip_id=1, ip_flags_mf=0,
          ip_frag_offset=0, icmp_type=8, icmp_code=0),
        R(frame_number=2, frame_protocols="eth:ethertype:ip:icmp:data", ip_src="10.0.0.2",
          ip_dst="10.0.0.1", ip_proto=1, ip_len=84, ip_id=2, ip_flags_mf=0,
          ip_frag_offset=0, icmp_type=0, icmp_code=0),
        # ICMP error quoting a TCP header: outer fields [0], inner ignored
        R(frame_number=3, frame_protocols="eth:ethertype:ip:icmp:ip:tcp",
          ip_src="192.168.1.1,10.0.0.1", ip_dst="10.0.0.1,10.0.0.2", ip_proto="1,6",
          ip_len="576,1500", ip_id="9,3", ip_flags_mf="0,0", ip_frag_offset="0,0",
          icmp_type=3, icmp_code=4, tcp_srcport=1470, tcp_dstport=25),
        # IPv4 UDP first fragment, then a non-first fragment of it, then a
        # non-first fragment of an unseen datagram
        R(frame_number=4, frame_protocols="eth:ethertype:ip:udp:data", ip_src="10.0.0.1",
          ip_dst="10.0.0.3", ip_proto=17, ip_len=1500, ip_id=0x1234, ip_flags_mf=1,
          ip_frag_offset=0, udp_srcport=5000, udp_dstport=2049),
        R(frame_number=5, frame_protocols="eth:ethertype:ip:data", ip_src="10.0.0.1",
          ip_dst="10.0.0.3", ip_proto=17, ip_len=300, ip_id=0x1234, ip_flags_mf=0,
          ip_frag_offset=1480),
        R(frame_number=6, frame_protocols="eth:ethertype:ip:data", ip_src="10.0.0.1",
          ip_dst="10.0.0.3", ip_proto=17, ip_len=200, ip_id=0x4321, ip_flags_mf=0,
          ip_frag_offset=1480),
        # IPv6: hop-by-hop -> dstopts -> fragment (first) -> dstopts -> UDP,
        # then the non-first fragment (fragment header nxt 60: keyed on it)
        R(frame_number=7, frame_protocols="eth:ethertype:ipv6:ipv6.hopopts:ipv6.dstopts:"
          "ipv6.fraghdr:ipv6.dstopts:udp:data", ipv6_src="2001:db8::2", ipv6_dst="2001:db8::1",
          ipv6_plen=1456, ipv6_nxt=0, ipv6_hopopts_nxt=60, ipv6_dstopts_nxt="44,17",
          ipv6_fraghdr_nxt=60, ipv6_fraghdr_offset=0, ipv6_fraghdr_more=1,
          ipv6_fraghdr_ident=77, udp_srcport=53, udp_dstport=1234),
        R(frame_number=8, frame_protocols="eth:ethertype:ipv6:ipv6.fraghdr:data",
          ipv6_src="2001:db8::2", ipv6_dst="2001:db8::1", ipv6_plen=100, ipv6_nxt=44,
          ipv6_fraghdr_nxt=60, ipv6_fraghdr_offset=1440, ipv6_fraghdr_more=0,
          ipv6_fraghdr_ident=77),
        # IPv6 AH (skipped) -> TCP; routing -> ESP (the protocol)
        R(frame_number=9, frame_protocols="eth:ethertype:ipv6:ah:tcp", ipv6_src="2001:db8::1",
          ipv6_dst="2001:db8::2", ipv6_plen=44, ipv6_nxt=51, ah_next_header=6,
          tcp_srcport=80, tcp_dstport=443),
        R(frame_number=10, frame_protocols="eth:ethertype:ipv6:ipv6.routing:esp",
          ipv6_src="2001:db8::1", ipv6_dst="2001:db8::2", ipv6_plen=60, ipv6_nxt=43,
          ipv6_routing_nxt=50),
        # ICMPv6 neighbour advert (136 -> 135) from ::1 to ::2, and an
        # ICMPv6 error quoting an IPv6 hop-by-hop header (inner chain ignored)
        R(frame_number=11, frame_protocols="eth:ethertype:ipv6:icmpv6", ipv6_src="::1",
          ipv6_dst="::2", ipv6_plen=24, ipv6_nxt=58, icmpv6_type=136, icmpv6_code=0),
        R(frame_number=12, frame_protocols="eth:ethertype:ipv6:icmpv6:ipv6:ipv6.hopopts:udp",
          ipv6_src="2001:db8::fe", ipv6_dst="2001:db8::1,2001:db8::9", ipv6_plen="80,40",
          ipv6_nxt="58,0", ipv6_hopopts_nxt=17, icmpv6_type=1, icmpv6_code=4,
          udp_srcport=1, udp_dstport=2),
        # 6in4: outer IPv4 proto 41; inner ipv6/tcp fields must be ignored
        R(frame_number=13, frame_protocols="eth:ethertype:ip:ipv6:tcp", ip_src="198.51.100.1",
          ip_dst="10.0.0.1", ip_proto=41, ip_len=80, ip_id=5, ip_flags_mf=0,
          ip_frag_offset=0, ipv6_src="2001:db8::a", ipv6_dst="2001:db8::b", ipv6_plen=20,
          ipv6_nxt=6, tcp_srcport=1, tcp_dstport=2),
        # 4in6: outer IPv6 nxt 4; inner ip/udp fields ignored
        R(frame_number=14, frame_protocols="sll:ethertype:ipv6:ip:udp", ipv6_src="2001:db8::1",
          ipv6_dst="2001:db8::2", ipv6_plen=28, ipv6_nxt=4, ip_src="1.1.1.1", ip_dst="2.2.2.2",
          ip_proto=17, ip_len=28, ip_id=1, ip_flags_mf=0, ip_frag_offset=0,
          udp_srcport=53, udp_dstport=53),
        # side A ordering: ::1 (IPv6, below ::ffff:0:0/96) vs IPv4 addresses;
        # equal IPs order by port
        R(frame_number=15, frame_protocols="eth:ethertype:ip:udp", ip_src="10.5.0.5",
          ip_dst="10.5.0.5", ip_proto=17, ip_len=29, ip_id=1, ip_flags_mf=0,
          ip_frag_offset=0, udp_srcport=9000, udp_dstport=7),
        # non-IP frame and unparsable IP header
        R(frame_number=16, frame_protocols="eth:ethertype:arp"),
        R(frame_number=17, frame_protocols="eth:ethertype:ip"),
        # booleans printed as True/False by newer tshark
        R(frame_number=18, frame_protocols="eth:ethertype:ip:udp", ip_src="10.0.0.1",
          ip_dst="10.0.0.3", ip_proto=17, ip_len=1500, ip_id=0x5555, ip_flags_mf="True",
          ip_frag_offset=0, udp_srcport=6000, udp_dstport=6001),
        R(frame_number=19, frame_protocols="eth:ethertype:ip:data", ip_src="10.0.0.1",
          ip_dst="10.0.0.3", ip_proto=17, ip_len=28, ip_id=0x5555, ip_flags_mf="False",
          ip_frag_offset=1480),
    ]
    s = Sessions()
    for l in lines:
        s.feed_line(l)
    got = list(s.rows())
    want = [
        ("::1", "::2", 58, 34560, 0, 1, 0, 64, 0),
        ("10.0.0.1", "10.0.0.2", 1, 0, 2048, 1, 1, 84, 84),
        ("10.0.0.1", "10.0.0.3", 17, 0, 0, 1, 0, 200, 0),
        ("10.0.0.1", "10.0.0.3", 17, 5000, 2049, 2, 0, 1800, 0),
        ("10.0.0.1", "10.0.0.3", 17, 6000, 6001, 2, 0, 1528, 0),
        ("10.0.0.1", "192.168.1.1", 1, 772, 0, 0, 1, 0, 576),
        ("10.0.0.1", "198.51.100.1", 41, 0, 0, 0, 1, 0, 80),
        ("10.5.0.5", "10.5.0.5", 17, 7, 9000, 0, 1, 0, 29),
        ("2001:db8::1", "2001:db8::2", 4, 0, 0, 1, 0, 68, 0),
        ("2001:db8::1", "2001:db8::2", 6, 80, 443, 1, 0, 84, 0),
        ("2001:db8::1", "2001:db8::2", 17, 1234, 53, 0, 2, 0, 1636),
        ("2001:db8::1", "2001:db8::2", 50, 0, 0, 1, 0, 100, 0),
        ("2001:db8::1", "2001:db8::fe", 58, 260, 0, 0, 1, 0, 120),
    ]
    ok = True
    if got != want:
        ok = False
        print("self-test FAILED", file=sys.stderr)
        for r in sorted(set(got) - set(want)):
            print("  unexpected: %s" % (r,), file=sys.stderr)
        for r in sorted(set(want) - set(got)):
            print("  missing:    %s" % (r,), file=sys.stderr)
        if set(got) == set(want):
            print("  (same rows, wrong order)", file=sys.stderr)
    st = s.stats
    exp_stats = {"frames": 19, "ip_frames": 17, "non_ip": 1, "unparsed_ip": 1,
                 "first_fragments": 3, "nonfirst_attributed": 3,
                 "nonfirst_unattributed": 1}
    for k, v in exp_stats.items():
        if st[k] != v:
            ok = False
            print("self-test FAILED: stats[%s] = %d, want %d" % (k, st[k], v), file=sys.stderr)
    # ordering primitives
    if not (ip16("::1") < ip16("0.0.0.0") < ip16("255.255.255.255") < ip16("fe80::1")):
        ok = False
        print("self-test FAILED: address ordering", file=sys.stderr)
    if ip_text(ip16("::ffff:1.2.3.4")) != "1.2.3.4" or ip_text(ip16("2001:db8:0:0::1")) != "2001:db8::1":
        ok = False
        print("self-test FAILED: address text", file=sys.stderr)
    print("self-test %s" % ("passed" if ok else "FAILED"), file=sys.stderr)
    return 0 if ok else 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pcap", nargs="?")
    ap.add_argument("--rows", help="read saved tshark rows (fields in FIELDS order) instead")
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("--print-command", action="store_true",
                    help="print the tshark command line and exit")
    ap.add_argument("--tshark", default=os.environ.get("TSHARK", "tshark"))
    ap.add_argument("--tso", choices=TSO_POLICIES, default="wire",
                    help="frames whose IP length field is 0 (TCP segmentation offload): "
                         "count the wire length tshark presumes (default) or drop them")
    ap.add_argument("-q", "--quiet", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true", help="list unusual frames on stderr")
    a = ap.parse_args(argv)
    if a.self_test:
        return self_test()
    if a.print_command:
        print(" ".join(tshark_command(a.pcap or "PCAP", a.tshark)))
        return 0
    try:
        if a.rows:
            s = Sessions()
            with open(a.rows) as f:
                for line in f:
                    if line.strip():
                        s.feed_line(line)
            name = a.rows
        elif a.pcap:
            s = run_tshark(a.pcap, a.tshark, a.tso)
            name = a.pcap
        else:
            ap.error("PCAP, --rows or --self-test required")
    except OracleError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    s.write(sys.stdout)
    if not a.quiet:
        print(s.summary(name), file=sys.stderr)
        for fr, t in s.notes[: (None if a.verbose else 10)]:
            print("  frame %s: %s" % (fr, t), file=sys.stderr)
        if not a.verbose and len(s.notes) > 10:
            print("  ... %d more (-v)" % (len(s.notes) - 10), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
