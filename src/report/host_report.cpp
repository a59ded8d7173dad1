// The host report: the IP's sessions read by index from each interval file, merged here.
#include "report/host_report.hpp"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <span>
#include <tuple>
#include <unordered_set>

#include "report/period_sources.hpp"
#include "report/query_support.hpp"
#include "report/rollup.hpp"
#include "report/search_output.hpp"
#include "store/interval_reader.hpp"

namespace ipaudit::report {

using detail::ip_column;
using detail::rollup_ip;
using detail::sort_and_cut;

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

using ServiceMap = std::map<std::pair<int, int>, ServiceAcc>;  // (port, proto)

ServiceAcc& service_of(ServiceMap& m, int proto, int port) {
    ServiceAcc& s = m[{port, proto}];
    s.row.proto = proto;
    s.row.port = port;
    return s;
}

// What the report adds up, from sessions (interval files) and from daily rollups.
struct HostAcc {
    explicit HostAcc(const HostOptions& o, HostReport& r) : options(o), report(r) {}
    const HostOptions& options;
    HostReport& report;
    std::map<IpAddress, HostPeerRow> peers;
    ServiceMap used, offered;
    std::map<std::int64_t, HostTraffic> days, intervals;
    DayOf day_of;
    bool any = false;

    void seen(std::int64_t first_us, std::int64_t last_us) {
        if (!any || first_us < report.totals.first_us) report.totals.first_us = first_us;
        if (!any || last_us > report.totals.last_us) report.totals.last_us = last_us;
        any = true;
    }
    void add_total(char host_class, const HostTraffic& t) {
        report.totals.all.add(t);
        (host_class == 'L' ? report.totals.as_local : host_class == 'R' ? report.totals.as_remote : report.totals.as_other)
            .add(t);
    }
    void add_peer(const IpAddress& peer, char peer_class, const HostTraffic& t, std::int64_t first_us,
                  std::int64_t last_us) {
        HostPeerRow& p = peers[peer];
        if (p.traffic.sessions == 0) {
            p.ip = peer;
            p.peer_class = peer_class;
            p.first_us = first_us;
            p.last_us = last_us;
        }
        p.traffic.add(t);
        p.first_us = std::min(p.first_us, first_us);
        p.last_us = std::max(p.last_us, last_us);
    }
};

char class_char(std::string_view c) { return c.empty() ? 'R' : c[0]; }

// The host's sessions in one interval file, one by one.
void add_interval_file(OpenInterval& iv, const std::string& sql, HostAcc& acc) {
    const HostOptions& options = acc.options;
    const auto ip_bytes = options.ip.bytes();
    sqlite::Statement st(iv.db, sql);
    st.bind_blob(1, ip_bytes);
    st.bind(2, options.period.from_us);
    st.bind(3, options.period.to_us);
    HostTraffic& point = acc.intervals[iv.file.info.covered_from_us];
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

        acc.add_total(host_class == "L" ? 'L' : host_class == "R" ? 'R' : 'O', t);
        acc.seen(first_us, last_us);
        acc.days[acc.day_of(std::max(first_us, options.period.from_us))].add(t);
        point.add(t);
        acc.add_peer(peer, class_char(peer_class), t, first_us, last_us);

        if (proto != 6 && proto != 17) continue;
        const bool host_first = a_first == host_a;
        const int host_port = host_a ? port_a : port_b;
        const int peer_port = host_a ? port_b : port_a;
        if (host_first) {
            // As a client: the service is the peer's port.
            ServiceAcc& s = service_of(acc.used, proto, peer_port);
            s.row.traffic.add(t);
            s.peers.insert(peer);
            if (answered(proto, t.packets_in, t.bytes_in, host_a ? flags_ba : flags_ab, peer.is_v4())) ++s.row.answered;
        } else if (answered(proto, t.packets_out, t.bytes_out, host_a ? flags_ab : flags_ba, options.ip.is_v4())) {
            ServiceAcc& s = service_of(acc.offered, proto, host_port);
            s.row.traffic.add(t);
            s.peers.insert(peer);
            ++s.row.answered;
        }
    }
}

