// Collector: interval rotation around the per-frame decode and account steps.
#include "core/collector.hpp"

#include "core/accountant.hpp"
#include "core/decoder.hpp"
#include "core/interval_clock.hpp"

namespace ipaudit {

Collector::Collector(Options options, MemoryBudget& budget, std::shared_ptr<const RunInfo> run,
                     std::shared_ptr<const LocalNetworks> networks, Sink sink)
    : options_(options), budget_(&budget), run_(std::move(run)), networks_(std::move(networks)), sink_(std::move(sink)) {}

void Collector::set_link_type(int dlt) noexcept { decoder_ = link_decoder_for(dlt); }

void Collector::start_live(std::int64_t now_us) {
    const std::int64_t start = interval_start_s(now_us, options_.interval_s);
    open_interval(start, now_us, now_us != start * kMicrosPerSecond);
}

void Collector::open_interval(std::int64_t start_s, std::int64_t covered_from_us, bool partial) {
    if (pending_networks_) networks_ = std::move(pending_networks_);
    current_ = std::make_unique<IntervalData>(*budget_);
    current_->start_s = start_s;
    current_->end_s = start_s + options_.interval_s;
    current_->covered_from_us = covered_from_us;
    current_->partial = partial;
    current_->run = run_;
    current_->networks = networks_;
    if (untimed_packets_ > 0) {
        current_->packets += untimed_packets_;
        current_->wire_bytes += untimed_bytes_;
        current_->outcomes[static_cast<std::size_t>(DecodeOutcome::kBadTimestamp)] += untimed_packets_;
        untimed_packets_ = 0;
        untimed_bytes_ = 0;
    }
}

void Collector::emit(std::int64_t covered_to_us, bool partial) {
    IntervalData& done = *current_;
    // A clock stepped backwards must not give a coverage that ends before it starts.
    done.covered_to_us = std::max(covered_to_us, done.covered_from_us);
    done.partial = done.partial || partial;
    if (probe_) done.capture = probe_();
    // The window ends where observation ended: an early close (SIGUSR1) carries the sessions
    // active just before it, not those near the nominal end no packet can have reached.
    carry_.rebuild(done.sessions, covered_to_us - options_.carry_window_s * kMicrosPerSecond);
    ++intervals_finished_;
    sink_(std::move(current_));
}

void Collector::on_frame(std::int64_t ts_us, std::span<const std::uint8_t> captured, std::uint32_t wire_len) {
    if (!current_) {
        // Offline input: intervals follow packet time, and the first one is named after its
        // first packet, so that importing the next capture of the same half hour adds a file
        // instead of replacing this one.
        open_interval(interval_start_s(ts_us, options_.interval_s), ts_us, false);
    } else if (ts_us >= current_->end_s * kMicrosPerSecond) {
        emit(current_->end_s * kMicrosPerSecond, false);
        const std::int64_t next = interval_start_s(ts_us, options_.interval_s);
        open_interval(next, next * kMicrosPerSecond, false);
    } else if (ts_us < current_->start_s * kMicrosPerSecond - kLateToleranceUs) {
        // Time went back by more than late delivery explains (files given out of order, a
        // bogus timestamp earlier in the file): the packets get an interval of their own time.
        emit(current_->last_packet_us, false);
        open_interval(interval_start_s(ts_us, options_.interval_s), ts_us, false);
    }
    IntervalData& iv = *current_;
    ++packets_total_;
    iv.wire_bytes += std::max<std::size_t>(wire_len, captured.size());
    ++iv.packets;
    const bool first_with_time = iv.packets_with_time++ == 0;
    if (first_with_time || ts_us < iv.first_packet_us) iv.first_packet_us = ts_us;
    if (first_with_time || ts_us > iv.last_packet_us) iv.last_packet_us = ts_us;

    PacketSummary summary;
    const DecodeOutcome outcome = decode_frame(decoder_, captured, wire_len, summary);
    ++iv.outcomes[static_cast<std::size_t>(outcome)];
    if (outcome == DecodeOutcome::kIp) account_packet(summary, ts_us, *iv.networks, fragments_, carry_, iv);
}

void Collector::on_frame_without_time(std::span<const std::uint8_t> captured, std::uint32_t wire_len) {
    ++packets_total_;
    const std::uint64_t bytes = std::max<std::size_t>(wire_len, captured.size());
    if (!current_) {  // no interval yet: held until one opens
        ++untimed_packets_;
        untimed_bytes_ += bytes;
        return;
    }
    ++current_->packets;
    current_->wire_bytes += bytes;
    ++current_->outcomes[static_cast<std::size_t>(DecodeOutcome::kBadTimestamp)];
}

void Collector::advance_clock(std::int64_t now_us) {
    if (!current_ || now_us < current_->end_s * kMicrosPerSecond) return;
    emit(current_->end_s * kMicrosPerSecond, false);
    const std::int64_t next = interval_start_s(now_us, options_.interval_s);
    // A clock that jumped past whole intervals (suspend, NTP step) leaves them unobserved.
    open_interval(next, next * kMicrosPerSecond, false);
}

void Collector::finish(std::int64_t now_us, bool partial, bool reopen) {
    if (!current_ && untimed_packets_ > 0) open_interval(0, 0, true);  // only untimed frames: still counted
    if (!current_) return;
    const std::int64_t end_us = current_->end_s * kMicrosPerSecond;
    emit(std::min(now_us, end_us), partial && now_us < end_us);
    if (reopen) {
        const std::int64_t start = interval_start_s(now_us, options_.interval_s);
        open_interval(start, now_us, true);
    }
}

}  // namespace ipaudit
