// Network layer: IPv4 and IPv6 headers, fragments and extension chains.
#pragma once

#include <cstddef>

#include "core/byte_reader.hpp"
#include "core/packet_summary.hpp"

namespace ipaudit {

// `ip` starts at the IP header and holds the captured bytes; `wire_bytes` is how many bytes the
// frame had on the wire from that point on (>= ip.remaining() unless the capture lies).
// Both return kIp with `out` filled (transport included), or the reason the packet is not usable.
[[nodiscard]] DecodeOutcome decode_ipv4(ByteReader ip, std::size_t wire_bytes, PacketSummary& out) noexcept;
[[nodiscard]] DecodeOutcome decode_ipv6(ByteReader ip, std::size_t wire_bytes, PacketSummary& out) noexcept;
// Chooses by the version nibble (raw IP link types and MPLS payloads carry no type field).
[[nodiscard]] DecodeOutcome decode_ip_any(ByteReader ip, std::size_t wire_bytes, PacketSummary& out) noexcept;

}  // namespace ipaudit
