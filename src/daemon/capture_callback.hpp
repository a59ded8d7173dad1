// The one path from libpcap to the Collector, shared by live capture and import: converts each
// frame's timestamp without overflow, and never lets an exception unwind through libpcap.
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <exception>
#include <string>

#include "core/collector.hpp"

namespace ipaudit {

// What pcap's `user` pointer carries: where frames go, and what went wrong.
struct CaptureTarget {
    explicit CaptureTarget(Collector& c) noexcept : collector(&c) {}

    Collector* collector;
    // The handle pcap_dispatch() is reading (live), broken out of when the collector throws.
    pcap_t* handle = nullptr;
    // The latest valid frame time handed over, in epoch microseconds (0 before any): where an
    // import's last interval ends.
    std::int64_t last_ts_us = 0;
    // The first exception the collector threw (std::bad_alloc, say). From then on frames are
    // ignored: the caller stops reading, reports it, and still finishes the current interval.
    std::exception_ptr error;
};

// Hands one frame to the collector: on_frame() with its time, or on_frame_without_time() when
// libpcap's timestamp cannot be a time (a damaged pcapng file can claim year 500 million).
// Never throws: an exception is kept in target.error and breaks target.handle's loop.
void deliver_frame(CaptureTarget& target, const pcap_pkthdr& header, const u_char* bytes) noexcept;

// A pcap_handler for pcap_dispatch()/pcap_loop(); `user` must be a CaptureTarget*.
void capture_callback(u_char* user, const pcap_pkthdr* header, const u_char* bytes) noexcept;

// The message of a stored exception, for the log ("out of memory" for std::bad_alloc).
[[nodiscard]] std::string describe(const std::exception_ptr& error);

}  // namespace ipaudit
