// Decoders: every link type, IPv4/IPv6 header rules, transport ports, and prefix truncation.
#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/decoder.hpp"
#include "tests/support/pcap_builder.hpp"
#include "tests/unit/unit_helpers.hpp"

namespace ipaudit {
namespace {

namespace t = ipaudit::testing;
using t::Bytes;
using unit::ip;

struct Decoded {
    DecodeOutcome outcome;
    PacketSummary s;
};

// Decodes `frame` as captured; `wire` defaults to the captured length (nothing cut).
Decoded decode(int dlt, t::ByteView frame, std::optional<std::uint32_t> wire = std::nullopt) {
    Decoded d{};
    d.outcome = decode_frame(link_decoder_for(dlt), frame, wire.value_or(static_cast<std::uint32_t>(frame.size())), d.s);
    return d;
}

Bytes prefix(const Bytes& b, std::size_t n) { return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n)); }

// ---------------------------------------------------------------------------------------------
// Reference packets. Their sizes are spelled out from the header layouts (RFC 791/8200/9293/768).

constexpr std::uint16_t kV4Sport = 40000, kV4Dport = 80;
constexpr std::size_t kTcpPayload = 10;
constexpr std::uint32_t kV4TcpBytes = 20 + 20 + kTcpPayload;  // IPv4 header, TCP header, data

Bytes v4_tcp() {
    return t::ipv4_packet({.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("192.0.2.7")},
                          t::Tcp{.src_port = kV4Sport, .dst_port = kV4Dport, .flags = t::tcp_flag::syn, .payload = kTcpPayload});
}

constexpr std::uint16_t kV6Sport = 5353, kV6Dport = 53;
constexpr std::uint32_t kV6UdpBytes = 40 + 8 + 12;  // IPv6 header, UDP header, 12 data bytes

Bytes v6_udp() {
    return t::ipv6_packet({.src = t::ipv6_addr("2001:db8::1"), .dst = t::ipv6_addr("2001:db8::2")},
                          t::Udp{.src_port = kV6Sport, .dst_port = kV6Dport, .payload = 12});
}

void expect_v4_tcp(const Decoded& d, const std::string& where) {
    SCOPED_TRACE(where);
    ASSERT_EQ(d.outcome, DecodeOutcome::kIp) << outcome_name(d.outcome);
    EXPECT_EQ(d.s.src, ip("10.0.0.1"));
    EXPECT_EQ(d.s.dst, ip("192.0.2.7"));
    EXPECT_EQ(d.s.proto, 6);
    EXPECT_EQ(d.s.src_port, kV4Sport);
    EXPECT_EQ(d.s.dst_port, kV4Dport);
    EXPECT_EQ(d.s.tcp_flags, tcp_flag::kSyn);
    EXPECT_EQ(d.s.ip_bytes, kV4TcpBytes);
    EXPECT_FALSE(d.s.fragment);
    EXPECT_EQ(d.s.notes, 0) << "no notes for a plain, fully captured packet";
}

void expect_v6_udp(const Decoded& d, const std::string& where) {
    SCOPED_TRACE(where);
    ASSERT_EQ(d.outcome, DecodeOutcome::kIp) << outcome_name(d.outcome);
    EXPECT_EQ(d.s.src, ip("2001:db8::1"));
    EXPECT_EQ(d.s.dst, ip("2001:db8::2"));
    EXPECT_EQ(d.s.proto, 17);
    EXPECT_EQ(d.s.src_port, kV6Sport);
    EXPECT_EQ(d.s.dst_port, kV6Dport);
    EXPECT_EQ(d.s.tcp_flags, 0);
    EXPECT_EQ(d.s.ip_bytes, kV6UdpBytes);
    EXPECT_EQ(d.s.notes, 0);
}

// ---------------------------------------------------------------------------------------------
// Link layers, built inline where the builder has no helper (PPP, MPLS, DLT_IPV4/IPV6).

std::uint16_t ethertype_of(const Bytes& ip_packet) { return (ip_packet[0] >> 4) == 6 ? t::ethertype::ipv6 : t::ethertype::ipv4; }

Bytes with_null(const Bytes& p, std::uint32_t family, bool big_endian) {
    Bytes out;
    t::append_null_header(out, family, big_endian);
    t::put_bytes(out, p);
    return out;
}

Bytes with_loop(const Bytes& p, std::uint32_t family) {
    Bytes out;
    t::append_loop_header(out, family);
    t::put_bytes(out, p);
    return out;
}

// DLT_PPP: HDLC address 0xFF and control 0x03 (RFC 1662) are optional; then the protocol.
Bytes with_ppp(const Bytes& p, bool hdlc) {
    Bytes out;
    if (hdlc) {
        t::put_u8(out, 0xFF);
        t::put_u8(out, 0x03);
    }
    t::put_be16(out, (p[0] >> 4) == 6 ? t::ppp_protocol::ipv6 : t::ppp_protocol::ipv4);
    t::put_bytes(out, p);
    return out;
}

// Ethernet type 0x8847 and a two-entry MPLS label stack (RFC 3032): label 20 | TC | S | TTL.
Bytes with_mpls(const Bytes& p) {
    Bytes out;
    t::append_ethernet_header(out, t::Ethernet{.type = 0x8847});
    t::put_be32(out, (100u << 12) | (0u << 8) | 64u);  // not bottom of stack
    t::put_be32(out, (200u << 12) | (1u << 8) | 64u);  // bottom of stack
    t::put_bytes(out, p);
    return out;
}

// DLT_C_HDLC: address 0x0F (unicast), control 0x00, then an Ethernet type.
Bytes with_cisco_hdlc(const Bytes& p) {
    Bytes out{0x0F, 0x00};
    t::put_be16(out, ethertype_of(p));
    t::put_bytes(out, p);
    return out;
}

struct LinkCase {
    const char* name;
    int dlt;
    Bytes (*wrap)(const Bytes& ip_packet);
    std::size_t link_len;  // header bytes before the IP header
    bool v4;
    bool v6;
};

