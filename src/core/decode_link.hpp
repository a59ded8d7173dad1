// Link layers, dispatched from a table by pcap link type (DLT_*).
#pragma once

#include <cstddef>

#include "core/byte_reader.hpp"
#include "core/packet_summary.hpp"

namespace ipaudit {

// Decodes one frame whose captured bytes are in `frame` and which had `wire_bytes` on the wire.
using LinkDecoder = DecodeOutcome (*)(ByteReader frame, std::size_t wire_bytes, PacketSummary& out) noexcept;

// The decoder for a pcap DLT value (as returned by pcap_datalink), or nullptr if unsupported.
[[nodiscard]] LinkDecoder link_decoder_for(int dlt) noexcept;

}  // namespace ipaudit
