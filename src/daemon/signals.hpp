// Signal requests, set by handlers and polled by the capture loop (the only process-wide state:
// a signal handler can reach nothing else).
#pragma once

#include <csignal>

namespace ipaudit::signals {

struct Requests {
    bool stop = false;    // SIGTERM, SIGINT
    bool reload = false;  // SIGHUP
    bool rotate = false;  // SIGUSR1
};

// Installs handlers for SIGTERM, SIGINT, SIGHUP, SIGUSR1 (and ignores SIGPIPE).
void install();
// Returns and clears the pending requests.
[[nodiscard]] Requests take();
// True once SIGTERM/SIGINT arrived (not cleared by take()).
[[nodiscard]] bool stop_requested() noexcept;

}  // namespace ipaudit::signals