// The host in one daily rollup, read whole before anything is added (so a rollup that fails
// half way adds nothing and the day can be read from its interval files instead).
struct RollupHost {
    bool in_host_table = false;
    char host_class = 'R';
    HostTraffic traffic;  // from the host table
    struct Peer {
        IpAddress ip;
        char peer_class = 'R';
        HostTraffic traffic;
        std::int64_t first_us = 0, last_us = 0;
    };
    std::vector<Peer> peers;  // from the pair table
    struct Service {
        int proto = 0, port = 0;
        IpAddress peer;
        HostTraffic traffic;  // seen from the host; packets are not split in/out in the rollup
    };
    std::vector<Service> used, offered;  // from service_peer
};

RollupHost read_rollup_host(RollupDay& r, const IpAddress& ip) {
    RollupHost h;
    const auto bytes = ip.bytes();
    const std::span<const std::uint8_t> blob(bytes.data(), bytes.size());
    {
        sqlite::Statement st(r.db,
                             "SELECT class, bytes_in, bytes_out, packets_in, packets_out, sessions FROM host WHERE ip = ?1");
        st.bind_blob(1, blob);
        if (st.step()) {
            h.in_host_table = true;
            h.host_class = class_char(st.column_text(0));
            h.traffic = {st.column_int(1), st.column_int(2), st.column_int(3), st.column_int(4), st.column_int(5)};
        }
    }
    if (!h.in_host_table) return h;
    {
        // The host as side A, then as side B (a pair with the host on both sides once, as A),
        // each column seen from the host: peer, its class, out, in, packets out, packets in.
        sqlite::Statement st(r.db,
                             "SELECT ip_b, class_b, bytes_ab, bytes_ba, packets_ab, packets_ba, sessions, first_us, last_us"
                             " FROM pair WHERE ip_a = ?1 UNION ALL"
                             " SELECT ip_a, class_a, bytes_ba, bytes_ab, packets_ba, packets_ab, sessions, first_us, last_us"
                             " FROM pair WHERE ip_b = ?1 AND ip_a <> ?1");
        st.bind_blob(1, blob);
        while (st.step()) {
            RollupHost::Peer p;
            p.ip = rollup_ip(st, 0, r);
            p.peer_class = class_char(st.column_text(1));
            p.traffic.bytes_out = st.column_int(2);
            p.traffic.bytes_in = st.column_int(3);
            p.traffic.packets_out = st.column_int(4);
            p.traffic.packets_in = st.column_int(5);
            p.traffic.sessions = st.column_int(6);
            p.first_us = st.column_int(7);
            p.last_us = st.column_int(8);
            h.peers.push_back(p);
        }
    }
    for (const bool as_server : {false, true}) {
        // service_peer: bytes_in is what the server received, bytes_out what it sent.
        sqlite::Statement st(r.db, as_server ? "SELECT client, proto, port, sessions, bytes_in, bytes_out FROM service_peer"
                                               " WHERE server = ?1"
                                             : "SELECT server, proto, port, sessions, bytes_out, bytes_in FROM service_peer"
                                               " WHERE client = ?1");
        st.bind_blob(1, blob);
        while (st.step()) {
            RollupHost::Service s;
            s.peer = rollup_ip(st, 0, r);
            s.proto = static_cast<int>(st.column_int(1));
            s.port = static_cast<int>(st.column_int(2));
            s.traffic.sessions = st.column_int(3);
            s.traffic.bytes_in = st.column_int(4);
            s.traffic.bytes_out = st.column_int(5);
            (as_server ? h.offered : h.used).push_back(s);
        }
    }
    return h;
}

// One rollup day: the totals, one day row and one timeline point (zero when the host was
// silent), peers, and the services on the watched ports.
void add_rollup_host(const RollupDay& r, const RollupHost& h, HostAcc& acc) {
    acc.intervals[r.day.from_us].add(h.traffic);
    if (!h.in_host_table || h.traffic.sessions == 0) return;
    acc.add_total(h.host_class, h.traffic);
    acc.days[r.day.from_us].add(h.traffic);
    for (const RollupHost::Peer& p : h.peers) {
        acc.seen(p.first_us, p.last_us);
        acc.add_peer(p.ip, p.peer_class, p.traffic, p.first_us, p.last_us);
    }
    for (const auto& [list, map] : {std::pair{&h.used, &acc.used}, std::pair{&h.offered, &acc.offered}}) {
        for (const RollupHost::Service& s : *list) {
            ServiceAcc& a = service_of(*map, s.proto, s.port);
            a.row.traffic.add(s.traffic);
            a.row.answered += s.traffic.sessions;  // service_peer holds answered sessions only
            a.peers.insert(s.peer);
        }
    }
}

