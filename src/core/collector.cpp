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
}

void Collector::emit(std::int64_t covered_to_us, bool partial) {
    IntervalData& done = *current_;
    done.covered_to_us = covered_to_us;
    done.partial = done.partial || partial;
    if (probe_) done.capture = probe_();
    // The window ends where observation ended: an early close (SIGUSR1) carries the sessions
    // active just before it, not those near the nominal end no packet can have reached.
    carry_.rebuild(done.sessions, covered_to_us - options_.carry_window_s * kMicrosPerSecond);
    ++intervals_finished_;
    sink_(std::move(current_));
}

void Collector::on_frame(std::int64_t ts_us, std::span<const std::uint8_t> captured, std::uint32_t wire_len) {
    if (!current_) {  // offline input: intervals follow packet time
        const std::int64_t start = interval_start_s(ts_us, options_.interval_s);
        open_interval(start, start * kMicrosPerSecond, false);
    } else if (ts_us >= current_->end_s * kMicrosPerSecond) {
        const std::int64_t end_us = current_->end_s * kMicrosPerSecond;
        emit(end_us, false);
        const std::int64_t next = interval_start_s(ts_us, options_.interval_s);
        open_interval(next, next * kMicrosPerSecond, false);
    }
    IntervalData& iv = *current_;
    ++packets_total_;
    ++iv.packets;
    iv.wire_bytes += std::max<std::size_t>(wire_len, captured.size());
    if (iv.first_packet_us == 0 || ts_us < iv.first_packet_us) iv.first_packet_us = ts_us;
    if (ts_us > iv.last_packet_us) iv.last_packet_us = ts_us;

    PacketSummary summary;
    const DecodeOutcome outcome = decode_frame(decoder_, captured, wire_len, summary);
    ++iv.outcomes[static_cast<std::size_t>(outcome)];
    if (outcome == DecodeOutcome::kIp) account_packet(summary, ts_us, *iv.networks, fragments_, carry_, iv);
}

void Collector::advance_clock(std::int64_t now_us) {
    if (!current_ || now_us < current_->end_s * kMicrosPerSecond) return;
    emit(current_->end_s * kMicrosPerSecond, false);
    const std::int64_t next = interval_start_s(now_us, options_.interval_s);
    // A clock that jumped past whole intervals (suspend, NTP step) leaves them unobserved.
    open_interval(next, next * kMicrosPerSecond, false);
}

void Collector::finish(std::int64_t now_us, bool partial, bool reopen) {
    if (!current_) return;
    const std::int64_t end_us = current_->end_s * kMicrosPerSecond;
    emit(std::min(now_us, end_us), partial && now_us < end_us);
    if (reopen) {
        const std::int64_t start = interval_start_s(now_us, options_.interval_s);
        open_interval(start, now_us, true);
    }
}

}  // namespace ipaudit
