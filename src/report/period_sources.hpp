// Where a report's data comes from: whole local days from their daily rollups, the rest (a
// partial day at either end, a day without a usable rollup) from the interval files.
#pragma once

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

struct PeriodSources {
    std::vector<RollupDay> rollups;  // oldest first
    std::vector<Period> raw;         // read from interval files; disjoint, oldest first
};

// Splits `period` (see the rollup rules in sql/rollup_schema.sql). A day's rollup is used when
// the day lies wholly in the period and its rollup is readable, is of the same local day (TZ),
// was built with the same port labels (`labels_fingerprint`; empty: any), and holds every
// interval file the day's directories list for it. Otherwise the day is read from the
// interval files, with a note saying why when the rollup exists or should.
[[nodiscard]] PeriodSources plan_period(const IntervalCatalog& catalog, const Period& period,
                                        const std::string& labels_fingerprint, Notes& notes);

// Opens a rollup read-only and checks that it is one (application id, schema version, one
// rollup row). Throws RollupError naming the file.
[[nodiscard]] sqlite::Database open_rollup(const std::filesystem::path& path);

}  // namespace ipaudit::report
