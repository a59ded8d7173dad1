// Logging to syslog or stderr; thread-safe, one line per message, never on the per-packet path.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

namespace ipaudit {

class Log {
public:
    enum class Sink { kStderr, kSyslog };
    enum class Level { kError, kWarning, kInfo };

    Log(Sink sink, std::string ident);
    Log(const Log&) = delete;
    Log& operator=(const Log&) = delete;
    ~Log();

    void error(std::string_view message) { write(Level::kError, message); }
    void warning(std::string_view message) { write(Level::kWarning, message); }
    void info(std::string_view message) { write(Level::kInfo, message); }
    void write(Level level, std::string_view message);
    void switch_to(Sink sink);
    // A status line on stderr (the import's progress on a terminal), redrawn in place. Every
    // message erases it first, so messages never run into it; the next status() redraws it.
    void status(std::string_view line);
    void clear_status();
    // Messages less important than `level` are dropped (--quiet keeps warnings and errors).
    void set_threshold(Level level) { threshold_ = level; }

private:
    std::mutex mutex_;
    Sink sink_;
    Level threshold_ = Level::kInfo;
    bool status_shown_ = false;
    std::string ident_;
};

}  // namespace ipaudit
