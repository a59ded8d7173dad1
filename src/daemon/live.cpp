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
            fresh.interval_s != context.config.interval_s || fresh.on_interface_loss != context.config.on_interface_loss)
            log.warning("SIGHUP: interface, filter, user, data-dir, interval and on-interface-loss changes need a restart");
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
    // Session memory full (--max-memory; intervals waiting to be written hold part of it): logged
    // once when an interval starts to overflow, again only after an interval closed without.
    bool memory_full_logged = false;
    Collector collector({cfg.interval_s, cfg.carry_window_s}, budget, run,
                        std::make_shared<const LocalNetworks>(cfg.networks), [&](std::unique_ptr<IntervalData> iv) {
                            if (iv->overflow_packets == 0) memory_full_logged = false;
                            writer.submit(std::move(iv));
                        });
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
    const LiveOptions live_options{cfg.snaplen, cfg.promiscuous, cfg.buffer_mib, cfg.filter};
    const bool exit_on_loss = cfg.on_interface_loss == InterfaceLoss::kExit;
    // An interface whose capture failed (it vanished; one that only goes down stays open and
    // resumes by itself with libpcap 1.10 on Linux): reopened every few seconds
    // unless --on-interface-loss=exit. `reopen_error` is the last reason reopening failed, logged
    // once, not on every attempt.
    struct Lost {
        bool lost = false;
        std::chrono::steady_clock::time_point next_try{};
        std::string reopen_error;
    };
    constexpr auto kReopenEvery = std::chrono::seconds(2);
    std::vector<Lost> lost(handles.size());
    std::size_t alive_count = handles.size();
    int exit_code = kExitOk;
    bool rotate_pending = false;
    bool exit_now = false;          // an interface was lost with --on-interface-loss=exit
    std::string rotate_reason;      // logged when the interval closes early
    CaptureTarget target(collector);
    const auto dispatch_all = [&] {
        for (std::size_t i = 0; i < handles.size() && !target.error; ++i) {
            if (lost[i].lost) continue;
            collector.set_link_type(handles[i].link_type());
            target.handle = handles[i].get();
            // Non-blocking: returns what the kernel buffer holds (possibly nothing) at once.
            const int n = pcap_dispatch(handles[i].get(), -1, capture_callback, reinterpret_cast<u_char*>(&target));
            if (n == PCAP_ERROR) {
                counters.sample();  // the old handle's last counts, before it is ever replaced
                log.error(handles[i].name() + ": capture failed: " + handles[i].last_error() +
                          (exit_on_loss ? "; writing the interval so far and exiting (--on-interface-loss=exit)"
                                        : "; writing the interval so far, capture goes on on the other interfaces "
                                          "and the interface is reopened every " +
                                              std::to_string(kReopenEvery.count()) + " s"));
                lost[i] = {true, std::chrono::steady_clock::now(), {}};
                fds[i].fd = -1;
                --alive_count;
                if (!exit_on_loss && !has_capture_privilege())
                    log.error(handles[i].name() + ": cannot reopen the interface without capture privileges (running as " +
                              effective_user_name() +
                              " after --user, without CAP_NET_RAW); writing the interval so far and exiting so "
                              "that the service manager restarts ipauditd");
                if (exit_on_loss || !has_capture_privilege()) {
                    exit_now = true;  // the interval so far is written on the way out
                    return;
                }
                rotate_pending = true;
                rotate_reason = handles[i].name() + " lost: closing the current interval now";
            }
        }
    };
    // Tries to reopen the lost interfaces whose time has come. Returns false when the daemon
    // must exit: reopening is refused for lack of privileges (after --user), which no later try
    // can change; the service manager's restart can.
    const auto reopen_lost = [&] {
        const auto now = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < handles.size(); ++i) {
            if (!lost[i].lost || now < lost[i].next_try) continue;
            lost[i].next_try = now + kReopenEvery;
            const std::string name = handles[i].name();
            if (const std::string down = interface_down_reason(name); !down.empty()) {
                if (lost[i].reopen_error != down) {
                    lost[i].reopen_error = down;
                    log.warning("cannot reopen " + name + ": " + down + "; trying again every " +
                                std::to_string(kReopenEvery.count()) + " s");
                }
                continue;
            }
            try {
                std::string warning;
                PcapHandle fresh = PcapHandle::open_live(name, live_options, warning);
                if (!warning.empty()) log.warning(warning);
                handles[i] = std::move(fresh);
                counters.reopened(i);
                fds[i].fd = pcap_get_selectable_fd(handles[i].get());
                lost[i] = {};
                ++alive_count;
                log.info(name + ": interface is back; capture resumes");
            } catch (const CaptureError& e) {
                if (e.kind() == CaptureError::Kind::kPermission) {
                    log.error(name + ": cannot reopen the interface without capture privileges (running as user " +
                              effective_user_name() + " after --user; " + e.what() +
                              "); exiting so that the service manager restarts ipauditd");
                    return false;
                }
                if (lost[i].reopen_error != e.what()) {
                    lost[i].reopen_error = e.what();
                    log.warning("cannot reopen " + std::string(e.what()) + "; trying again every " +
                                std::to_string(kReopenEvery.count()) + " s");
                }
            }
        }
        return true;
    };
    // libpcap's 32-bit counters can wrap within an interval: sampled every second, no wrap goes unnoticed.
    auto next_sample = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    for (;;) {
        // With every interface lost, poll() only waits (for the clock, signals and reopening).
        poll(fds.data(), fds.size(), 250);
        dispatch_all();
        if (target.error) {
            log.error("capture stopped: " + describe(target.error) + "; writing the current interval and exiting");
            exit_code = kExitFailure;
            break;
        }
        if (exit_now) {
            exit_code = kExitFailure;
            break;
        }
        if (std::chrono::steady_clock::now() >= next_sample) {
            if (const IntervalData* cur = collector.current();
                cur != nullptr && cur->overflow_packets > 0 && !memory_full_logged) {
                memory_full_logged = true;
                log.warning("session memory (--max-memory, " + std::to_string(budget.limit() >> 20) + " MiB) is full, " +
                            std::to_string(writer.pending()) +
                            " finished interval(s) waiting to be written hold part of it: packets of new sessions are "
                            "counted as overflow in the interval file (known sessions go on counting) until memory is freed");
            }
            counters.sample();
            next_sample = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        }
        const std::int64_t now = wall_clock_us();
        const signals::Requests req = signals::take();
        if (req.stop) break;
        if (req.rotate && !rotate_pending) rotate_reason = "SIGUSR1: closing the current interval now";
        rotate_pending = rotate_pending || req.rotate;
        // Interval files are named to the second: closing an interval opened in this same second
        // would give the next one the same name and overwrite its file, so that waits a moment.
        if (rotate_pending && (collector.current() == nullptr ||
                               now / kMicrosPerSecond != collector.current()->covered_from_us / kMicrosPerSecond)) {
            log.info(rotate_reason);
            collector.finish(now, true, true);
            rotate_pending = false;
        }
        if (req.reload) reload(context, collector, log);
        collector.advance_clock(now);
        if (alive_count < handles.size() && !reopen_lost()) {
            exit_code = kExitFailure;
            break;
        }
    }
    // Frames the kernel took before the stop can still sit in a ring block that libpcap hands over
    // only when the block fills or the capture timeout retires it: read until every frame the
    // kernel counted has been seen, for at most two timeouts.
    const auto kernel_backlog = [&] {
        if (alive_count < handles.size()) return false;  // a failed handle's count can never be reached
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
