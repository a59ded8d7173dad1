// Fuzz target: config file text, as the daemon and the reports read /etc/ipaudit/ipaudit.conf,
// and the ports file (port labels) text.
//
// The whole input is one file's text, given to:
//   - ipauditd's parse_config() (Boost.Program_options line by line, network lists, sizes,
//     value checks); designed failure: ConfigError. The command line is "--no-rollups" so that
//     a `ports = FILE` line is only recorded: the fuzzer must not make the target read files.
//   - the reports' parse_report_settings(), strict (SettingsError) and collecting (never throws);
//   - PortLabels::parse() (PortLabelsError).
// Any other exception escaping, or a crash, is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "daemon/config.hpp"
#include "report/port_labels.hpp"
#include "report/report_settings.hpp"

namespace {

[[noreturn]] void invariant_failed() { std::abort(); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 16384) return 0;  // config files are small; long inputs only slow the search down
    const std::string text(reinterpret_cast<const char*>(data), size);
    namespace rp = ipaudit::report;

    try {
        const ipaudit::Config config = ipaudit::parse_config({"--no-rollups"}, text, "fuzz.conf");
        if (config.interval_s < 60 || config.interval_s > 86400 || 86400 % config.interval_s != 0) invariant_failed();
        if (config.carry_window_s < 0 || config.carry_window_s > config.interval_s) invariant_failed();
        if (config.rollup_labels) invariant_failed();  // --no-rollups: no ports file was read
    } catch (const ipaudit::ConfigError&) {
    }

    bool strict_ok = false;
    try {
        (void)rp::parse_report_settings(text, "fuzz.conf", rp::SettingsMode::kStrict);
        strict_ok = true;
    } catch (const rp::SettingsError&) {
    }
    // Collecting mode never throws, and finds a problem exactly when strict mode throws.
    const rp::ReportSettings collected = rp::parse_report_settings(text, "fuzz.conf", rp::SettingsMode::kCollect);
    if (collected.ok() != strict_ok) invariant_failed();
    if (collected.min_targets < 1 || collected.min_targets > 1'000'000'000) invariant_failed();

    try {
        const rp::PortLabels labels = rp::PortLabels::parse(text, "ports.conf");
        for (const auto& label : labels.entries()) {
            if (label.port < 0 || label.port > 65535 || (label.proto != 6 && label.proto != 17)) invariant_failed();
            if (labels.find(label.proto, label.port) == nullptr) invariant_failed();
        }
    } catch (const rp::PortLabelsError&) {
    }
    return 0;
}
