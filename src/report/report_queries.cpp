// The pairs, scanners, servers and traffic reports: grouped SQL per interval file, merged here.
#include "report/report_queries.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "report/search_filter.hpp"
#include "report/session_rules.hpp"
#include "store/interval_reader.hpp"

namespace ipaudit::report {

namespace {

// SQL fragments (fixed text, never user input). L/R orientation: 'la' is true when side A is
// the local one of a local-remote session.
constexpr const char* kInPeriod = "last_us >= ? AND first_us < ?";
constexpr const char* kLocalRemote = "((class_a = 'L' AND class_b = 'R') OR (class_a = 'R' AND class_b = 'L'))";

std::size_t effective_top(std::size_t top) { return top == 0 || top > kMaxTop ? kMaxTop : top; }

IpAddress ip_column(const sqlite::Statement& st, int col, const std::filesystem::path& path) {
    const auto blob = st.column_blob(col);
    if (blob.size() != 16) throw store::NotAnIntervalFile(path.string() + ": corrupt row (IP is not 16 bytes)");
    return IpAddress::from_v6_bytes(blob.first<16>());
}

void bind_period(sqlite::Statement& st, const Period& period, int first_index = 1) {
    st.bind(first_index, period.from_us);
    st.bind(first_index + 1, period.to_us);
}

struct IpHash {
    std::size_t operator()(const IpAddress& ip) const noexcept {
        const auto b = ip.bytes();
        std::uint64_t h = 1469598103934665603ULL;
        for (const auto c : b) h = (h ^ c) * 1099511628211ULL;
        return static_cast<std::size_t>(h);
    }
};

__extension__ using Int128 = __int128;

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

struct IpPairHash {
    std::size_t operator()(const std::pair<IpAddress, IpAddress>& p) const noexcept {
        return IpHash{}(p.first) * 31 ^ IpHash{}(p.second);
    }
};

}  // namespace

// ---- pairs ----------------------------------------------------------------------------------

PairsReport pairs_report(const IntervalCatalog& catalog, const ReportOptions& options) {
    PairsReport report;
    const std::string sql =
        std::string("SELECT CASE WHEN class_a = 'L' THEN ip_a ELSE ip_b END AS l,"
                    " CASE WHEN class_a = 'L' THEN ip_b ELSE ip_a END AS r,"
                    " SUM(CASE WHEN class_a = 'L' THEN bytes_ba ELSE bytes_ab END),"
                    " SUM(CASE WHEN class_a = 'L' THEN bytes_ab ELSE bytes_ba END),"
                    " SUM(packets_ab + packets_ba), COUNT(*), MAX(bytes_ab + bytes_ba)"
                    " FROM session WHERE ") +
        kInPeriod + " AND " + kLocalRemote + " GROUP BY l, r";
    std::unordered_map<std::pair<IpAddress, IpAddress>, PairRow, IpPairHash> pairs;
    catalog.for_each_interval(options.period, report.notes, [&](OpenInterval& iv) {
        sqlite::Statement st(iv.db, sql);
        bind_period(st, options.period);
        while (st.step()) {
            const IpAddress l = ip_column(st, 0, iv.file.path);
            const IpAddress r = ip_column(st, 1, iv.file.path);
            PairRow& row = pairs[{l, r}];
            row.local_ip = l;
            row.remote_ip = r;
            row.bytes_in += st.column_int(2);
            row.bytes_out += st.column_int(3);
            row.packets += st.column_int(4);
            row.sessions += st.column_int(5);
            row.largest_session = std::max(row.largest_session, st.column_int(6));
        }
        return true;
    });
    std::unordered_map<IpAddress, HostRow, IpHash> locals, remotes;
    for (const auto& [key, p] : pairs) {
        HostRow& l = locals[p.local_ip];
        l.ip = p.local_ip;
        l.bytes_in += p.bytes_in;
        l.bytes_out += p.bytes_out;
        l.packets += p.packets;
        l.sessions += p.sessions;
        ++l.peers;
        HostRow& r = remotes[p.remote_ip];
        r.ip = p.remote_ip;
        r.bytes_in += p.bytes_out;
        r.bytes_out += p.bytes_in;
        r.packets += p.packets;
        r.sessions += p.sessions;
        ++r.peers;
    }
    report.pairs.reserve(pairs.size());
    for (auto& [key, p] : pairs) report.pairs.push_back(p);
    sort_and_cut(report.pairs, options.top, [](const PairRow& a, const PairRow& b) {
        if (a.bytes_total() != b.bytes_total()) return a.bytes_total() > b.bytes_total();
        return std::tie(a.local_ip, a.remote_ip) < std::tie(b.local_ip, b.remote_ip);
    });
    const auto host_less = [](const HostRow& a, const HostRow& b) {
        if (a.bytes_total() != b.bytes_total()) return a.bytes_total() > b.bytes_total();
        return a.ip < b.ip;
    };
    for (auto& [ip, h] : locals) report.local_hosts.push_back(h);
    for (auto& [ip, h] : remotes) report.remote_hosts.push_back(h);
    sort_and_cut(report.local_hosts, options.top, host_less);
    sort_and_cut(report.remote_hosts, options.top, host_less);
    return report;
}

// ---- scanners -------------------------------------------------------------------------------

namespace {

struct TargetKey {
    IpAddress host;
    int proto = 0;
    int port = 0;
    friend bool operator==(const TargetKey&, const TargetKey&) = default;
};
struct TargetHash {
    std::size_t operator()(const TargetKey& t) const noexcept {
        return IpHash{}(t.host) ^ (static_cast<std::size_t>(t.proto) << 20) ^ static_cast<std::size_t>(t.port) * 2654435761U;
    }
};

struct ScannerAcc {
    std::unordered_map<TargetKey, bool, TargetHash> targets;  // value: answered only by rejects so far
    std::map<int, std::unordered_set<IpAddress, IpHash>> hosts_by_source_port;
    std::int64_t probes = 0;
    std::int64_t first_us = 0;
    std::int64_t last_us = 0;
};

std::string scanner_sql() {
    return std::string(
               "SELECT first_talker, ip_a, ip_b, port_a, port_b, class_a, class_b, proto, first_us, last_us,"
               " packets_ab, packets_ba FROM session WHERE ") +
           kInPeriod + " AND " + scanner_probe_condition();
}

ScannerRow finish_scanner(const IpAddress& ip, bool outgoing, const ScannerAcc& acc, std::size_t top_ports) {
    ScannerRow row;
    row.ip = ip;
    row.outgoing = outgoing;
    row.targets = static_cast<std::int64_t>(acc.targets.size());
    std::unordered_set<IpAddress, IpHash> hosts;
    std::map<std::pair<int, int>, std::int64_t> ports;  // (proto, port) -> targets
    for (const auto& [t, rejected] : acc.targets) {
        if (rejected) ++row.rejected;
        hosts.insert(t.host);
        ++ports[{t.proto, t.port}];
    }
    row.hosts = static_cast<std::int64_t>(hosts.size());
    row.ports = static_cast<std::int64_t>(ports.size());
    row.probes = acc.probes;
    row.source_ports = static_cast<std::int64_t>(acc.hosts_by_source_port.size());
    for (const auto& [sport, set] : acc.hosts_by_source_port) {
        if (static_cast<std::int64_t>(set.size()) > row.top_source_port_hosts) {
            row.top_source_port_hosts = static_cast<std::int64_t>(set.size());
            row.top_source_port = sport;
        }
    }
    for (const auto& [key, n] : ports) row.top_ports.push_back({key.first, key.second, n});
    std::sort(row.top_ports.begin(), row.top_ports.end(), [](const ScannerPort& a, const ScannerPort& b) {
        if (a.targets != b.targets) return a.targets > b.targets;
        return std::tie(a.port, a.proto) < std::tie(b.port, b.proto);
    });
    if (row.top_ports.size() > top_ports) row.top_ports.resize(top_ports);
    row.first_us = acc.first_us;
    row.last_us = acc.last_us;
    return row;
}

}  // namespace

ScannersReport scanners_report(const IntervalCatalog& catalog, const ScannerOptions& options) {
    ScannersReport report;
    std::unordered_map<IpAddress, ScannerAcc, IpHash> outgoing, incoming;
    const std::string sql = scanner_sql();
    catalog.for_each_interval(options.period, report.notes, [&](OpenInterval& iv) {
        sqlite::Statement st(iv.db, sql);
        bind_period(st, options.period);
        while (st.step()) {
            const bool a_first = st.column_text(0) == "a";
            const IpAddress a = ip_column(st, 1, iv.file.path);
            const IpAddress b = ip_column(st, 2, iv.file.path);
            const int port_a = static_cast<int>(st.column_int(3));
            const int port_b = static_cast<int>(st.column_int(4));
            const bool scanner_local = (a_first ? st.column_text(5) : st.column_text(6)) == "L";
            const int proto = static_cast<int>(st.column_int(7));
            const std::int64_t first_us = st.column_int(8);
            const std::int64_t last_us = st.column_int(9);
            const std::int64_t packets_back = st.column_int(a_first ? 11 : 10);
            const IpAddress& scanner = a_first ? a : b;
            ScannerAcc& acc = (scanner_local ? outgoing : incoming)[scanner];
            const TargetKey target{a_first ? b : a, proto, a_first ? port_b : port_a};
            const bool rejected = packets_back > 0;
            auto [it, inserted] = acc.targets.emplace(target, rejected);
            if (!inserted) it->second = it->second && rejected;
            acc.hosts_by_source_port[a_first ? port_a : port_b].insert(target.host);
            if (acc.probes == 0 || first_us < acc.first_us) acc.first_us = first_us;
            acc.last_us = std::max(acc.last_us, last_us);
            ++acc.probes;
        }
        return true;
    });
    const auto collect = [&](const std::unordered_map<IpAddress, ScannerAcc, IpHash>& accs, bool out,
                             std::vector<ScannerRow>& rows) {
        for (const auto& [ip, acc] : accs)
            if (static_cast<std::int64_t>(acc.targets.size()) >= options.min_targets)
                rows.push_back(finish_scanner(ip, out, acc, options.top_ports));
        sort_and_cut(rows, options.top, [](const ScannerRow& x, const ScannerRow& y) {
            if (x.targets != y.targets) return x.targets > y.targets;
            return x.ip < y.ip;
        });
    };
    collect(outgoing, true, report.outgoing);
    collect(incoming, false, report.incoming);
    return report;
}

// ---- servers --------------------------------------------------------------------------------

std::vector<ExpectedServer> parse_expected_servers(std::string_view text) {
    std::vector<ExpectedServer> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t end = std::min(text.find(',', pos), text.size());
        const std::string_view item = text.substr(pos, end - pos);
        pos = end + 1;
        const auto bad = [&] {
            return FilterError("'" + quote_input(item) + "' is not HOST:PORT (IPv6 as [ADDR]:PORT, port 0..65535)");
        };
        std::string_view host;
        std::string_view port_text;
        if (item.starts_with('[')) {
            const auto close = item.find("]:");
            if (close == std::string_view::npos) throw bad();
            host = item.substr(1, close - 1);
            port_text = item.substr(close + 2);
        } else {
            const auto colon = item.rfind(':');
            if (colon == std::string_view::npos || item.find(':') != colon) throw bad();
            host = item.substr(0, colon);
            port_text = item.substr(colon + 1);
        }
        const auto ip = IpAddress::parse(host);
        int port = -1;
        const auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (!ip || port_text.empty() || ec != std::errc{} || ptr != port_text.data() + port_text.size() || port < 0 ||
            port > 65535)
            throw bad();
        out.push_back({*ip, port});
        if (end == text.size()) break;
    }
    return out;
}