// The whole period from interval files (the path of a period of one day or less).
void add_interval_files(const IntervalCatalog& catalog, const Period& period, const std::string& sql, HostAcc& acc) {
    catalog.for_each_interval(period, acc.report.notes, [&](OpenInterval& iv) {
        add_interval_file(iv, sql, acc);
        return true;
    });
}

// A period over more than one local day: the whole days with a usable rollup (plan_period)
// from the rollups, the rest from the interval files. An interval file whose nominal start lies
// in a day read from its rollup is not read again (the rollup holds it).
void add_with_rollups(const IntervalCatalog& catalog, const PortLabels& labels, const std::string& sql, HostAcc& acc) {
    HostReport& report = acc.report;
    PeriodSources sources = plan_period(catalog, acc.options.period, labels_fingerprint(labels), report.notes);
    if (sources.rollups.empty()) {
        add_interval_files(catalog, acc.options.period, sql, acc);
        return;
    }
    // Each rollup read whole first; one that fails is read from its interval files instead.
    std::vector<Period> raw = sources.raw;
    std::vector<std::pair<const RollupDay*, RollupHost>> days;
    std::vector<Period> rollup_days;
    for (RollupDay& r : sources.rollups) {
        try {
            days.emplace_back(&r, read_rollup_host(r, acc.options.ip));
            rollup_days.push_back({r.day.from_us, r.day.to_us});
        } catch (const sqlite::Error& e) {
            report.notes.push_back("daily rollup " + r.db.path().string() + " could not be read (" + e.what() +
                                   "); read the interval files");
            raw.push_back({r.day.from_us, r.day.to_us});
        }
    }
    std::sort(raw.begin(), raw.end(), [](const Period& x, const Period& y) { return x.from_us < y.from_us; });
    const auto in_rollup = [&](std::int64_t start_s) {
        const std::int64_t us = start_s * 1'000'000;
        return std::any_of(rollup_days.begin(), rollup_days.end(),
                           [us](const Period& d) { return us >= d.from_us && us < d.to_us; });
    };
    // Oldest first, as the files alone would be read (a peer's class is the first one seen).
    std::set<std::filesystem::path> done;
    std::size_t next_raw = 0, next_day = 0;
    while (next_raw < raw.size() || next_day < days.size()) {
        if (next_day == days.size() ||
            (next_raw < raw.size() && raw[next_raw].from_us < days[next_day].first->day.from_us)) {
            catalog.for_each_interval(raw[next_raw++], report.notes, [&](OpenInterval& iv) {
                if (in_rollup(iv.file.info.start_time) || !done.insert(iv.file.path).second) return true;
                add_interval_file(iv, sql, acc);
                return true;
            });
        } else {
            add_rollup_host(*days[next_day].first, days[next_day].second, acc);
            ++next_day;
        }
    }
    if (!rollup_days.empty())
        report.notes.push_back(
            "services over rollup days: the ports ports.conf watches (service or risk), sessions the server answered "
            "with one side local; their packets are not split in/out there (packet columns of used and offered count "
            "the other days only)");
}

