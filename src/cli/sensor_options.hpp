// The data directories a report or search reads: `-d DIR` once (one sensor, the classic
// output), `-d [NAME=]DIR` several times or `sensor-dir = NAME=DIR` lines of the config file (several
// sensors: a sensor column), narrowed by `--sensor NAME,..`.
#pragma once

#include <boost/program_options.hpp>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "cli/option_values.hpp"
#include "report/sensors.hpp"

namespace ipaudit::cli {

struct DataSources {
    std::vector<report::Sensor> sensors;  // at least one
    bool labelled = false;                // print a sensor column
};

// `configured`: the config file's sensors (may be empty); `fallback`: its data-dir. Throws
// UsageError naming the option.
[[nodiscard]] inline DataSources data_sources(const boost::program_options::variables_map& vm,
                                              const std::vector<report::Sensor>& configured,
                                              const std::filesystem::path& fallback) {
    DataSources d;
    try {
        if (vm.count("data-dir")) {
            const auto& dirs = vm["data-dir"].as<std::vector<std::string>>();
            for (const std::string& dir : dirs) {
                if (dir.empty()) throw UsageError("--data-dir: empty");
                if (dirs.size() == 1 && dir.find('=') == std::string::npos) {
                    d.sensors.push_back({"", dir});  // the classic single directory
                } else {
                    d.sensors.push_back(report::parse_sensor(dir));
                    d.labelled = true;
                }
            }
        } else if (!configured.empty()) {
            d.sensors = configured;
            d.labelled = true;
        } else {
            d.sensors.push_back({"", fallback});
        }
        report::check_unique_names(d.sensors);
    } catch (const report::SensorError& e) {
        throw UsageError(std::string(vm.count("data-dir") ? "--data-dir: " : "sensor: ") + e.what());
    }
    if (const auto filter = get(vm, "sensor")) {
        if (!d.labelled)
            throw UsageError("--sensor: there is one data directory; name several with -d NAME=DIR "
                             "or 'sensor-dir = NAME=DIR' lines in the config file");
        try {
            d.sensors = report::select_sensors(d.sensors, *filter);
        } catch (const report::SensorError& e) {
            throw UsageError(std::string("--sensor: ") + e.what());
        }
    }
    return d;
}

// "" when every sensor's data directory is a directory; else what is wrong with the first that
// is not ("sensor hq: data directory /x: no such directory").
[[nodiscard]] inline std::string missing_data_dir(const DataSources& d) {
    for (const report::Sensor& sensor : d.sensors) {
        std::error_code ec;
        if (!std::filesystem::is_directory(sensor.data_dir, ec))
            return (sensor.name.empty() ? "" : "sensor " + sensor.name + ": ") + "data directory " +
                   sensor.data_dir.string() + ": " + (ec ? ec.message() : std::string("no such directory"));
    }
    return {};
}

}  // namespace ipaudit::cli
