// The session search (DESIGN.md "Reports" -> search): filtered rows streamed from interval files.
#pragma once

#include <cstdint>
#include <functional>

#include "core/ip_address.hpp"
#include "report/interval_catalog.hpp"
#include "report/search_filter.hpp"

namespace ipaudit::report {

// One result line: the 14 columns of DESIGN.md, seen from the local side (the side whose class
// is 'L'; where neither side is local, side A). "in" is what the local side received.
struct SearchRow {
    std::int64_t interval_start_us = 0;  // start of the interval file's coverage, epoch microseconds UTC
    IpAddress local_ip;
    IpAddress remote_ip;
    int proto = 0;
    int local_port = 0;   // TCP/UDP port; ICMP type*256+code of the request side; else 0
    int remote_port = 0;
    std::int64_t bytes_in = 0;
    std::int64_t bytes_out = 0;
    std::int64_t packets_in = 0;
    std::int64_t packets_out = 0;
    std::int64_t first_us = 0;  // first and last packet, epoch microseconds UTC
    std::int64_t last_us = 0;
    char first_talker = 'L';  // 'L' or 'R'
    char last_talker = 'L';   // 'L', 'R', or '-' for a one-way session (no answer at all)
    friend bool operator==(const SearchRow&, const SearchRow&) = default;
};

struct SearchSummary {
    std::int64_t rows = 0;     // rows passed to the sink
    bool limited = false;      // the line limit stopped the search: more rows would have followed
    std::int64_t limit = 0;    // the limit applied (after capping)
    Notes notes;               // skipped files, a capped limit, ...
};

using SearchSink = std::function<void(const SearchRow&)>;

// Runs `filter` over the interval files of its period and passes every `every`-th match to
// `sink` as soon as it is read, in the order of interval file start, then first_us (then the
// session key, so the order is total). Rows are filtered by session time: a session is in the
// period when last_us >= from and first_us < to. At most `limit` rows (capped at kMaxLimit);
// reading stops as soon as it is known that one more would have been shown. Every value
// reaches SQLite as a bound parameter. Unreadable files are notes, never errors.
// Throws FilterError for a limit or increment below 1.
SearchSummary run_search(const IntervalCatalog& catalog, const SearchFilter& filter, const SearchSink& sink);

}  // namespace ipaudit::report
