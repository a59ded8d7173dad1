// Where a report's data comes from: whole local days from their daily rollups, the rest (a
// partial day at either end, a day without a usable rollup) from the interval files.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "report/interval_catalog.hpp"
#include "report/rollup.hpp"
#include "store/sqlite.hpp"

namespace ipaudit::report {

// A day's rollup open read-only, able to stand in for the day's interval files.
struct RollupDay {
    LocalDay day;
    sqlite::Database db;
};

// Interval files of a rollup day that its rollup does not hold yet (the writer merges a file
// just after writing it, or later after a failure): read from the files, with the day's period.
struct RollupTail {
    Period day;
    std::vector<std::string> files;  // relative to the data directory
};

struct PeriodSources {
    std::vector<RollupDay> rollups;  // oldest first
    std::vector<RollupTail> tails;   // files those rollups lack
    std::vector<Period> raw;         // read from interval files; disjoint, oldest first
    [[nodiscard]] bool has_raw() const noexcept { return !raw.empty() || !tails.empty(); }
};

// Runs `fn` over every interval file to read raw: the files of the raw periods and the tails,
// each with the period its sessions are counted in.
void for_each_raw_interval(const IntervalCatalog& catalog, const PeriodSources& sources, Notes& notes,
                           const std::function<void(OpenInterval&, const Period&)>& fn);

// Splits `period` (see the rollup rules in sql/rollup_schema.sql). A day's rollup is used when
// the day lies wholly in the period and its rollup is readable, is of the same local day (TZ)
// and was built with the same port labels (`labels_fingerprint`; empty: any); interval files
// of the day that it does not hold yet are its tail, read from the files. Otherwise the day is
// read from the interval files, with a note saying why when the rollup exists or should.
//
// With `spans`, a period of whole days that has its own rollup (a week, a month: see
// RollupWriter::build_span) is served by that one file; its RollupDay is then the span, not a
// day, so callers that report per day must leave `spans` off.
[[nodiscard]] PeriodSources plan_period(const IntervalCatalog& catalog, const Period& period,
                                        const std::string& labels_fingerprint, Notes& notes, bool spans = false);

// Opens a rollup read-only and checks that it is one (application id, schema version, one
// rollup row). Throws RollupError naming the file.
[[nodiscard]] sqlite::Database open_rollup(const std::filesystem::path& path);

}  // namespace ipaudit::report
