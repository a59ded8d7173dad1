// ipauditd -r: import capture files in order, intervals on packet time.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "core/collector.hpp"
#include "core/memory_budget.hpp"
#include "daemon/capture_callback.hpp"
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

// The one-line progress display of an import on a terminal (nothing off a terminal), drawn as
// the log's status line so that a warning or error never runs into it.
class Progress {
public:
    Progress(bool enabled, Log& log) : enabled_(enabled && isatty(STDERR_FILENO)), log_(&log) {}

    void update(const std::string& file, std::int64_t offset, std::uintmax_t size, const Collector& c, std::uint64_t written) {
        if (!enabled_) return;
        const auto now = Clock::now();
        if (now - last_ < std::chrono::milliseconds(500)) return;
        last_ = now;
        const double secs = std::chrono::duration<double>(now - started_).count();
        const double rate = secs > 0 ? static_cast<double>(c.packets_total()) / secs : 0;
        const double pct = size > 0 && offset >= 0 ? 100.0 * static_cast<double>(offset) / static_cast<double>(size) : 0;
        char line[512];
        std::snprintf(line, sizeof line, "%s: %3.0f%%  %s packets  %s/s  %s sessions  %s intervals written", file.c_str(),
                      pct, with_commas(c.packets_total()).c_str(), with_commas(static_cast<std::uint64_t>(rate)).c_str(),
                      with_commas(c.current_sessions()).c_str(), with_commas(written).c_str());
        log_->status(line);
    }
    void clear() {
        if (enabled_) log_->clear_status();
    }
    [[nodiscard]] bool enabled() const noexcept { return enabled_; }
    [[nodiscard]] double seconds() const { return std::chrono::duration<double>(Clock::now() - started_).count(); }

private:
    bool enabled_;
    Log* log_;
    Clock::time_point started_ = Clock::now();
    Clock::time_point last_{};
};

}  // namespace

int run_import(const RunContext& context) {
    const Config& cfg = context.config;
    Log& log = *context.log;
    // Fail before reading gigabytes, not after the first interval.
    try {
        prepare_data_dir(cfg.data_dir, "");
        if (const std::string why = write_problem(cfg.data_dir / "intervals"); !why.empty())
            throw ProcessError((cfg.data_dir / "intervals").string() + ": not writable: " + why);
    } catch (const ProcessError& e) {
        log.error(e.what());
        return kExitFailure;
    }
    MemoryBudget budget(cfg.max_memory);
    auto run = std::make_shared<RunInfo>(RunInfo{cfg.sensor, join_paths(cfg.read_files), kVersionText});
    auto networks = std::make_shared<const LocalNetworks>(cfg.networks);
    // Offline, the writer may hold the reader back: a file can wait, no packet is lost.
    IntervalWriter writer({cfg.data_dir, std::chrono::seconds(cfg.retry_s), 2, false, cfg.rollup_labels, true}, log);
    Collector collector({cfg.interval_s, cfg.carry_window_s}, budget, run, networks,
                        [&](std::unique_ptr<IntervalData> iv) { writer.submit(std::move(iv)); });
    Progress progress(!cfg.quiet, log);
    CaptureTarget target(collector);

    int failed_files = 0;   // could not be opened
    int damaged_files = 0;  // read up to damage: what came before is imported, the rest lost
    bool interrupted = false;
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
                deliver_frame(target, *header, data);
                if (target.error) break;
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
            ++damaged_files;
            log.error(path.string() + ": stopped after " + std::to_string(records) + " packets at byte offset " +
                      std::to_string(handle->file_offset()) + ": " + handle->last_error() +
                      " (everything before was imported)");
            break;
        }
        if (interrupted || target.error || !writer.last_error().empty()) break;
    }
    if (target.error) log.error("import stopped: " + describe(target.error) + "; writing the intervals read so far");
    // Even after an error, what was read is finished and written: intervals are never lost
    // because a later packet could not be accounted.
    try {
        collector.finish(target.last_ts_us, interrupted || target.error != nullptr, false);
    } catch (const std::exception& e) {
        log.error(std::string("cannot finish the last interval: ") + e.what());
        target.error = std::current_exception();
    }
    const std::size_t lost = writer.stop(std::chrono::seconds(0));
    progress.clear();
    const std::string write_error = writer.last_error();
    if (!write_error.empty()) log.error("import stopped: cannot write interval files: " + write_error);

    if (progress.enabled()) {
        std::fprintf(stderr,
                     "Imported %s packets from %zu file(s) in %.1f s into %s interval file(s) under %s/intervals.%s%s%s\n",
                     with_commas(collector.packets_total()).c_str(), cfg.read_files.size() - static_cast<std::size_t>(failed_files),
                     progress.seconds(), with_commas(writer.written()).c_str(), cfg.data_dir.c_str(),
                     failed_files ? " Some files could not be read (see above)." : "",
                     damaged_files ? " Some files were read only up to damage (see above)." : "",
                     interrupted ? " Interrupted: the last interval is marked partial." : "");
    }
    const bool failed = failed_files > 0 || damaged_files > 0 || target.error || lost > 0 || !write_error.empty();
    return failed ? kExitFailure : kExitOk;
}

}  // namespace ipaudit
