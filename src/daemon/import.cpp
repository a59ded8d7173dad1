// ipauditd -r: import capture files in order, intervals on packet time.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <string>

#include "core/collector.hpp"
#include "core/memory_budget.hpp"
#include "daemon/interval_writer.hpp"
#include "daemon/pcap_handle.hpp"
#include "daemon/process.hpp"
#include "daemon/run_context.hpp"
#include "daemon/signals.hpp"

namespace ipaudit {

namespace {

using Clock = std::chrono::steady_clock;

std::string join_paths(const std::vector<std::filesystem::path>& paths) {
    std::string out;
    for (const auto& p : paths) {
        if (!out.empty()) out += ',';
        out += p.filename().string();
    }
    return out;
}

std::string with_commas(std::uint64_t n) {
    std::string digits = std::to_string(n);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
    return digits;
}

// The one-line progress display of an import on a terminal (nothing off a terminal).
class Progress {
public:
    explicit Progress(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO)) {}

    void update(const std::string& file, std::int64_t offset, std::uintmax_t size, const Collector& c, std::uint64_t written) {
        if (!enabled_) return;
        const auto now = Clock::now();
        if (now - last_ < std::chrono::milliseconds(500)) return;
        last_ = now;
        const double secs = std::chrono::duration<double>(now - started_).count();
        const double rate = secs > 0 ? static_cast<double>(c.packets_total()) / secs : 0;
        const double pct = size > 0 && offset >= 0 ? 100.0 * static_cast<double>(offset) / static_cast<double>(size) : 0;
        std::fprintf(stderr, "\r\033[K%s: %3.0f%%  %s packets  %s/s  %s sessions  %s intervals written", file.c_str(), pct,
                     with_commas(c.packets_total()).c_str(), with_commas(static_cast<std::uint64_t>(rate)).c_str(),
                     with_commas(c.current_sessions()).c_str(), with_commas(written).c_str());
        shown_ = true;
    }
    void clear() {
        if (shown_) std::fprintf(stderr, "\r\033[K");
        shown_ = false;
    }
    [[nodiscard]] bool enabled() const noexcept { return enabled_; }
    [[nodiscard]] double seconds() const { return std::chrono::duration<double>(Clock::now() - started_).count(); }

private:
    bool enabled_;
    bool shown_ = false;
    Clock::time_point started_ = Clock::now();
    Clock::time_point last_{};
};

void on_packet(u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
    auto* collector = reinterpret_cast<Collector*>(user);
    const std::int64_t ts_us = std::int64_t{header->ts.tv_sec} * 1'000'000 + header->ts.tv_usec;
    collector->on_frame(ts_us, {bytes, header->caplen}, header->len);
}

}  // namespace

int run_import(const RunContext& context) {
    const Config& cfg = context.config;
    Log& log = *context.log;
    // Fail before reading gigabytes, not after the first interval.
    try {
        prepare_data_dir(cfg.data_dir, "");
        if (::access((cfg.data_dir / "intervals").c_str(), W_OK) != 0)
            throw ProcessError((cfg.data_dir / "intervals").string() + ": not writable: " + std::strerror(errno));
    } catch (const ProcessError& e) {
        log.error(e.what());
        return kExitFailure;
    }
    MemoryBudget budget(cfg.max_memory);
    auto run = std::make_shared<RunInfo>(RunInfo{cfg.sensor, join_paths(cfg.read_files), kVersionText});
    auto networks = std::make_shared<const LocalNetworks>(cfg.networks);
    // Offline, the writer may hold the reader back: a file can wait, no packet is lost.
    IntervalWriter writer({cfg.data_dir, std::chrono::seconds(cfg.retry_s), 2}, log);
    Collector collector({cfg.interval_s, cfg.carry_window_s}, budget, run, networks,
                        [&](std::unique_ptr<IntervalData> iv) { writer.submit(std::move(iv)); });
    Progress progress(!cfg.quiet);

    int failed_files = 0;
    bool interrupted = false;
    std::int64_t last_ts_us = 0;
    for (const auto& path : cfg.read_files) {
        std::unique_ptr<PcapHandle> handle;
        try {
            handle = std::make_unique<PcapHandle>(PcapHandle::open_file(path));
        } catch (const CaptureError& e) {
            log.error(e.what());
            ++failed_files;
            continue;
        }
        collector.set_link_type(handle->link_type());
        if (link_decoder_for(handle->link_type()) == nullptr) {
            const char* name = pcap_datalink_val_to_name(handle->link_type());
            log.warning(path.string() + ": link type " + std::to_string(handle->link_type()) + " (" +
                        (name ? name : "unknown") + ") is not decoded; its packets are counted as unsupported_link_type");
        }
        std::error_code ec;
        const std::uintmax_t size = std::filesystem::file_size(path, ec);
        std::uint64_t records = 0;
        for (;;) {
            pcap_pkthdr* header = nullptr;
            const u_char* data = nullptr;
            const int rc = pcap_next_ex(handle->get(), &header, &data);
            if (rc == 1) {
                on_packet(reinterpret_cast<u_char*>(&collector), header, data);
                last_ts_us = std::int64_t{header->ts.tv_sec} * 1'000'000 + header->ts.tv_usec;
                if ((++records & 0x3FFF) == 0) {
                    progress.update(path.filename().string(), handle->file_offset(), size, collector, writer.written());
                    if (signals::stop_requested()) {
                        interrupted = true;
                        break;
                    }
                    if (!writer.last_error().empty()) break;
                }
                continue;
            }
            if (rc == PCAP_ERROR_BREAK) break;  // end of file
            progress.clear();
            log.warning(path.string() + ": stopped after " + std::to_string(records) + " packets at byte offset " +
                        std::to_string(handle->file_offset()) + ": " + handle->last_error() +
                        " (everything before was imported)");
            break;
        }
        if (interrupted || !writer.last_error().empty()) break;
    }
    collector.finish(last_ts_us, interrupted, false);
    const std::size_t lost = writer.stop(std::chrono::seconds(0));
    progress.clear();
    const std::string write_error = writer.last_error();
    if (!write_error.empty()) log.error("import stopped: cannot write interval files: " + write_error);

    if (progress.enabled()) {
        std::fprintf(stderr,
                     "Imported %s packets from %zu file(s) in %.1f s into %s interval file(s) under %s/intervals.%s%s\n",
                     with_commas(collector.packets_total()).c_str(), cfg.read_files.size() - static_cast<std::size_t>(failed_files),
                     progress.seconds(), with_commas(writer.written()).c_str(), cfg.data_dir.c_str(),
                     failed_files ? " Some files could not be read (see above)." : "",
                     interrupted ? " Interrupted: the last interval is marked partial." : "");
    }
    return failed_files > 0 || lost > 0 || !write_error.empty() ? kExitFailure : kExitOk;
}

}  // namespace ipaudit
