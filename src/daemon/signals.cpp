// Async-signal-safe flags.
#include "daemon/signals.hpp"

#include <initializer_list>

namespace ipaudit::signals {

namespace {
volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_reload = 0;
volatile std::sig_atomic_t g_rotate = 0;

extern "C" void on_signal(int sig) {
    switch (sig) {
        case SIGTERM:
        case SIGINT: g_stop = 1; break;
        case SIGHUP: g_reload = 1; break;
        case SIGUSR1: g_rotate = 1; break;
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
    r.stop = g_stop != 0;
    r.reload = g_reload != 0;
    r.rotate = g_rotate != 0;
    g_reload = 0;
    g_rotate = 0;
    return r;
}

bool stop_requested() noexcept { return g_stop != 0; }

}  // namespace ipaudit::signals
