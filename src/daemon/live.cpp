// ipauditd -i: live capture on one or more interfaces until SIGTERM/SIGINT.
#include <poll.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/collector.hpp"
#include "core/interval_clock.hpp"
#include "core/memory_budget.hpp"
#include "daemon/capture_callback.hpp"
#include "daemon/capture_counters.hpp"
#include "daemon/interval_writer.hpp"
#include "daemon/pcap_handle.hpp"
#include "daemon/process.hpp"
#include "daemon/run_context.hpp"
#include "daemon/signals.hpp"

namespace ipaudit {

namespace {

std::int64_t wall_clock_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
    return out;
}

// SIGHUP: re-read the config file; only the networks can change without a restart.
void reload(const RunContext& context, Collector& collector, Log& log) {
    if (context.config.config_file.empty()) {
        log.info("SIGHUP: no config file to re-read");
        return;
    }
    try {
        std::vector<const char*> argv;
        for (const auto& a : context.argv) argv.push_back(a.c_str());
        const ParsedCommandLine parsed = parse_command_line(static_cast<int>(argv.size()), argv.data(), context.working_dir);
        const Config& fresh = parsed.config;
        collector.set_local_networks(std::make_shared<const LocalNetworks>(fresh.networks));
        log.info("SIGHUP: reloaded " + context.config.config_file.string() + "; local networks now '" +
                 fresh.networks.local().text() + "' from the next interval");
        if (fresh.interfaces != context.config.interfaces || fresh.filter != context.config.filter ||
            fresh.user != context.config.user || fresh.data_dir != context.config.data_dir ||
            fresh.interval_s != context.config.interval_s)
            log.warning("SIGHUP: interface, filter, user, data-dir and interval changes need a restart");
    } catch (const std::exception& e) {
        log.error(std::string("SIGHUP: keeping the running configuration: ") + e.what());
    }
}

}  // namespace