const std::vector<LinkCase>& link_cases() {
    static const std::vector<LinkCase> cases = {
        {"ethernet", DLT_EN10MB, [](const Bytes& p) { return t::frame(t::dlt::ethernet, p); }, 14, true, true},
        {"vlan_8021q", DLT_EN10MB,
         [](const Bytes& p) { return t::ethernet_frame({.vlans = {{.vid = 10}}, .type = ethertype_of(p)}, p); }, 18, true, true},
        {"qinq_88a8_8100", DLT_EN10MB,
         [](const Bytes& p) {
             return t::ethernet_frame({.vlans = {{.tpid = t::ethertype::qinq, .vid = 100}, {.vid = 10}}, .type = ethertype_of(p)}, p);
         },
         22, true, true},
        {"qinq_9100_8100", DLT_EN10MB,
         [](const Bytes& p) { return t::ethernet_frame({.vlans = {{.tpid = 0x9100, .vid = 7}, {.vid = 10}}, .type = ethertype_of(p)}, p); },
         22, true, true},
        {"pppoe_session", DLT_EN10MB,
         [](const Bytes& p) {
             return t::pppoe_session_frame({}, 0x1234, (p[0] >> 4) == 6 ? t::ppp_protocol::ipv6 : t::ppp_protocol::ipv4, p);
         },
         22, true, true},
        {"vlan_pppoe_session", DLT_EN10MB,
         [](const Bytes& p) {
             return t::pppoe_session_frame({.vlans = {{.vid = 3}}}, 0x1234,
                                           (p[0] >> 4) == 6 ? t::ppp_protocol::ipv6 : t::ppp_protocol::ipv4, p);
         },
         26, true, true},
        {"mpls", DLT_EN10MB, with_mpls, 22, true, true},
        {"linux_sll", DLT_LINUX_SLL, [](const Bytes& p) { return t::frame(t::dlt::linux_sll, p); }, 16, true, true},
        {"linux_sll2", DLT_LINUX_SLL2, [](const Bytes& p) { return t::frame(t::dlt::linux_sll2, p); }, 20, true, true},
        {"null_le_af2", DLT_NULL, [](const Bytes& p) { return with_null(p, 2, false); }, 4, true, false},
        {"null_be_af2", DLT_NULL, [](const Bytes& p) { return with_null(p, 2, true); }, 4, true, false},
        {"null_le_af24", DLT_NULL, [](const Bytes& p) { return with_null(p, 24, false); }, 4, false, true},
        {"null_be_af24", DLT_NULL, [](const Bytes& p) { return with_null(p, 24, true); }, 4, false, true},
        {"null_le_af28", DLT_NULL, [](const Bytes& p) { return with_null(p, 28, false); }, 4, false, true},
        {"null_be_af28", DLT_NULL, [](const Bytes& p) { return with_null(p, 28, true); }, 4, false, true},
        {"null_le_af30", DLT_NULL, [](const Bytes& p) { return with_null(p, 30, false); }, 4, false, true},
        {"null_be_af30", DLT_NULL, [](const Bytes& p) { return with_null(p, 30, true); }, 4, false, true},
        {"null_le_af10", DLT_NULL, [](const Bytes& p) { return with_null(p, 10, false); }, 4, false, true},
        {"null_be_af10", DLT_NULL, [](const Bytes& p) { return with_null(p, 10, true); }, 4, false, true},
        {"loop_af2", DLT_LOOP, [](const Bytes& p) { return with_loop(p, 2); }, 4, true, false},
        {"loop_af24", DLT_LOOP, [](const Bytes& p) { return with_loop(p, 24); }, 4, false, true},
        {"loop_af28", DLT_LOOP, [](const Bytes& p) { return with_loop(p, 28); }, 4, false, true},
        {"loop_af30", DLT_LOOP, [](const Bytes& p) { return with_loop(p, 30); }, 4, false, true},
        {"raw", DLT_RAW, [](const Bytes& p) { return p; }, 0, true, true},
        {"dlt_ipv4", DLT_IPV4, [](const Bytes& p) { return p; }, 0, true, false},
        {"dlt_ipv6", DLT_IPV6, [](const Bytes& p) { return p; }, 0, false, true},
        {"ppp_hdlc", DLT_PPP, [](const Bytes& p) { return with_ppp(p, true); }, 4, true, true},
        {"ppp_bare", DLT_PPP, [](const Bytes& p) { return with_ppp(p, false); }, 2, true, true},
        {"ppp_serial", DLT_PPP_SERIAL, [](const Bytes& p) { return with_ppp(p, true); }, 4, true, true},
        {"cisco_hdlc", DLT_C_HDLC, with_cisco_hdlc, 4, true, true},
    };
    return cases;
}

TEST(LinkTypes, EveryLinkTypeYieldsTheIpFields) {
    for (const LinkCase& c : link_cases()) {
        ASSERT_NE(link_decoder_for(c.dlt), nullptr) << c.name;
        if (c.v4) expect_v4_tcp(decode(c.dlt, c.wrap(v4_tcp())), std::string(c.name) + " v4");
        if (c.v6) expect_v6_udp(decode(c.dlt, c.wrap(v6_udp())), std::string(c.name) + " v6");
    }
}

TEST(LinkTypes, WireLengthIsCountedFromAfterTheLinkHeader) {
    // The IP total length is checked against the wire bytes left after each link header: a frame
    // whose wire length is exactly link + IP length is fine, one byte less is not.
    for (const LinkCase& c : link_cases()) {
        if (!c.v4) continue;
        const Bytes f = c.wrap(v4_tcp());
        const auto exact = static_cast<std::uint32_t>(c.link_len + kV4TcpBytes);
        ASSERT_EQ(f.size(), exact) << c.name;
        EXPECT_EQ(decode(c.dlt, f, exact).outcome, DecodeOutcome::kIp) << c.name;
        // Captured bytes are a lower bound for the wire length, so cut the capture as well.
        const Bytes cut = prefix(f, f.size() - 1);
        EXPECT_EQ(decode(c.dlt, cut, exact - 1).outcome, DecodeOutcome::kBadIpTotalLength) << c.name;
    }
}

TEST(LinkTypes, ZeroLengthFrameIsTruncatedNeverACrash) {
    const Bytes empty;
    for (const LinkCase& c : link_cases()) {
        const Decoded d = decode(c.dlt, empty, 0);
        // Raw IP link types have no link header: an empty frame ends inside the IP header.
        const DecodeOutcome expected = c.link_len == 0 ? DecodeOutcome::kTruncatedIp : DecodeOutcome::kTruncatedLink;
        EXPECT_EQ(d.outcome, expected) << c.name << ": " << outcome_name(d.outcome);
    }
    // Also the empty span with a null data pointer, and a wire length that claims more.
    for (const int dlt : {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP, DLT_PPP, DLT_PPP_SERIAL, DLT_C_HDLC}) {
        PacketSummary s;
        EXPECT_EQ(decode_frame(link_decoder_for(dlt), std::span<const std::uint8_t>{}, 1500, s), DecodeOutcome::kTruncatedLink)
            << dlt;
    }
}

TEST(LinkTypes, UnsupportedLinkType) {
    EXPECT_EQ(link_decoder_for(DLT_IEEE802_11), nullptr);
    EXPECT_EQ(link_decoder_for(-1), nullptr);
    const Bytes f = t::frame(t::dlt::ethernet, v4_tcp());
    PacketSummary s;
    s.src_port = 99;  // decode_frame resets its output first
    EXPECT_EQ(decode_frame(nullptr, f, static_cast<std::uint32_t>(f.size()), s), DecodeOutcome::kUnsupportedLinkType);
    EXPECT_EQ(s.src_port, 0);
}

