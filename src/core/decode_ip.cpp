// IPv4 (RFC 791) and IPv6 (RFC 8200) decoding. Lengths are checked against what was captured
// before every read; the IP length field, never the frame, bounds the payload (Ethernet pads).
#include "core/decode_ip.hpp"

#include <algorithm>

#include "core/decode_transport.hpp"

namespace ipaudit {

namespace {

constexpr std::size_t kIpv4MinHeader = 20;
constexpr std::size_t kIpv6Header = 40;

// The captured part of an IP payload that the IP length says belongs to the packet.
ByteReader payload_of(const ByteReader& ip, std::size_t header_len, std::size_t ip_len) noexcept {
    const std::size_t captured = ip.remaining();
    const std::size_t start = std::min(header_len, captured);
    const std::size_t end = std::min(ip_len, captured);
    return ByteReader(ip.rest().subspan(start, end > start ? end - start : 0));
}

// IPv6 extension headers that carry a "next header" and a length and can be walked over
// (RFC 8200 section 4; AH per RFC 4302 counts its length in 4-octet units).
bool is_walkable_extension(std::uint8_t nh) noexcept {
    switch (nh) {
        case 0:    // hop-by-hop options
        case 43:   // routing
        case 44:   // fragment
        case 51:   // authentication header
        case 60:   // destination options
        case 135:  // mobility (RFC 6275)
        case 139:  // HIP (RFC 7401)
        case 140:  // shim6 (RFC 5533)
            return true;
        default:
            return false;
    }
}

}  // namespace

DecodeOutcome decode_ipv4(ByteReader ip, std::size_t wire_bytes, PacketSummary& out) noexcept {
    const auto vihl = ip.u8_at(0);
    if (!vihl) return DecodeOutcome::kTruncatedIp;
    if ((*vihl >> 4) != 4) return DecodeOutcome::kBadIpVersion;
    if (!ip.has(kIpv4MinHeader)) return DecodeOutcome::kTruncatedIp;
    const std::size_t header_len = std::size_t{*vihl & 0x0Fu} * 4;
    if (header_len < kIpv4MinHeader) return DecodeOutcome::kBadIpHeaderLength;
    std::size_t total_len = *ip.u16_at(2);
    if (total_len == 0 && wire_bytes >= header_len) {
        // Captured on a host doing TCP segmentation offload: the NIC fills the length in later,
        // so the frame is the only witness of the packet's size (as tshark also assumes).
        total_len = wire_bytes;
        out.note(DecodeNote::kLengthFromFrame);
    }
    if (total_len < header_len || total_len > wire_bytes) return DecodeOutcome::kBadIpTotalLength;

    out.ip_bytes = static_cast<std::uint32_t>(total_len);
    out.frag_id = *ip.u16_at(4);
    const std::uint16_t frag = *ip.u16_at(6);
    out.proto = *ip.u8_at(9);
    out.src = IpAddress::from_v4(*ip.u32_at(12));
    out.dst = IpAddress::from_v4(*ip.u32_at(16));
    if (header_len > kIpv4MinHeader) out.note(DecodeNote::kIpOptions);

    const std::uint16_t offset = frag & 0x1FFFu;
    const bool more_fragments = (frag & 0x2000u) != 0;
    out.fragment = offset != 0 || more_fragments;
    out.frag_proto = out.proto;
    if (offset != 0) {
        out.later_fragment = true;
        out.note(DecodeNote::kFragment);
        return DecodeOutcome::kIp;
    }
    if (!ip.has(header_len)) {  // options cut by the snaplen: addresses known, ports not
        out.note(DecodeNote::kTransportTruncated);
        return DecodeOutcome::kIp;
    }
    decode_transport(payload_of(ip, header_len, total_len), out);
    return DecodeOutcome::kIp;
}

DecodeOutcome decode_ipv6(ByteReader ip, std::size_t wire_bytes, PacketSummary& out) noexcept {
    const auto first = ip.u8_at(0);
    if (!first) return DecodeOutcome::kTruncatedIp;
    if ((*first >> 4) != 6) return DecodeOutcome::kBadIpVersion;
    const auto header = ip.bytes_at(0, kIpv6Header);
    if (!header) return DecodeOutcome::kTruncatedIp;
    std::size_t total_len = std::size_t{*ip.u16_at(4)} + kIpv6Header;
    constexpr std::uint8_t kNoNextHeader = 59;
    if (total_len == kIpv6Header && *ip.u8_at(6) != kNoNextHeader && wire_bytes > kIpv6Header) {
        // Payload length 0 with a payload: segmentation offload, or a jumbogram (RFC 2675)
        // whose real length is the frame's.
        total_len = wire_bytes;
        out.note(DecodeNote::kLengthFromFrame);
    }
    if (total_len > wire_bytes) return DecodeOutcome::kBadIpTotalLength;

    out.ip_bytes = static_cast<std::uint32_t>(total_len);
    out.src = IpAddress::from_v6_bytes(header->subspan<8, 16>());
    out.dst = IpAddress::from_v6_bytes(header->subspan<24, 16>());

    // Walk the extension chain inside the payload the length field declares. Each header is at
    // least 8 bytes, so the walk ends within the payload.
    ByteReader payload = payload_of(ip, kIpv6Header, total_len);
    std::uint8_t next = *ip.u8_at(6);
    while (is_walkable_extension(next)) {
        out.note(DecodeNote::kIpOptions);
        const auto nh = payload.u8_at(0);
        const auto len_field = payload.u8_at(1);
        if (!nh || !len_field) {  // chain cut by the snaplen: count under the header we reached
            out.proto = next;
            out.note(DecodeNote::kTransportTruncated);
            return DecodeOutcome::kIp;
        }
        std::size_t ext_len = 0;
        if (next == 44) {  // fragment header: fixed 8 bytes (RFC 8200 section 4.5)
            const auto offset_flags = payload.u16_at(2);
            const auto id = payload.u32_at(4);
            if (!offset_flags || !id) {
                out.proto = next;
                out.note(DecodeNote::kTransportTruncated);
                return DecodeOutcome::kIp;
            }
            out.fragment = true;
            out.frag_id = *id;
            out.frag_proto = *nh;
            if ((*offset_flags & 0xFFF8u) != 0) {
                out.proto = *nh;
                out.later_fragment = true;
                out.note(DecodeNote::kFragment);
                return DecodeOutcome::kIp;
            }
            ext_len = 8;
        } else if (next == 51) {
            ext_len = (std::size_t{*len_field} + 2) * 4;
        } else {
            ext_len = (std::size_t{*len_field} + 1) * 8;
        }
        next = *nh;
        if (!payload.skip(ext_len)) {
            out.proto = next;
            out.note(DecodeNote::kTransportTruncated);
            return DecodeOutcome::kIp;
        }
    }
    out.proto = next;
    decode_transport(payload, out);
    return DecodeOutcome::kIp;
}

DecodeOutcome decode_ip_any(ByteReader ip, std::size_t wire_bytes, PacketSummary& out) noexcept {
    const auto first = ip.u8_at(0);
    if (!first) return DecodeOutcome::kTruncatedIp;
    switch (*first >> 4) {
        case 4: return decode_ipv4(ip, wire_bytes, out);
        case 6: return decode_ipv6(ip, wire_bytes, out);
        default: return DecodeOutcome::kBadIpVersion;
    }
}

}  // namespace ipaudit
