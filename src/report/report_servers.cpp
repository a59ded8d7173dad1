// The servers report: per watched service, the local hosts that answered as servers and the
// local clients. Whole days come from the rollups' server evidence, the rest from interval files.
#include <algorithm>
#include <charconv>
#include <map>
#include <tuple>
#include <unordered_set>

#include "report/query_support.hpp"
#include "report/search_filter.hpp"
#include "report/session_rules.hpp"

namespace ipaudit::report {

using namespace detail;


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

namespace {

// Runs `fn` on the rows of service_server (host "server", distinct "clients") or service_client
// of a rollup. With `only_top`, only the first `top` of each watched service by bytes both
// ways, then address (the order of the report), each read from the index *_by_bytes.
// With `only`, just that host's rows.
template <typename Fn>
void rollup_rows(RollupDay& r, const std::string& host, const std::string& distinct, const std::string& table,
                 const std::vector<PortLabel>& watched, bool only_top, std::size_t top,
                 const std::optional<IpAddress>& only, Fn fn) {
    const std::string cols = "SELECT " + host + ", proto, port, " + distinct +
                             ", sessions, bytes_in, bytes_out, packets FROM " + table;
    if (only) {
        sqlite::Statement st(r.db, cols + " WHERE " + host + " = ?1");
        bind_ip(st, 1, *only);
        while (st.step()) fn(st);
        return;
    }
    if (!only_top) {
        sqlite::Statement st(r.db, cols);
        while (st.step()) fn(st);
        return;
    }
    sqlite::Statement st(r.db, cols + " WHERE port = ?1 AND proto = ?2 ORDER BY bytes_in + bytes_out DESC, " + host +
                                   " LIMIT ?3");
    for (const PortLabel& w : watched) {
        st.reset();
        st.bind(1, std::int64_t{w.port}).bind(2, std::int64_t{w.proto}).bind(3, static_cast<std::int64_t>(effective_top(top)));
        while (st.step()) fn(st);
    }
}

}  // namespace

ServersReport servers_report(const IntervalCatalog& catalog, const PortLabels& labels, const ServerOptions& options) {
    ServersReport report;
    PeriodSources sources = plan_period(catalog, options.period, labels_fingerprint(labels), report.notes, true);
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
        std::unordered_set<IpAddress, IpHash> clients;  // from interval files
        std::int64_t rollup_clients = 0;                // the sum over rollup days (exact for one day)
        int rollup_days = 0;
    };
    std::map<std::tuple<int, int, IpAddress>, Acc> servers;  // (port, proto, server)
    struct ClientAcc {
        ServiceClientRow row;
        std::unordered_set<IpAddress, IpHash> servers;
        std::int64_t rollup_servers = 0;
        int rollup_days = 0;
    };
    std::map<std::tuple<int, int, IpAddress>, ClientAcc> clients;  // (port, proto, client)
    for_each_raw_interval(catalog, sources, report.notes, [&](OpenInterval& iv, const Period& part) {
        sqlite::Statement st(iv.db, sql);
        bind_period(st, part);
        int index = 3;
        for (const PortLabel& w : watched) st.bind(index++, std::int64_t{w.port});
        while (st.step()) {
            const int proto = static_cast<int>(st.column_int(2));
            const int port = static_cast<int>(st.column_int(3));
            const PortLabel* entry = labels.find(proto, port);
            if (!entry || !(entry->service || entry->risk)) continue;  // 53/udp listed, 53/tcp not, ...
            const IpAddress server = ip_column(st, 0, iv.file.path);
            const IpAddress client = ip_column(st, 1, iv.file.path);
            if (options.clients && st.column_text(9) == "L") {
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
    });
    // Whole days from the rollups: sums per (server, service) and (client, service); distinct
    // clients and servers are counted exactly below, for the rows shown.
    const auto describe = [&labels](auto& row, int proto, int port) {
        const PortLabel* entry = labels.find(proto, port);
        if (!entry || !(entry->service || entry->risk)) return false;
        row.proto = proto;
        row.port = port;
        row.label = entry->label;
        row.risk = entry->risk;
        return true;
    };
    // One rollup day and nothing else: only each service's top rows are needed, and SQLite
    // picks them (the order of sort_and_cut below: bytes both ways, then the address).
    const bool single_source = sources.rollups.size() == 1 && !sources.has_raw();
    try {
        for (RollupDay& r : sources.rollups) {
            rollup_rows(r, "server", "clients", "service_server", watched, single_source, options.top, options.only, [&](const sqlite::Statement& st) {
                const int proto = static_cast<int>(st.column_int(1));
                const int port = static_cast<int>(st.column_int(2));
                const IpAddress server = rollup_ip(st, 0, r);
                Acc& acc = servers[{port, proto, server}];
                if (!describe(acc.row, proto, port)) return;
                acc.row.server = server;
                acc.rollup_clients += st.column_int(3);
                ++acc.rollup_days;
                acc.row.sessions += st.column_int(4);
                acc.row.bytes_in += st.column_int(5);
                acc.row.bytes_out += st.column_int(6);
                acc.row.packets += st.column_int(7);
            });
            if (!options.clients) continue;
            rollup_rows(r, "client", "servers", "service_client", watched, single_source, options.top, options.only, [&](const sqlite::Statement& ct) {
                const int proto = static_cast<int>(ct.column_int(1));
                const int port = static_cast<int>(ct.column_int(2));
                const IpAddress client = rollup_ip(ct, 0, r);
                ClientAcc& c = clients[{port, proto, client}];
                if (!describe(c.row, proto, port)) return;
                c.row.client = client;
                c.rollup_servers += ct.column_int(3);
                ++c.rollup_days;
                c.row.sessions += ct.column_int(4);
                c.row.bytes_in += ct.column_int(5);
                c.row.bytes_out += ct.column_int(6);
                c.row.packets += ct.column_int(7);
            });
        }
    } catch (const sqlite::Error& e) {
        report.notes.push_back(std::string("a daily rollup could not be read; the report is incomplete: ") + e.what());
    }
    // Distinct peers over several sources: the union of their peer sets.
    const auto distinct = [&](const char* peer_sql, const IpAddress& ip, int proto, int port,
                              std::unordered_set<IpAddress, IpHash> set) {
        for (RollupDay& r : sources.rollups) {
            sqlite::Statement st(r.db, peer_sql);
            bind_ip(st, 1, ip);
            st.bind(2, std::int64_t{proto}).bind(3, std::int64_t{port});
            while (st.step()) set.insert(rollup_ip(st, 0, r));
        }
        return static_cast<std::int64_t>(set.size());
    };
    std::map<std::pair<int, int>, std::vector<ServerRow>> by_service;
    for (auto& [key, acc] : servers) {
        if (acc.row.label.empty() && acc.row.port == 0) continue;  // a rollup row of a port not watched now
        acc.row.clients = static_cast<std::int64_t>(acc.clients.size());
        // (a named reference: clang before 16 cannot capture a structured binding in a lambda)
        const ServerRow& row = acc.row;
        acc.row.expected = std::any_of(options.expected.begin(), options.expected.end(), [&](const ExpectedServer& e) {
            return e.ip == row.server && e.port == row.port;
        });
        by_service[{acc.row.port, acc.row.proto}].push_back(acc.row);
    }
    for (auto& [service, rows] : by_service) {
        sort_and_cut(rows, options.top, [](const ServerRow& a, const ServerRow& b) {
            const std::int64_t ta = a.bytes_in + a.bytes_out, tb = b.bytes_in + b.bytes_out;
            if (ta != tb) return ta > tb;
            return a.server < b.server;
        });
        for (ServerRow& row : rows) {
            const Acc& acc = servers[{row.port, row.proto, row.server}];
            if (acc.rollup_days == 1 && acc.clients.empty()) {
                row.clients = acc.rollup_clients;
            } else if (acc.rollup_days > 0) {
                row.clients = distinct("SELECT client FROM service_peer WHERE server = ?1 AND proto = ?2 AND port = ?3",
                                       row.server, row.proto, row.port, acc.clients);
            }
        }
        report.servers.insert(report.servers.end(), rows.begin(), rows.end());
    }
    std::map<std::pair<int, int>, std::vector<ServiceClientRow>> clients_by_service;
    for (auto& [key, c] : clients) {
        if (c.row.label.empty() && c.row.port == 0) continue;
        c.row.servers = static_cast<std::int64_t>(c.servers.size());
        clients_by_service[{c.row.port, c.row.proto}].push_back(c.row);
    }
    for (auto& [service, rows] : clients_by_service) {
        sort_and_cut(rows, options.top, [](const ServiceClientRow& a, const ServiceClientRow& b) {
            const std::int64_t ta = a.bytes_in + a.bytes_out, tb = b.bytes_in + b.bytes_out;
            if (ta != tb) return ta > tb;
            return a.client < b.client;
        });
        for (ServiceClientRow& row : rows) {
            const ClientAcc& c = clients[{row.port, row.proto, row.client}];
            if (c.rollup_days == 1 && c.servers.empty()) {
                row.servers = c.rollup_servers;
            } else if (c.rollup_days > 0) {
                row.servers = distinct("SELECT server FROM service_peer WHERE client = ?1 AND proto = ?2 AND port = ?3",
                                       row.client, row.proto, row.port, c.servers);
            }
        }
        report.clients.insert(report.clients.end(), rows.begin(), rows.end());
    }
    return report;
}


}  // namespace ipaudit::report
