// One frame in, one PacketSummary and one DecodeOutcome out: the whole decode path, pure.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>

#include "core/decode_link.hpp"
#include "core/packet_summary.hpp"

namespace ipaudit {

// Decodes a captured frame. `captured` is what pcap stored (caplen bytes); `wire_len` is the
// frame's length on the wire (pcap's len). Never reads past `captured`. `decoder` comes from
// link_decoder_for(); nullptr yields kUnsupportedLinkType. `out` is reset first.
[[nodiscard]] inline DecodeOutcome decode_frame(LinkDecoder decoder, std::span<const std::uint8_t> captured,
                                                std::uint32_t wire_len, PacketSummary& out) noexcept {
    out = PacketSummary{};
    if (decoder == nullptr) return DecodeOutcome::kUnsupportedLinkType;
    // A record whose "on the wire" length is below its captured length is damaged; the captured
    // bytes are the better lower bound for what was on the wire.
    const std::size_t wire = std::max<std::size_t>(wire_len, captured.size());
    const DecodeOutcome outcome = decoder(ByteReader(captured), wire, out);
    if (outcome == DecodeOutcome::kIp && captured.size() < wire) out.note(DecodeNote::kSnaplenTruncated);
    return outcome;
}

}  // namespace ipaudit
