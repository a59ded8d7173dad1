// The scanners report: per host, distinct targets never answered or only rejected. Whole days
// come from the rollups' scanner evidence (exact distinct targets), the rest from interval files.
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "report/query_support.hpp"
#include "report/session_rules.hpp"

namespace ipaudit::report {

using namespace detail;


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

    // `probes` probes of `target` from `source_port`; `rejected`: each was answered by a reject.
    void add_probe(const TargetKey& target, bool rejected, std::int64_t count, int source_port, std::int64_t first,
                   std::int64_t last) {
        auto [it, inserted] = targets.emplace(target, rejected);
        if (!inserted) it->second = it->second && rejected;
        hosts_by_source_port[source_port].insert(target.host);
        if (probes == 0 || first < first_us) first_us = first;
        last_us = std::max(last_us, last);
        probes += count;
    }
};

std::string scanner_sql() {
    return std::string(
               "SELECT first_talker, ip_a, ip_b, port_a, port_b, class_a, class_b, proto, first_us, last_us,"
               " packets_ab, packets_ba FROM session WHERE ") +
           kInPeriod + " AND " + scanner_probe_condition();
}

// The evidence of whole days from their rollups. Only scanners that can reach min_targets are
// read: a host's distinct targets over several sources are at most the sum of its distinct
// targets in each (the scanner tables and the interval files' part).
void add_rollup_evidence(PeriodSources& sources, std::int64_t min_targets, const std::optional<IpAddress>& only,
                         std::unordered_map<IpAddress, ScannerAcc, IpHash>& outgoing,
                         std::unordered_map<IpAddress, ScannerAcc, IpHash>& incoming) {
    std::unordered_map<IpAddress, std::int64_t, IpHash> bound;
    for (const auto* accs : {&outgoing, &incoming})
        for (const auto& [ip, acc] : *accs) bound[ip] += static_cast<std::int64_t>(acc.targets.size());
    for (RollupDay& r : sources.rollups) {
        sqlite::Statement st(r.db, "SELECT ip, targets FROM scanner");
        while (st.step()) bound[rollup_ip(st, 0, r)] += st.column_int(1);
    }
    std::set<IpAddress> candidates;
    for (const auto& [ip, most] : bound)
        if (most >= min_targets && (!only || ip == *only)) candidates.insert(ip);
    for (RollupDay& r : sources.rollups) {
        sqlite::Statement targets(r.db,
                                  "SELECT target, proto, port, outgoing, rejected, probes, first_us, last_us"
                                  " FROM scan_target WHERE scanner = ?1");
        sqlite::Statement ports(r.db, "SELECT source_port, target FROM scan_source WHERE scanner = ?1");
        for (const IpAddress& ip : candidates) {
            targets.reset();
            bind_ip(targets, 1, ip);
            ScannerAcc* acc = nullptr;
            while (targets.step()) {
                acc = &(targets.column_int(3) != 0 ? outgoing : incoming)[ip];
                const TargetKey key{rollup_ip(targets, 0, r), static_cast<int>(targets.column_int(1)),
                                    static_cast<int>(targets.column_int(2))};
                auto [it, inserted] = acc->targets.emplace(key, targets.column_int(4) != 0);
                if (!inserted) it->second = it->second && targets.column_int(4) != 0;
                if (acc->probes == 0 || targets.column_int(6) < acc->first_us) acc->first_us = targets.column_int(6);
                acc->last_us = std::max(acc->last_us, targets.column_int(7));
                acc->probes += targets.column_int(5);
            }
            if (acc == nullptr) continue;
            ports.reset();
            bind_ip(ports, 1, ip);
            while (ports.step()) acc->hosts_by_source_port[static_cast<int>(ports.column_int(0))].insert(rollup_ip(ports, 1, r));
        }
    }
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

namespace {

// One rollup day and nothing else: the scanner table has every figure but the port lists, which
// are read for the rows shown only.
void scanners_of_one_rollup(RollupDay& r, const ScannerOptions& options, ScannersReport& report) {
    sqlite::Statement rows(r.db,
                           "SELECT ip, targets, rejected, hosts, ports, probes, first_us, last_us FROM scanner"
                           " WHERE outgoing = ?1 AND targets >= ?2 AND (?4 IS NULL OR ip = ?4)"
                           " ORDER BY targets DESC, ip LIMIT ?3");
    sqlite::Statement ports(r.db,
                            "SELECT proto, port, count(*) FROM scan_target WHERE scanner = ?1 GROUP BY proto, port"
                            " ORDER BY 3 DESC, port, proto LIMIT ?2");
    sqlite::Statement sources(r.db,
                              "SELECT count(*), (SELECT source_port FROM scan_source WHERE scanner = ?1 GROUP BY source_port"
                              " ORDER BY count(*) DESC, source_port LIMIT 1), (SELECT count(*) FROM scan_source"
                              " WHERE scanner = ?1 GROUP BY source_port ORDER BY count(*) DESC, source_port LIMIT 1)"
                              " FROM (SELECT DISTINCT source_port FROM scan_source WHERE scanner = ?1)");
    for (const bool outgoing : {true, false}) {
        std::vector<ScannerRow>& out = outgoing ? report.outgoing : report.incoming;
        rows.reset();
        rows.bind(1, std::int64_t{outgoing ? 1 : 0}).bind(2, options.min_targets);
        rows.bind(3, static_cast<std::int64_t>(effective_top(options.top)));
        if (options.only) bind_ip(rows, 4, *options.only);
        while (rows.step()) {
            ScannerRow row;
            row.ip = rollup_ip(rows, 0, r);
            row.outgoing = outgoing;
            row.targets = rows.column_int(1);
            row.rejected = rows.column_int(2);
            row.hosts = rows.column_int(3);
            row.ports = rows.column_int(4);
            row.probes = rows.column_int(5);
            row.first_us = rows.column_int(6);
            row.last_us = rows.column_int(7);
            ports.reset();
            bind_ip(ports, 1, row.ip);
            ports.bind(2, static_cast<std::int64_t>(options.top_ports));
            while (ports.step())
                row.top_ports.push_back({static_cast<int>(ports.column_int(0)), static_cast<int>(ports.column_int(1)),
                                         ports.column_int(2)});
            sources.reset();
            bind_ip(sources, 1, row.ip);
            if (sources.step()) {
                row.source_ports = sources.column_int(0);
                row.top_source_port = static_cast<int>(sources.column_int(1));
                row.top_source_port_hosts = sources.column_int(2);
            }
            out.push_back(std::move(row));
        }
    }
}

}  // namespace

ScannersReport scanners_report(const IntervalCatalog& catalog, const ScannerOptions& options) {
    ScannersReport report;
    PeriodSources sources = plan_period(catalog, options.period, "", report.notes, true);
    std::unordered_map<IpAddress, ScannerAcc, IpHash> outgoing, incoming;
    const std::string sql = scanner_sql();
    for_each_raw_interval(catalog, sources, report.notes, [&](OpenInterval& iv, const Period& part) {
        sqlite::Statement st(iv.db, sql);
        bind_period(st, part);
        while (st.step()) {
            const bool a_first = st.column_text(0) == "a";
            const IpAddress a = ip_column(st, 1, iv.file.path);
            const IpAddress b = ip_column(st, 2, iv.file.path);
            const int port_a = static_cast<int>(st.column_int(3));
            const int port_b = static_cast<int>(st.column_int(4));
            const bool scanner_local = (a_first ? st.column_text(5) : st.column_text(6)) == "L";
            const int proto = static_cast<int>(st.column_int(7));
            const std::int64_t packets_back = st.column_int(a_first ? 11 : 10);
            ScannerAcc& acc = (scanner_local ? outgoing : incoming)[a_first ? a : b];
            acc.add_probe({a_first ? b : a, proto, a_first ? port_b : port_a}, packets_back > 0, 1,
                          a_first ? port_a : port_b, st.column_int(8), st.column_int(9));
        }
    });
    if (sources.rollups.size() == 1 && !sources.has_raw()) {
        try {
            scanners_of_one_rollup(sources.rollups.front(), options, report);
            return report;
        } catch (const sqlite::Error& e) {
            report.notes.push_back(std::string("a daily rollup could not be read; the report is incomplete: ") + e.what());
            return report;
        }
    }
    if (!sources.rollups.empty()) {
        try {
            add_rollup_evidence(sources, options.min_targets, options.only, outgoing, incoming);
        } catch (const sqlite::Error& e) {
            report.notes.push_back(std::string("a daily rollup could not be read; the report is incomplete: ") + e.what());
        }
    }
    const auto collect = [&](const std::unordered_map<IpAddress, ScannerAcc, IpHash>& accs, bool out,
                             std::vector<ScannerRow>& rows) {
        for (const auto& [ip, acc] : accs)
            if (static_cast<std::int64_t>(acc.targets.size()) >= options.min_targets && (!options.only || ip == *options.only))
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

}  // namespace ipaudit::report
