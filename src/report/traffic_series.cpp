// interval_points: rollup interval rows for whole days, one query per interval file otherwise.
#include "report/traffic_series.hpp"

#include <algorithm>

#include "report/period_sources.hpp"

namespace ipaudit::report {

namespace {

IntervalPoint raw_point(OpenInterval& oi) {
    IntervalPoint p;
    p.start_us = oi.file.info.covered_from_us;
    p.end_us = oi.file.info.covered_to_us;
    sqlite::Statement info(oi.db,
                           "SELECT packets, ip_bytes, sessions, coalesce(pcap_dropped, 0) + coalesce(pcap_if_dropped, 0),"
                           " overflow_packets, (SELECT coalesce(sum(packets), 0) FROM decode_count"
                           " WHERE kind = 'outcome' AND name NOT IN ('ip', 'non_ip')) FROM interval");
    if (info.step()) {
        p.packets = info.column_int(0);
        p.ip_bytes = info.column_int(1);
        p.sessions = info.column_int(2);
        p.dropped = info.column_int(3);
        p.overflow = info.column_int(4);
        p.decode_errors = info.column_int(5);
    }
    // The same sums as the rollup merge (report/rollup_writer.cpp).
    sqlite::Statement dir(oi.db,
                          "SELECT coalesce(sum(CASE WHEN class_a = 'L' AND class_b <> 'L' THEN bytes_ba END), 0),"
                          " coalesce(sum(CASE WHEN class_a = 'L' AND class_b <> 'L' THEN bytes_ab END), 0),"
                          " coalesce(sum(CASE WHEN class_a = 'L' AND class_b = 'L' THEN bytes_ab + bytes_ba END), 0),"
                          " coalesce(sum(CASE WHEN class_a <> 'L' THEN bytes_ab + bytes_ba END), 0) FROM session");
    if (dir.step()) {
        p.bytes_in = dir.column_int(0);
        p.bytes_out = dir.column_int(1);
        p.bytes_internal = dir.column_int(2);
        p.bytes_external = dir.column_int(3);
    }
    return p;
}

}  // namespace

void IntervalPoint::add(const IntervalPoint& p) {
    start_us = std::min(start_us, p.start_us);
    end_us = std::max(end_us, p.end_us);
    packets += p.packets;
    ip_bytes += p.ip_bytes;
    sessions += p.sessions;
    bytes_in += p.bytes_in;
    bytes_out += p.bytes_out;
    bytes_internal += p.bytes_internal;
    bytes_external += p.bytes_external;
    dropped += p.dropped;
    overflow += p.overflow;
    decode_errors += p.decode_errors;
}

std::vector<IntervalPoint> interval_points(const IntervalCatalog& catalog, const Period& period, Notes& notes) {
    std::vector<IntervalPoint> out;
    PeriodSources sources = plan_period(catalog, period, "", notes, true);
    for_each_raw_interval(catalog, sources, notes, [&](OpenInterval& oi, const Period&) { out.push_back(raw_point(oi)); });
    for (RollupDay& r : sources.rollups) {
        try {
            sqlite::Statement st(r.db,
                                 "SELECT covered_from_us, covered_to_us, packets, ip_bytes, sessions, bytes_in, bytes_out,"
                                 " bytes_internal, bytes_external, dropped, overflow_packets, decode_errors FROM interval"
                                 " WHERE packets > 0 ORDER BY covered_from_us");
            while (st.step()) {
                IntervalPoint p;
                p.start_us = st.column_int(0);
                p.end_us = st.column_int(1);
                p.packets = st.column_int(2);
                p.ip_bytes = st.column_int(3);
                p.sessions = st.column_int(4);
                p.bytes_in = st.column_int(5);
                p.bytes_out = st.column_int(6);
                p.bytes_internal = st.column_int(7);
                p.bytes_external = st.column_int(8);
                p.dropped = st.column_int(9);
                p.overflow = st.column_int(10);
                p.decode_errors = st.column_int(11);
                out.push_back(p);
            }
        } catch (const sqlite::Error& e) {
            notes.push_back(std::string("daily rollup ") + r.db.path().string() + " could not be read: " + e.what());
        }
    }
    std::sort(out.begin(), out.end(), [](const IntervalPoint& a, const IntervalPoint& b) { return a.start_us < b.start_us; });
    return out;
}

std::vector<DayPoint> daily_points(const std::vector<IntervalPoint>& points, const Period& period) {
    std::vector<DayPoint> days;
    if (period.to_us <= period.from_us) return days;
    for (std::int64_t at = period.from_us; at < period.to_us;) {
        DayPoint d;
        d.day = local_day_of(at);
        d.total.start_us = d.day.from_us;
        d.total.end_us = d.day.to_us;
        days.push_back(d);
        at = d.day.to_us;
    }
    for (const IntervalPoint& p : points) {
        const auto it = std::upper_bound(days.begin(), days.end(), p.start_us,
                                         [](std::int64_t t, const DayPoint& d) { return t < d.day.from_us; });
        if (it == days.begin()) continue;
        DayPoint& d = *std::prev(it);
        if (p.start_us >= d.day.to_us) continue;
        const std::int64_t from = d.total.start_us, to = d.total.end_us;
        d.total.add(p);
        d.total.start_us = from;
        d.total.end_us = to;
        ++d.intervals;
    }
    return days;
}

}  // namespace ipaudit::report
