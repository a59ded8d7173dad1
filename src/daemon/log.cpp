// Log sinks.
#include "daemon/log.hpp"

#include <syslog.h>

#include <cstdio>
#include <ctime>

namespace ipaudit {

Log::Log(Sink sink, std::string ident) : sink_(Sink::kStderr), ident_(std::move(ident)) { switch_to(sink); }

Log::~Log() {
    if (sink_ == Sink::kSyslog) closelog();
}

void Log::switch_to(Sink sink) {
    std::lock_guard lock(mutex_);
    if (sink == Sink::kSyslog && sink_ != Sink::kSyslog) openlog(ident_.c_str(), LOG_PID | LOG_NDELAY, LOG_DAEMON);
    if (sink != Sink::kSyslog && sink_ == Sink::kSyslog) closelog();
    sink_ = sink;
}

void Log::write(Level level, std::string_view message) {
    if (level > threshold_) return;
    std::lock_guard lock(mutex_);
    if (sink_ == Sink::kSyslog) {
        const int priority = level == Level::kError ? LOG_ERR : level == Level::kWarning ? LOG_WARNING : LOG_INFO;
        syslog(priority, "%.*s", static_cast<int>(message.size()), message.data());
        return;
    }
    if (status_shown_) std::fputs("\r\033[K", stderr);
    status_shown_ = false;
    const char* tag = level == Level::kError ? "error: " : level == Level::kWarning ? "warning: " : "";
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
    std::fprintf(stderr, "%s %s: %s%.*s\n", stamp, ident_.c_str(), tag, static_cast<int>(message.size()), message.data());
}

void Log::status(std::string_view line) {
    std::lock_guard lock(mutex_);
    std::fprintf(stderr, "\r\033[K%.*s", static_cast<int>(line.size()), line.data());
    std::fflush(stderr);
    status_shown_ = true;
}

void Log::clear_status() {
    std::lock_guard lock(mutex_);
    if (status_shown_) std::fputs("\r\033[K", stderr);
    status_shown_ = false;
}

}  // namespace ipaudit
