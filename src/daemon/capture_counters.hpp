// libpcap's per-handle drop counters as 64-bit totals: its counters are 32-bit and wrap (at
// 2.4 Mpps, within one 30-minute interval), so they are sampled often and summed here.
#pragma once

#include <cstdint>
#include <vector>

#include "core/interval_data.hpp"
#include "daemon/pcap_handle.hpp"

namespace ipaudit {

// One 32-bit counter extended to 64 bits. Exact as long as update() sees every step of less
// than 2^32: unsigned subtraction then gives each step across a wrap.
class WrappingCounter {
public:
    void update(std::uint32_t now) noexcept {
        total_ += static_cast<std::uint32_t>(now - last_);
        last_ = now;
    }
    [[nodiscard]] std::uint64_t total() const noexcept { return total_; }
    // The counter starts again from 0 (a reopened handle); the total so far is kept.
    void restart() noexcept { last_ = 0; }

private:
    std::uint32_t last_ = 0;  // libpcap counts from 0 when a handle is opened
    std::uint64_t total_ = 0;
};

// The counters of every live handle, summed, since the handles were opened.
class CaptureCounterTotals {
public:
    // `handles` must outlive this object.
    explicit CaptureCounterTotals(const std::vector<PcapHandle>& handles) : handles_(&handles), counters_(handles.size()) {}

    // Reads every handle's counters; call at least every few seconds (the poll loop: once a second).
    void sample() noexcept {
        for (std::size_t i = 0; i < handles_->size(); ++i) {
            const CaptureCounters c = (*handles_)[i].counters();
            if (!c.available) continue;  // keeps the last value; the next sample catches up
            counters_[i].received.update(static_cast<std::uint32_t>(c.received));
            counters_[i].dropped.update(static_cast<std::uint32_t>(c.dropped));
            counters_[i].if_dropped.update(static_cast<std::uint32_t>(c.if_dropped));
        }
    }

    // Handle `i` was replaced by a newly opened one, whose counters start from 0: sample the old
    // handle before replacing it, then call this.
    void reopened(std::size_t i) noexcept {
        counters_[i].received.restart();
        counters_[i].dropped.restart();
        counters_[i].if_dropped.restart();
    }

    // Samples, then returns the counts since the previous call (the first: since opening).
    [[nodiscard]] CaptureCounters since_last_call() noexcept {
        sample();
        const CaptureCounters now = totals();
        const CaptureCounters delta{true, now.received - reported_.received, now.dropped - reported_.dropped,
                                    now.if_dropped - reported_.if_dropped};
        reported_ = now;
        return delta;
    }

    // Totals as of the last sample.
    [[nodiscard]] CaptureCounters totals() const noexcept {
        CaptureCounters t{true, 0, 0, 0};
        for (const auto& c : counters_) {
            t.received += c.received.total();
            t.dropped += c.dropped.total();
            t.if_dropped += c.if_dropped.total();
        }
        return t;
    }

private:
    struct HandleCounters {
        WrappingCounter received;
        WrappingCounter dropped;
        WrappingCounter if_dropped;
    };
    const std::vector<PcapHandle>* handles_;
    std::vector<HandleCounters> counters_;
    CaptureCounters reported_{};
};

}  // namespace ipaudit
