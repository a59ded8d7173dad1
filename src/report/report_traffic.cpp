// The traffic report: bytes, packets and sessions by protocol and service. Whole days come from
// the rollups' traffic groups (the same groups the interval files give), the rest from the files.
#include <map>
#include <set>

#include "report/query_support.hpp"

namespace ipaudit::report {

using namespace detail;


TrafficReport traffic_report(const IntervalCatalog& catalog, const PortLabels& labels, const ReportOptions& options) {
    TrafficReport report;
    PeriodSources sources = plan_period(catalog, options.period, labels_fingerprint(labels), report.notes, true);
    std::set<int> labelled;
    for (const PortLabel& e : labels.entries()) labelled.insert(e.port);
    std::string in_list;
    for (std::size_t i = 0; i < labelled.size(); ++i) in_list += i == 0 ? "?" : ",?";
    if (in_list.empty()) in_list = "NULL";
    // Per group: proto, responder port and initiator port when labelled (else -1), and the
    // local orientation: 1 side A local only, 2 side B local only, 0 both or neither.
    const std::string resp = "(CASE WHEN first_talker = 'a' THEN port_b ELSE port_a END)";
    const std::string init = "(CASE WHEN first_talker = 'a' THEN port_a ELSE port_b END)";
    const std::string sql =
        "SELECT proto, CASE WHEN proto IN (6, 17) AND " + resp + " IN (" + in_list + ") THEN " + resp +
        " ELSE -1 END AS rp, CASE WHEN proto IN (6, 17) AND " + init + " IN (" + in_list + ") THEN " + init +
        " ELSE -1 END AS ip,"
        " CASE WHEN class_a = 'L' AND class_b <> 'L' THEN 1 WHEN class_b = 'L' AND class_a <> 'L' THEN 2 ELSE 0 END AS o,"
        " SUM(bytes_ab), SUM(bytes_ba), SUM(packets_ab + packets_ba), COUNT(*)"
        " FROM session WHERE " +
        std::string(kInPeriod) + " GROUP BY proto, rp, ip, o";
    std::map<std::pair<int, std::string>, TrafficRow> groups;
    // One group: proto, responder port, initiator port, orientation, bytes A to B and B to A,
    // packets, sessions: the columns of the raw query and of the rollups' traffic table.
    const auto add_group = [&](const sqlite::Statement& st) {
            const int proto = static_cast<int>(st.column_int(0));
            std::string service = labels.label(proto, static_cast<int>(st.column_int(1)));
            if (service.empty()) service = labels.label(proto, static_cast<int>(st.column_int(2)));
            if (service.empty() && (proto == 6 || proto == 17)) service = "other";
            TrafficRow& row = groups[{proto, service}];
            row.proto = proto;
            row.service = service;
            const int orientation = static_cast<int>(st.column_int(3));
            const std::int64_t ab = st.column_int(4), ba = st.column_int(5);
            if (orientation == 1) {
                row.bytes_out += ab;
                row.bytes_in += ba;
            } else if (orientation == 2) {
                row.bytes_out += ba;
                row.bytes_in += ab;
            } else {
                row.bytes_other += ab + ba;
            }
            row.packets += st.column_int(6);
            row.sessions += st.column_int(7);
    };
    for_each_raw_interval(catalog, sources, report.notes, [&](OpenInterval& iv, const Period& part) {
        sqlite::Statement st(iv.db, sql);
        // The IN lists come before the WHERE clause in the statement text.
        int index = 1;
        for (int round = 0; round < 2; ++round)
            for (const int port : labelled) st.bind(index++, std::int64_t{port});
        bind_period(st, part, index);
        while (st.step()) add_group(st);
    });
    try {
        for (RollupDay& r : sources.rollups) {
            sqlite::Statement st(r.db,
                                 "SELECT proto, responder_port, initiator_port, orientation, bytes_ab, bytes_ba, packets,"
                                 " sessions FROM traffic");
            while (st.step()) add_group(st);
        }
    } catch (const sqlite::Error& e) {
        report.notes.push_back(std::string("a daily rollup could not be read; the report is incomplete: ") + e.what());
    }
    report.total.service = "TOTAL";
    for (const auto& [key, row] : groups) {
        report.total.bytes_in += row.bytes_in;
        report.total.bytes_out += row.bytes_out;
        report.total.bytes_other += row.bytes_other;
        report.total.packets += row.packets;
        report.total.sessions += row.sessions;
    }
    const std::int64_t grand = report.total.bytes_total();
    const auto ppm = [grand](std::int64_t part) -> std::int64_t {
        if (grand <= 0) return 0;
        return static_cast<std::int64_t>(static_cast<Int128>(part) * 1'000'000 / grand);
    };
    report.total.share_ppm = grand > 0 ? 1'000'000 : 0;
    for (auto& [key, row] : groups) {
        row.share_ppm = ppm(row.bytes_total());
        report.rows.push_back(row);
    }
    sort_and_cut(report.rows, options.top, [](const TrafficRow& a, const TrafficRow& b) {
        if (a.bytes_total() != b.bytes_total()) return a.bytes_total() > b.bytes_total();
        return std::tie(a.proto, a.service) < std::tie(b.proto, b.service);
    });
    return report;
}

std::string percent_text(std::int64_t ppm) {
    const std::int64_t hundredths = ppm / 100;
    std::string frac = std::to_string(hundredths % 100);
    if (frac.size() < 2) frac.insert(0, "0");
    return std::to_string(hundredths / 100) + "." + frac;
}

}  // namespace ipaudit::report
