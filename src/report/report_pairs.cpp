// The pairs report: busiest (local, remote) pairs, busiest local and remote hosts. Whole days
// come from the rollups' pair and host tables, merged exactly with top_of_sums; the rest from
// the interval files.
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "report/query_support.hpp"
#include "report/top_merge.hpp"

namespace ipaudit::report {

using namespace detail;

namespace {

using PairKey = std::pair<IpAddress, IpAddress>;

// A host pair as stored: side A local when exactly one side is, otherwise the smaller address.
struct PairAgg {
    IpAddress a, b;
    char class_a = 'R', class_b = 'R';
    std::int64_t bytes_ab = 0, bytes_ba = 0, packets_ab = 0, packets_ba = 0, sessions = 0, largest = 0;
};

using RawPairs = std::unordered_map<PairKey, PairAgg, IpPairHash>;

RawPairs read_raw_pairs(const IntervalCatalog& catalog, const PeriodSources& sources, Notes& notes) {
    RawPairs pairs;
    const std::string sql = std::string(
                                "SELECT ip_a, ip_b, max(class_a), max(class_b), sum(bytes_ab), sum(bytes_ba),"
                                " sum(packets_ab), sum(packets_ba), count(*), max(bytes_ab + bytes_ba)"
                                " FROM session WHERE ") +
                            kInPeriod + " GROUP BY ip_a, ip_b";
    for_each_raw_interval(catalog, sources, notes, [&](OpenInterval& iv, const Period& part) {
        sqlite::Statement st(iv.db, sql);
        bind_period(st, part);
        while (st.step()) {
            const IpAddress a = ip_column(st, 0, iv.file.path);
            const IpAddress b = ip_column(st, 1, iv.file.path);
            PairAgg& p = pairs[{a, b}];
            p.a = a;
            p.b = b;
            p.class_a = st.column_text(2).empty() ? 'R' : st.column_text(2)[0];
            p.class_b = st.column_text(3).empty() ? 'R' : st.column_text(3)[0];
            p.bytes_ab += st.column_int(4);
            p.bytes_ba += st.column_int(5);
            p.packets_ab += st.column_int(6);
            p.packets_ba += st.column_int(7);
            p.sessions += st.column_int(8);
            p.largest = std::max(p.largest, st.column_int(9));
        }
    });
    return pairs;
}

PairRow pair_row(const PairAgg& p) {
    return {p.a, p.b, p.bytes_ba, p.bytes_ab, p.packets_ab + p.packets_ba, p.sessions, p.largest};
}

bool is_local_remote(const PairAgg& p) { return p.class_a == 'L' && p.class_b == 'R'; }

// Hosts of one class from raw pairs: every session of the host counts.
std::unordered_map<IpAddress, HostRow, IpHash> raw_hosts(const RawPairs& pairs, char cls) {
    std::unordered_map<IpAddress, HostRow, IpHash> hosts;
    const auto add = [&](const IpAddress& ip, std::int64_t in, std::int64_t out, const PairAgg& p) {
        HostRow& h = hosts[ip];
        h.ip = ip;
        h.bytes_in += in;
        h.bytes_out += out;
        h.packets += p.packets_ab + p.packets_ba;
        h.sessions += p.sessions;
        ++h.peers;
    };
    for (const auto& [key, p] : pairs) {
        if (p.class_a == cls) add(p.a, p.bytes_ba, p.bytes_ab, p);
        if (p.class_b == cls && !(p.b == p.a)) add(p.b, p.bytes_ab, p.bytes_ba, p);
    }
    return hosts;
}

bool pair_before(const PairRow& a, const PairRow& b) {
    if (a.bytes_total() != b.bytes_total()) return a.bytes_total() > b.bytes_total();
    return std::tie(a.local_ip, a.remote_ip) < std::tie(b.local_ip, b.remote_ip);
}

bool host_before(const HostRow& a, const HostRow& b) {
    if (a.bytes_total() != b.bytes_total()) return a.bytes_total() > b.bytes_total();
    return a.ip < b.ip;
}

// A source over rows already in memory, sorted once.
template <typename Key, typename Row, typename KeyOf, typename Before>
RankedSource<Key, Row> memory_source(std::vector<Row> rows, KeyOf key, Before before) {
    std::sort(rows.begin(), rows.end(), before);
    auto shared = std::make_shared<std::vector<Row>>(std::move(rows));
    auto index = std::make_shared<std::map<Key, std::size_t>>();
    for (std::size_t i = 0; i < shared->size(); ++i) index->emplace(key((*shared)[i]), i);
    return {[shared](std::size_t offset, std::size_t limit) {
                std::vector<Row> out;
                for (std::size_t i = offset; i < shared->size() && out.size() < limit; ++i) out.push_back((*shared)[i]);
                return out;
            },
            [shared, index](const Key& k) -> std::optional<Row> {
                const auto it = index->find(k);
                if (it == index->end()) return std::nullopt;
                return (*shared)[it->second];
            }};
}

RankedSource<PairKey, PairRow> rollup_pair_source(RollupDay& r) {
    const char* cols = "SELECT ip_a, ip_b, bytes_ba, bytes_ab, packets_ab + packets_ba, sessions, largest FROM pair";
    auto sorted = std::make_shared<sqlite::Statement>(
        r.db, std::string(cols) +
                  " WHERE class_a = 'L' AND class_b = 'R' ORDER BY bytes_ab + bytes_ba DESC LIMIT ?1 OFFSET ?2");
    auto one = std::make_shared<sqlite::Statement>(
        r.db, std::string(cols) + " WHERE ip_a = ?1 AND ip_b = ?2 AND class_a = 'L' AND class_b = 'R'");
    const auto row_of = [&r](const sqlite::Statement& st) {
        return PairRow{rollup_ip(st, 0, r), rollup_ip(st, 1, r), st.column_int(2), st.column_int(3),
                       st.column_int(4),    st.column_int(5),    st.column_int(6)};
    };
    return {[sorted, row_of](std::size_t offset, std::size_t limit) {
                sorted->reset();
                sorted->bind(1, static_cast<std::int64_t>(limit)).bind(2, static_cast<std::int64_t>(offset));
                std::vector<PairRow> out;
                while (sorted->step()) out.push_back(row_of(*sorted));
                return out;
            },
            [one, row_of](const PairKey& k) -> std::optional<PairRow> {
                one->reset();
                bind_ip(*one, 1, k.first);
                bind_ip(*one, 2, k.second);
                if (!one->step()) return std::nullopt;
                PairRow row = row_of(*one);
                one->reset();
                return row;
            }};
}

RankedSource<IpAddress, HostRow> rollup_host_source(RollupDay& r, char cls) {
    const std::string cols =
        "SELECT ip, bytes_in, bytes_out, packets_in + packets_out, sessions, peers FROM host WHERE class = '" +
        std::string(1, cls) + "'";
    auto sorted = std::make_shared<sqlite::Statement>(r.db, cols + " ORDER BY bytes_in + bytes_out DESC LIMIT ?1 OFFSET ?2");
    auto one = std::make_shared<sqlite::Statement>(r.db, cols + " AND ip = ?1");
    const auto row_of = [&r](const sqlite::Statement& st) {
        return HostRow{rollup_ip(st, 0, r), st.column_int(1), st.column_int(2), st.column_int(3), st.column_int(4),
                       st.column_int(5)};
    };
    return {[sorted, row_of](std::size_t offset, std::size_t limit) {
                sorted->reset();
                sorted->bind(1, static_cast<std::int64_t>(limit)).bind(2, static_cast<std::int64_t>(offset));
                std::vector<HostRow> out;
                while (sorted->step()) out.push_back(row_of(*sorted));
                return out;
            },
            [one, row_of](const IpAddress& ip) -> std::optional<HostRow> {
                one->reset();
                bind_ip(*one, 1, ip);
                if (!one->step()) return std::nullopt;
                HostRow row = row_of(*one);
                one->reset();
                return row;
            }};
}

// Distinct peers of the shown hosts over every source: the per-source counts overlap.
void count_peers_exactly(std::vector<HostRow>& rows, const RawPairs& raw, std::vector<RollupDay>& rollups) {
    std::unordered_map<IpAddress, std::unordered_set<IpAddress, IpHash>, IpHash> peers;
    for (const HostRow& h : rows) peers[h.ip];
    for (const auto& [key, p] : raw) {
        if (auto it = peers.find(p.a); it != peers.end()) it->second.insert(p.b);
        if (auto it = peers.find(p.b); it != peers.end()) it->second.insert(p.a);
    }
    for (RollupDay& r : rollups) {
        sqlite::Statement st(r.db, "SELECT ip_b FROM pair WHERE ip_a = ?1 UNION SELECT ip_a FROM pair WHERE ip_b = ?1");
        for (auto& [ip, set] : peers) {
            st.reset();
            bind_ip(st, 1, ip);
            while (st.step()) set.insert(rollup_ip(st, 0, r));
        }
    }
    for (HostRow& h : rows) h.peers = static_cast<std::int64_t>(peers[h.ip].size());
}

}  // namespace

PairsReport pairs_report(const IntervalCatalog& catalog, const ReportOptions& options) {
    PairsReport report;
    PeriodSources sources = plan_period(catalog, options.period, "", report.notes, true);
    const RawPairs raw = read_raw_pairs(catalog, sources, report.notes);
    const std::size_t top = effective_top(options.top);
    try {
        // Pairs.
        std::vector<RankedSource<PairKey, PairRow>> pair_sources;
        std::vector<PairRow> raw_rows;
        for (const auto& [key, p] : raw)
            if (is_local_remote(p)) raw_rows.push_back(pair_row(p));
        const auto pair_key = [](const PairRow& r) { return PairKey{r.local_ip, r.remote_ip}; };
        if (!raw_rows.empty()) pair_sources.push_back(memory_source<PairKey, PairRow>(std::move(raw_rows), pair_key, pair_before));
        for (RollupDay& r : sources.rollups) pair_sources.push_back(rollup_pair_source(r));
        report.pairs = top_of_sums(
            pair_sources, top, pair_key, [](const PairRow& r) { return r.bytes_total(); },
            [](PairRow& t, const PairRow& r) {
                t.bytes_in += r.bytes_in;
                t.bytes_out += r.bytes_out;
                t.packets += r.packets;
                t.sessions += r.sessions;
                t.largest_session = std::max(t.largest_session, r.largest_session);
            },
            pair_before);

        // Hosts, local then remote.
        const auto hosts = [&](char cls) {
            std::vector<RankedSource<IpAddress, HostRow>> host_sources;
            std::vector<HostRow> rows;
            for (auto& [ip, h] : raw_hosts(raw, cls)) rows.push_back(h);
            const auto host_key = [](const HostRow& h) { return h.ip; };
            if (!rows.empty()) host_sources.push_back(memory_source<IpAddress, HostRow>(std::move(rows), host_key, host_before));
            for (RollupDay& r : sources.rollups) host_sources.push_back(rollup_host_source(r, cls));
            const std::size_t source_count = host_sources.size();
            std::vector<HostRow> out = top_of_sums(
                host_sources, top, host_key, [](const HostRow& h) { return h.bytes_total(); },
                [](HostRow& t, const HostRow& h) {
                    t.bytes_in += h.bytes_in;
                    t.bytes_out += h.bytes_out;
                    t.packets += h.packets;
                    t.sessions += h.sessions;
                    t.peers += h.peers;
                },
                host_before);
            if (source_count > 1) count_peers_exactly(out, raw, sources.rollups);
            return out;
        };
        report.local_hosts = hosts('L');
        report.remote_hosts = hosts('R');
    } catch (const sqlite::Error& e) {
        report.notes.push_back(std::string("a daily rollup could not be read; the report is incomplete: ") + e.what());
    }
    return report;
}

}  // namespace ipaudit::report
