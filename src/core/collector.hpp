// The capture thread's state: decodes frames, accounts them into the current interval, and
// hands each finished interval to a sink (the writer thread).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "core/decode_link.hpp"
#include "core/fragment_cache.hpp"
#include "core/interval_data.hpp"
#include "core/talker_carry.hpp"

namespace ipaudit {

class Collector {
public:
    using Sink = std::function<void(std::unique_ptr<IntervalData>)>;
    using CaptureProbe = std::function<CaptureCounters()>;

    // Packets this much older than the current interval still count in it (late delivery from
    // kernel buffers, interfaces merged slightly out of order); older ones open their own.
    static constexpr std::int64_t kLateToleranceUs = 60'000'000;

    struct Options {
        std::int64_t interval_s = 1800;
        std::int64_t carry_window_s = 300;  // sessions active this close to a boundary carry their talker
    };

    Collector(Options options, MemoryBudget& budget, std::shared_ptr<const RunInfo> run,
              std::shared_ptr<const LocalNetworks> networks, Sink sink);

    // The link type of the frames that follow (per input file or interface).
    void set_link_type(int dlt) noexcept;
    // Asks for libpcap's counters at each interval end (live capture).
    void set_capture_probe(CaptureProbe probe) { probe_ = std::move(probe); }
    // Takes effect at the next interval, so one interval is never oriented two ways.
    void set_local_networks(std::shared_ptr<const LocalNetworks> networks) { pending_networks_ = std::move(networks); }

    // Live capture starts its first interval at the current time (marked partial).
    void start_live(std::int64_t now_us);

    // The hot path: one captured frame. An interval whose end this packet passes is finished
    // first. Packets up to kLateToleranceUs older than the current interval count in it; older
    // ones finish it and open an interval of their own time.
    void on_frame(std::int64_t ts_us, std::span<const std::uint8_t> captured, std::uint32_t wire_len);

    // A frame whose timestamp timeval_to_us() rejected: counted (outcome bad_timestamp) in the
    // current interval, never accounted, never moving the clock.
    void on_frame_without_time(std::span<const std::uint8_t> captured, std::uint32_t wire_len);

    // Live capture: finishes the interval when the wall clock passes its end and opens the next.
    void advance_clock(std::int64_t now_us);
    // Finishes the current interval now (SIGUSR1, shutdown, end of input). `partial` marks that
    // the sensor stopped observing before the interval's end. Live capture then goes on in a new
    // interval from `now_us` when `reopen` is set.
    void finish(std::int64_t now_us, bool partial, bool reopen);

    [[nodiscard]] std::uint64_t packets_total() const noexcept { return packets_total_; }
    [[nodiscard]] std::uint64_t intervals_finished() const noexcept { return intervals_finished_; }
    [[nodiscard]] std::size_t current_sessions() const noexcept { return current_ ? current_->sessions.size() : 0; }
    [[nodiscard]] const IntervalData* current() const noexcept { return current_.get(); }

private:
    void open_interval(std::int64_t start_s, std::int64_t covered_from_us, bool partial);
    void emit(std::int64_t covered_to_us, bool partial);

    Options options_;
    MemoryBudget* budget_;
    std::shared_ptr<const RunInfo> run_;
    std::shared_ptr<const LocalNetworks> networks_;
    std::shared_ptr<const LocalNetworks> pending_networks_;
    Sink sink_;
    CaptureProbe probe_;
    LinkDecoder decoder_ = nullptr;
    FragmentCache fragments_;
    TalkerCarry carry_;
    std::unique_ptr<IntervalData> current_;
    std::uint64_t untimed_packets_ = 0;  // bad_timestamp frames seen before any interval opened
    std::uint64_t untimed_bytes_ = 0;
    std::uint64_t packets_total_ = 0;
    std::uint64_t intervals_finished_ = 0;
};

}  // namespace ipaudit
