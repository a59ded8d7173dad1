// ipauditd: entry point. Maps every error to one clear message and an exit code.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "daemon/config.hpp"
#include "daemon/log.hpp"
#include "daemon/run_context.hpp"
#include "daemon/signals.hpp"

int main(int argc, char** argv) {
    using namespace ipaudit;
    ParsedCommandLine parsed;
    std::filesystem::path working_dir;
    try {
        working_dir = std::filesystem::current_path();
        parsed = parse_command_line(argc, argv, working_dir);
    } catch (const ConfigError& e) {
        std::cerr << "ipauditd: " << e.what() << '\n';
        return kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << "ipauditd: " << e.what() << '\n';
        return kExitUsage;
    }
    if (parsed.action == ParsedCommandLine::Action::kHelp) {
        std::cout << help_text();
        return kExitOk;
    }
    if (parsed.action == ParsedCommandLine::Action::kVersion) {
        std::cout << kVersionText << '\n';
        return kExitOk;
    }
    const Config& cfg = parsed.config;
    if (cfg.interfaces.empty() && cfg.read_files.empty()) {
        std::cerr << "ipauditd: nothing to do: give -i IFACE to capture or -r FILE to import (see ipauditd --help)\n";
        return kExitUsage;
    }
    const bool syslog = cfg.log == LogTarget::kSyslog;
    Log log(syslog ? Log::Sink::kSyslog : Log::Sink::kStderr, "ipauditd");
    if (cfg.quiet) log.set_threshold(Log::Level::kWarning);
    signals::install();

    RunContext context{cfg, std::vector<std::string>(argv, argv + argc), working_dir, &log};
    try {
        return cfg.read_files.empty() ? run_live(context) : run_import(context);
    } catch (const std::exception& e) {
        log.error(e.what());
        return kExitFailure;
    }
}
