// Transport layer: ports and TCP flags from the bytes after the IP header(s).
#pragma once

#include "core/byte_reader.hpp"
#include "core/packet_summary.hpp"

namespace ipaudit {

// Fills ports and flags of `out` for out.proto from `payload` (the IP payload as captured, already
// limited to the IP length). ICMP/ICMPv6 ports carry type*256+code of the request side: a request
// or unpaired message has src 0 and dst type/code, a reply has src = its request's type/code and
// dst 0, so both directions meet in one bidirectional session. Notes kTransportTruncated when the
// ports are not in the captured bytes.
void decode_transport(ByteReader payload, PacketSummary& out) noexcept;

}  // namespace ipaudit
