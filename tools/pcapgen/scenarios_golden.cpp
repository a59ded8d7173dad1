// Small hand-made captures for golden tests: one decoding feature or edge case each.
//
// Every scenario starts at --start (T below; default 2026-11-02 09:00:00 UTC, aligned to the
// 1800 s interval) and assumes the local networks 10.1.0.0/16 and 2001:db8:1::/48. Times are
// offsets from T. The output does not depend on --seed. Byte counts are IP-layer bytes.
#include <string>

#include "tools/pcapgen/scenarios.hpp"

namespace ipaudit::pcapgen {

namespace {

constexpr std::int64_t kRtt = 20 * kMs;

pb::IpAddr ip(std::string_view text) { return pb::ip_addr(text); }

// The small web fetch most scenarios contain: handshake, GET, response, client closes.
// 3 + 1 + ceil(response/1460) data + acks (every second segment and the last) + 3 packets.
std::int64_t web_fetch(Net& net, std::int64_t t, const Endpoint& client, const Endpoint& server,
                       std::size_t response) {
    TcpConversation c(net, client, server, 1000, 5000);
    t = c.handshake(t, kRtt);
    c.send(t + 100, Side::client, http_get("www.example.com", "/"));
    t = c.transfer(t + 100 + kRtt, Side::server, response, 1 * kMs, http_response_head(response));
    return c.close(t + 5 * kMs, Side::client, kRtt);
}

}  // namespace

// eth-basic (Ethernet, 20 packets)
//   +0 ms     ARP who-has 10.1.0.1 tell 10.1.2.10, reply 0.3 ms later         (2 non-IP)
//   +1 ms     UDP 10.1.2.10:50000 -> 192.0.2.53:53 DNS A www.example.com, answer +20 ms
//   +30 ms    TCP 10.1.2.10:40000 -> 203.0.113.10:80: SYN, SYN-ACK, ACK, GET, 3000-byte
//             response (3 segments), 2 client ACKs, client FIN, server FIN, ACK (12 packets)
//   +600 ms   ICMP echo 10.1.2.10 -> 192.0.2.1 id 1 seq 1 + reply 15 ms later
//   +1600 ms  ICMP echo id 1 seq 2 + reply
void run_eth_basic(const Options& opt, pb::CaptureWriter& out) {
    Trace trace;
    Net net(trace, LinkConfig{});
    const std::int64_t t = opt.start_us();
    const pb::IpAddr ws = ip("10.1.2.10");
    arp_exchange(trace, t, ws, ip("10.1.0.1"), router_mac());
    dns_lookup(net, t + 1 * kMs, {ws, 50000}, ip("192.0.2.53"), 0x1111, "www.example.com",
               ip("203.0.113.10"), kRtt);
    web_fetch(net, t + 30 * kMs, {ws, 40000}, {ip("203.0.113.10"), 80}, 3000);
    ping(net, t + 600 * kMs, ws, ip("192.0.2.1"), 1, 1, 15 * kMs);
    ping(net, t + 1600 * kMs, ws, ip("192.0.2.1"), 1, 2, 15 * kMs);
    trace.write(out);
}

// vlan-qinq (Ethernet, 18 packets)
//   802.1Q VID 10:
//     +0 ms    ARP who-has 10.1.1.1 tell 10.1.1.5 + reply                       (2 non-IP)
//     +1 ms    UDP 10.1.1.5:50001 -> 192.0.2.53:53 DNS query + answer
//     +50 ms   ICMPv6 echo 2001:db8:1::5 -> 2001:db8:ffff::1 id 5 seq 1 + reply
//   802.1ad S-tag 0x88a8 VID 100 outside, 802.1Q VID 20 inside:
//     +100 ms  TCP 10.1.3.7:40001 -> 198.51.100.80:80, 2000-byte response (10 packets)
//     +400 ms  ICMP echo 10.1.3.7 -> 198.51.100.1 id 7 seq 1 + reply
void run_vlan_qinq(const Options& opt, pb::CaptureWriter& out) {
    Trace trace;
    const std::vector<pb::VlanTag> vlan10{{.vid = 10}};
    const std::vector<pb::VlanTag> qinq{{.tpid = pb::ethertype::qinq, .vid = 100}, {.vid = 20}};
    Net net(trace, LinkConfig{.vlans = vlan10});
    const std::int64_t t = opt.start_us();
    arp_exchange(trace, t, ip("10.1.1.5"), ip("10.1.1.1"), mac_of(ip("10.1.1.1")), vlan10);
    dns_lookup(net, t + 1 * kMs, {ip("10.1.1.5"), 50001}, ip("192.0.2.53"), 0x2222,
               "www.example.com", ip("198.51.100.80"), kRtt);
    ping(net, t + 50 * kMs, ip("2001:db8:1::5"), ip("2001:db8:ffff::1"), 5, 1, kRtt);
    net.link().vlans = qinq;
    web_fetch(net, t + 100 * kMs, {ip("10.1.3.7"), 40001}, {ip("198.51.100.80"), 80}, 2000);
    ping(net, t + 400 * kMs, ip("10.1.3.7"), ip("198.51.100.1"), 7, 1, kRtt);
    trace.write(out);
}

namespace {

// Shared by sll and sll2 (17 packets):
//   +0 ms    ARP request from 10.1.2.10 for 10.1.0.1 (cooked protocol 0x0806)  (1 non-IP)
//   +1 ms    UDP 10.1.2.10:50002 -> 192.0.2.53:53 DNS query + answer
//   +30 ms   TCP 10.1.2.10:40002 -> 203.0.113.10:80, 2000-byte response (10 packets)
//   +300 ms  ICMP echo 10.1.2.10 -> 192.0.2.1 id 2 seq 1 + reply
//   +400 ms  ICMPv6 echo 2001:db8:1::10 -> 2001:db8:ffff::1 id 2 seq 1 + reply
// Packets from local hosts have packet type 4 (outgoing), others 0 (to us).
void cooked_traffic(Net& net, std::int64_t t, bool sll2) {
    const pb::IpAddr ws = ip("10.1.2.10");
    pb::Bytes arp;
    const pb::LinuxSll h{.packet_type = pb::sll_type::outgoing,
                         .protocol = pb::ethertype::arp,
                         .address = mac_of(ws)};
    if (sll2) {
        pb::append_sll2_header(arp, h);
    } else {
        pb::append_sll_header(arp, h);
    }
    pb::put_bytes(arp, pb::arp_packet(1, mac_of(ws), ws.v4_bytes(), {}, pb::ipv4_addr("10.1.0.1")));
    net.trace().add(t, std::move(arp));
    dns_lookup(net, t + 1 * kMs, {ws, 50002}, ip("192.0.2.53"), 0x3333, "www.example.com",
               ip("203.0.113.10"), kRtt);
    web_fetch(net, t + 30 * kMs, {ws, 40002}, {ip("203.0.113.10"), 80}, 2000);
    ping(net, t + 300 * kMs, ws, ip("192.0.2.1"), 2, 1, kRtt);
    ping(net, t + 400 * kMs, ip("2001:db8:1::10"), ip("2001:db8:ffff::1"), 2, 1, kRtt);
}

}  // namespace

// sll (DLT_LINUX_SLL 113): see cooked_traffic.
void run_sll(const Options& opt, pb::CaptureWriter& out) {
    Trace trace;
    Net net(trace, LinkConfig{.linktype = pb::dlt::linux_sll});
    cooked_traffic(net, opt.start_us(), false);
    trace.write(out);
}

// sll2 (DLT_LINUX_SLL2 276, interface index 2): the same packets as sll.
void run_sll2(const Options& opt, pb::CaptureWriter& out) {
    Trace trace;
    Net net(trace, LinkConfig{.linktype = pb::dlt::linux_sll2});
    cooked_traffic(net, opt.start_us(), true);
    trace.write(out);
}

// null (DLT_NULL 0, 4-byte address family, little-endian as written by x86 hosts; 9 packets)
//   +0 ms    AF 2: UDP 10.1.2.10:50003 -> 192.0.2.53:53 DNS query + answer
//   +50 ms   AF 2: ICMP echo 10.1.2.10 -> 192.0.2.1 id 3 seq 1 + reply
//   +100 ms  AF 2 written big-endian (00 00 00 02, a big-endian host's capture):
//            UDP 10.1.2.10:50004 -> 192.0.2.53:53 DNS query, no answer
//   +150 ms  AF 24 (NetBSD/OpenBSD AF_INET6): ICMPv6 echo 2001:db8:1::10 -> 2001:db8:ffff::1
//            id 3 seq 1; +170 ms AF 28 (FreeBSD): the echo reply
//   +200 ms  AF 30 (macOS): UDP [2001:db8:1::10]:50005 -> [2001:db8:ffff::53]:53 AAAA query,
//            answer +20 ms with AF 30
void run_null(const Options& opt, pb::CaptureWriter& out) {
    Trace trace;
    Net net(trace, LinkConfig{.linktype = pb::dlt::null_bsd});
    const std::int64_t t = opt.start_us();
    const pb::IpAddr ws = ip("10.1.2.10");
    const pb::IpAddr ws6 = ip("2001:db8:1::10");
    const pb::IpAddr far6 = ip("2001:db8:ffff::1");
    dns_lookup(net, t, {ws, 50003}, ip("192.0.2.53"), 0x4444, "www.example.com", ip("203.0.113.10"),
               kRtt);
    ping(net, t + 50 * kMs, ws, ip("192.0.2.1"), 3, 1, kRtt);

    pb::Bytes swapped;
    pb::append_null_header(swapped, pb::bsd_af::inet, true);
    pb::put_bytes(swapped, pb::ip_packet(ws, ip("192.0.2.53"),
                                         pb::Udp{.src_port = 50004,
                                                 .dst_port = 53,
                                                 .data = dns_query(0x4445, "www.example.org")}));
    trace.add(t + 100 * kMs, std::move(swapped));

    net.link().null_af_inet6 = pb::bsd_af::inet6_bsd;
    net.send(t + 150 * kMs, ws6, far6, pb::Icmpv6{.type = 128, .id = 3, .seq = 1, .payload = 56});
    net.link().null_af_inet6 = pb::bsd_af::inet6_freebsd;
    net.send(t + 170 * kMs, far6, ws6, pb::Icmpv6{.type = 129, .id = 3, .seq = 1, .payload = 56});
    net.link().null_af_inet6 = pb::bsd_af::inet6_darwin;
    dns_lookup(net, t + 200 * kMs, {ws6, 50005}, ip("2001:db8:ffff::53"), 0x4446, "www.example.com",
               ip("2001:db8:ffff::80"), kRtt);
    trace.write(out);
}

// loop (DLT_LOOP 108, address family in network byte order; 13 packets)
//   +0 ms    AF 2: TCP 10.1.2.10:40003 -> 203.0.113.10:80, 1000-byte response (9 packets)
//   +300 ms  AF 2: UDP 10.1.2.10:50006 -> 192.0.2.53:53 DNS query + answer
//   +400 ms  AF 24: ICMPv6 echo 2001:db8:1::10 -> 2001:db8:ffff::1 id 4 seq 1 + reply
void run_loop(const Options& opt, pb::CaptureWriter& out) {
    Trace trace;
    Net net(trace, LinkConfig{.linktype = pb::dlt::loop});
    const std::int64_t t = opt.start_us();
    web_fetch(net, t, {ip("10.1.2.10"), 40003}, {ip("203.0.113.10"), 80}, 1000);
    dns_lookup(net, t + 300 * kMs, {ip("10.1.2.10"), 50006}, ip("192.0.2.53"), 0x5555,
               "www.example.com", ip("203.0.113.10"), kRtt);
    ping(net, t + 400 * kMs, ip("2001:db8:1::10"), ip("2001:db8:ffff::1"), 4, 1, kRtt);
    trace.write(out);
}

// raw (DLT_RAW 101, no link header; 23 packets)
//   +0 ms    UDP 10.1.2.10:50007 -> 192.0.2.53:53 DNS query + answer
//   +50 ms   TCP 10.1.2.10:40004 -> 203.0.113.10:80, 1000-byte response (9 packets)
//   +300 ms  TCP [2001:db8:1::10]:40005 -> [2001:db8:ffff::80]:80, 2000-byte response (10)
//   +600 ms  ICMPv6 echo 2001:db8:1::10 -> 2001:db8:ffff::1 id 5 seq 1 + reply
void run_raw(const Options& opt, pb::CaptureWriter& out) {
    Trace trace;
    Net net(trace, LinkConfig{.linktype = pb::dlt::raw});
    const std::int64_t t = opt.start_us();
    dns_lookup(net, t, {ip("10.1.2.10"), 50007}, ip("192.0.2.53"), 0x6666, "www.example.com",
               ip("203.0.113.10"), kRtt);
    web_fetch(net, t + 50 * kMs, {ip("10.1.2.10"), 40004}, {ip("203.0.113.10"), 80}, 1000);
    web_fetch(net, t + 300 * kMs, {ip("2001:db8:1::10"), 40005}, {ip("2001:db8:ffff::80"), 80},
              2000);
    ping(net, t + 600 * kMs, ip("2001:db8:1::10"), ip("2001:db8:ffff::1"), 5, 1, kRtt);
    trace.write(out);
}

namespace {

pb::Bytes pppoe_tag(std::uint16_t type, std::string_view value) {
    pb::Bytes tag;
    pb::put_be16(tag, type);
    pb::put_be16(tag, static_cast<std::uint16_t>(value.size()));
    pb::put_bytes(tag, pb::text_bytes(value));
    return tag;
}

pb::Bytes lcp_echo(std::uint8_t code, std::uint8_t id) {
    pb::Bytes lcp{code, id};
    pb::put_be16(lcp, 8);
    pb::put_be32(lcp, 0x50415544);  // magic number
    return lcp;
}

}  // namespace

// pppoe (Ethernet; PPPoE session 0x0011 between host 10.1.2.10 and the access concentrator at
// the router MAC; 23 packets)
//   +0..3 ms  discovery (ethertype 0x8863): PADI, PADO, PADR, PADS           (4 non-IP)
//   +10 ms    LCP echo request + reply in the session (PPP 0xc021)            (2 non-IP)
//   +20 ms    PPP IPv4: UDP 10.1.2.10:50008 -> 192.0.2.53:53 DNS query + answer
//   +50 ms    PPP IPv4: TCP 10.1.2.10:40006 -> 203.0.113.10:80, 2000-byte response (10)
//   +400 ms   PPP IPv6: ICMPv6 echo 2001:db8:1::10 -> 2001:db8:ffff::1 id 6 seq 1 + reply
//   +500 ms   PPP IPv6: UDP [2001:db8:1::10]:50009 -> [2001:db8:ffff::53]:53 AAAA + answer
//   +900 ms   PADT                                                             (1 non-IP)
void run_pppoe(const Options& opt, pb::CaptureWriter& out) {
    constexpr std::uint16_t kSession = 0x0011;
    Trace trace;
    Net net(trace, LinkConfig{.pppoe_session = kSession});
    const std::int64_t t = opt.start_us();
    const pb::IpAddr ws = ip("10.1.2.10");
    const pb::Ethernet up{router_mac(), mac_of(ws), {}, pb::ethertype::pppoe_discovery};
    const pb::Ethernet down{mac_of(ws), router_mac(), {}, pb::ethertype::pppoe_discovery};
    const pb::Ethernet bcast{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, mac_of(ws), {}, 0};
    pb::Bytes ask = pppoe_tag(0x0101, "");          // Service-Name: any
    pb::put_bytes(ask, pppoe_tag(0x0103, "uniq"));  // Host-Uniq
    pb::Bytes offer = pppoe_tag(0x0101, "");
    pb::put_bytes(offer, pppoe_tag(0x0102, "ipaudit-ac"));  // AC-Name
    pb::put_bytes(offer, pppoe_tag(0x0103, "uniq"));
    trace.add(t, pb::pppoe_discovery_frame(bcast, 0x09, 0, ask));
    trace.add(t + 1 * kMs, pb::pppoe_discovery_frame(down, 0x07, 0, offer));
    trace.add(t + 2 * kMs, pb::pppoe_discovery_frame(up, 0x19, 0, offer));
    trace.add(t + 3 * kMs, pb::pppoe_discovery_frame(down, 0x65, kSession, offer));
    const pb::Ethernet session_up{router_mac(), mac_of(ws), {}, 0};
    const pb::Ethernet session_down{mac_of(ws), router_mac(), {}, 0};
    trace.add(t + 10 * kMs,
              pb::pppoe_session_frame(session_up, kSession, pb::ppp_protocol::lcp, lcp_echo(9, 1)));
    trace.add(t + 11 * kMs, pb::pppoe_session_frame(session_down, kSession, pb::ppp_protocol::lcp,
                                                    lcp_echo(10, 1)));
    dns_lookup(net, t + 20 * kMs, {ws, 50008}, ip("192.0.2.53"), 0x7777, "www.example.com",
               ip("203.0.113.10"), kRtt);
    web_fetch(net, t + 50 * kMs, {ws, 40006}, {ip("203.0.113.10"), 80}, 2000);
    ping(net, t + 400 * kMs, ip("2001:db8:1::10"), ip("2001:db8:ffff::1"), 6, 1, kRtt);
    dns_lookup(net, t + 500 * kMs, {ip("2001:db8:1::10"), 50009}, ip("2001:db8:ffff::53"), 0x7778,
               "www.example.com", ip("2001:db8:ffff::80"), kRtt);
    trace.add(t + 900 * kMs, pb::pppoe_discovery_frame(up, 0xa7, kSession, {}));
    trace.write(out);
}

namespace {

// Valid options filling exactly (ihl - 5) words: Router Alert for one word, else a Record
// Route with empty slots (RFC 791) and one End-of-Options byte.
pb::Bytes options_for_ihl(int ihl) {
    const auto words = static_cast<std::size_t>(ihl - 5);
    if (words == 1) return {148, 4, 0, 0};
    const auto len = static_cast<std::uint8_t>(4 * words - 1);
    pb::Bytes opt{7, len, 4};
    pb::put_zeros(opt, len - 3);
    pb::put_u8(opt, 0);
    return opt;
}

}  // namespace

// ipv4-options (Ethernet; 12 packets, every IPv4 header carries options)
//   +0 ms   TCP 10.1.2.10:40010 -> 203.0.113.10:80, 10 packets with IHL 6, 7, ..., 15 in order:
//           SYN, SYN-ACK, ACK, GET (client, 80 bytes), 2 server segments (1460 + 500 bytes),
//           client ACK, client FIN, server FIN, client ACK
//   +200 ms UDP 10.1.2.10:50010 -> 192.0.2.53:53 DNS query with IHL 10, answer with IHL 6
void run_ipv4_options(const Options& opt, pb::CaptureWriter& out) {
    Trace trace;
    Net net(trace, LinkConfig{});
    const std::int64_t t = opt.start_us();
    int ihl = 6;
    net.tweak_ipv4 = [&ihl](pb::Ipv4& h) { h.options = options_for_ihl(ihl++); };
    TcpConversation c(net, {ip("10.1.2.10"), 40010}, {ip("203.0.113.10"), 80}, 100, 900);
    c.handshake(t, kRtt);
    c.send(t + kRtt + 1 * kMs, Side::client, http_get("www.example.com", "/"));
    c.send(t + 2 * kRtt, Side::server, http_response_head(1960),
           1460 - http_response_head(1960).size());
    c.send(t + 2 * kRtt + 1 * kMs, Side::server, {}, 500);
    c.ack(t + 2 * kRtt + 2 * kMs, Side::client);
    c.close(t + 2 * kRtt + 10 * kMs, Side::client, kRtt);
    ihl = 10;
    net.tweak_ipv4 = [&ihl](pb::Ipv4& h) {
        h.options = options_for_ihl(ihl);
        ihl = 6;
    };
    dns_lookup(net, t + 200 * kMs, {ip("10.1.2.10"), 50010}, ip("192.0.2.53"), 0x8888,
               "www.example.com", ip("203.0.113.10"), kRtt);
    trace.write(out);
}

// fragments (Ethernet; 7 packets)
//   +0 ms   UDP 10.1.2.10:50011 -> 192.0.2.7:41000, 3000 bytes of data (3008-byte datagram)
//           in 3 IPv4 fragments, id 0x1001, in order: offsets 0 (MF, 1480 data bytes incl. the
//           UDP header), 185 (MF, 1480), 370 (48); IP lengths 1500, 1500, 68
//   +30 ms  UDP 192.0.2.7:41000 -> 10.1.2.10:50011, 100 bytes, unfragmented (the reply)
//   +100 ms an orphan: non-first fragment 10.1.2.11 -> 192.0.2.8 proto UDP id 0x2002,
//           offset 185, no MF, 200 bytes (IP length 220); its first fragment is never seen
//   +200 ms UDP [2001:db8:1::10]:50012 -> [2001:db8:ffff::7]:41000, 2500 bytes of data
//           (2508-byte datagram) in 2 IPv6 fragments, id 0x3003: offset 0 (M, 1448 bytes),
//           offset 181 (1060 bytes); IP lengths 1496 and 1108 (fragment header included)
void run_fragments(const Options& opt, pb::CaptureWriter& out) {
    Trace trace;
    Net net(trace, LinkConfig{});
    const std::int64_t t = opt.start_us();
    const pb::IpAddr ws = ip("10.1.2.10");
    const pb::IpAddr far = ip("192.0.2.7");
    const pb::Bytes dgram = pb::transport_bytes(
        pb::Udp{.src_port = 50011, .dst_port = 41000, .payload = 3000}, ws, far);
    const pb::Ipv4 h{.src = ws.v4_bytes(), .dst = far.v4_bytes(), .id = 0x1001};
    std::int64_t ts = t;
    for (const auto& frag : pb::ipv4_fragments(h, pb::ip_proto::udp, dgram, 1480)) {
        net.send_ip(ts, ws, far, frag);
        ts += 100;
    }
    net.send(t + 30 * kMs, far, ws, pb::Udp{.src_port = 41000, .dst_port = 50011, .payload = 100});

    const pb::IpAddr ws2 = ip("10.1.2.11");
    const pb::IpAddr far2 = ip("192.0.2.8");
    const pb::Ipv4 orphan{.src = ws2.v4_bytes(),
                          .dst = far2.v4_bytes(),
                          .protocol = pb::ip_proto::udp,
                          .id = 0x2002,
                          .frag_offset = 185};
    net.send_ip(t + 100 * kMs, ws2, far2,
                pb::ipv4_packet(orphan, pb::RawTransport{17, pb::Bytes(200, 0x42)}));

    const pb::IpAddr ws6 = ip("2001:db8:1::10");
    const pb::IpAddr far6 = ip("2001:db8:ffff::7");
    const pb::Bytes dgram6 = pb::transport_bytes(
        pb::Udp{.src_port = 50012, .dst_port = 41000, .payload = 2500}, ws6, far6);
    const pb::Ipv6 h6{.src = ws6.bytes, .dst = far6.bytes};
    ts = t + 200 * kMs;
    for (const auto& frag : pb::ipv6_fragments(h6, pb::ip_proto::udp, dgram6, 1448, 0x3003)) {
        net.send_ip(ts, ws6, far6, frag);
        ts += 100;
    }
    trace.write(out);
}

namespace {

// Neighbour solicitation / advertisement (RFC 4861): hop limit 255, a link-layer address option.
pb::Bytes neighbour_message(std::uint8_t type, const pb::IpAddr& src, const pb::IpAddr& dst,
                            const pb::IpAddr& target, std::uint16_t flags) {
    pb::Bytes body(target.bytes.begin(), target.bytes.end());
    pb::put_u8(body, type == 135 ? 1 : 2);  // source / target link-layer address option
    pb::put_u8(body, 1);                    // length in 8-byte units
    pb::put_bytes(body, mac_of(type == 135 ? src : target));
    return pb::ipv6_packet(pb::Ipv6{.src = src.bytes, .dst = dst.bytes, .hop_limit = 255},
                           pb::Icmpv6{.type = type, .id = flags, .data = std::move(body)});
}

}  // namespace

// ipv6-ext (Ethernet; 13 packets)
//   +0 ms   TCP [2001:db8:1::10]:40020 -> [2001:db8:ffff::80]:80, 9 packets, 1000-byte
//           response; every client packet carries hop-by-hop (PadN) + routing (type 0,
//           segments left 0, one address) + destination options (PadN) before TCP;
//           server packets have no extension headers
//   +300 ms ICMPv6 echo 2001:db8:1::10 -> 2001:db8:ffff::1 id 0x77 seq 1 + reply
//   +400 ms neighbour solicitation 2001:db8:1::10 -> ff02::1:ff00:1 for 2001:db8:1::1, and the
//           advertisement 2001:db8:1::1 -> 2001:db8:1::10 (ICMPv6 135/136, both local)
void run_ipv6_ext(const Options& opt, pb::CaptureWriter& out) {
    Trace trace;
    Net net(trace, LinkConfig{});
    const std::int64_t t = opt.start_us();
    const pb::IpAddr ws = ip("2001:db8:1::10");
    const pb::IpAddr via = ip("2001:db8:ffff::fe");
    net.tweak_ipv6 = [&](pb::Ipv6& h) {
        if (!is_local(pb::ip_addr(h.src))) return;
        h.ext = {pb::hop_by_hop(), pb::routing_header(0, 0, {via.bytes}),
                 pb::destination_options()};
    };
    web_fetch(net, t, {ws, 40020}, {ip("2001:db8:ffff::80"), 80}, 1000);
    net.tweak_ipv6 = nullptr;
    ping(net, t + 300 * kMs, ws, ip("2001:db8:ffff::1"), 0x77, 1, kRtt);
    const pb::IpAddr router = ip("2001:db8:1::1");
    net.send_ip(t + 400 * kMs, ws, ip("ff02::1:ff00:1"),
                neighbour_message(135, ws, ip("ff02::1:ff00:1"), router, 0));
    net.send_ip(t + 401 * kMs, router, ws, neighbour_message(136, router, ws, router, 0x6000));
    trace.write(out);
}

namespace {

// ICMP timestamp bodies: originate/receive/transmit, milliseconds since midnight UTC.
pb::Bytes icmp_timestamps(std::int64_t ts_us, bool reply) {
    const auto ms = static_cast<std::uint32_t>(ts_us / 1000 % 86'400'000);
    pb::Bytes b;
    pb::put_be32(b, ms);
    pb::put_be32(b, reply ? ms + 10 : 0);
    pb::put_be32(b, reply ? ms + 10 : 0);
    return b;
}

pb::Bytes ntp_request() {
    pb::Bytes b(48, 0);
    b[0] = 0x23;  // leap 0, version 4, mode 3 (client)
    return b;
}

}  // namespace

// icmp (Ethernet; 14 packets)
//   +0 ms    ICMP echo 10.1.2.10 -> 192.0.2.1 id 1 seq 1 + reply, seq 2 at +1000 ms + reply
//   +100 ms  ICMP timestamp request (13) 10.1.2.10 -> 192.0.2.1 id 2 seq 1 + reply (14)
//   +200 ms  UDP 10.1.2.10:50030 -> 192.0.2.123:123 (NTP), answered by ICMP port unreachable
//            (3/3) from 192.0.2.123 quoting it
//   +300 ms  UDP 10.1.2.10:50040 -> 198.51.100.9:33434 TTL 3 (traceroute probe), answered by
//            ICMP time exceeded (11/0) from router 198.51.100.254 quoting it (TTL 1 by then)
//   +400 ms  incoming ICMP echo 203.0.113.50 -> 10.1.2.10 id 9 seq 1 + reply from the local host
//   +500 ms  UDP [2001:db8:1::10]:50050 -> [2001:db8:ffff::123]:123, answered by ICMPv6
//            destination unreachable, port unreachable (1/4)
void run_icmp(const Options& opt, pb::CaptureWriter& out) {
    Trace trace;
    Net net(trace, LinkConfig{});
    const std::int64_t t = opt.start_us();
    const pb::IpAddr ws = ip("10.1.2.10");
    const pb::IpAddr pinged = ip("192.0.2.1");
    ping(net, t, ws, pinged, 1, 1, kRtt);
    ping(net, t + 1000 * kMs, ws, pinged, 1, 2, kRtt);
    net.send(
        t + 100 * kMs, ws, pinged,
        pb::Icmp{.type = 13, .id = 2, .seq = 1, .data = icmp_timestamps(t + 100 * kMs, false)});
    net.send(t + 100 * kMs + kRtt, pinged, ws,
             pb::Icmp{.type = 14, .id = 2, .seq = 1, .data = icmp_timestamps(t + 100 * kMs, true)});

    const pb::IpAddr ntp = ip("192.0.2.123");
    const pb::Bytes probe = net.send(
        t + 200 * kMs, ws, ntp, pb::Udp{.src_port = 50030, .dst_port = 123, .data = ntp_request()});
    net.send(t + 200 * kMs + kRtt, ntp, ws,
             pb::Icmp{.type = 3, .code = 3, .data = pb::icmp_error_quote(probe)});

    const pb::IpAddr target = ip("198.51.100.9");
    const pb::Udp trace_probe{.src_port = 50040, .dst_port = 33434, .payload = 32};
    pb::Ipv4 h{.src = ws.v4_bytes(), .dst = target.v4_bytes(), .id = net.next_ip_id(), .ttl = 3};
    net.send_ip(t + 300 * kMs, ws, target, pb::ipv4_packet(h, trace_probe));
    h.ttl = 1;  // as the router that dropped it saw it
    net.send(
        t + 300 * kMs + kRtt, ip("198.51.100.254"), ws,
        pb::Icmp{
            .type = 11, .code = 0, .data = pb::icmp_error_quote(pb::ipv4_packet(h, trace_probe))});

    ping(net, t + 400 * kMs, ip("203.0.113.50"), ws, 9, 1, 200);

    const pb::IpAddr ws6 = ip("2001:db8:1::10");
    const pb::IpAddr ntp6 = ip("2001:db8:ffff::123");
    const pb::Bytes probe6 =
        net.send(t + 500 * kMs, ws6, ntp6,
                 pb::Udp{.src_port = 50050, .dst_port = 123, .data = ntp_request()});
    net.send(t + 500 * kMs + kRtt, ntp6, ws6, pb::Icmpv6{.type = 1, .code = 4, .data = probe6});
    trace.write(out);
}

// talkers (Ethernet; 38 packets), first/last talker cases:
//   1 +0 ms    TCP 10.1.2.10:40100 <-> 203.0.113.10:443: the capture starts with the server's
//              SYN-ACK (remote speaks first, no SYN seen), then ACK, 300 bytes client ->
//              server, 2000 bytes server -> client (2 segments), client ACK, client FIN,
//              server FIN, ACK (9 packets)
//   2 +100 ms  TCP 10.1.2.11:40200 <-> 198.51.100.20:22 mid-stream, no SYN: server data (100
//              bytes) first, client data (36), server data (100), client ACK, server data
//              (52) last (5 packets)
//   3 +200 ms  UDP 10.1.2.12:514 -> 192.0.2.14:514 syslog, 3 packets, no reply (one-way)
//   4 +300 ms  TCP 10.1.2.13:40300 -> 203.0.113.99:8080 SYN, retransmitted at +1.3 s and
//              +3.3 s, never answered (3 packets, one-way)
//   5 +400 ms  TCP 10.1.2.14:40400 -> 203.0.113.11:80 where the server's SYN-ACK is
//              timestamped 50 us before the client's SYN (merged interfaces): the SYN still
//              makes the local client the initiator; SYN-ACK, SYN, ACK, GET, 500-byte
//              response, client ACK, FIN, FIN, ACK (9 packets)
//   6 +600 ms  TCP 198.51.100.30:50500 -> 10.1.2.15:25 (incoming): SYN, SYN-ACK, ACK, the
//              local server's banner, client QUIT, server's 221 reply, server FIN, client
//              FIN, server ACK; the last packet is from the local side (9 packets)
void run_talkers(const Options& opt, pb::CaptureWriter& out) {
    Trace trace;
    Net net(trace, LinkConfig{});
    const std::int64_t t = opt.start_us();

    TcpConversation c1(net, {ip("10.1.2.10"), 40100}, {ip("203.0.113.10"), 443}, 1000, 5000);
    c1.unseen(Side::client, 1);  // the SYN, sent before the capture started
    c1.syn_ack(t);
    c1.ack(t + 100, Side::client);
    c1.send(t + 200, Side::client, {}, 300);
    c1.transfer(t + kRtt, Side::server, 2000, 1 * kMs);
    c1.close(t + 40 * kMs, Side::client, kRtt);

    TcpConversation c2(net, {ip("10.1.2.11"), 40200}, {ip("198.51.100.20"), 22}, 777777, 333333);
    const std::int64_t t2 = t + 100 * kMs;
    c2.send(t2, Side::server, {}, 100);
    c2.send(t2 + 5 * kMs, Side::client, {}, 36);
    c2.send(t2 + 25 * kMs, Side::server, {}, 100);
    c2.ack(t2 + 26 * kMs, Side::client);
    c2.send(t2 + 60 * kMs, Side::server, {}, 52);

    const pb::IpAddr logger = ip("10.1.2.12");
    for (int i = 0; i < 3; ++i) {
        const std::string line = "<14>Nov  2 09:00:0" + std::to_string(i) + " ws12 app: event " +
                                 std::to_string(i) + "\n";
        net.send(t + 200 * kMs + i * (10 * kMs), logger, ip("192.0.2.14"),
                 pb::Udp{.src_port = 514, .dst_port = 514, .data = pb::text_bytes(line)});
    }

    const std::int64_t t4 = t + 300 * kMs;
    for (std::int64_t retry : {std::int64_t{0}, 1 * kSec, 3 * kSec}) {
        // A retransmitted SYN reuses the initial sequence number.
        TcpConversation(net, {ip("10.1.2.13"), 40300}, {ip("203.0.113.99"), 8080}, 4000, 0)
            .syn(t4 + retry);
    }

    TcpConversation c5(net, {ip("10.1.2.14"), 40400}, {ip("203.0.113.11"), 80}, 6000, 9000);
    const std::int64_t t5 = t + 400 * kMs;
    c5.syn(t5 + 50);
    c5.syn_ack(t5);
    c5.ack(t5 + 100, Side::client);
    c5.send(t5 + 200, Side::client, http_get("www.example.net", "/"));
    c5.transfer(t5 + kRtt, Side::server, 500, 1 * kMs, http_response_head(500));
    c5.close(t5 + 50 * kMs, Side::client, kRtt);

    TcpConversation c6(net, {ip("198.51.100.30"), 50500}, {ip("10.1.2.15"), 25}, 12000, 24000);
    std::int64_t t6 = c6.handshake(t + 600 * kMs, kRtt);
    c6.send(t6 + 1 * kMs, Side::server, pb::text_bytes("220 ws15.office.example ESMTP\r\n"));
    c6.send(t6 + 1 * kMs + kRtt, Side::client, pb::text_bytes("QUIT\r\n"));
    c6.send(t6 + 2 * kMs + kRtt, Side::server, pb::text_bytes("221 Bye\r\n"));
    c6.close(t6 + 3 * kMs + kRtt, Side::server, kRtt);
    trace.write(out);
}

// rotation (Ethernet; for 1800 s intervals aligned at T; 41 packets)
//   TCP 10.1.2.10:40500 <-> 203.0.113.10:443 spanning three intervals:
//     +10 s        SYN, SYN-ACK, ACK (rtt 20 ms)
//     +300*k s     for k = 1..15 (up to +4500 s): client sends 200 bytes, the server answers
//                  1400 bytes 20 ms later (k = 6 and k = 12 are exactly +1800.000000 s and
//                  +3600.000000 s, the first packets of intervals 2 and 3)
//     +1799.999999 s  50 bytes from the server, the last packet of interval 1
//     +4510 s      client FIN, server FIN, client ACK
//   UDP 10.1.2.11:50060 -> 192.0.2.53:53 DNS query at exactly +3599.999999 s, answer at
//     +3600.000000 s: one exchange split across the boundary
//   ICMP echo 10.1.2.11 -> 192.0.2.1 id 60 seq 1 at exactly +1800.000000 s, reply 1 us later
void run_rotation(const Options& opt, pb::CaptureWriter& out) {
    Trace trace;
    Net net(trace, LinkConfig{});
    const std::int64_t t = opt.start_us();
    TcpConversation c(net, {ip("10.1.2.10"), 40500}, {ip("203.0.113.10"), 443}, 1, 2);
    c.handshake(t + 10 * kSec, kRtt);
    for (int k = 1; k <= 15; ++k) {
        const std::int64_t tk = t + k * (300 * kSec);
        if (k == 6) c.send(tk - 1, Side::server, {}, 50);  // ends interval 1
        c.send(tk, Side::client, {}, 200);
        c.send(tk + kRtt, Side::server, {}, 1400);
    }
    c.close(t + 4510 * kSec, Side::client, kRtt);
    dns_lookup(net, t + 3600 * kSec - 1, {ip("10.1.2.11"), 50060}, ip("192.0.2.53"), 0x9999,
               "www.example.com", ip("203.0.113.10"), 1);
    ping(net, t + 1800 * kSec, ip("10.1.2.11"), ip("192.0.2.1"), 60, 1, 1);
    trace.write(out);
}

namespace {

pb::Bytes eth_ipv4_header() {
    pb::Bytes b;
    pb::append_ethernet_header(b, pb::Ethernet{.dst = router_mac()});
    return b;
}

}  // namespace

// malformed (Ethernet, snaplen 65535; 15 packets). Case N comes from 10.1.2.(100+N) so a dump
// shows at a glance which cases became sessions; destinations are 192.0.2.53 (UDP/53) or
// 203.0.113.10 (TCP/80). Times are +N ms.
//    1  a valid DNS query (sanity)                                   -> session, 1 packet
//    2  IPv4 with IHL 4 (< 5)                                         -> bad header length
//    3  IPv4 total length 16 < header length 20                       -> bad total length
//    4  IP version 7 in an ethertype 0x0800 frame                     -> bad version
//    5  caplen shorter than the IP header: 12 of 20 bytes captured, orig_len 74
//    6  truncated TCP header: IPv4 header + 2 bytes of TCP captured, orig_len 74
//    7  a zero-length frame (caplen 0, orig_len 0)
//    8  a 10-byte Ethernet frame (shorter than the Ethernet header)
//    9  snaplen truncation: 1514-byte frame, IPv4 total length 1500, TCP, 96 bytes captured
//       -> valid session, counts 1500 bytes
//   10  IPv6 caplen shorter than the IPv6 header: 20 of 40 bytes captured
//   11  IPv6 snaplen truncation: TCP, payload length 1460 (1500 bytes), 96 bytes captured
//       -> valid session [2001:db8:1::111]:40011 -> [2001:db8:ffff::80]:80, counts 1500 bytes
//   12  TCP data offset 3 (< 5 words)                                 -> bad TCP header
//   13  TCP data offset 15 (60 bytes) but only a 20-byte TCP header in the packet
//   14  UDP length field 4 (< 8)
//   15  a valid ICMP echo request 10.1.2.115 -> 192.0.2.1 (sanity)    -> session, 1 packet
void run_malformed(const Options& opt, pb::CaptureWriter& out) {
    Trace trace;
    Net net(trace, LinkConfig{});
    const std::int64_t t = opt.start_us();
    const auto host = [](int n) { return pb::ip_addr("10.1.2." + std::to_string(100 + n)); };
    const pb::Ipv4Addr dns = pb::ipv4_addr("192.0.2.53");
    const pb::Ipv4Addr web = pb::ipv4_addr("203.0.113.10");
    const auto at = [t](int n) { return t + n * kMs; };
    const auto query = [](int n) {
        return pb::Udp{.src_port = static_cast<std::uint16_t>(50000 + n),
                       .dst_port = 53,
                       .data = dns_query(static_cast<std::uint16_t>(n), "www.example.com")};
    };
    const auto syn = [](int n) {
        return pb::Tcp{.src_port = static_cast<std::uint16_t>(40000 + n),
                       .dst_port = 80,
                       .seq = 1,
                       .flags = pb::tcp_flag::syn};
    };
    const auto v4 = [&](int n, pb::Ipv4Addr dst) {
        return pb::Ipv4{.src = host(n).v4_bytes(), .dst = dst, .id = static_cast<std::uint16_t>(n)};
    };
    const auto add_frame = [&](int n, const pb::Bytes& ip_packet) {
        pb::Bytes f = eth_ipv4_header();
        pb::put_bytes(f, ip_packet);
        trace.add(at(n), std::move(f));
    };
    const auto add_cut = [&](int n, pb::Bytes frame, std::size_t keep) {
        const auto orig = static_cast<std::uint32_t>(frame.size());
        frame.resize(keep);
        trace.add_truncated(at(n), std::move(frame), orig);
    };

    net.send(at(1), host(1), pb::ip_addr(dns), query(1));
    pb::Ipv4 h = v4(2, dns);
    h.ihl = 4;
    add_frame(2, pb::ipv4_packet(h, query(2)));
    h = v4(3, dns);
    h.total_length = 16;
    add_frame(3, pb::ipv4_packet(h, query(3)));
    h = v4(4, dns);
    h.version = 7;
    add_frame(4, pb::ipv4_packet(h, query(4)));

    pb::Bytes f = eth_ipv4_header();
    pb::append_ipv4(f, v4(5, web), syn(5));
    add_cut(5, f, 14 + 12);
    f = eth_ipv4_header();
    pb::append_ipv4(f, v4(6, web), syn(6));
    add_cut(6, f, 14 + 20 + 2);
    trace.add_truncated(at(7), {}, 0);
    trace.add(at(8), pb::Bytes(f.begin(), f.begin() + 10));

    f = eth_ipv4_header();
    pb::Tcp data = syn(9);
    data.flags = pb::tcp_flag::ack | pb::tcp_flag::psh;
    data.payload = 1460;
    pb::append_ipv4(f, v4(9, web), data);
    add_cut(9, f, 96);

    const pb::IpAddr web6 = pb::ip_addr("2001:db8:ffff::80");
    const pb::Ipv6 h10{.src = pb::ipv6_addr("2001:db8:1::110"), .dst = web6.bytes};
    pb::Bytes f6;
    pb::append_ethernet_header(f6, pb::Ethernet{.dst = router_mac(), .type = pb::ethertype::ipv6});
    pb::append_ipv6(f6, h10, syn(10));
    add_cut(10, f6, 14 + 20);
    f6.resize(14);
    data = syn(11);
    data.flags = pb::tcp_flag::ack | pb::tcp_flag::psh;
    data.payload = 1440;
    pb::append_ipv6(f6, pb::Ipv6{.src = pb::ipv6_addr("2001:db8:1::111"), .dst = web6.bytes}, data);
    add_cut(11, f6, 96);

    pb::Tcp bad = syn(12);
    bad.data_offset = 3;
    add_frame(12, pb::ipv4_packet(v4(12, web), bad));
    bad = syn(13);
    bad.data_offset = 15;
    add_frame(13, pb::ipv4_packet(v4(13, web), bad));
    pb::Udp short_udp = query(14);
    short_udp.length = 4;
    add_frame(14, pb::ipv4_packet(v4(14, dns), short_udp));
    net.send(at(15), host(15), pb::ip_addr("192.0.2.1"),
             pb::Icmp{.type = 8, .id = 15, .seq = 1, .payload = 56});
    trace.write(out);
}

// pcapng-unknown-block (always pcapng, Ethernet; 4 packets and 2 non-packet blocks)
//   +0 ms    UDP 10.1.2.10:50070 -> 192.0.2.53:53 DNS query
//   +10 ms   a block of unassigned type 0x00000F00 (12-byte body) -- readers must skip it
//   +20 ms   the DNS answer
//   +30 ms   a Custom Block (0x40000BAD, not to be copied), PEN 32473, "ipaudit" -- skip too
//   +40 ms   ICMP echo 10.1.2.10 -> 192.0.2.1 id 70 seq 1, reply at +60 ms
void run_pcapng_unknown_block(const Options& opt, pb::CaptureWriter& out) {
    Trace trace;
    Net net(trace, LinkConfig{});
    const std::int64_t t = opt.start_us();
    dns_lookup(net, t, {ip("10.1.2.10"), 50070}, ip("192.0.2.53"), 0xaaaa, "www.example.com",
               ip("203.0.113.10"), 20 * kMs);
    trace.add_block(t + 10 * kMs, 0x00000f00, pb::text_bytes("unknown blk!"));
    pb::Bytes custom;
    pb::put_le32(custom, 32473);  // RFC 5612 documentation enterprise number
    pb::put_bytes(custom, pb::text_bytes("ipaudit"));
    trace.add_block(t + 30 * kMs, 0x40000bad, custom);
    ping(net, t + 40 * kMs, ip("10.1.2.10"), ip("192.0.2.1"), 70, 1, kRtt);
    trace.write(out);
}

}  // namespace ipaudit::pcapgen
