// What decoding one captured frame yields: a plain value the accountant consumes.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/ip_address.hpp"

namespace ipaudit {

// Exactly one outcome per packet read, so the counters of an interval add up to its packets.
// Only kIp packets are accounted to sessions; every other outcome is a named, counted reason.
enum class DecodeOutcome : std::uint8_t {
    kIp,                   // an IPv4/IPv6 packet whose addresses and length are known
    kNonIp,                // a well-formed link frame carrying something else (ARP, STP, LLDP, ...)
    kUnsupportedLinkType,  // the capture's link type has no decoder
    kTruncatedLink,        // the captured bytes end inside the link-layer header(s)
    kTruncatedIp,          // the captured bytes end inside the fixed IP header
    kBadIpVersion,         // the version nibble is not the one the link layer announced (or not 4/6)
    kBadIpHeaderLength,    // IPv4 IHL < 5
    kBadIpTotalLength,     // IP length shorter than its header, or longer than the frame on the wire
    kBadTimestamp,         // the capture gave the frame no usable time (not accounted)
    kCount
};

// Facts about accounted (kIp) packets; a packet may carry several, so these do not add up.
enum class DecodeNote : std::uint8_t {
    kFragment,            // a non-first IP fragment (no transport header of its own)
    kFragmentUnmatched,   // ... whose first fragment was not seen: counted with ports 0
    kTransportTruncated,  // the transport header was not captured: counted with ports 0
    kSnaplenTruncated,    // captured fewer bytes than were on the wire
    kIpOptions,           // IPv4 header with options, or IPv6 with extension headers
    kLengthFromFrame,     // IP length field 0 (segmentation offload, jumbogram): frame length used
    kCount
};

inline constexpr std::size_t kOutcomeCount = static_cast<std::size_t>(DecodeOutcome::kCount);
inline constexpr std::size_t kNoteCount = static_cast<std::size_t>(DecodeNote::kCount);

// Stable names: they are stored in interval files and read by reports and tests.
[[nodiscard]] std::string_view outcome_name(DecodeOutcome outcome) noexcept;
[[nodiscard]] std::string_view note_name(DecodeNote note) noexcept;

struct PacketSummary {
    IpAddress src;
    IpAddress dst;
    std::uint32_t ip_bytes = 0;  // IPv4 total length, or IPv6 payload length + 40 (from the header)
    std::uint32_t frag_id = 0;   // IPv4 identification or IPv6 fragment identification
    std::uint16_t src_port = 0;  // TCP/UDP port; ICMP: see decode_transport
    std::uint16_t dst_port = 0;
    std::uint8_t proto = 0;      // IPv4 protocol, or IPv6 upper-layer header after extensions
    std::uint8_t tcp_flags = 0;  // TCP flag byte (FIN..CWR), 0 when not TCP or not captured
    std::uint8_t frag_proto = 0; // fragments: the protocol every fragment of the datagram names
                                 // (IPv4 protocol; IPv6 fragment header's next header)
    bool fragment = false;       // any fragment (first or not)
    bool later_fragment = false; // fragment offset > 0: ports come from the first fragment
    std::uint8_t notes = 0;      // bit set of DecodeNote

    void note(DecodeNote n) noexcept { notes = static_cast<std::uint8_t>(notes | (1u << static_cast<unsigned>(n))); }
    [[nodiscard]] bool has(DecodeNote n) const noexcept { return (notes >> static_cast<unsigned>(n)) & 1u; }
};

// TCP flag bits as on the wire (RFC 9293 section 3.1; ECE/CWR from RFC 3168).
namespace tcp_flag {
inline constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10,
                              kUrg = 0x20, kEce = 0x40, kCwr = 0x80;
}

}  // namespace ipaudit