// The host's rows of the scanners and servers reports over the same period (every row: top 0).
// A host never seen can be neither; only a local host that answered can be a server.
void add_findings(const IntervalCatalog& catalog, const PortLabels& labels, const HostOptions& options, bool seen,
                  HostReport& report) {
    HostFindings& f = report.findings;
    f.computed = true;
    f.min_targets = options.findings->min_targets;
    if (!seen) return;
    const auto add_notes = [&](const Notes& notes) {
        for (const auto& n : notes)
            if (std::find(report.notes.begin(), report.notes.end(), n) == report.notes.end()) report.notes.push_back(n);
    };
    ScannerOptions so;
    so.period = options.period;
    so.top = 0;
    so.min_targets = options.findings->min_targets;
    so.only = options.ip;
    const ScannersReport scanners = scanners_report(catalog, so);
    for (const auto* rows : {&scanners.outgoing, &scanners.incoming})
        for (const ScannerRow& row : *rows)
            if (row.ip == options.ip)
                f.scanner.push_back({row, row.top_ports.empty() ? std::string()
                                                                : labels.label(row.top_ports[0].proto, row.top_ports[0].port)});
    add_notes(scanners.notes);
    if (report.offered.empty() || report.totals.as_local.sessions == 0) return;
    ServerOptions vo;
    vo.period = options.period;
    vo.top = 0;
    vo.expected = options.findings->expected;
    vo.only = options.ip;
    const ServersReport servers = servers_report(catalog, labels, vo);
    for (const ServerRow& row : servers.servers)
        if (row.server == options.ip) f.servers.push_back(row);
    add_notes(servers.notes);
}

bool over_one_day(const Period& p) {
    return p.to_us > p.from_us && local_day_start_us(p.from_us) != local_day_start_us(p.to_us - 1);
}

}  // namespace

HostReport host_report(const IntervalCatalog& catalog, const PortLabels& labels, const HostOptions& options) {
    HostReport report;
    report.ip = options.ip;
    const std::string sql = host_sql();
    HostAcc acc(options, report);
    if (over_one_day(options.period)) add_with_rollups(catalog, labels, sql, acc);
    else add_interval_files(catalog, options.period, sql, acc);

    report.totals.peers = static_cast<std::int64_t>(acc.peers.size());
    std::map<std::int64_t, HostTraffic> weeks;
    for (const auto& [start, t] : acc.days) {
        report.days.push_back({start, t});
        weeks[week_start_us(start)].add(t);
    }
    for (const auto& [start, t] : weeks) report.weeks.push_back({start, t});
    for (const auto& [start, t] : acc.intervals) report.intervals.push_back({start, t});
    for (auto& [ip, p] : acc.peers) report.peers.push_back(p);
    sort_and_cut(report.peers, options.top, [](const HostPeerRow& x, const HostPeerRow& y) {
        if (x.traffic.bytes_total() != y.traffic.bytes_total()) return x.traffic.bytes_total() > y.traffic.bytes_total();
        return x.ip < y.ip;
    });
    const auto services = [&](ServiceMap& accs, std::vector<HostServiceRow>& rows) {
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
    services(acc.used, report.used);
    services(acc.offered, report.offered);
    if (!acc.any) report.notes.push_back("no session of " + options.ip.to_string() + " in the period");
    if (options.findings) add_findings(catalog, labels, options, acc.any, report);
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
    for (const auto& [s, label] : r.findings.scanner) {
        std::vector<Cell> row = {txt("scanner"), txt(s.outgoing ? "outgoing" : "incoming"), none(), none()};
        if (s.top_ports.empty()) {
            for (int i = 0; i < 3; ++i) row.push_back(none());
        } else {
            const ScannerPort& p = s.top_ports.front();
            row.push_back(txt(protocol_name(p.proto)));
            row.push_back(num(p.port));
            row.push_back(txt(label));
        }
        for (int i = 0; i < 5; ++i) row.push_back(none());  // bytes and packets
        row.push_back(num(s.probes));
        row.push_back(num(s.targets));
        row.push_back(num(s.rejected));
        row.push_back(txt(format_local_time(s.first_us)));
        row.push_back(txt(format_local_time(s.last_us)));
        t.rows.push_back(std::move(row));
    }
    for (const ServerRow& s : r.findings.servers) {
        std::vector<Cell> row = {txt("server"), txt(s.expected ? "expected" : "unexpected"), none(), none(),
                                 txt(protocol_name(s.proto)), num(s.port), txt(s.label), num(s.bytes_in),
                                 num(s.bytes_out), num(s.bytes_in + s.bytes_out), none(), none(), num(s.sessions),
                                 num(s.clients), num(s.sessions), none(), none()};
        t.rows.push_back(std::move(row));
    }
    return t;
}

}  // namespace ipaudit::report
