// The host report: the IP's sessions read by index from each interval file, merged here.
#include "report/host_report.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <set>
#include <tuple>
#include <unordered_set>

#include "report/search_output.hpp"
#include "store/interval_reader.hpp"

namespace ipaudit::report {

namespace {

// Columns of one session; the host is side A in the first half of the UNION, side B in the
// second (a session with the host on both sides appears once, as side A). Both halves are
// answered from an index (ip_a = ?, ip_b = ?); every value is a bound parameter.
constexpr const char* kColumns =
    "ip_a, ip_b, proto, port_a, port_b, class_a, class_b, packets_ab, packets_ba, bytes_ab, bytes_ba,"
    " flags_ab, flags_ba, first_us, last_us, first_talker";
std::string host_sql() {
    const std::string cols(kColumns);
    return "SELECT " + cols + " FROM session WHERE ip_a = ?1 AND last_us >= ?2 AND first_us < ?3 UNION ALL SELECT " +
           cols + " FROM session WHERE ip_b = ?1 AND ip_a <> ?1 AND last_us >= ?2 AND first_us < ?3";
}

constexpr std::int64_t kDayUs = 86'400'000'000LL;
constexpr std::int64_t kHourUs = 3'600'000'000LL;

IpAddress ip_column(const sqlite::Statement& st, int col, const std::filesystem::path& path) {
    const auto blob = st.column_blob(col);
    if (blob.size() != 16) throw store::NotAnIntervalFile(path.string() + ": corrupt row (IP is not 16 bytes)");
    return IpAddress::from_v6_bytes(blob.first<16>());
}

std::size_t effective_top(std::size_t top) { return top == 0 || top > kMaxTop ? kMaxTop : top; }

template <typename Row, typename Less>
void sort_and_cut(std::vector<Row>& rows, std::size_t top, Less less) {
    const std::size_t keep = effective_top(top);
    if (rows.size() > keep) {
        std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(keep), rows.end(), less);
        rows.resize(keep);
    } else {
        std::sort(rows.begin(), rows.end(), less);
    }
}

// Whether side S answered as a server (the rule of servers_report), given what it sent.
bool answered(int proto, std::int64_t packets, std::int64_t bytes, std::int64_t flags, bool v4) {
    if (packets <= 0) return false;
    if (proto == 17) return true;
    if (proto != 6) return false;
    return (flags & 2) != 0 || bytes > packets * (v4 ? 40 : 60);
}

// The local day holding `us`, cached for runs of sessions on the same day.
class DayOf {
public:
    std::int64_t operator()(std::int64_t us) {
        if (!(valid_ && us >= start_ && us < end_)) {
            start_ = local_day_start_us(us);
            end_ = local_day_start_us(start_ + kDayUs + kHourUs);
            valid_ = true;
        }
        return start_;
    }

private:
    bool valid_ = false;
    std::int64_t start_ = 0;
    std::int64_t end_ = 0;
};

// Local midnight starting the Monday of the week that holds the local day starting at `day_start_us`.
std::int64_t week_start_us(std::int64_t day_start_us) {
    const std::time_t t = static_cast<std::time_t>(day_start_us / 1'000'000);
    std::tm tm{};
    if (!localtime_r(&t, &tm)) return day_start_us;
    const int back = (tm.tm_wday + 6) % 7;  // days since Monday
    // Days are 23 to 25 hours long: noon of the day `back` calendar days before stays inside it.
    return local_day_start_us(day_start_us - back * kDayUs + 12 * kHourUs);
}

struct ServiceAcc {
    HostServiceRow row;
    std::set<IpAddress> peers;
};

}  // namespace