TEST(LinkTypes, NonIpFramesAreNamedNotGuessed) {
    const Bytes arp = t::arp_packet(1, t::mac_addr("02:00:00:00:00:01"), t::ipv4_addr("10.0.0.1"),
                                    t::mac_addr("00:00:00:00:00:00"), t::ipv4_addr("10.0.0.2"));
    EXPECT_EQ(decode(DLT_EN10MB, t::ethernet_frame({.type = t::ethertype::arp}, arp)).outcome, DecodeOutcome::kNonIp);
    EXPECT_EQ(decode(DLT_EN10MB, t::ethernet_frame({.vlans = {{.vid = 5}}, .type = t::ethertype::arp}, arp)).outcome,
              DecodeOutcome::kNonIp);
    // An 802.3 length field (<= 1500) announces LLC, not an ethertype.
    EXPECT_EQ(decode(DLT_EN10MB, t::ethernet_frame({.type = 46}, Bytes(46, 0x42))).outcome, DecodeOutcome::kNonIp);
    // PPPoE discovery and LCP inside a PPPoE session.
    EXPECT_EQ(decode(DLT_EN10MB, t::pppoe_discovery_frame({}, 0x09, 0, {})).outcome, DecodeOutcome::kNonIp);
    EXPECT_EQ(decode(DLT_EN10MB, t::pppoe_session_frame({}, 1, t::ppp_protocol::lcp, Bytes(8, 1))).outcome, DecodeOutcome::kNonIp);
    // Unknown BSD address families and SLL protocols.
    EXPECT_EQ(decode(DLT_NULL, with_null(v4_tcp(), 7, false)).outcome, DecodeOutcome::kNonIp);
    EXPECT_EQ(decode(DLT_LOOP, with_loop(v4_tcp(), 7)).outcome, DecodeOutcome::kNonIp);
    Bytes sll;
    t::append_sll_header(sll, {.protocol = t::ethertype::arp});
    t::put_bytes(sll, arp);
    EXPECT_EQ(decode(DLT_LINUX_SLL, sll).outcome, DecodeOutcome::kNonIp);
}

TEST(LinkTypes, IpVersionMustMatchTheLinkLayer) {
    // Ethernet says IPv6, the packet is IPv4 (and the reverse); DLT_IPV4 carrying IPv6.
    EXPECT_EQ(decode(DLT_EN10MB, t::ethernet_frame({.type = t::ethertype::ipv6}, v4_tcp())).outcome, DecodeOutcome::kBadIpVersion);
    EXPECT_EQ(decode(DLT_EN10MB, t::ethernet_frame({.type = t::ethertype::ipv4}, v6_udp())).outcome, DecodeOutcome::kBadIpVersion);
    EXPECT_EQ(decode(DLT_IPV4, v6_udp()).outcome, DecodeOutcome::kBadIpVersion);
    EXPECT_EQ(decode(DLT_IPV6, v4_tcp()).outcome, DecodeOutcome::kBadIpVersion);
    EXPECT_EQ(decode(DLT_NULL, with_null(v6_udp(), 2, false)).outcome, DecodeOutcome::kBadIpVersion);
    // Raw IP and MPLS choose by the nibble: anything but 4 or 6 is bad.
    Bytes v5 = v4_tcp();
    v5[0] = static_cast<std::uint8_t>(0x50 | (v5[0] & 0x0F));
    EXPECT_EQ(decode(DLT_RAW, v5).outcome, DecodeOutcome::kBadIpVersion);
    EXPECT_EQ(decode(DLT_EN10MB, with_mpls(v5)).outcome, DecodeOutcome::kBadIpVersion);
}

// ---------------------------------------------------------------------------------------------
// IPv4 header rules (RFC 791).

TEST(Ipv4, OptionsSkipToTheTransportHeaderForEveryIhl) {
    for (std::uint8_t ihl = 6; ihl <= 15; ++ihl) {
        // NOP options (type 1): if the decoder skipped a fixed 20 bytes, it would read 0x0101 as ports.
        const Bytes p = t::ipv4_packet({.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("192.0.2.7"),
                                        .options = Bytes((ihl - 5u) * 4u, 0x01)},
                                       t::Tcp{.src_port = 1234, .dst_port = 443, .flags = t::tcp_flag::ack});
        ASSERT_EQ(p[0] & 0x0F, ihl);
        const Decoded d = decode(DLT_RAW, p);
        ASSERT_EQ(d.outcome, DecodeOutcome::kIp) << int{ihl};
        EXPECT_EQ(d.s.src_port, 1234) << int{ihl};
        EXPECT_EQ(d.s.dst_port, 443) << int{ihl};
        EXPECT_EQ(d.s.tcp_flags, tcp_flag::kAck) << int{ihl};
        EXPECT_EQ(d.s.ip_bytes, ihl * 4u + 20u) << int{ihl};
        EXPECT_TRUE(d.s.has(DecodeNote::kIpOptions)) << int{ihl};
        EXPECT_FALSE(d.s.has(DecodeNote::kTransportTruncated)) << int{ihl};
    }
}

TEST(Ipv4, HeaderLengthBelowFiveWordsIsBad) {
    for (std::uint8_t ihl = 0; ihl < 5; ++ihl) {
        const Bytes p = t::ipv4_packet({.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("10.0.0.2"), .ihl = ihl},
                                       t::Udp{.src_port = 1, .dst_port = 2, .payload = 20});
        EXPECT_EQ(decode(DLT_RAW, p).outcome, DecodeOutcome::kBadIpHeaderLength) << int{ihl};
        EXPECT_EQ(decode(DLT_EN10MB, t::frame(t::dlt::ethernet, p)).outcome, DecodeOutcome::kBadIpHeaderLength) << int{ihl};
    }
}