ServersReport servers_report(const IntervalCatalog& catalog, const PortLabels& labels, const ServerOptions& options) {
    ServersReport report;
    const std::vector<PortLabel> watched = labels.watched();
    if (watched.empty()) {
        report.notes.push_back("no port is marked service or risk in ports.conf");
        return report;
    }
    // Rows are grouped per (server, client, proto, port, classes); the per-file groups are
    // merged here.
    std::string in_list;
    for (std::size_t i = 0; i < watched.size(); ++i) in_list += i == 0 ? "?" : ",?";
    const std::string sql =
        "SELECT s, c, proto, sport, SUM(bin), SUM(bout), SUM(pk), COUNT(*), sc, cc FROM ("
        "SELECT " + server_column("ip") + " AS s, " + client_column("ip") + " AS c, proto, " + server_column("port") +
        " AS sport, " + client_sent("bytes") + " AS bin, " + server_sent("bytes") + " AS bout, " +
        server_column("class") + " AS sc, " + client_column("class") +
        " AS cc, packets_ab + packets_ba AS pk FROM session WHERE " + kInPeriod + " AND " +
        server_answered_condition() + ") WHERE sport IN (" + in_list + ") GROUP BY s, c, proto, sport, sc, cc";
    struct Acc {
        ServerRow row;
        std::unordered_set<IpAddress, IpHash> clients;
    };
    std::map<std::tuple<int, int, IpAddress>, Acc> servers;  // (port, proto, server)
    struct ClientAcc {
        ServiceClientRow row;
        std::unordered_set<IpAddress, IpHash> servers;
    };
    std::map<std::tuple<int, int, IpAddress>, ClientAcc> clients;  // (port, proto, client)
    catalog.for_each_interval(options.period, report.notes, [&](OpenInterval& iv) {
        sqlite::Statement st(iv.db, sql);
        bind_period(st, options.period);
        int index = 3;
        for (const PortLabel& w : watched) st.bind(index++, std::int64_t{w.port});
        while (st.step()) {
            const int proto = static_cast<int>(st.column_int(2));
            const int port = static_cast<int>(st.column_int(3));
            const PortLabel* entry = labels.find(proto, port);
            if (!entry || !(entry->service || entry->risk)) continue;  // 53/udp listed, 53/tcp not, ...
            const IpAddress server = ip_column(st, 0, iv.file.path);
            const IpAddress client = ip_column(st, 1, iv.file.path);
            if (st.column_text(9) == "L") {
                ClientAcc& c = clients[{port, proto, client}];
                c.row.proto = proto;
                c.row.port = port;
                c.row.label = entry->label;
                c.row.risk = entry->risk;
                c.row.client = client;
                c.servers.insert(server);
                c.row.bytes_in += st.column_int(5);
                c.row.bytes_out += st.column_int(4);
                c.row.packets += st.column_int(6);
                c.row.sessions += st.column_int(7);
            }
            if (st.column_text(8) != "L") continue;
            Acc& acc = servers[{port, proto, server}];
            acc.row.proto = proto;
            acc.row.port = port;
            acc.row.label = entry->label;
            acc.row.risk = entry->risk;
            acc.row.server = server;
            acc.clients.insert(client);
            acc.row.bytes_in += st.column_int(4);
            acc.row.bytes_out += st.column_int(5);
            acc.row.packets += st.column_int(6);
            acc.row.sessions += st.column_int(7);
        }
        return true;
    });
    std::map<std::pair<int, int>, std::vector<ServerRow>> by_service;
    for (auto& [key, acc] : servers) {
        acc.row.clients = static_cast<std::int64_t>(acc.clients.size());
        acc.row.expected = std::any_of(options.expected.begin(), options.expected.end(), [&](const ExpectedServer& e) {
            return e.ip == acc.row.server && e.port == acc.row.port;
        });
        by_service[{acc.row.port, acc.row.proto}].push_back(acc.row);
    }
    for (auto& [service, rows] : by_service) {
        sort_and_cut(rows, options.top, [](const ServerRow& a, const ServerRow& b) {
            const std::int64_t ta = a.bytes_in + a.bytes_out, tb = b.bytes_in + b.bytes_out;
            if (ta != tb) return ta > tb;
            return a.server < b.server;
        });
        report.servers.insert(report.servers.end(), rows.begin(), rows.end());
    }
    std::map<std::pair<int, int>, std::vector<ServiceClientRow>> clients_by_service;
    for (auto& [key, c] : clients) {
        c.row.servers = static_cast<std::int64_t>(c.servers.size());
        clients_by_service[{c.row.port, c.row.proto}].push_back(c.row);
    }
    for (auto& [service, rows] : clients_by_service) {
        sort_and_cut(rows, options.top, [](const ServiceClientRow& a, const ServiceClientRow& b) {
            const std::int64_t ta = a.bytes_in + a.bytes_out, tb = b.bytes_in + b.bytes_out;
            if (ta != tb) return ta > tb;
            return a.client < b.client;
        });
        report.clients.insert(report.clients.end(), rows.begin(), rows.end());
    }
    return report;
}

// ---- traffic --------------------------------------------------------------------------------

TrafficReport traffic_report(const IntervalCatalog& catalog, const PortLabels& labels, const ReportOptions& options) {
    TrafficReport report;
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
    catalog.for_each_interval(options.period, report.notes, [&](OpenInterval& iv) {
        sqlite::Statement st(iv.db, sql);
        // The IN lists come before the WHERE clause in the statement text.
        int index = 1;
        for (int round = 0; round < 2; ++round)
            for (const int port : labelled) st.bind(index++, std::int64_t{port});
        bind_period(st, options.period, index);
        while (st.step()) {
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
        }
        return true;
    });
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