HostReport host_report(const IntervalCatalog& catalog, const PortLabels& labels, const HostOptions& options) {
    HostReport report;
    report.ip = options.ip;
    const auto ip_bytes = options.ip.bytes();
    const std::string sql = host_sql();
    std::map<IpAddress, HostPeerRow> peers;
    std::map<std::pair<int, int>, ServiceAcc> used, offered;  // (port, proto)
    std::map<std::int64_t, HostTraffic> days, intervals;
    DayOf day_of;
    bool any = false;
    catalog.for_each_interval(options.period, report.notes, [&](OpenInterval& iv) {
        sqlite::Statement st(iv.db, sql);
        st.bind_blob(1, ip_bytes);
        st.bind(2, options.period.from_us);
        st.bind(3, options.period.to_us);
        HostTraffic& point = intervals[iv.file.info.covered_from_us];
        while (st.step()) {
            const IpAddress a = ip_column(st, 0, iv.file.path);
            const IpAddress b = ip_column(st, 1, iv.file.path);
            const bool host_a = a == options.ip;  // else side B is the host
            const IpAddress& peer = host_a ? b : a;
            const int proto = static_cast<int>(st.column_int(2));
            const int port_a = static_cast<int>(st.column_int(3));
            const int port_b = static_cast<int>(st.column_int(4));
            const std::string class_a(st.column_text(5)), class_b(st.column_text(6));
            const std::int64_t packets_ab = st.column_int(7), packets_ba = st.column_int(8);
            const std::int64_t bytes_ab = st.column_int(9), bytes_ba = st.column_int(10);
            const std::int64_t flags_ab = st.column_int(11), flags_ba = st.column_int(12);
            const std::int64_t first_us = st.column_int(13), last_us = st.column_int(14);
            const bool a_first = st.column_text(15) == "a";

            HostTraffic t;
            t.sessions = 1;
            t.bytes_out = host_a ? bytes_ab : bytes_ba;
            t.bytes_in = host_a ? bytes_ba : bytes_ab;
            t.packets_out = host_a ? packets_ab : packets_ba;
            t.packets_in = host_a ? packets_ba : packets_ab;
            const std::string& host_class = host_a ? class_a : class_b;
            const std::string& peer_class = host_a ? class_b : class_a;

            report.totals.all.add(t);
            (host_class == "L" ? report.totals.as_local : host_class == "R" ? report.totals.as_remote
                                                                             : report.totals.as_other)
                .add(t);
            if (!any || first_us < report.totals.first_us) report.totals.first_us = first_us;
            if (!any || last_us > report.totals.last_us) report.totals.last_us = last_us;
            any = true;
            days[day_of(std::max(first_us, options.period.from_us))].add(t);
            point.add(t);

            HostPeerRow& p = peers[peer];
            if (p.traffic.sessions == 0) {
                p.ip = peer;
                p.peer_class = peer_class.empty() ? 'R' : peer_class[0];
                p.first_us = first_us;
                p.last_us = last_us;
            }
            p.traffic.add(t);
            p.first_us = std::min(p.first_us, first_us);
            p.last_us = std::max(p.last_us, last_us);

            if (proto != 6 && proto != 17) continue;
            const bool host_first = a_first == host_a;
            const int host_port = host_a ? port_a : port_b;
            const int peer_port = host_a ? port_b : port_a;
            if (host_first) {
                // As a client: the service is the peer's port.
                ServiceAcc& s = used[{peer_port, proto}];
                s.row.proto = proto;
                s.row.port = peer_port;
                s.row.traffic.add(t);
                s.peers.insert(peer);
                if (answered(proto, t.packets_in, t.bytes_in, host_a ? flags_ba : flags_ab, peer.is_v4()))
                    ++s.row.answered;
            } else if (answered(proto, t.packets_out, t.bytes_out, host_a ? flags_ab : flags_ba, options.ip.is_v4())) {
                ServiceAcc& s = offered[{host_port, proto}];
                s.row.proto = proto;
                s.row.port = host_port;
                s.row.traffic.add(t);
                s.peers.insert(peer);
                ++s.row.answered;
            }
        }
        return true;
    });

    report.totals.peers = static_cast<std::int64_t>(peers.size());
    std::map<std::int64_t, HostTraffic> weeks;
    for (const auto& [start, t] : days) {
        report.days.push_back({start, t});
        weeks[week_start_us(start)].add(t);
    }
    for (const auto& [start, t] : weeks) report.weeks.push_back({start, t});
    for (const auto& [start, t] : intervals) report.intervals.push_back({start, t});
    for (auto& [ip, p] : peers) report.peers.push_back(p);
    sort_and_cut(report.peers, options.top, [](const HostPeerRow& x, const HostPeerRow& y) {
        if (x.traffic.bytes_total() != y.traffic.bytes_total()) return x.traffic.bytes_total() > y.traffic.bytes_total();
        return x.ip < y.ip;
    });
    const auto services = [&](std::map<std::pair<int, int>, ServiceAcc>& accs, std::vector<HostServiceRow>& rows) {
        for (auto& [key, s] : accs) {
            s.row.peers = static_cast<std::int64_t>(s.peers.size());
            if (const PortLabel* l = labels.find(s.row.proto, s.row.port)) {
                s.row.label = l->label;
                s.row.risk = l->risk;
            }
            rows.push_back(s.row);
        }
        sort_and_cut(rows, options.top, [](const HostServiceRow& x, const HostServiceRow& y) {
            if (x.traffic.bytes_total() != y.traffic.bytes_total())
                return x.traffic.bytes_total() > y.traffic.bytes_total();
            return std::tie(x.port, x.proto) < std::tie(y.port, y.proto);
        });
    };
    services(used, report.used);
    services(offered, report.offered);
    if (!any) report.notes.push_back("no session of " + options.ip.to_string() + " in the period");
    return report;
}

