// Several sensors: one data directory each, reported together. A report host gets the interval
// files of every sensor (rsync from cron) into a directory per sensor; the reports run over each
// and their tables are merged with a `sensor` column in front, ranked across sensors.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "report/report_output.hpp"

namespace ipaudit::report {

struct Sensor {
    std::string name;  // [A-Za-z0-9._-], 1..64 characters
    std::filesystem::path data_dir;
};

// A bad --data-dir / --sensor value or config line; what() says which and why.
struct SensorError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// "NAME=DIR" or "DIR" (the name is then the directory's last component, "hq" for
// /srv/ipaudit/hq/). Throws SensorError.
[[nodiscard]] Sensor parse_sensor(std::string_view text);

// Throws SensorError when two sensors share a name.
void check_unique_names(const std::vector<Sensor>& sensors);

// The sensors named in `filter` (comma-separated names; empty: all), in the order given by
// `sensors`. Throws SensorError naming an unknown sensor and the known ones.
[[nodiscard]] std::vector<Sensor> select_sensors(const std::vector<Sensor>& sensors, std::string_view filter);

// One sensor's table of a report.
struct SensorTable {
    std::string sensor;
    ReportTable table;
};

// The tables of one report from several sensors as one table: a `sensor` column first, then
// the report's columns. Rows are ranked across sensors the way the report ranks them within
// one (pairs by bytes_total per section, scanners by targets per direction, servers by bytes
// per role and service, traffic by bytes_total with each sensor's TOTAL row last), at most
// `top` per group (0: kMaxTop). Reports without a ranking (host) keep each sensor's rows
// together, in the order of `tables`. All tables must be of the same report.
[[nodiscard]] ReportTable merge_sensor_tables(std::vector<SensorTable> tables, std::size_t top);

}  // namespace ipaudit::report
