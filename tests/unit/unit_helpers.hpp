// Small helpers shared by the unit tests: addresses from text, raw-IP decoding, temp dirs.
#pragma once

#include "tests/support/test_env.hpp"

#include <gtest/gtest.h>
#include <pcap/dlt.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include "core/decoder.hpp"
#include "core/ip_address.hpp"
#include "core/packet_summary.hpp"

namespace ipaudit::unit {

// An address from text; a typo in a test is a test bug, so it fails loudly.
inline IpAddress ip(std::string_view text) {
    const auto parsed = IpAddress::parse(text);
    if (!parsed) throw std::invalid_argument("test address: " + std::string(text));
    return *parsed;
}

// Decodes a bare IP packet (DLT_RAW) that must be accounted.
inline PacketSummary summary_of(std::span<const std::uint8_t> ip_packet) {
    PacketSummary s;
    const DecodeOutcome outcome =
        decode_frame(link_decoder_for(DLT_RAW), ip_packet, static_cast<std::uint32_t>(ip_packet.size()), s);
    EXPECT_EQ(outcome, DecodeOutcome::kIp) << outcome_name(outcome);
    return s;
}

using ipaudit::testing::TempDir;

}  // namespace ipaudit::unit
