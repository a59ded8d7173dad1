// Sensor names and directories, and the merge of one report's tables across sensors.
#include "report/sensors.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include "report/escape.hpp"
#include "report/query_support.hpp"

namespace ipaudit::report {

namespace {

bool valid_name(std::string_view name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-';
           });
}

// How a report ranks its rows: within each group (rows agreeing on `group` columns), by the
// sum of `rank` columns, descending. Rows whose `trailer` column holds `trailer_value` close
// each sensor's rows (traffic's TOTAL row). No rank columns: rows stay grouped by sensor.
struct Ranking {
    std::vector<std::string> group;
    std::vector<std::string> rank;
    std::string trailer;
    std::string trailer_value;
};

Ranking ranking_of(const std::string& report) {
    if (report == "pairs") return {{"section"}, {"bytes_total"}, {}, {}};
    if (report == "scanners") return {{"direction"}, {"targets"}, {}, {}};
    if (report == "servers") return {{"role", "port", "proto"}, {"bytes_in", "bytes_out"}, {}, {}};
    if (report == "traffic") return {{}, {"bytes_total"}, "proto", "all"};
    return {};
}

std::size_t column_index(const ReportTable& t, const std::string& name) {
    const auto it = std::find(t.columns.begin(), t.columns.end(), name);
    if (it == t.columns.end()) throw std::logic_error("report " + t.report + " has no column " + name);
    return static_cast<std::size_t>(it - t.columns.begin());
}

// Exact integers as the tables hold them; an empty cell counts 0.
std::int64_t integer(const Cell& c) {
    std::int64_t v = 0;
    std::from_chars(c.text.data(), c.text.data() + c.text.size(), v);
    return v;
}

struct Ranked {
    std::vector<Cell> row;
    std::int64_t rank = 0;
    std::size_t sensor = 0;  // index in the tables: ties keep the sensors' order
    std::size_t position = 0;  // within its sensor's table: ties keep each report's own order
};

}  // namespace

Sensor parse_sensor(std::string_view text) {
    Sensor s;
    const std::size_t eq = text.find('=');
    if (eq != std::string_view::npos) {
        s.name = std::string(text.substr(0, eq));
        s.data_dir = std::string(text.substr(eq + 1));
        if (!valid_name(s.name))
            throw SensorError("sensor name " + quote_input(s.name) +
                              ": use 1 to 64 letters, digits, '.', '_' or '-' (NAME=DIR)");
    } else {
        s.data_dir = std::string(text);
        std::filesystem::path p = s.data_dir.lexically_normal();
        if (!p.empty() && !p.has_filename()) p = p.parent_path();  // "hq/" names "hq"
        s.name = p.filename().string();
        if (!valid_name(s.name))
            throw SensorError("cannot name a sensor after " + quote_input(text) + ": give it as NAME=DIR");
    }
    if (s.data_dir.empty()) throw SensorError("sensor " + s.name + ": empty data directory");
    return s;
}

void check_unique_names(const std::vector<Sensor>& sensors) {
    for (std::size_t i = 0; i < sensors.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (sensors[i].name == sensors[j].name)
                throw SensorError("two data directories are named sensor '" + sensors[i].name + "' (" +
                                  sensors[j].data_dir.string() + ", " + sensors[i].data_dir.string() +
                                  "): name them with NAME=DIR");
}

std::vector<Sensor> select_sensors(const std::vector<Sensor>& sensors, std::string_view filter) {
    if (filter.empty()) return sensors;
    std::vector<std::string> wanted;
    for (std::size_t start = 0; start <= filter.size();) {
        const std::size_t comma = std::min(filter.find(',', start), filter.size());
        const std::string name(filter.substr(start, comma - start));
        const bool known = std::any_of(sensors.begin(), sensors.end(), [&](const Sensor& s) { return s.name == name; });
        if (!known) {
            std::string names;
            for (const Sensor& s : sensors) names += (names.empty() ? "" : ", ") + s.name;
            throw SensorError("no sensor named " + quote_input(name) + " (sensors: " + names + ")");
        }
        wanted.push_back(name);
        start = comma + 1;
    }
    std::vector<Sensor> chosen;
    for (const Sensor& s : sensors)
        if (std::find(wanted.begin(), wanted.end(), s.name) != wanted.end()) chosen.push_back(s);
    return chosen;
}

ReportTable merge_sensor_tables(std::vector<SensorTable> tables, std::size_t top) {
    ReportTable merged;
    if (tables.empty()) return merged;
    merged.report = tables.front().table.report;
    merged.columns.push_back("sensor");
    merged.columns.insert(merged.columns.end(), tables.front().table.columns.begin(),
                          tables.front().table.columns.end());
    const Ranking ranking = ranking_of(merged.report);
    const ReportTable& shape = tables.front().table;
    const auto with_sensor = [](const std::string& sensor, std::vector<Cell>& row) {
        row.insert(row.begin(), Cell{sensor, false});
        return std::move(row);
    };
    if (ranking.rank.empty()) {
        for (SensorTable& t : tables)
            for (auto& row : t.table.rows) merged.rows.push_back(with_sensor(t.sensor, row));
        return merged;
    }

    std::vector<std::size_t> group_cols, rank_cols;
    for (const auto& c : ranking.group) group_cols.push_back(column_index(shape, c));
    for (const auto& c : ranking.rank) rank_cols.push_back(column_index(shape, c));
    const std::size_t trailer_col = ranking.trailer.empty() ? 0 : column_index(shape, ranking.trailer);

    // Groups in a stable order: the first group column by first appearance (pairs' sections,
    // servers before clients), the others by value (servers' port, numerically, then proto).
    std::map<std::string, std::size_t> first_seen;
    using GroupKey = std::pair<std::size_t, std::vector<std::pair<std::int64_t, std::string>>>;
    std::map<GroupKey, std::vector<Ranked>> groups;
    std::vector<std::vector<Cell>> trailers;
    for (std::size_t s = 0; s < tables.size(); ++s) {
        auto& rows = tables[s].table.rows;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            auto& row = rows[i];
            if (!ranking.trailer.empty() && row[trailer_col].text == ranking.trailer_value) {
                trailers.push_back(with_sensor(tables[s].sensor, row));
                continue;
            }
            GroupKey key{0, {}};
            for (std::size_t g = 0; g < group_cols.size(); ++g) {
                const Cell& c = row[group_cols[g]];
                if (g == 0) key.first = first_seen.try_emplace(c.text, first_seen.size()).first->second;
                else key.second.emplace_back(c.number ? integer(c) : 0, c.number ? std::string() : c.text);
            }
            Ranked r;
            for (std::size_t col : rank_cols) r.rank += integer(row[col]);
            r.sensor = s;
            r.position = i;
            r.row = with_sensor(tables[s].sensor, row);
            groups[key].push_back(std::move(r));
        }
    }
    const std::size_t limit = detail::effective_top(top);
    for (auto& [key, rows] : groups) {
        std::stable_sort(rows.begin(), rows.end(), [](const Ranked& a, const Ranked& b) {
            if (a.rank != b.rank) return a.rank > b.rank;
            if (a.sensor != b.sensor) return a.sensor < b.sensor;
            return a.position < b.position;
        });
        if (rows.size() > limit) rows.resize(limit);
        for (Ranked& r : rows) merged.rows.push_back(std::move(r.row));
    }
    for (auto& row : trailers) merged.rows.push_back(std::move(row));
    return merged;
}

}  // namespace ipaudit::report
