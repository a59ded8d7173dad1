// What both run modes (file import, live capture) share: config, log, and the output side.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/interval_data.hpp"
#include "daemon/config.hpp"
#include "daemon/log.hpp"

namespace ipaudit {

inline constexpr const char* kVersionText = "ipaudit " IPAUDIT_VERSION;

struct RunContext {
    Config config;
    std::vector<std::string> argv;  // to re-read the config on SIGHUP
    std::filesystem::path working_dir;  // where ipauditd started: relative paths in argv are from here
    Log* log;
};

// Exit codes of ipauditd (documented in --help).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Reads capture files in order into interval files. Returns an exit code.
[[nodiscard]] int run_import(const RunContext& context);
// Captures live until SIGTERM/SIGINT. Returns an exit code.
[[nodiscard]] int run_live(const RunContext& context);

}  // namespace ipaudit