int run_live(const RunContext& context) {
    const Config& cfg = context.config;
    Log& log = *context.log;

    std::vector<PcapHandle> handles;
    try {
        for (const auto& iface : cfg.interfaces) {
            std::string warning;
            handles.push_back(PcapHandle::open_live(iface, {cfg.snaplen, cfg.promiscuous, cfg.buffer_mib, cfg.filter}, warning));
            if (!warning.empty()) log.warning(warning);
        }
        prepare_data_dir(cfg.data_dir, cfg.user);
    } catch (const std::exception& e) {
        log.error(e.what());
        return kExitFailure;
    }

    PidFile pidfile;
    int detached_ready = -1;  // the original process waits for this when detaching
    try {
        // Lock the pid file and drop root before detaching, so that a second instance or an
        // unusable user fails where the caller sees the message and the exit status. The lock
        // belongs to the open file, which the detached process inherits; it then writes its pid.
        if (!cfg.pidfile.empty()) pidfile = PidFile(cfg.pidfile);
        if (!cfg.user.empty()) drop_privileges(cfg.user);
        if (cfg.daemonize) {
            detached_ready = detach_from_terminal();
            if (cfg.log != LogTarget::kStderr) log.switch_to(Log::Sink::kSyslog);
            pidfile.write_pid();
        }
    } catch (const std::exception& e) {
        log.error(e.what());
        return kExitFailure;
    }

    MemoryBudget budget(cfg.max_memory);
    auto run = std::make_shared<RunInfo>(RunInfo{cfg.sensor, join(cfg.interfaces), kVersionText});
    IntervalWriter writer({cfg.data_dir, std::chrono::seconds(cfg.retry_s), 0, true, cfg.rollup_labels, false}, log);
    Collector collector({cfg.interval_s, cfg.carry_window_s}, budget, run,
                        std::make_shared<const LocalNetworks>(cfg.networks),
                        [&](std::unique_ptr<IntervalData> iv) { writer.submit(std::move(iv)); });
    CaptureCounterTotals counters(handles);
    (void)counters.since_last_call();  // the first interval counts from here
    collector.set_capture_probe([&] { return counters.since_last_call(); });
    collector.start_live(wall_clock_us());
    log.info(std::string(kVersionText) + " capturing on " + join(cfg.interfaces) + " into " + cfg.data_dir.string() +
             " (interval " + std::to_string(cfg.interval_s) + " s, local networks '" + cfg.networks.local().text() + "')");
    if (cfg.networks.local().empty())
        log.warning("no local networks configured: every host counts as remote; see --local");
    // Checked as the user that writes (after dropping root): a data directory below a directory
    // that user cannot enter, or on a read-only file system, would otherwise surface only when
    // the first interval ends. Capture goes on: intervals wait in memory and writes are retried.
    if (const std::string why = write_problem(cfg.data_dir / "intervals"); !why.empty())
        log.error((cfg.data_dir / "intervals").string() + ": not writable by user " + effective_user_name() + " (" + why +
                  "); capturing anyway, intervals wait in memory and writing is retried every " +
                  std::to_string(cfg.retry_s) + " s");
    detach_finished(detached_ready);

    std::vector<pollfd> fds;
    for (const auto& h : handles) fds.push_back({pcap_get_selectable_fd(h.get()), POLLIN, 0});
    std::vector<bool> alive(handles.size(), true);
    std::size_t alive_count = handles.size();
    int exit_code = kExitOk;
    bool rotate_pending = false;
    CaptureTarget target(collector);
    const auto dispatch_all = [&] {
        for (std::size_t i = 0; i < handles.size() && !target.error; ++i) {
            if (!alive[i]) continue;
            collector.set_link_type(handles[i].link_type());
            target.handle = handles[i].get();
            // Non-blocking: returns what the kernel buffer holds (possibly nothing) at once.
            const int n = pcap_dispatch(handles[i].get(), -1, capture_callback, reinterpret_cast<u_char*>(&target));
            if (n == PCAP_ERROR) {
                log.error(handles[i].name() + ": capture failed: " + handles[i].last_error());
                alive[i] = false;
                fds[i].fd = -1;
                --alive_count;
            }
        }
    };
    // libpcap's 32-bit counters can wrap within an interval: sampled every second, no wrap goes unnoticed.
    auto next_sample = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    for (;;) {
        poll(fds.data(), fds.size(), 250);
        dispatch_all();
        if (target.error) {
            log.error("capture stopped: " + describe(target.error) + "; writing the current interval and exiting");
            exit_code = kExitFailure;
            break;
        }
        if (std::chrono::steady_clock::now() >= next_sample) {
            counters.sample();
            next_sample = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        }
        const std::int64_t now = wall_clock_us();
        const signals::Requests req = signals::take();
        if (req.stop) break;
        rotate_pending = rotate_pending || req.rotate;
        // Interval files are named to the second: closing an interval opened in this same second
        // would give the next one the same name and overwrite its file, so that waits a moment.
        if (rotate_pending && (collector.current() == nullptr ||
                               now / kMicrosPerSecond != collector.current()->covered_from_us / kMicrosPerSecond)) {
            log.info("SIGUSR1: closing the current interval now");
            collector.finish(now, true, true);
            rotate_pending = false;
        }
        if (req.reload) reload(context, collector, log);
        collector.advance_clock(now);
        if (alive_count == 0) {
            log.error("no interface left to capture on; writing the current interval and exiting");
            exit_code = kExitFailure;
            break;
        }
    }
    // Frames the kernel took before the stop can still sit in a ring block that libpcap hands over
    // only when the block fills or the capture timeout retires it: read until every frame the
    // kernel counted has been seen, for at most two timeouts.
    const auto kernel_backlog = [&] {
        for (std::size_t i = 0; i < handles.size(); ++i)
            if (!alive[i]) return false;  // a failed handle's count can never be reached
        counters.sample();
        const CaptureCounters total = counters.totals();
        return total.received - total.dropped != collector.packets_total();
    };
    const auto drain_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(600);
    while (!target.error && alive_count > 0 && kernel_backlog() && std::chrono::steady_clock::now() < drain_until) {
        poll(fds.data(), fds.size(), 50);
        dispatch_all();
    }
    // After a failure too: the interval in progress is written, not lost with the process.
    try {
        collector.finish(wall_clock_us(), true, false);
    } catch (const std::exception& e) {
        log.error(std::string("cannot finish the current interval: ") + e.what());
        exit_code = kExitFailure;
    }
    // At shutdown, give a failing disk a little time before reporting what is lost.
    if (writer.stop(std::chrono::seconds(15)) > 0) exit_code = kExitFailure;
    log.info("stopped after " + std::to_string(collector.packets_total()) + " packets, " +
             std::to_string(writer.written()) + " interval file(s) written");
    return exit_code;
}

}  // namespace ipaudit
