// Shared pieces of the report queries (report_*.cpp): SQL fragments, column readers, hashing,
// ordering, and reading the parts of a period that come from interval files.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/ip_address.hpp"
#include "report/interval_catalog.hpp"
#include "report/period_sources.hpp"
#include "report/report_queries.hpp"
#include "store/interval_reader.hpp"
#include "store/sqlite.hpp"

namespace ipaudit::report::detail {

// Sessions in a period: some packet inside it (as in the search).
inline constexpr const char* kInPeriod = "last_us >= ? AND first_us < ?";

__extension__ using Int128 = __int128;

inline std::size_t effective_top(std::size_t top) { return top == 0 || top > kMaxTop ? kMaxTop : top; }

// A 16-byte IP column; a corrupt row names the file it came from.
inline IpAddress ip_column(const sqlite::Statement& st, int col, const std::filesystem::path& path) {
    const auto blob = st.column_blob(col);
    if (blob.size() != 16) throw store::NotAnIntervalFile(path.string() + ": corrupt row (IP is not 16 bytes)");
    return IpAddress::from_v6_bytes(blob.first<16>());
}

inline void bind_period(sqlite::Statement& st, const Period& period, int first_index = 1) {
    st.bind(first_index, period.from_us);
    st.bind(first_index + 1, period.to_us);
}

inline void bind_ip(sqlite::Statement& st, int index, const IpAddress& ip) {
    const auto bytes = ip.bytes();
    st.bind_blob(index, std::span<const std::uint8_t>(bytes.data(), bytes.size()));
}

struct IpHash {
    std::size_t operator()(const IpAddress& ip) const noexcept {
        const auto b = ip.bytes();
        std::uint64_t h = 1469598103934665603ULL;
        for (const auto c : b) h = (h ^ c) * 1099511628211ULL;
        return static_cast<std::size_t>(h);
    }
};

struct IpPairHash {
    std::size_t operator()(const std::pair<IpAddress, IpAddress>& p) const noexcept {
        return IpHash{}(p.first) * 31 ^ IpHash{}(p.second);
    }
};

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

// A rollup's 16-byte IP column.
inline IpAddress rollup_ip(const sqlite::Statement& st, int col, const RollupDay& r) {
    const auto blob = st.column_blob(col);
    if (blob.size() != 16) throw sqlite::Error(r.db.path().string() + ": corrupt rollup row (IP is not 16 bytes)", 11);
    return IpAddress::from_v6_bytes(blob.first<16>());
}

}  // namespace ipaudit::report::detail
