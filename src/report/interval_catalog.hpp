// Finding the interval files of a period under a data directory, and opening them read-only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/time_spec.hpp"
#include "store/sqlite.hpp"

namespace ipaudit::report {

// Things the reader of a report must be told that do not stop it ("skipped FILE: reason").
using Notes = std::vector<std::string>;

// The interval row of a file (sql/interval_schema.sql): the times a reader relies on.
struct IntervalInfo {
    std::int64_t start_time = 0;  // nominal interval [start_time, end_time), epoch seconds
    std::int64_t end_time = 0;
    std::int64_t covered_from_us = 0;  // what the sensor observed, epoch microseconds
    std::int64_t covered_to_us = 0;
    std::optional<std::int64_t> first_packet_us;  // none when the interval saw no packet
    std::optional<std::int64_t> last_packet_us;
};

// An interval file found under DATA/intervals/YYYY/MM/DD/ with its interval row.
struct IntervalFile {
    std::filesystem::path path;
    IntervalInfo info;
};

// An interval file open for reading, valid during one for_each_interval callback.
struct OpenInterval {
    const IntervalFile& file;
    sqlite::Database& db;
};

// The span of data kept: the earliest and the latest interval coverage start.
struct DataSpan {
    std::int64_t first_start_us = 0;
    std::int64_t last_start_us = 0;
};

// Reads DATA_DIR/intervals/YYYY/MM/DD/*.db, where the day (UTC) is that of each file's coverage
// start. Paths are built only from the configured data directory and from directory entries;
// nothing a user types becomes part of a path. Files are opened read-only. Names are only a
// hint: times and order come from each file's interval row (sql/interval_schema.sql).
class IntervalCatalog {
public:
    explicit IntervalCatalog(std::filesystem::path data_dir);

    [[nodiscard]] const std::filesystem::path& data_dir() const noexcept { return data_dir_; }

    // The interval files that can hold sessions of `period` (some packet inside it), ordered by
    // coverage start, then name (NAME.db before NAME-2.db), then path. Only the day directories from the day before the period to
    // its last day are read, and only names ending in ".db" that do not start with '.' (so
    // temporary files are never seen). A file that cannot be opened or is not an interval
    // file (foreign, corrupt, newer schema) is a note "skipped FILE: reason", never an error.
    [[nodiscard]] std::vector<IntervalFile> files(const Period& period, Notes& notes) const;

    // Coverage starts of the first and last readable interval files (by the start times their
    // names state, within the first and last day directories); none when there is none.
    [[nodiscard]] std::optional<DataSpan> data_span() const;

    // files(period), each opened again read-only and passed to `fn`, in order. A file that
    // fails while `fn` reads it is a note "skipped the rest of FILE: reason" and the next file
    // follows. `fn` returns false to stop. Exceptions other than sqlite::Error and
    // store::NotAnIntervalFile propagate.
    void for_each_interval(const Period& period, Notes& notes, const std::function<bool(OpenInterval&)>& fn) const;

private:
    std::filesystem::path data_dir_;
};

// Reads the interval row of an open file. Throws store::NotAnIntervalFile when it is not one row.
[[nodiscard]] IntervalInfo read_interval_info(sqlite::Database& db);

// The UTC start (epoch seconds) a name like YYYYMMDD-HHMM.db, YYYYMMDD-HHMMSS.db or
// YYYYMMDD-HHMM-2.db gives; none for other names. A hint for skipping files unopened.
[[nodiscard]] std::optional<std::int64_t> parse_interval_file_name(std::string_view name);

}  // namespace ipaudit::report
