// Traffic over time: one point per interval file, from the rollups for whole days (their
// interval table) and from the files themselves otherwise. For charts and capture health.
#pragma once

#include <cstdint>
#include <vector>

#include "report/interval_catalog.hpp"
#include "report/rollup.hpp"

namespace ipaudit::report {

struct IntervalPoint {
    std::int64_t start_us = 0;  // the file's coverage [start_us, end_us)
    std::int64_t end_us = 0;
    std::int64_t packets = 0;         // frames read
    std::int64_t ip_bytes = 0;
    std::int64_t sessions = 0;
    std::int64_t bytes_in = 0;        // received by local hosts from non-local ones
    std::int64_t bytes_out = 0;       // sent by local hosts to non-local ones
    std::int64_t bytes_internal = 0;  // local to local
    std::int64_t bytes_external = 0;  // no local side
    std::int64_t dropped = 0;         // pcap dropped + interface dropped
    std::int64_t overflow = 0;        // packets not in any session (memory cap)
    std::int64_t decode_errors = 0;   // packets whose outcome is neither ip nor non_ip
    void add(const IntervalPoint& p);  // sums every count (times: the span of both)
};

// The interval files of `period` as points, ordered by start. Files come whole: a file that
// overlaps the period counts entirely.
[[nodiscard]] std::vector<IntervalPoint> interval_points(const IntervalCatalog& catalog, const Period& period,
                                                         Notes& notes);

struct DayPoint {
    LocalDay day;
    IntervalPoint total;  // start_us/end_us: the day
    std::int64_t intervals = 0;
};

// Points summed per local day (of each point's start), one entry for every day of `period`,
// empty days included, ordered.
[[nodiscard]] std::vector<DayPoint> daily_points(const std::vector<IntervalPoint>& points, const Period& period);

}  // namespace ipaudit::report
