// Transport decoding: TCP (RFC 9293), UDP (RFC 768), ICMP (RFC 792), ICMPv6 (RFC 4443).
#include "core/decode_transport.hpp"

#include <optional>

namespace ipaudit {

namespace {

constexpr std::uint8_t kProtoIcmp = 1, kProtoTcp = 6, kProtoUdp = 17, kProtoIcmpv6 = 58;

// The request type a reply answers, or nullopt when `type` is not a reply.
std::optional<std::uint8_t> icmp_request_of(std::uint8_t type) noexcept {
    switch (type) {
        case 0: return 8;    // echo reply -> echo request
        case 9: return 10;   // router advertisement -> router solicitation (RFC 1256)
        case 14: return 13;  // timestamp reply
        case 16: return 15;  // information reply
        case 18: return 17;  // address mask reply (RFC 950)
        default: return std::nullopt;
    }
}

std::optional<std::uint8_t> icmpv6_request_of(std::uint8_t type) noexcept {
    switch (type) {
        case 129: return 128;  // echo reply
        case 134: return 133;  // router advertisement -> solicitation (RFC 4861)
        case 136: return 135;  // neighbor advertisement -> solicitation
        case 140: return 139;  // node information reply (RFC 4620)
        default: return std::nullopt;
    }
}

void decode_icmp(ByteReader payload, PacketSummary& out, bool v6) noexcept {
    const auto type = payload.u8_at(0);
    const auto code = payload.u8_at(1);
    if (!type || !code) {
        out.note(DecodeNote::kTransportTruncated);
        return;
    }
    const auto request = v6 ? icmpv6_request_of(*type) : icmp_request_of(*type);
    if (request) {
        out.src_port = static_cast<std::uint16_t>((*request << 8) | *code);
        out.dst_port = 0;
    } else {
        out.src_port = 0;
        out.dst_port = static_cast<std::uint16_t>((*type << 8) | *code);
    }
}

}  // namespace

void decode_transport(ByteReader payload, PacketSummary& out) noexcept {
    switch (out.proto) {
        case kProtoTcp:
        case kProtoUdp: {
            const auto sport = payload.u16_at(0);
            const auto dport = payload.u16_at(2);
            if (!sport || !dport) {
                out.note(DecodeNote::kTransportTruncated);
                return;
            }
            out.src_port = *sport;
            out.dst_port = *dport;
            if (out.proto == kProtoTcp) out.tcp_flags = payload.u8_at(13).value_or(0);
            return;
        }
        case kProtoIcmp: decode_icmp(payload, out, false); return;
        case kProtoIcmpv6: decode_icmp(payload, out, true); return;
        default: return;  // other protocols have no ports
    }
}

}  // namespace ipaudit
