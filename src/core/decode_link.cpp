// Ethernet II with 802.1Q/802.1ad/QinQ, PPPoE sessions and MPLS; Linux cooked SLL/SLL2; BSD
// NULL/LOOP; PPP; raw IP. Every layer consumes bytes through ByteReader and never guesses past them.
#include "core/decode_link.hpp"

#include <pcap/dlt.h>

#include <array>

#include "core/decode_ip.hpp"

namespace ipaudit {

namespace {

namespace ethertype {
constexpr std::uint16_t kIpv4 = 0x0800, kIpv6 = 0x86DD, kVlan = 0x8100, kQinQ = 0x88A8,
                        kQinQOld = 0x9100, kPppoeSession = 0x8864, kMplsUnicast = 0x8847,
                        kMplsMulticast = 0x8848;
}

// PPP protocol numbers for IP (RFC 1332, RFC 5072).
constexpr std::uint16_t kPppIpv4 = 0x0021, kPppIpv6 = 0x0057;

// Bytes left on the wire once `consumed` header bytes are gone.
std::size_t wire_after(std::size_t wire_bytes, std::size_t consumed) noexcept {
    return wire_bytes > consumed ? wire_bytes - consumed : 0;
}

DecodeOutcome decode_ppp_protocol(std::uint16_t protocol, ByteReader r, std::size_t wire, PacketSummary& out) noexcept {
    switch (protocol) {
        case kPppIpv4: return decode_ipv4(r, wire, out);
        case kPppIpv6: return decode_ipv6(r, wire, out);
        default: return DecodeOutcome::kNonIp;
    }
}

// MPLS label stack (RFC 3032): 4-byte entries until the bottom-of-stack bit; IP follows and
// announces itself only through its version nibble.
DecodeOutcome decode_mpls(ByteReader r, std::size_t wire, PacketSummary& out) noexcept {
    for (;;) {
        const auto entry = r.u32_at(0);
        if (!entry || !r.skip(4)) return DecodeOutcome::kTruncatedLink;
        wire = wire_after(wire, 4);
        if (*entry & 0x100u) return decode_ip_any(r, wire, out);
    }
}

// Everything that follows an Ethernet type field, tags included. Each tag consumes at least
// four bytes, so the loop ends with the captured bytes.
DecodeOutcome decode_ethertype(std::uint16_t type, ByteReader r, std::size_t wire, PacketSummary& out) noexcept {
    for (;;) {
        switch (type) {
            case ethertype::kIpv4: return decode_ipv4(r, wire, out);
            case ethertype::kIpv6: return decode_ipv6(r, wire, out);
            case ethertype::kVlan:
            case ethertype::kQinQ:
            case ethertype::kQinQOld: {
                const auto inner = r.u16_at(2);  // after the 2-byte tag control information
                if (!inner || !r.skip(4)) return DecodeOutcome::kTruncatedLink;
                wire = wire_after(wire, 4);
                type = *inner;
                continue;
            }
            case ethertype::kPppoeSession: {  // RFC 2516: 6-byte header, then the PPP protocol
                const auto protocol = r.u16_at(6);
                if (!protocol || !r.skip(8)) return DecodeOutcome::kTruncatedLink;
                return decode_ppp_protocol(*protocol, r, wire_after(wire, 8), out);
            }
            case ethertype::kMplsUnicast:
            case ethertype::kMplsMulticast:
                return decode_mpls(r, wire, out);
            default:
                return DecodeOutcome::kNonIp;
        }
    }
}

DecodeOutcome decode_ethernet(ByteReader r, std::size_t wire, PacketSummary& out) noexcept {
    constexpr std::size_t kHeader = 14;
    const auto type = r.u16_at(12);
    if (!type || !r.skip(kHeader)) return DecodeOutcome::kTruncatedLink;
    if (*type <= 1500) return DecodeOutcome::kNonIp;  // an 802.3 length: LLC frames (STP, CDP, ...)
    return decode_ethertype(*type, r, wire_after(wire, kHeader), out);
}

// Linux cooked capture v1: 16-byte header with the protocol in its last two bytes.
DecodeOutcome decode_linux_sll(ByteReader r, std::size_t wire, PacketSummary& out) noexcept {
    constexpr std::size_t kHeader = 16;
    const auto protocol = r.u16_at(14);
    if (!protocol || !r.skip(kHeader)) return DecodeOutcome::kTruncatedLink;
    return decode_ethertype(*protocol, r, wire_after(wire, kHeader), out);
}

// Linux cooked capture v2: 20-byte header with the protocol first.
DecodeOutcome decode_linux_sll2(ByteReader r, std::size_t wire, PacketSummary& out) noexcept {
    constexpr std::size_t kHeader = 20;
    const auto protocol = r.u16_at(0);
    if (!protocol || !r.skip(kHeader)) return DecodeOutcome::kTruncatedLink;
    return decode_ethertype(*protocol, r, wire_after(wire, kHeader), out);
}

// BSD loopback families: AF_INET is 2 everywhere; AF_INET6 is 24, 28 or 30 on the BSDs and
// Darwin, 10 on Linux.
DecodeOutcome decode_bsd_family(std::uint32_t family, ByteReader r, std::size_t wire, PacketSummary& out) noexcept {
    switch (family) {
        case 2: return decode_ipv4(r, wire, out);
        case 10:
        case 24:
        case 28:
        case 30: return decode_ipv6(r, wire, out);
        default: return DecodeOutcome::kNonIp;
    }
}

// DLT_NULL: the family in the capturing host's byte order; a value with only high bits set was
// written big-endian (the trick tcpdump uses).
DecodeOutcome decode_null(ByteReader r, std::size_t wire, PacketSummary& out) noexcept {
    auto family = r.u32le_at(0);
    if (!family || !r.skip(4)) return DecodeOutcome::kTruncatedLink;
    if ((*family & 0xFFFF0000u) != 0) family = __builtin_bswap32(*family);
    return decode_bsd_family(*family, r, wire_after(wire, 4), out);
}

// DLT_LOOP: like DLT_NULL but always network byte order.
DecodeOutcome decode_loop(ByteReader r, std::size_t wire, PacketSummary& out) noexcept {
    const auto family = r.u32_at(0);
    if (!family || !r.skip(4)) return DecodeOutcome::kTruncatedLink;
    return decode_bsd_family(*family, r, wire_after(wire, 4), out);
}

// DLT_PPP: optional HDLC address/control bytes 0xFF 0x03, then the 2-byte protocol.
DecodeOutcome decode_ppp(ByteReader r, std::size_t wire, PacketSummary& out) noexcept {
    std::size_t consumed = 0;
    if (r.u8_at(0) == std::uint8_t{0xFF} && r.u8_at(1) == std::uint8_t{0x03}) {
        if (!r.skip(2)) return DecodeOutcome::kTruncatedLink;
        consumed = 2;
    }
    const auto protocol = r.u16_at(0);
    if (!protocol || !r.skip(2)) return DecodeOutcome::kTruncatedLink;
    return decode_ppp_protocol(*protocol, r, wire_after(wire, consumed + 2), out);
}

// Cisco HDLC (DLT_C_HDLC): address, control, then an Ethernet type.
DecodeOutcome decode_cisco_hdlc(ByteReader r, std::size_t wire, PacketSummary& out) noexcept {
    constexpr std::size_t kHeader = 4;
    const auto protocol = r.u16_at(2);
    if (!protocol || !r.skip(kHeader)) return DecodeOutcome::kTruncatedLink;
    return decode_ethertype(*protocol, r, wire_after(wire, kHeader), out);
}

DecodeOutcome decode_raw(ByteReader r, std::size_t wire, PacketSummary& out) noexcept {
    return decode_ip_any(r, wire, out);
}

DecodeOutcome decode_raw_ipv4(ByteReader r, std::size_t wire, PacketSummary& out) noexcept {
    return decode_ipv4(r, wire, out);
}

DecodeOutcome decode_raw_ipv6(ByteReader r, std::size_t wire, PacketSummary& out) noexcept {
    return decode_ipv6(r, wire, out);
}

struct LinkEntry {
    int dlt;
    LinkDecoder decoder;
};

// DLT values as libpcap reports them (LINKTYPE_RAW 101 is mapped to DLT_RAW by libpcap).
constexpr std::array kLinkTable{
    LinkEntry{DLT_EN10MB, decode_ethernet},
    LinkEntry{DLT_LINUX_SLL, decode_linux_sll},
#ifdef DLT_LINUX_SLL2
    LinkEntry{DLT_LINUX_SLL2, decode_linux_sll2},
#endif
    LinkEntry{DLT_NULL, decode_null},
    LinkEntry{DLT_LOOP, decode_loop},
    LinkEntry{DLT_RAW, decode_raw},
    LinkEntry{DLT_IPV4, decode_raw_ipv4},
    LinkEntry{DLT_IPV6, decode_raw_ipv6},
    LinkEntry{DLT_PPP, decode_ppp},
    LinkEntry{DLT_PPP_SERIAL, decode_ppp},
    LinkEntry{DLT_C_HDLC, decode_cisco_hdlc},
};

}  // namespace

LinkDecoder link_decoder_for(int dlt) noexcept {
    for (const auto& entry : kLinkTable)
        if (entry.dlt == dlt) return entry.decoder;
    return nullptr;
}

}  // namespace ipaudit
