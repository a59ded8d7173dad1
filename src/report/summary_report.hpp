// The summary report (DESIGN.md "Reports" -> summary): a week or a month at a glance, built
// from the other reports of the library (whole days come from the daily rollups).
//
// Totals with shares, one entry per local day, the busiest pairs and local and remote hosts,
// services, scanners both ways, and the servers that answered in the period but not in the
// previous one. Weeks and months are local (TZ honoured): a week is seven local days starting
// on Monday (or Sunday), a month a calendar month; a day of 23 or 25 hours is still one day.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "report/interval_catalog.hpp"
#include "report/port_labels.hpp"
#include "report/report_output.hpp"
#include "report/report_queries.hpp"
#include "report/search_output.hpp"
#include "report/time_spec.hpp"
#include "report/traffic_series.hpp"

namespace ipaudit::report {

inline constexpr std::size_t kSummaryTop = 100;

enum class SummaryKind { kWeek, kMonth };
enum class WeekStart { kMonday, kSunday };

// "week" or "month"; "monday" or "sunday". Throw std::invalid_argument naming the accepted words.
[[nodiscard]] SummaryKind parse_summary_kind(std::string_view text);
[[nodiscard]] WeekStart parse_week_start(std::string_view text);

// The local week (seven local days from the Monday, or Sunday, on or before the anchor's day)
// or the calendar month holding `anchor_us`: [first local midnight, the midnight after).
[[nodiscard]] Period summary_period(SummaryKind kind, std::int64_t anchor_us, WeekStart week_start = WeekStart::kMonday);

// The last complete week or month before the one holding `now_us`.
[[nodiscard]] Period last_complete_period(SummaryKind kind, std::int64_t now_us, WeekStart week_start = WeekStart::kMonday);

// The period the new servers are compared with, ending where `period` starts: the previous
// calendar month when `period` is one calendar month; else, when both ends are local
// midnights, as many local days before (a 169-hour DST week is preceded by a 168-hour one);
// else the same length before.
[[nodiscard]] Period previous_period(const Period& period);

// The period of a summary request, the same rule for `ipaudit report summary` and summary.cgi:
//   - `to` without `kind`: [from, to) as parse_period() reads them (from defaults to 24 h
//     before to);
//   - otherwise the week (default) or month holding `from` (any parse_time() form), or holding
//     `default_anchor_us` when there is no `from`.
// `kind` together with `to` is a std::invalid_argument. Throws TimeSpecError for bad times.
[[nodiscard]] Period resolve_summary_period(std::optional<SummaryKind> kind, const std::optional<std::string>& from,
                                            const std::optional<std::string>& to, WeekStart week_start,
                                            std::int64_t default_anchor_us, std::int64_t now_us);

struct SummaryOptions {
    Period period;
    std::size_t top = kSummaryTop;  // rows per table at most (0: no limit, capped at kMaxTop)
    std::int64_t min_targets = kDefaultMinTargets;  // scanners listed from this many unanswered targets
    std::vector<ExpectedServer> expected;           // servers not listed here are flagged
};

// Bytes of the period split four ways (interval_points): received and sent by local hosts
// from and to non-local ones, local to local, and with no local side.
struct SummaryTotals {
    IntervalPoint sum;          // start_us/end_us: the period
    std::int64_t intervals = 0;  // interval files (or rollup interval rows) counted
    [[nodiscard]] std::int64_t bytes_total() const noexcept {
        return sum.bytes_in + sum.bytes_out + sum.bytes_internal + sum.bytes_external;
    }
    // A part of bytes_total() in parts per million (rounded down; 0 when there is no traffic).
    [[nodiscard]] std::int64_t share_ppm(std::int64_t part) const noexcept;
};

struct SummaryReport {
    Period period;
    Period previous;  // what new_servers are compared with
    SummaryTotals totals;
    std::vector<DayPoint> days;          // every local day of the period, empty ones included
    std::vector<PairRow> pairs;          // as pairs_report, at most top each
    std::vector<HostRow> local_hosts;
    std::vector<HostRow> remote_hosts;
    TrafficReport services;              // as traffic_report (rows at most top, and the TOTAL row)
    std::vector<ScannerRow> scanners;    // outgoing, then incoming (scanners_report), at most top each
    // Servers (servers_report, every server of every watched service) whose (server, proto,
    // port) did not answer in `previous`; ordered as servers_report orders them.
    std::vector<ServerRow> new_servers;
    Notes notes;  // of every part, each note once
};

// Runs the reports over options.period (and servers over previous_period() too). Unreadable
// files become notes; throws only what the underlying reports throw.
[[nodiscard]] SummaryReport summary_report(const IntervalCatalog& catalog, const PortLabels& labels,
                                           const SummaryOptions& options);

// One table (report "summary") for text, CSV and JSON. Columns: section, role, day, local_ip,
// remote_ip, proto, port, service, bytes_in, bytes_out, bytes_internal, bytes_external,
// bytes_other, bytes_total, packets, sessions, peers, largest_session, intervals, dropped,
// decode_errors, share_ppm, share_percent, targets, rejected, ports, top_ports, expected, flag,
// first_time, last_time. Sections, in order:
//   period       role current, then previous: day = first day, first_time/last_time = [from, to)
//   total        role all: the four byte kinds, bytes_total, packets, sessions, intervals,
//                dropped, decode_errors; then roles in, out, internal, external: bytes_total =
//                that part, share_ppm, share_percent
//   day          day = YYYY-MM-DD (local), the figures of total/all
//   pair         local_ip, remote_ip, bytes_in/out (seen from the local host), bytes_total,
//                packets, sessions, largest_session
//   local_host   local_ip, bytes_in/out (received/sent by it), bytes_total, packets, sessions, peers
//   remote_host  remote_ip, the same (bytes_in: received by the remote host)
//   service      proto, service, bytes_in, bytes_out, bytes_other, bytes_total, packets,
//                sessions, share_ppm, share_percent; then the TOTAL row (proto all)
//   scanner      role out (local_ip) or in (remote_ip), targets, rejected, peers = distinct
//                target hosts, ports, sessions = probes, top_ports, first_time, last_time
//   new_server   local_ip, proto, port, service, peers = clients, sessions, bytes_in/out (seen
//                from the server), bytes_total, packets, expected (yes/no), flag (UNEXPECTED)
[[nodiscard]] ReportTable summary_table(const SummaryReport& r, const PortLabels& labels);

// csv and json: write_report() of the table. text: a title line, then each section as its own
// aligned table with only the columns it uses. For text and CSV the caller shows the notes.
void write_summary(OutputFormat format, std::ostream& out, const ReportTable& table, const SummaryReport& r);

}  // namespace ipaudit::report
