// The reports' settings from the config file a sysadmin edits (conf/ipaudit.conf, shared with
// ipauditd): where the data is, the port labels, the scanner threshold and the expected
// servers. The CGI programs (file named by $IPAUDIT_CONF) and `ipaudit report -c FILE` read
// them here; request parameters and command-line options override them.
//
// Lines are `name = value` ('#' starts a comment, blank lines skipped), as ipauditd reads them.
// The keys read here:
//   data-dir = DIR                  the data directory (default /var/lib/ipaudit)
//   ports = FILE                    port labels (default: PortLabels::configured(nullopt))
//   min-targets = N                 scanners: unanswered targets to be listed, 1..1000000000 (default 50)
//   expected-servers = H:P,...      servers not flagged (IPv6 as [ADDR]:PORT; blanks allowed)
//   sensor-dir = NAME=DIR           one line per sensor: report over these data directories
//                                   together (a report host), with a sensor column
// Every other key belongs to ipauditd, which checks it; it is skipped here. Paths are taken
// as written (give absolute ones: the web server's working directory is not the admin's).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "report/port_labels.hpp"
#include "report/report_queries.hpp"
#include "report/sensors.hpp"

namespace ipaudit::report {

// The config file of a default installation.
inline constexpr const char* kDefaultConfigFile = "/etc/ipaudit/ipaudit.conf";

// A config file that cannot be read or holds a bad line; what() is "FILE:LINE: what is wrong"
// (or "FILE: what is wrong" when the file cannot be read).
class SettingsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ReportSettings {
    std::filesystem::path data_dir = "/var/lib/ipaudit";
    std::optional<std::filesystem::path> ports_file;  // `ports`, when set
    std::int64_t min_targets = kDefaultMinTargets;
    std::vector<ExpectedServer> expected;
    std::vector<Sensor> sensors;  // `sensor-dir` lines, in file order; empty: data_dir alone

    std::string source;                         // the file read, "" when none
    std::map<std::string, std::string> origin;  // key -> "FILE:LINE" of the line that set it
    // Lines refused ("FILE:LINE: ..."), in file order; the keys they meant keep their defaults
    // and every good line still counts. parse/load in strict mode throw the first instead.
    std::vector<std::string> errors;

    [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

enum class SettingsMode { kStrict, kCollect };

// Parses the text of a config file; `source` names it in messages. kStrict throws
// SettingsError at the first bad line; kCollect records them in `errors` and goes on.
[[nodiscard]] ReportSettings parse_report_settings(std::string_view text, const std::string& source,
                                                   SettingsMode mode = SettingsMode::kStrict);

// Reads and parses `file`. A file that cannot be read is a SettingsError in either mode
// (callers decide whether a missing default file matters: see read_report_settings()).
[[nodiscard]] ReportSettings load_report_settings(const std::filesystem::path& file,
                                                  SettingsMode mode = SettingsMode::kStrict);

// `file` when given (it must be readable), else kDefaultConfigFile when it exists, else the
// defaults: what `ipaudit report` does with -c/--config.
[[nodiscard]] ReportSettings read_report_settings(const std::optional<std::filesystem::path>& file,
                                                  SettingsMode mode = SettingsMode::kStrict);

// The port labels the settings name (PortLabels::configured(ports_file)); a ports file that
// cannot be read or is bad is a SettingsError naming the `ports` line first:
// "ipaudit.conf:12: ports: /etc/ipaudit/ports.conf:3: ...".
[[nodiscard]] PortLabels settings_port_labels(const ReportSettings& settings);

}  // namespace ipaudit::report
