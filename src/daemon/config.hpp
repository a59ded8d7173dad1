// ipauditd's configuration: command line and config file through Boost.Program_options, parsed
// once into an immutable struct. Errors name the option, or the file and line, and the problem.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/network_list.hpp"
#include "report/port_labels.hpp"

namespace ipaudit {

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class LogTarget { kAuto, kStderr, kSyslog };

// --on-interface-loss: what live capture does when an interface vanishes (or fails).
enum class InterfaceLoss { kWait, kExit };

// Paths are absolute (see parse_command_line).
struct Config {
    std::filesystem::path config_file;       // empty: none
    std::vector<std::string> interfaces;     // -i, live capture
    std::vector<std::filesystem::path> read_files;  // -r, offline import in order
    std::filesystem::path data_dir = "/var/lib/ipaudit";
    LocalNetworks networks;                  // from --local and --other
    std::int64_t interval_s = 1800;
    std::string filter;                      // BPF
    int snaplen = 256;
    bool promiscuous = true;
    int buffer_mib = 32;
    InterfaceLoss on_interface_loss = InterfaceLoss::kWait;
    bool daemonize = false;
    std::filesystem::path pidfile;           // empty: none
    std::string user;
    std::string sensor;                      // default: host name
    std::uint64_t max_memory = std::uint64_t{1} << 30;
    std::int64_t carry_window_s = 300;
    std::int64_t retry_s = 10;
    LogTarget log = LogTarget::kAuto;
    bool quiet = false;
    std::optional<std::filesystem::path> ports_file;  // --ports: labels for the daily rollups
    bool rollups = true;                              // --no-rollups turns them off
    std::optional<report::PortLabels> rollup_labels;  // loaded from ports_file when rollups are on
};

// What the command line asked for.
struct ParsedCommandLine {
    enum class Action { kRun, kHelp, kVersion } action = Action::kRun;
    Config config;
};

// Parses argv and the config file it names (-c), command line winning. Relative paths (-c, -r,
// -d, --pidfile) are made absolute against `working_dir` (empty: the current directory), so
// they keep naming the same files after --daemon's chdir("/"). Throws ConfigError.
[[nodiscard]] ParsedCommandLine parse_command_line(int argc, const char* const* argv,
                                                   const std::filesystem::path& working_dir = {});
// Parses config file text as if read from `name` (for tests). Values already in `base_args`
// (command-line style) win; relative paths are taken from the current directory. Throws
// ConfigError naming `name`, line and problem.
[[nodiscard]] Config parse_config(const std::vector<std::string>& base_args, const std::string& file_text,
                                  const std::string& name);

// "1G", "512m", "65536": bytes. Throws ConfigError.
[[nodiscard]] std::uint64_t parse_size(const std::string& text);

// The --help text: a short manual page.
[[nodiscard]] std::string help_text();

}  // namespace ipaudit
