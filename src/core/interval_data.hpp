// Everything one interval file holds, as it leaves the capture thread for the writer.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "core/network_list.hpp"
#include "core/packet_summary.hpp"
#include "core/session_table.hpp"

namespace ipaudit {

// Facts about the run that every interval file records.
struct RunInfo {
    std::string sensor;      // --sensor, default the host name
    std::string interfaces;  // live interface names or the files read, comma separated
    std::string version;     // ipaudit version that wrote the file
};

// Kernel/libpcap counters for the interval (deltas), when the capture source has them.
struct CaptureCounters {
    bool available = false;
    std::uint64_t received = 0;
    std::uint64_t dropped = 0;
    std::uint64_t if_dropped = 0;
};

struct IntervalData {
    explicit IntervalData(MemoryBudget& budget) : sessions(budget) {}

    std::int64_t start_s = 0;  // nominal interval [start_s, end_s), aligned to the interval length
    std::int64_t end_s = 0;
    std::int64_t covered_from_us = 0;  // the part the sensor actually observed
    std::int64_t covered_to_us = 0;
    bool partial = false;  // the sensor did not observe the whole interval

    std::uint64_t packets = 0;      // frames read, every outcome
    std::uint64_t wire_bytes = 0;   // their lengths on the wire
    std::uint64_t ip_bytes = 0;     // IP bytes of the kIp packets
    std::uint64_t packets_with_time = 0;  // packets minus bad_timestamp: what first/last cover
    std::int64_t first_packet_us = 0;     // meaningful only when packets_with_time > 0
    std::int64_t last_packet_us = 0;
    std::array<std::uint64_t, kOutcomeCount> outcomes{};
    std::array<std::uint64_t, kNoteCount> notes{};
    std::uint64_t overflow_packets = 0;  // kIp packets not stored: the session budget was spent
    std::uint64_t overflow_bytes = 0;
    CaptureCounters capture;

    std::shared_ptr<const RunInfo> run;
    std::shared_ptr<const LocalNetworks> networks;
    SessionTable sessions;
};

}  // namespace ipaudit
