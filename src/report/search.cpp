// The search as one parameterized SQL statement per interval file, its rows turned local-side up.
#include "report/search.hpp"

#include <array>
#include <string>
#include <variant>
#include <vector>

#include "store/interval_reader.hpp"

namespace ipaudit::report {

namespace {

// "Side B is the local one": only when A is not local and B is. Interval files put a lone local
// side in A, so this is false in every file ipauditd writes; readers do not rely on it.
constexpr const char* kSwapped = "(class_a <> 'L' AND class_b = 'L')";

using Blob = std::array<std::uint8_t, 16>;
using Param = std::variant<std::int64_t, Blob>;

// The statement text holds only fixed fragments and '?' placeholders; every value is a Param.
struct Query {
    std::string sql;
    std::vector<Param> params;

    void range(const char* column, const IpRange& r) {
        sql += std::string(column) + " BETWEEN ? AND ?";
        params.emplace_back(r.first.bytes());
        params.emplace_back(r.last.bytes());
    }
    void ports(const char* column, const std::vector<PortRange>& list) {
        sql += "(";
        for (std::size_t i = 0; i < list.size(); ++i) {
            sql += i == 0 ? "" : " OR ";
            sql += std::string(column) + " BETWEEN ? AND ?";
            params.emplace_back(std::int64_t{list[i].first});
            params.emplace_back(std::int64_t{list[i].last});
        }
        sql += ")";
    }
    // Ports of the local side (local_column as written when not swapped).
    void side_ports(const char* local_column, const char* other_column, const std::vector<PortRange>& list) {
        sql += " AND ((NOT " + std::string(kSwapped) + " AND ";
        ports(local_column, list);
        sql += ") OR (" + std::string(kSwapped) + " AND ";
        ports(other_column, list);
        sql += "))";
    }
    void talker(const char* column, Talker who) {
        // The letter of the local side is 'a' unless swapped.
        sql += std::string(" AND ") + column + " = (CASE WHEN " + kSwapped +
               (who == Talker::kLocal ? " THEN 'b' ELSE 'a' END)" : " THEN 'a' ELSE 'b' END)");
    }
};

Query build_query(const SearchFilter& f) {
    Query q;
    q.sql =
        "SELECT ip_a, ip_b, proto, port_a, port_b, class_a, class_b, packets_ab, packets_ba, bytes_ab, bytes_ba,"
        " first_us, last_us, first_talker, last_talker FROM session WHERE last_us >= ? AND first_us < ?";
    q.params.emplace_back(f.period.from_us);
    q.params.emplace_back(f.period.to_us);
    // Written as BLOB ranges on ip_a and ip_b so that SQLite answers from their indexes.
    const std::optional<IpRange>& one = f.ip ? f.ip : f.ip2;
    if (f.ip && f.ip2) {
        q.sql += " AND ((";
        q.range("ip_a", *f.ip);
        q.sql += " AND ";
        q.range("ip_b", *f.ip2);
        q.sql += ") OR (";
        q.range("ip_a", *f.ip2);
        q.sql += " AND ";
        q.range("ip_b", *f.ip);
        q.sql += "))";
    } else if (one) {
        q.sql += " AND (";
        q.range("ip_a", *one);
        q.sql += " OR ";
        q.range("ip_b", *one);
        q.sql += ")";
    }
    if (!f.protocols.empty()) {
        q.sql += " AND proto IN (";
        for (std::size_t i = 0; i < f.protocols.size(); ++i) {
            q.sql += i == 0 ? "?" : ",?";
            q.params.emplace_back(std::int64_t{f.protocols[i]});
        }
        q.sql += ")";
    }
    if (f.min_bytes) {
        q.sql += " AND bytes_ab + bytes_ba >= ?";
        q.params.emplace_back(static_cast<std::int64_t>(*f.min_bytes));
    }
    if (f.max_bytes) {
        q.sql += " AND bytes_ab + bytes_ba <= ?";
        q.params.emplace_back(static_cast<std::int64_t>(*f.max_bytes));
    }
    if (!f.local_ports.empty()) q.side_ports("port_a", "port_b", f.local_ports);
    if (!f.remote_ports.empty()) q.side_ports("port_b", "port_a", f.remote_ports);
    if (f.first_talker != Talker::kAny) q.talker("first_talker", f.first_talker);
    if (f.last_talker != Talker::kAny) {
        q.sql += " AND packets_ab > 0 AND packets_ba > 0";  // a one-way session has no last talker
        q.talker("last_talker", f.last_talker);
    }
    // The session key breaks ties of first_us, so the order is total and repeatable.
    q.sql += " ORDER BY first_us, ip_a, ip_b, proto, port_a, port_b LIMIT ?";
    return q;
}

IpAddress ip_column(const sqlite::Statement& st, int col, const std::filesystem::path& path) {
    const auto blob = st.column_blob(col);
    if (blob.size() != 16) throw store::NotAnIntervalFile(path.string() + ": corrupt row (IP is not 16 bytes)");
    return IpAddress::from_v6_bytes(blob.first<16>());
}

SearchRow read_row(const sqlite::Statement& st, const IntervalFile& file) {
    const bool swapped = st.column_text(5) != "L" && st.column_text(6) == "L";
    const IpAddress a = ip_column(st, 0, file.path);
    const IpAddress b = ip_column(st, 1, file.path);
    const std::int64_t packets_ab = st.column_int(7);
    const std::int64_t packets_ba = st.column_int(8);
    const std::int64_t bytes_ab = st.column_int(9);
    const std::int64_t bytes_ba = st.column_int(10);
    const char local_letter = swapped ? 'b' : 'a';
    SearchRow r;
    r.interval_start_us = file.info.covered_from_us;
    r.local_ip = swapped ? b : a;
    r.remote_ip = swapped ? a : b;
    r.proto = static_cast<int>(st.column_int(2));
    r.local_port = static_cast<int>(st.column_int(swapped ? 4 : 3));
    r.remote_port = static_cast<int>(st.column_int(swapped ? 3 : 4));
    r.bytes_in = swapped ? bytes_ab : bytes_ba;
    r.bytes_out = swapped ? bytes_ba : bytes_ab;
    r.packets_in = swapped ? packets_ab : packets_ba;
    r.packets_out = swapped ? packets_ba : packets_ab;
    r.first_us = st.column_int(11);
    r.last_us = st.column_int(12);
    const auto talker = [local_letter](std::string_view t) { return !t.empty() && t[0] == local_letter ? 'L' : 'R'; };
    r.first_talker = talker(st.column_text(13));
    r.last_talker = packets_ab == 0 || packets_ba == 0 ? '-' : talker(st.column_text(14));
    return r;
}

}  // namespace

SearchSummary run_search(const IntervalCatalog& catalog, const SearchFilter& filter, const SearchSink& sink) {
    if (filter.limit < 1) throw FilterError("the line limit must be at least 1");
    if (filter.every < 1 || filter.every > kMaxEvery)
        throw FilterError("the print increment must be 1.." + std::to_string(kMaxEvery));
    SearchSummary summary;
    summary.limit = filter.limit;
    if (summary.limit > kMaxLimit) {
        summary.notes.push_back("line limit " + std::to_string(filter.limit) + " capped at " + std::to_string(kMaxLimit));
        summary.limit = kMaxLimit;
    }
    // Matches needed to fill the limit and to learn whether one more row would follow.
    const std::int64_t needed = summary.limit * filter.every + 1;
    std::int64_t matched = 0;
    const Query query = build_query(filter);

    catalog.for_each_interval(filter.period, summary.notes, [&](OpenInterval& iv) {
        sqlite::Statement st(iv.db, query.sql);
        int index = 1;
        for (const Param& p : query.params) {
            if (const auto* n = std::get_if<std::int64_t>(&p)) {
                st.bind(index++, *n);
            } else {
                st.bind_blob(index++, std::get<Blob>(p));
            }
        }
        st.bind(index, needed - matched);
        while (st.step()) {
            const std::int64_t m = matched++;
            if (m % filter.every != 0) continue;
            if (m / filter.every >= summary.limit) {
                summary.limited = true;
                return false;
            }
            sink(read_row(st, iv.file));
            ++summary.rows;
        }
        return true;
    });
    return summary;
}

}  // namespace ipaudit::report
