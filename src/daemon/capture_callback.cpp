// Frames from libpcap into the Collector.
#include "daemon/capture_callback.hpp"

#include <new>
#include <span>

#include "core/interval_clock.hpp"

namespace ipaudit {

void deliver_frame(CaptureTarget& target, const pcap_pkthdr& header, const u_char* bytes) noexcept {
    if (target.error) return;  // stopping: frames libpcap still hands over are not accounted
    // libpcap's C frames cannot be unwound through, and the interval in progress must survive
    // to be written: catch everything here and let the caller stop in order.
    try {
        const std::span<const std::uint8_t> captured(bytes, header.caplen);
        if (const auto ts_us = timeval_to_us(header.ts.tv_sec, header.ts.tv_usec)) {
            target.collector->on_frame(*ts_us, captured, header.len);
            target.last_ts_us = *ts_us;
        } else {
            target.collector->on_frame_without_time(captured, header.len);
        }
    } catch (...) {
        target.error = std::current_exception();
        if (target.handle != nullptr) pcap_breakloop(target.handle);
    }
}

void capture_callback(u_char* user, const pcap_pkthdr* header, const u_char* bytes) noexcept {
    deliver_frame(*reinterpret_cast<CaptureTarget*>(user), *header, bytes);
}

std::string describe(const std::exception_ptr& error) {
    if (!error) return {};
    try {
        std::rethrow_exception(error);
    } catch (const std::bad_alloc&) {
        return "out of memory";
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown exception";
    }
}

}  // namespace ipaudit
