// Daily rollups (sql/rollup_schema.sql): where they live, which day a time belongs to, and
// merging interval files into them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "report/port_labels.hpp"
#include "report/time_spec.hpp"
#include "store/sqlite.hpp"

namespace ipaudit::report {

// A local calendar day: [from_us, to_us) is 23, 24 or 25 hours long.
struct LocalDay {
    std::string name;  // YYYY-MM-DD
    std::int64_t from_us = 0;
    std::int64_t to_us = 0;
    friend bool operator==(const LocalDay&, const LocalDay&) = default;
};

// The local day (TZ honoured) holding `us`.
[[nodiscard]] LocalDay local_day_of(std::int64_t us);
// The local day named YYYY-MM-DD; none when the text is not a valid date.
[[nodiscard]] std::optional<LocalDay> local_day_named(std::string_view name);

// The span of days first..last as one "day" of a rollup: name FIRST_LAST, [first.from, last.to).
[[nodiscard]] LocalDay span_of(const LocalDay& first, const LocalDay& last);

// DATA/rollups/YYYY-MM-DD.db (a day) or DATA/rollups/FIRST_LAST.db (a span)
[[nodiscard]] std::filesystem::path rollup_path(const std::filesystem::path& data_dir, const LocalDay& day);

// What a rollup depends on from ports.conf: the labelled ports (traffic) and the watched ones
// (servers). Rollups merged under other labels are rebuilt, and reports do not use them.
[[nodiscard]] std::string labels_fingerprint(const PortLabels& labels);

// The local time zone as recorded in rollups (the TZ variable, '' when unset).
[[nodiscard]] std::string time_zone_name();

// Thrown when a rollup cannot be merged or rebuilt; what() names the file and the reason.
class RollupError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Merges interval files into the rollups of a data directory. Not thread-safe; several
// processes may merge at once (SQLite locks each rollup; a rebuild replaces the file atomically).
class RollupWriter {
public:
    enum class Outcome {
        kMerged,         // the file was added to its day's rollup
        kAlreadyMerged,  // the rollup held it already: nothing changed
        kRebuilt,        // the day was rebuilt (the file was replaced, or labels or TZ changed)
        kEmpty           // the interval saw no packet: nothing to merge
    };

    RollupWriter(std::filesystem::path data_dir, PortLabels labels);

    // Brings the rollup of the local day of `interval_file`'s nominal start up to date: merges
    // that file (a path under the data directory) and any other file of the day it lacks, each
    // in one transaction. Throws RollupError, or the errors of reading the interval file
    // (store::NotAnIntervalFile, sqlite::Error).
    Outcome merge(const std::filesystem::path& interval_file);

    struct DayResult {
        LocalDay day;
        std::size_t merged = 0;          // files added
        std::size_t already = 0;         // files the rollup held already
        bool rebuilt = false;
        std::vector<std::string> notes;  // interval files skipped (foreign, corrupt)
    };

    // Builds the day's rollup anew from its interval files, under a temporary name renamed over
    // the old one (readers see the old or the new file, never a mixture). A day without
    // interval files gets no rollup (an existing one is removed).
    DayResult rebuild(const LocalDay& day);

    // Merges every interval file of the day that its rollup does not hold yet.
    DayResult update(const LocalDay& day);

    // Builds the rollup of the days first..last (a week, a month) from their daily rollups,
    // brought up to date first: DATA/rollups/FIRST_LAST.db. Reports over exactly that
    // period read one file instead of one per day. `merged` counts the days.
    DayResult build_span(const LocalDay& first, const LocalDay& last);

    // The local days that have interval files (by the start times their names state), oldest
    // first.
    [[nodiscard]] std::vector<LocalDay> days_with_intervals() const;

private:
    void bulk_build(const LocalDay& target, const std::filesystem::path& path,
                    const std::function<void(sqlite::Database&)>& stage_inputs);

    std::filesystem::path data_dir_;
    PortLabels labels_;
    std::string labels_fingerprint_;
};

// The interval files whose nominal start lies in `day`, as paths relative to the data
// directory, sorted; files that cannot be read become notes.
[[nodiscard]] std::vector<std::filesystem::path> day_interval_files(const std::filesystem::path& data_dir,
                                                                    const LocalDay& day,
                                                                    std::vector<std::string>& notes);

}  // namespace ipaudit::report