// ---- table ----------------------------------------------------------------------------------

namespace {

Cell num(std::int64_t v) { return {std::to_string(v), true}; }
Cell txt(std::string s) { return {std::move(s), false}; }
Cell none() { return {}; }

std::string class_name(char c) { return c == 'L' ? "local" : c == 'R' ? "remote" : "other"; }

}  // namespace

ReportTable host_table(const HostReport& r) {
    ReportTable t{"host",
                  {"section", "role", "start", "peer_ip", "proto", "port", "service", "bytes_in", "bytes_out",
                   "bytes_total", "packets_in", "packets_out", "sessions", "peers", "answered", "first_time",
                   "last_time"},
                  {}};
    const auto traffic = [](std::vector<Cell>& row, const HostTraffic& h) {
        row.push_back(num(h.bytes_in));
        row.push_back(num(h.bytes_out));
        row.push_back(num(h.bytes_total()));
        row.push_back(num(h.packets_in));
        row.push_back(num(h.packets_out));
        row.push_back(num(h.sessions));
    };
    const auto time_cell = [](std::int64_t us, bool have) { return have ? txt(format_local_time(us)) : none(); };
    const bool seen = r.totals.all.sessions > 0;
    {
        std::vector<Cell> row = {txt("total"), txt("all"), none(), none(), none(), none(), none()};
        traffic(row, r.totals.all);
        row.push_back(num(r.totals.peers));
        row.push_back(none());
        row.push_back(time_cell(r.totals.first_us, seen));
        row.push_back(time_cell(r.totals.last_us, seen));
        t.rows.push_back(std::move(row));
    }
    for (const auto& [role, h] : {std::pair<const char*, const HostTraffic*>{"local", &r.totals.as_local},
                                  {"remote", &r.totals.as_remote},
                                  {"other", &r.totals.as_other}}) {
        if (h->sessions == 0) continue;
        std::vector<Cell> row = {txt("total"), txt(role), none(), none(), none(), none(), none()};
        traffic(row, *h);
        for (int i = 0; i < 4; ++i) row.push_back(none());
        t.rows.push_back(std::move(row));
    }
    for (const auto& [section, list] :
         {std::pair<const char*, const std::vector<HostDayRow>*>{"day", &r.days}, {"week", &r.weeks}}) {
        for (const HostDayRow& d : *list) {
            std::vector<Cell> row = {txt(section), none(), txt(format_local_time(d.day_start_us).substr(0, 10)), none(),
                                     none(), none(), none()};
            traffic(row, d.traffic);
            for (int i = 0; i < 4; ++i) row.push_back(none());
            t.rows.push_back(std::move(row));
        }
    }
    for (const HostPeerRow& p : r.peers) {
        std::vector<Cell> row = {txt("peer"), txt(class_name(p.peer_class)), none(), txt(p.ip.to_string()), none(),
                                 none(), none()};
        traffic(row, p.traffic);
        row.push_back(none());
        row.push_back(none());
        row.push_back(txt(format_local_time(p.first_us)));
        row.push_back(txt(format_local_time(p.last_us)));
        t.rows.push_back(std::move(row));
    }
    for (const auto& [section, list] :
         {std::pair<const char*, const std::vector<HostServiceRow>*>{"used", &r.used}, {"offered", &r.offered}}) {
        for (const HostServiceRow& s : *list) {
            std::vector<Cell> row = {txt(section), none(), none(), none(), txt(protocol_name(s.proto)), num(s.port),
                                     txt(s.label)};
            traffic(row, s.traffic);
            row.push_back(num(s.peers));
            row.push_back(num(s.answered));
            row.push_back(none());
            row.push_back(none());
            t.rows.push_back(std::move(row));
        }
    }
    for (const HostIntervalPoint& p : r.intervals) {
        std::vector<Cell> row = {txt("interval"), none(), txt(format_local_time(p.start_us)), none(), none(), none(),
                                 none()};
        traffic(row, p.traffic);
        for (int i = 0; i < 4; ++i) row.push_back(none());
        t.rows.push_back(std::move(row));
    }
    return t;
}

}  // namespace ipaudit::report
