// Async-signal-safe flags.
#include "daemon/signals.hpp"

#include <atomic>
#include <initializer_list>

namespace ipaudit::signals {

namespace {
// Lock-free atomics are safe to touch from a signal handler, and exchange() reads and clears a
// flag in one step: a signal arriving between a separate read and clear would be lost.
static_assert(std::atomic<int>::is_always_lock_free);
std::atomic<int> g_stop{0};
std::atomic<int> g_reload{0};
std::atomic<int> g_rotate{0};

extern "C" void on_signal(int sig) {
    switch (sig) {
        case SIGTERM:
        case SIGINT: g_stop.store(1); break;
        case SIGHUP: g_reload.store(1); break;
        case SIGUSR1: g_rotate.store(1); break;
        default: break;
    }
}
}  // namespace

void install() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: poll() returns early and the loop notices at once
    for (const int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaction(sig, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

Requests take() {
    Requests r;
    r.stop = g_stop.load() != 0;  // never cleared: stopping is final
    r.reload = g_reload.exchange(0) != 0;
    r.rotate = g_rotate.exchange(0) != 0;
    return r;
}

bool stop_requested() noexcept { return g_stop.load() != 0; }

}  // namespace ipaudit::signals
