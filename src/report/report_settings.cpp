// The reports' settings from ipaudit.conf: see report_settings.hpp.
#include "report/report_settings.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

#include "report/search_filter.hpp"
#include "report/sensors.hpp"
#include "report/time_spec.hpp"

namespace ipaudit::report {

namespace {

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r");
    return std::string(s.substr(b, e - b + 1));
}

// The value of one known key into `s`; throws std::invalid_argument (FilterError) when bad.
void apply(ReportSettings& s, const std::string& key, const std::string& value) {
    if (value.empty()) throw std::invalid_argument("a value is required");
    if (key == "data-dir") {
        s.data_dir = value;
    } else if (key == "ports") {
        s.ports_file = std::filesystem::path(value);
    } else if (key == "sensor-dir") {
        Sensor sensor = parse_sensor(value);
        for (const Sensor& other : s.sensors)
            if (other.name == sensor.name)
                throw SensorError("sensor '" + sensor.name + "' is already defined (" + other.data_dir.string() + ")");
        s.sensors.push_back(std::move(sensor));
    } else if (key == "min-targets") {
        s.min_targets = parse_count(value, 1, 1'000'000'000);
    } else {  // expected-servers: HOST:PORT never holds a blank, so "a:1, b:2" may be spaced
        std::string compact;
        for (const char c : value)
            if (c != ' ' && c != '\t') compact += c;
        s.expected = parse_expected_servers(compact);
    }
}

bool known(const std::string& key) {
    return key == "data-dir" || key == "ports" || key == "min-targets" || key == "expected-servers" || key == "sensor-dir";
}

}  // namespace

ReportSettings parse_report_settings(std::string_view text, const std::string& source, SettingsMode mode) {
    ReportSettings s;
    s.source = source;
    std::map<std::string, int> seen;  // key -> line, for keys set once
    std::istringstream in{std::string(text)};
    std::string raw;
    int line_no = 0;
    while (std::getline(in, raw)) {
        ++line_no;
        std::string line = raw;
        if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        line = trim(line);
        if (line.empty()) continue;
        const std::string where = source + ":" + std::to_string(line_no);
        std::string problem;
        const auto eq = line.find('=');
        if (eq == std::string::npos) {
            problem = "expected 'name = value', got " + quote_input(trim(raw));
        } else {
            const std::string key = trim(std::string_view(line).substr(0, eq));
            if (!known(key)) continue;  // ipauditd's option: it checks it
            const auto [it, fresh] = seen.emplace(key, line_no);
            if (!fresh && key != "sensor-dir") {  // one line per sensor
                problem = "'" + key + "' is already set on line " + std::to_string(it->second);
            } else {
                try {
                    apply(s, key, trim(std::string_view(line).substr(eq + 1)));
                    s.origin[key] = where;
                } catch (const std::invalid_argument& e) {
                    problem = key + ": " + e.what();
                }
            }
        }
        if (problem.empty()) continue;
        if (mode == SettingsMode::kStrict) throw SettingsError(where + ": " + problem);
        s.errors.push_back(where + ": " + problem);
    }
    return s;
}

ReportSettings load_report_settings(const std::filesystem::path& file, SettingsMode mode) {
    std::ifstream in(file, std::ios::binary);
    std::error_code ec;
    if (!in || std::filesystem::is_directory(file, ec))
        throw SettingsError(file.string() + ": cannot read the config file");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw SettingsError(file.string() + ": cannot read the config file");
    return parse_report_settings(text.str(), file.string(), mode);
}

ReportSettings read_report_settings(const std::optional<std::filesystem::path>& file, SettingsMode mode) {
    if (file) return load_report_settings(*file, mode);
    std::error_code ec;
    if (std::filesystem::exists(kDefaultConfigFile, ec)) return load_report_settings(kDefaultConfigFile, mode);
    return {};
}

PortLabels settings_port_labels(const ReportSettings& settings) {
    try {
        return PortLabels::configured(settings.ports_file);
    } catch (const PortLabelsError& e) {
        if (!settings.ports_file) throw SettingsError(e.what());  // the installed ports.conf
        const auto it = settings.origin.find("ports");
        throw SettingsError((it != settings.origin.end() ? it->second + ": " : std::string()) + "ports: " + e.what());
    }
}

}  // namespace ipaudit::report