TEST(Ipv4, TotalLengthShorterThanHeaderIsBad) {
    const t::Ipv4 base{.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("10.0.0.2")};
    auto with_total = [&](t::Ipv4 h, std::uint16_t total) {
        h.total_length = total;
        return t::ipv4_packet(h, t::Udp{.src_port = 1, .dst_port = 2, .payload = 8});
    };
    EXPECT_EQ(decode(DLT_RAW, with_total(base, 19)).outcome, DecodeOutcome::kBadIpTotalLength);
    EXPECT_EQ(decode(DLT_RAW, with_total(base, 1)).outcome, DecodeOutcome::kBadIpTotalLength);
    t::Ipv4 opts = base;
    opts.options = Bytes(4, 0x01);  // IHL 6: 24-byte header
    EXPECT_EQ(decode(DLT_RAW, with_total(opts, 23)).outcome, DecodeOutcome::kBadIpTotalLength);
    // A header with no payload at all is a (useless but valid) IP packet without ports.
    const Decoded bare = decode(DLT_RAW, with_total(opts, 24));
    ASSERT_EQ(bare.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(bare.s.ip_bytes, 24u);
    EXPECT_EQ(bare.s.src_port, 0);
    EXPECT_TRUE(bare.s.has(DecodeNote::kTransportTruncated));
}

TEST(Ipv4, ZeroTotalLengthTakesTheFrameLength) {
    // TCP segmentation offload: the NIC fills the length in after the capture point, so the
    // frame is the only witness of the size (decode_ip.cpp, as tshark assumes).
    const t::Ipv4 h{.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("10.0.0.2"), .total_length = 0};
    const Bytes p = t::ipv4_packet(h, t::Tcp{.src_port = 4000, .dst_port = 443, .payload = 2000});
    const Decoded raw = decode(DLT_RAW, p);
    ASSERT_EQ(raw.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(raw.s.ip_bytes, 20u + 20u + 2000u);
    EXPECT_EQ(raw.s.src_port, 4000);
    EXPECT_TRUE(raw.s.has(DecodeNote::kLengthFromFrame));
    // Under a link header only the bytes after it count; with a snaplen the wire length does.
    const Bytes f = t::frame(t::dlt::ethernet, p);
    const Decoded cut = decode(DLT_EN10MB, prefix(f, 14 + 40 + 16), static_cast<std::uint32_t>(f.size()));
    ASSERT_EQ(cut.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(cut.s.ip_bytes, 20u + 20u + 2000u);
    EXPECT_TRUE(cut.s.has(DecodeNote::kLengthFromFrame));
    EXPECT_TRUE(cut.s.has(DecodeNote::kSnaplenTruncated));
    EXPECT_EQ(cut.s.dst_port, 443);
    // A normal packet never carries the note.
    EXPECT_FALSE(decode(DLT_RAW, v4_tcp()).s.has(DecodeNote::kLengthFromFrame));
}

TEST(Ipv4, TotalLengthBeyondTheWireIsBad) {
    t::Ipv4 h{.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("10.0.0.2")};
    h.total_length = 20 + 8 + 8 + 1;  // one more than the packet
    const Bytes p = t::ipv4_packet(h, t::Udp{.src_port = 1, .dst_port = 2, .payload = 8});
    EXPECT_EQ(decode(DLT_RAW, p).outcome, DecodeOutcome::kBadIpTotalLength);
    EXPECT_EQ(decode(DLT_EN10MB, t::frame(t::dlt::ethernet, p)).outcome, DecodeOutcome::kBadIpTotalLength);
}

TEST(Ipv4, CaptureShorterThanTheFixedHeaderIsTruncatedIp) {
    const Bytes p = v4_tcp();
    for (std::size_t n = 1; n < 20; ++n) {
        EXPECT_EQ(decode(DLT_RAW, prefix(p, n), kV4TcpBytes).outcome, DecodeOutcome::kTruncatedIp) << n;
        const Bytes f = t::frame(t::dlt::ethernet, p);
        EXPECT_EQ(decode(DLT_EN10MB, prefix(f, 14 + n), static_cast<std::uint32_t>(f.size())).outcome, DecodeOutcome::kTruncatedIp)
            << n;
    }
}

TEST(Ipv4, SnaplenCutStillCountsTheHeaderLength) {
    const Bytes f = t::frame(t::dlt::ethernet, v4_tcp());
    const auto wire = static_cast<std::uint32_t>(f.size());
    // Ports captured, the TCP flags (byte 13 of the TCP header) not.
    const Decoded ports_only = decode(DLT_EN10MB, prefix(f, 14 + 20 + 4), wire);
    ASSERT_EQ(ports_only.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(ports_only.s.ip_bytes, kV4TcpBytes);
    EXPECT_EQ(ports_only.s.src_port, kV4Sport);
    EXPECT_EQ(ports_only.s.dst_port, kV4Dport);
    EXPECT_EQ(ports_only.s.tcp_flags, 0);
    EXPECT_TRUE(ports_only.s.has(DecodeNote::kSnaplenTruncated));
    EXPECT_FALSE(ports_only.s.has(DecodeNote::kTransportTruncated));
    // Only the IP header captured: addresses and length known, ports not.
    const Decoded header_only = decode(DLT_EN10MB, prefix(f, 14 + 20), wire);
    ASSERT_EQ(header_only.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(header_only.s.ip_bytes, kV4TcpBytes);
    EXPECT_EQ(header_only.s.src_port, 0);
    EXPECT_TRUE(header_only.s.has(DecodeNote::kSnaplenTruncated));
    EXPECT_TRUE(header_only.s.has(DecodeNote::kTransportTruncated));
    // Options cut by the snaplen.
    const Bytes opt = t::ipv4_packet({.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("10.0.0.2"), .options = Bytes(40, 1)},
                                     t::Udp{.src_port = 7, .dst_port = 9, .payload = 100});
    const Decoded cut_opts = decode(DLT_RAW, prefix(opt, 40), static_cast<std::uint32_t>(opt.size()));
    ASSERT_EQ(cut_opts.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(cut_opts.s.ip_bytes, 60u + 8u + 100u);
    EXPECT_EQ(cut_opts.s.src_port, 0);
    EXPECT_TRUE(cut_opts.s.has(DecodeNote::kTransportTruncated));
    EXPECT_TRUE(cut_opts.s.has(DecodeNote::kIpOptions));
    EXPECT_TRUE(cut_opts.s.has(DecodeNote::kSnaplenTruncated));
}

TEST(Ipv4, DamagedRecordWithWireBelowCaptureUsesTheCapture) {
    const Bytes p = v4_tcp();
    const Decoded d = decode(DLT_RAW, p, 0);
    ASSERT_EQ(d.outcome, DecodeOutcome::kIp);
    EXPECT_FALSE(d.s.has(DecodeNote::kSnaplenTruncated));
    EXPECT_EQ(d.s.src_port, kV4Sport);
}

TEST(Ipv4, EthernetPaddingIsNotPayload) {
    // 20-byte header + 2 bytes that are only half a UDP port pair; Ethernet pads to 60 bytes with
    // 0xAB. Reading the padding would invent a destination port of 0xABAB.
    const Bytes p = t::ipv4_packet({.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("10.0.0.2")},
                                   t::RawTransport{.protocol = 17, .bytes = {0x12, 0x34}});
    Bytes f = t::frame(t::dlt::ethernet, p);
    f.resize(60, 0xAB);
    const Decoded d = decode(DLT_EN10MB, f);
    ASSERT_EQ(d.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(d.s.ip_bytes, 22u);
    EXPECT_EQ(d.s.src_port, 0);
    EXPECT_EQ(d.s.dst_port, 0);
    EXPECT_TRUE(d.s.has(DecodeNote::kTransportTruncated));
    EXPECT_FALSE(d.s.has(DecodeNote::kSnaplenTruncated));

    // A minimal TCP segment (40 bytes) padded to 60: IP bytes are 40, not 46.
    Bytes syn = t::frame(t::dlt::ethernet, t::ipv4_packet({.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("10.0.0.2")},
                                                          t::Tcp{.src_port = 1, .dst_port = 2, .flags = t::tcp_flag::syn}));
    syn.resize(60, 0xAB);
    const Decoded ds = decode(DLT_EN10MB, syn);
    ASSERT_EQ(ds.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(ds.s.ip_bytes, 40u);
    EXPECT_EQ(ds.s.tcp_flags, tcp_flag::kSyn);
}

TEST(Ipv4, DontFragmentAloneIsNotAFragment) {
    const Bytes p = t::ipv4_packet({.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("10.0.0.2"), .df = true},
                                   t::Udp{.src_port = 5, .dst_port = 6});
    const Decoded d = decode(DLT_RAW, p);
    ASSERT_EQ(d.outcome, DecodeOutcome::kIp);
    EXPECT_FALSE(d.s.fragment);
    EXPECT_FALSE(d.s.later_fragment);
    EXPECT_EQ(d.s.src_port, 5);
}

TEST(Ipv4, FirstAndLaterFragments) {
    const t::Ipv4 h{.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("10.0.0.2"), .id = 0xBEEF};
    const t::Udp udp{.src_port = 1111, .dst_port = 2222, .data = Bytes(64, 0x5A)};
    const Bytes datagram = t::transport_bytes(udp, t::ip_addr(h.src), t::ip_addr(h.dst));
    const auto frags = t::ipv4_fragments(h, 17, datagram, 24);
    ASSERT_EQ(frags.size(), 3u);  // 72 bytes in 24-byte pieces

    const Decoded first = decode(DLT_RAW, frags[0]);
    ASSERT_EQ(first.outcome, DecodeOutcome::kIp);
    EXPECT_TRUE(first.s.fragment);
    EXPECT_FALSE(first.s.later_fragment);
    EXPECT_EQ(first.s.src_port, 1111);
    EXPECT_EQ(first.s.dst_port, 2222);
    EXPECT_EQ(first.s.frag_id, 0xBEEFu);
    EXPECT_EQ(first.s.ip_bytes, 20u + 24u);
    EXPECT_FALSE(first.s.has(DecodeNote::kFragment));

    for (std::size_t i = 1; i < frags.size(); ++i) {
        const Decoded later = decode(DLT_RAW, frags[i]);
        ASSERT_EQ(later.outcome, DecodeOutcome::kIp) << i;
        EXPECT_TRUE(later.s.fragment) << i;
        EXPECT_TRUE(later.s.later_fragment) << i;
        EXPECT_EQ(later.s.proto, 17) << i;
        EXPECT_EQ(later.s.src_port, 0) << "0x5A5A would mean payload read as ports";
        EXPECT_EQ(later.s.dst_port, 0) << i;
        EXPECT_EQ(later.s.frag_id, 0xBEEFu) << i;
        EXPECT_TRUE(later.s.has(DecodeNote::kFragment)) << i;
        EXPECT_FALSE(later.s.has(DecodeNote::kTransportTruncated)) << i;
    }
}

// ---------------------------------------------------------------------------------------------
// IPv6 (RFC 8200) extension chains and fragments.

TEST(Ipv6, ExtensionChainReachesTcp) {
    const t::Ipv6 h{.src = t::ipv6_addr("2001:db8::a"), .dst = t::ipv6_addr("2001:db8::b"),
                    .ext = {t::hop_by_hop(), t::routing_header(2, 1, {t::ipv6_addr("2001:db8::c")}), t::destination_options()}};
    const Bytes p = t::ipv6_packet(h, t::Tcp{.src_port = 50000, .dst_port = 22, .flags = t::tcp_flag::syn | t::tcp_flag::ack});
    const Decoded d = decode(DLT_EN10MB, t::frame(t::dlt::ethernet, p));
    ASSERT_EQ(d.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(d.s.proto, 6);
    EXPECT_EQ(d.s.src_port, 50000);
    EXPECT_EQ(d.s.dst_port, 22);
    EXPECT_EQ(d.s.tcp_flags, tcp_flag::kSyn | tcp_flag::kAck);
    EXPECT_EQ(d.s.ip_bytes, 40u + 8u + 24u + 8u + 20u);  // fixed, HBH, routing (1 address), dest opts, TCP
    EXPECT_TRUE(d.s.has(DecodeNote::kIpOptions));
    EXPECT_FALSE(d.s.has(DecodeNote::kTransportTruncated));
}

TEST(Ipv6, LongerOptionHeadersAreWalkedByTheirLength) {
    // 30 bytes of options make a 32-byte header (length field 3).
    const t::Ipv6 h{.src = t::ipv6_addr("2001:db8::a"), .dst = t::ipv6_addr("2001:db8::b"),
                    .ext = {t::destination_options(Bytes{0x1E, 28, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                                                         15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28})}};
    const Bytes p = t::ipv6_packet(h, t::Udp{.src_port = 9, .dst_port = 10});
    ASSERT_EQ(p[40 + 1], 3);
    const Decoded d = decode(DLT_RAW, p);
    ASSERT_EQ(d.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(d.s.src_port, 9);
    EXPECT_EQ(d.s.dst_port, 10);
}

TEST(Ipv6, AuthenticationHeaderLengthIsInFourOctetUnits) {
    // RFC 4302: payload length = (AH length in 4-octet units) - 2. 12 fixed bytes + 12-byte ICV
    // = 24 bytes = 6 units, field 4. Read as 8-octet units (RFC 8200 style) it would skip 40.
    Bytes ah_body;
    t::put_u8(ah_body, 4);
    t::put_zeros(ah_body, 2);             // reserved
    t::put_be32(ah_body, 0x1000);         // SPI
    t::put_be32(ah_body, 1);              // sequence number
    t::put_bytes(ah_body, Bytes(12, 0xEE));  // ICV
    const t::Ipv6 h{.src = t::ipv6_addr("2001:db8::a"), .dst = t::ipv6_addr("2001:db8::b"), .ext = {{.type = 51, .body = ah_body}}};
    const Bytes p = t::ipv6_packet(h, t::Udp{.src_port = 500, .dst_port = 4500, .payload = 32});
    const Decoded d = decode(DLT_RAW, p);
    ASSERT_EQ(d.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(d.s.proto, 17);
    EXPECT_EQ(d.s.src_port, 500);
    EXPECT_EQ(d.s.dst_port, 4500);
    EXPECT_EQ(d.s.ip_bytes, 40u + 24u + 8u + 32u);
}

TEST(Ipv6, FragmentHeaderFirstAndLater) {
    const t::Ipv6 h{.src = t::ipv6_addr("2001:db8::1"), .dst = t::ipv6_addr("2001:db8::2"), .ext = {t::hop_by_hop()}};
    const t::Udp udp{.src_port = 3333, .dst_port = 4444, .data = Bytes(40, 0x77)};
    const Bytes datagram = t::transport_bytes(udp, t::ip_addr(h.src), t::ip_addr(h.dst));
    const auto frags = t::ipv6_fragments(h, 17, datagram, 16, 0xCAFEF00D);
    ASSERT_EQ(frags.size(), 3u);

    const Decoded first = decode(DLT_RAW, frags[0]);
    ASSERT_EQ(first.outcome, DecodeOutcome::kIp);
    EXPECT_TRUE(first.s.fragment);
    EXPECT_FALSE(first.s.later_fragment);
    EXPECT_EQ(first.s.proto, 17);
    EXPECT_EQ(first.s.src_port, 3333);
    EXPECT_EQ(first.s.dst_port, 4444);
    EXPECT_EQ(first.s.frag_id, 0xCAFEF00Du);
    EXPECT_EQ(first.s.ip_bytes, 40u + 8u + 8u + 16u);

    for (std::size_t i = 1; i < frags.size(); ++i) {
        const Decoded later = decode(DLT_RAW, frags[i]);
        ASSERT_EQ(later.outcome, DecodeOutcome::kIp);
        EXPECT_TRUE(later.s.later_fragment) << i;
        EXPECT_EQ(later.s.proto, 17) << "the fragment header's next header names the upper layer";
        EXPECT_EQ(later.s.src_port, 0) << i;
        EXPECT_EQ(later.s.dst_port, 0) << i;
        EXPECT_EQ(later.s.frag_id, 0xCAFEF00Du) << i;
        EXPECT_TRUE(later.s.has(DecodeNote::kFragment)) << i;
    }
}

TEST(Ipv6, PayloadLengthBoundsTheChainAndThePorts) {
    // The payload length says 8 (just the hop-by-hop header), although a UDP header follows on
    // the wire: the header beyond the declared payload is not read.
    const t::Ipv6 h{.src = t::ipv6_addr("2001:db8::1"), .dst = t::ipv6_addr("2001:db8::2"), .ext = {t::hop_by_hop()}, .payload_length = 8};
    const Bytes p = t::ipv6_packet(h, t::Udp{.src_port = 1, .dst_port = 2});
    const Decoded d = decode(DLT_RAW, p);
    ASSERT_EQ(d.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(d.s.ip_bytes, 48u);
    EXPECT_EQ(d.s.proto, 17);
    EXPECT_EQ(d.s.src_port, 0);
    EXPECT_TRUE(d.s.has(DecodeNote::kTransportTruncated));
}

TEST(Ipv6, PayloadLengthBeyondTheWireIsBad) {
    const t::Ipv6 h{.src = t::ipv6_addr("2001:db8::1"), .dst = t::ipv6_addr("2001:db8::2"), .payload_length = 8 + 12 + 1};
    const Bytes p = t::ipv6_packet(h, t::Udp{.src_port = 1, .dst_port = 2, .payload = 12});
    EXPECT_EQ(decode(DLT_RAW, p).outcome, DecodeOutcome::kBadIpTotalLength);
}

TEST(Ipv6, ZeroPayloadLengthWithAPayloadTakesTheFrameLength) {
    // Segmentation offload or a jumbogram (RFC 2675): payload length 0, bytes follow.
    const t::Ipv6 h{.src = t::ipv6_addr("2001:db8::1"), .dst = t::ipv6_addr("2001:db8::2"), .payload_length = 0};
    const Bytes p = t::ipv6_packet(h, t::Tcp{.src_port = 4000, .dst_port = 443, .payload = 3000});
    const Decoded d = decode(DLT_EN10MB, t::frame(t::dlt::ethernet, p));
    ASSERT_EQ(d.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(d.s.ip_bytes, 40u + 20u + 3000u);
    EXPECT_EQ(d.s.dst_port, 443);
    EXPECT_TRUE(d.s.has(DecodeNote::kLengthFromFrame));
    // "No next header" (59) with length 0 really is empty: trailing bytes (padding) are not IP.
    Bytes none = t::frame(t::dlt::ethernet, t::ipv6_packet(h, t::RawTransport{.protocol = 59, .bytes = {}}));
    none.resize(none.size() + 26, 0);
    const Decoded e = decode(DLT_EN10MB, none);
    ASSERT_EQ(e.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(e.s.ip_bytes, 40u);
    EXPECT_FALSE(e.s.has(DecodeNote::kLengthFromFrame));
}

TEST(Ipv6, ChainCutBySnaplenCountsUnderTheHeaderReached) {
    const t::Ipv6 h{.src = t::ipv6_addr("2001:db8::1"), .dst = t::ipv6_addr("2001:db8::2"),
                    .ext = {t::hop_by_hop(), t::routing_header(2, 1, {t::ipv6_addr("2001:db8::3")})}};
    const Bytes p = t::ipv6_packet(h, t::Tcp{.src_port = 1, .dst_port = 2});
    // Captured: fixed header, hop-by-hop, and 4 bytes of the 24-byte routing header.
    const Decoded d = decode(DLT_RAW, prefix(p, 40 + 8 + 4), static_cast<std::uint32_t>(p.size()));
    ASSERT_EQ(d.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(d.s.ip_bytes, 40u + 8u + 24u + 20u);
    EXPECT_EQ(d.s.src_port, 0);
    EXPECT_TRUE(d.s.has(DecodeNote::kTransportTruncated));
    EXPECT_TRUE(d.s.has(DecodeNote::kSnaplenTruncated));
}

TEST(Ipv6, NoNextHeaderAndEspHaveNoPorts) {
    const t::Ipv6 h{.src = t::ipv6_addr("2001:db8::1"), .dst = t::ipv6_addr("2001:db8::2")};
    const Decoded none = decode(DLT_RAW, t::ipv6_packet(h, t::RawTransport{.protocol = 59, .bytes = {}}));
    ASSERT_EQ(none.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(none.s.proto, 59);
    EXPECT_EQ(none.s.ip_bytes, 40u);
    EXPECT_EQ(none.s.notes, 0) << "nothing was truncated: there is no transport header";
    const Decoded esp = decode(DLT_RAW, t::ipv6_packet(h, t::RawTransport{.protocol = 50, .bytes = Bytes(32, 0x11)}));
    ASSERT_EQ(esp.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(esp.s.proto, 50);
    EXPECT_EQ(esp.s.src_port, 0);
    EXPECT_EQ(esp.s.dst_port, 0);
}

TEST(Ipv6, CaptureShorterThanTheFixedHeaderIsTruncatedIp) {
    const Bytes p = v6_udp();
    for (std::size_t n = 1; n < 40; ++n)
        EXPECT_EQ(decode(DLT_RAW, prefix(p, n), kV6UdpBytes).outcome, DecodeOutcome::kTruncatedIp) << n;
}

// ---------------------------------------------------------------------------------------------
// Transport: TCP/UDP ports, ICMP type/code pairing (RFC 792, 950, 1256; RFC 4443, 4861, 4620).

struct IcmpCase {
    std::uint8_t type;
    std::uint8_t code;
    std::uint16_t src_port;
    std::uint16_t dst_port;
};

TEST(Transport, IcmpRequestsAndRepliesMeetOnTheRequestTypeCode) {
    const std::vector<IcmpCase> cases = {
        {8, 0, 0, 8 * 256},         {0, 0, 8 * 256, 0},          // echo
        {13, 0, 0, 13 * 256},       {14, 0, 13 * 256, 0},        // timestamp
        {15, 0, 0, 15 * 256},       {16, 0, 15 * 256, 0},        // information
        {17, 0, 0, 17 * 256},       {18, 0, 17 * 256, 0},        // address mask
        {10, 0, 0, 10 * 256},       {9, 0, 10 * 256, 0},         // router solicitation/advertisement
        {3, 3, 0, 3 * 256 + 3},     {11, 1, 0, 11 * 256 + 1},    // errors: unpaired
        {5, 1, 0, 5 * 256 + 1},     {0, 7, 8 * 256 + 7, 0},      // the reply's code is kept
    };
    for (const IcmpCase& c : cases) {
        const Bytes p = t::ipv4_packet({.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("10.0.0.2")},
                                       t::Icmp{.type = c.type, .code = c.code, .id = 0x4242, .seq = 7, .payload = 8});
        const Decoded d = decode(DLT_RAW, p);
        ASSERT_EQ(d.outcome, DecodeOutcome::kIp);
        EXPECT_EQ(d.s.proto, 1);
        EXPECT_EQ(d.s.src_port, c.src_port) << int{c.type} << "/" << int{c.code};
        EXPECT_EQ(d.s.dst_port, c.dst_port) << int{c.type} << "/" << int{c.code};
    }
}

TEST(Transport, IcmpErrorDoesNotTakePortsFromTheQuotedPacket) {
    const Bytes quoted = t::icmp_error_quote(v4_tcp());
    const Bytes p = t::ipv4_packet({.src = t::ipv4_addr("192.0.2.7"), .dst = t::ipv4_addr("10.0.0.1")},
                                   t::Icmp{.type = 3, .code = 3, .data = quoted});
    const Decoded d = decode(DLT_RAW, p);
    ASSERT_EQ(d.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(d.s.src_port, 0);
    EXPECT_EQ(d.s.dst_port, 3 * 256 + 3);
}

TEST(Transport, Icmpv6PairsEchoAndNeighborDiscovery) {
    const std::vector<IcmpCase> cases = {
        {128, 0, 0, 128 * 256}, {129, 0, 128 * 256, 0},  // echo
        {135, 0, 0, 135 * 256}, {136, 0, 135 * 256, 0},  // neighbor solicitation/advertisement
        {133, 0, 0, 133 * 256}, {134, 0, 133 * 256, 0},  // router solicitation/advertisement
        {139, 0, 0, 139 * 256}, {140, 0, 139 * 256, 0},  // node information
        {1, 4, 0, 1 * 256 + 4}, {2, 0, 0, 2 * 256},      // errors: unpaired
        {3, 0, 0, 3 * 256},     {4, 1, 0, 4 * 256 + 1},
        {8, 0, 0, 8 * 256},     {0, 0, 0, 0},  // ICMPv4 numbers mean nothing special in ICMPv6
    };
    for (const IcmpCase& c : cases) {
        const Bytes p = t::ipv6_packet({.src = t::ipv6_addr("fe80::1"), .dst = t::ipv6_addr("fe80::2")},
                                       t::Icmpv6{.type = c.type, .code = c.code, .payload = 16});
        const Decoded d = decode(DLT_RAW, p);
        ASSERT_EQ(d.outcome, DecodeOutcome::kIp);
        EXPECT_EQ(d.s.proto, 58);
        EXPECT_EQ(d.s.src_port, c.src_port) << int{c.type} << "/" << int{c.code};
        EXPECT_EQ(d.s.dst_port, c.dst_port) << int{c.type} << "/" << int{c.code};
    }
}

TEST(Transport, TruncatedHeadersGivePortsZeroAndANote) {
    const t::Ipv4 h{.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("10.0.0.2")};
    for (const std::uint8_t proto : {std::uint8_t{6}, std::uint8_t{17}}) {
        // Two bytes: the source port only. The IP length agrees, so this is not a snaplen cut.
        const Decoded d = decode(DLT_RAW, t::ipv4_packet(h, t::RawTransport{.protocol = proto, .bytes = {0x04, 0xD2}}));
        ASSERT_EQ(d.outcome, DecodeOutcome::kIp);
        EXPECT_EQ(d.s.proto, proto);
        EXPECT_EQ(d.s.src_port, 0);
        EXPECT_EQ(d.s.dst_port, 0);
        EXPECT_EQ(d.s.tcp_flags, 0);
        EXPECT_TRUE(d.s.has(DecodeNote::kTransportTruncated));
        EXPECT_FALSE(d.s.has(DecodeNote::kSnaplenTruncated));
    }
    const Decoded icmp = decode(DLT_RAW, t::ipv4_packet(h, t::RawTransport{.protocol = 1, .bytes = {8}}));
    ASSERT_EQ(icmp.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(icmp.s.dst_port, 0);
    EXPECT_TRUE(icmp.s.has(DecodeNote::kTransportTruncated));
    // Other protocols have no ports and nothing to truncate.
    const Decoded gre = decode(DLT_RAW, t::ipv4_packet(h, t::RawTransport{.protocol = 47, .bytes = {}}));
    ASSERT_EQ(gre.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(gre.s.proto, 47);
    EXPECT_EQ(gre.s.notes, 0);
}

TEST(Transport, TcpFlagsAreTheWholeFlagByte) {
    const std::uint8_t all = 0xFF;
    const Decoded d = decode(DLT_RAW, t::ipv4_packet({.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("10.0.0.2")},
                                                     t::Tcp{.src_port = 1, .dst_port = 2, .flags = all}));
    ASSERT_EQ(d.outcome, DecodeOutcome::kIp);
    EXPECT_EQ(d.s.tcp_flags, all);
}

TEST(Names, OutcomeAndNoteNamesAreStableAndDistinct) {
    // These names are stored in interval files (decode_count.name).
    EXPECT_EQ(outcome_name(DecodeOutcome::kIp), "ip");
    EXPECT_EQ(outcome_name(DecodeOutcome::kNonIp), "non_ip");
    EXPECT_EQ(outcome_name(DecodeOutcome::kTruncatedLink), "truncated_link");
    EXPECT_EQ(outcome_name(DecodeOutcome::kBadIpTotalLength), "bad_ip_total_length");
    EXPECT_EQ(note_name(DecodeNote::kFragmentUnmatched), "fragment_unmatched");
    EXPECT_EQ(note_name(DecodeNote::kLengthFromFrame), "length_from_frame");
    std::vector<std::string_view> seen;
    for (std::size_t i = 0; i < kOutcomeCount; ++i) seen.push_back(outcome_name(static_cast<DecodeOutcome>(i)));
    for (std::size_t i = 0; i < kNoteCount; ++i) seen.push_back(note_name(static_cast<DecodeNote>(i)));
    for (std::size_t i = 0; i < seen.size(); ++i) {
        EXPECT_NE(seen[i], "unknown") << i;
        for (std::size_t j = i + 1; j < seen.size(); ++j) EXPECT_NE(seen[i], seen[j]);
    }
}

// ---------------------------------------------------------------------------------------------
// Every prefix of valid frames: never a read past the span (ASan), always the outcome that the
// cut position implies.

struct SweepPacket {
    const char* name;
    Bytes ip;
};

std::vector<SweepPacket> sweep_packets() {
    const auto v4a = t::ipv4_addr("10.1.2.3"), v4b = t::ipv4_addr("198.51.100.9");
    const auto v6a = t::ipv6_addr("2001:db8::10"), v6b = t::ipv6_addr("2001:db8:1::20");
    std::vector<SweepPacket> out;
    out.push_back({"v4_tcp_options", t::ipv4_packet({.src = v4a, .dst = v4b, .options = Bytes(8, 1)},
                                                    t::Tcp{.src_port = 1, .dst_port = 2, .flags = t::tcp_flag::syn, .payload = 6})});
    out.push_back({"v4_udp", t::ipv4_packet({.src = v4a, .dst = v4b}, t::Udp{.src_port = 53, .dst_port = 5353, .payload = 9})});
    out.push_back({"v4_icmp_echo", t::ipv4_packet({.src = v4a, .dst = v4b}, t::Icmp{.type = 8, .id = 1, .seq = 2, .payload = 5})});
    out.push_back({"v4_later_fragment",
                   t::ipv4_packet({.src = v4a, .dst = v4b, .id = 9, .frag_offset = 3},
                                  t::RawTransport{.protocol = 17, .bytes = Bytes(16, 0x33)})});
    out.push_back({"v6_chain_tcp",
                   t::ipv6_packet({.src = v6a, .dst = v6b, .ext = {t::hop_by_hop(), t::routing_header(2, 1, {v6b}), t::destination_options()}},
                                  t::Tcp{.src_port = 3, .dst_port = 4, .flags = t::tcp_flag::fin, .payload = 3})});
    out.push_back({"v6_first_fragment", t::ipv6_fragments({.src = v6a, .dst = v6b}, 17,
                                                          t::transport_bytes(t::Udp{.src_port = 7, .dst_port = 8, .payload = 24},
                                                                             t::ip_addr(v6a), t::ip_addr(v6b)),
                                                          16, 77)
                                            .front()});
    out.push_back({"v6_icmpv6_ns", t::ipv6_packet({.src = v6a, .dst = v6b}, t::Icmpv6{.type = 135, .payload = 20})});
    return out;
}

TEST(Truncation, EveryPrefixOfEveryFrameHasTheOutcomeItsLengthImplies) {
    std::size_t decodes = 0;
    for (const LinkCase& c : link_cases()) {
        for (const SweepPacket& sp : sweep_packets()) {
            const bool v6 = (sp.ip[0] >> 4) == 6;
            if (v6 ? !c.v6 : !c.v4) continue;
            const Bytes full = c.wrap(sp.ip);
            const std::size_t ip_fixed = v6 ? 40 : 20;
            const Decoded whole = decode(c.dlt, full);
            ASSERT_EQ(whole.outcome, DecodeOutcome::kIp) << c.name << " " << sp.name;
            ASSERT_EQ(whole.s.ip_bytes, sp.ip.size()) << c.name << " " << sp.name;

            for (std::size_t n = 0; n <= full.size(); ++n) {
                SCOPED_TRACE(std::string(c.name) + " " + sp.name + " n=" + std::to_string(n));
                const Bytes cut = prefix(full, n);  // its own allocation: ASan sees any over-read
                const auto wire = static_cast<std::uint32_t>(full.size());

                // As a snaplen would cut it: the wire length is the full frame's.
                const Decoded d = decode(c.dlt, cut, wire);
                const Decoded again = decode(c.dlt, cut, wire);
                ++decodes;
                ASSERT_EQ(d.outcome, again.outcome);
                EXPECT_EQ(d.s.notes, again.s.notes);
                EXPECT_EQ(d.s.src_port, again.s.src_port);
                if (n < c.link_len) {
                    EXPECT_EQ(d.outcome, DecodeOutcome::kTruncatedLink) << outcome_name(d.outcome);
                } else if (n < c.link_len + ip_fixed) {
                    EXPECT_EQ(d.outcome, DecodeOutcome::kTruncatedIp) << outcome_name(d.outcome);
                } else {
                    ASSERT_EQ(d.outcome, DecodeOutcome::kIp) << outcome_name(d.outcome);
                    EXPECT_EQ(d.s.src, whole.s.src);
                    EXPECT_EQ(d.s.dst, whole.s.dst);
                    EXPECT_EQ(d.s.ip_bytes, whole.s.ip_bytes) << "the header's length counts, not the captured bytes";
                    EXPECT_EQ(d.s.has(DecodeNote::kSnaplenTruncated), n < full.size());
                    EXPECT_EQ(d.s.later_fragment, whole.s.later_fragment);
                    if (d.s.has(DecodeNote::kTransportTruncated)) {
                        EXPECT_EQ(d.s.src_port, 0);
                        EXPECT_EQ(d.s.dst_port, 0);
                        EXPECT_EQ(d.s.tcp_flags, 0);
                    } else {
                        EXPECT_EQ(d.s.proto, whole.s.proto);
                        EXPECT_EQ(d.s.src_port, whole.s.src_port);
                        EXPECT_EQ(d.s.dst_port, whole.s.dst_port);
                        EXPECT_TRUE(d.s.tcp_flags == whole.s.tcp_flags || d.s.tcp_flags == 0);
                    }
                }

                // As a damaged record would claim it: the frame was only n bytes on the wire.
                const Decoded short_wire = decode(c.dlt, cut, static_cast<std::uint32_t>(n));
                ++decodes;
                if (n < c.link_len) {
                    EXPECT_EQ(short_wire.outcome, DecodeOutcome::kTruncatedLink);
                } else if (n < c.link_len + ip_fixed) {
                    EXPECT_EQ(short_wire.outcome, DecodeOutcome::kTruncatedIp);
                } else if (n < full.size()) {
                    EXPECT_EQ(short_wire.outcome, DecodeOutcome::kBadIpTotalLength) << outcome_name(short_wire.outcome);
                } else {
                    EXPECT_EQ(short_wire.outcome, DecodeOutcome::kIp);
                }
            }
        }
    }
    EXPECT_GT(decodes, 10000u);
}

TEST(Truncation, EveryPrefixOfANonIpFrameIsTruncatedLinkOrNonIp) {
    const Bytes arp = t::arp_packet(2, t::mac_addr("02:00:00:00:00:01"), t::ipv4_addr("10.0.0.1"),
                                    t::mac_addr("02:00:00:00:00:02"), t::ipv4_addr("10.0.0.2"));
    const Bytes f = t::ethernet_frame({.vlans = {{.tpid = t::ethertype::qinq, .vid = 1}, {.vid = 2}}, .type = t::ethertype::arp}, arp);
    for (std::size_t n = 0; n <= f.size(); ++n) {
        const Decoded d = decode(DLT_EN10MB, prefix(f, n), static_cast<std::uint32_t>(f.size()));
        EXPECT_EQ(d.outcome, n < 22 ? DecodeOutcome::kTruncatedLink : DecodeOutcome::kNonIp) << n;
    }
}

TEST(Truncation, MutatedFramesNeverEscapeTheirBytes) {
    // Deterministic mutation of valid frames: length fields, nibbles and types take every value
    // sooner or later. Only the invariants are checked here; ASan checks the reads.
    std::mt19937 rng(20240601);
    std::vector<std::pair<int, Bytes>> seeds;
    for (const LinkCase& c : link_cases())
        for (const SweepPacket& sp : sweep_packets()) {
            const bool v6 = (sp.ip[0] >> 4) == 6;
            if (v6 ? c.v6 : c.v4) seeds.emplace_back(c.dlt, c.wrap(sp.ip));
        }
    for (int i = 0; i < 200000; ++i) {
        const auto& [dlt, seed] = seeds[rng() % seeds.size()];
        Bytes f = seed;
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < flips; ++k) f[rng() % f.size()] = static_cast<std::uint8_t>(rng());
        f.resize(rng() % (f.size() + 1));
        Bytes exact(f.begin(), f.end());
        const auto wire = static_cast<std::uint32_t>(rng() % 2 ? exact.size() : exact.size() + rng() % 64);
        const Decoded d = decode(dlt, exact, wire);
        ASSERT_LT(static_cast<std::size_t>(d.outcome), kOutcomeCount);
        if (d.outcome == DecodeOutcome::kIp) {
            EXPECT_GE(d.s.ip_bytes, 20u);
            EXPECT_LE(d.s.ip_bytes, std::max<std::size_t>(wire, exact.size()));
            if (d.s.later_fragment) {
                EXPECT_EQ(d.s.src_port | d.s.dst_port, 0);
            }
        }
    }
}

}  // namespace
}  // namespace ipaudit
