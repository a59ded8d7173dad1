// The host report (DESIGN.md "Reports" -> host): one IP over a period, as plain rows.
//
// Reads the sessions of the IP from every interval file of the period through an
// IntervalCatalog, with parameterized SQL that finds them by BLOB equality on the ip_a / ip_b
// indexes, and merges them here: totals in and out, per local day, per interval (for a chart),
// the peers, the services the host used as a client and those it offered as a server. A session
// is in the period when last_us >= from and first_us < to (as in the search and the other
// reports); a session seen in two interval files counts in both (its bytes are split between
// them, so byte and packet totals are exact). Unreadable files become notes, never errors.
//
// A period over more than one local day reads the whole days that have a usable daily rollup
// (plan_period, with the labels' fingerprint) from it instead: totals by the host's class in
// the host table, one day row and one timeline point per day (in place of one per interval),
// peers from the pair table (distinct peers exact: the union over days), first/last seen.
// Services there come from service_peer: only the ports ports.conf watches, only sessions the
// server answered with one side local, and without packets split in/out (a note says so).
// The other days, and every period of one day or less, read the sessions as above.
//
// With HostOptions::findings (the CLI and host.cgi give ipaudit.conf's min-targets and
// expected-servers) the report also holds the host's findings: its rows of scanners_report and
// servers_report over the same period (those reports run whole, then filtered to the host).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ip_address.hpp"
#include "report/interval_catalog.hpp"
#include "report/port_labels.hpp"
#include "report/report_output.hpp"
#include "report/report_queries.hpp"
#include "report/time_spec.hpp"

namespace ipaudit::report {

// The settings of the findings: the scanners report's threshold and the expected servers
// (what the scanners and servers reports use; ipaudit.conf's min-targets and expected-servers).
struct HostFindingOptions {
    std::int64_t min_targets = kDefaultMinTargets;
    std::vector<ExpectedServer> expected;
};

struct HostOptions {
    IpAddress ip;
    Period period;
    std::size_t top = kDefaultTop;  // peers and services per table at most (0: no limit, capped at kMaxTop)
    // When given, the report also holds the host's scanner and server findings (HostFindings).
    std::optional<HostFindingOptions> findings = std::nullopt;
};

// Traffic seen from the host: "in" is what it received, "out" what it sent.
struct HostTraffic {
    std::int64_t bytes_in = 0;
    std::int64_t bytes_out = 0;
    std::int64_t packets_in = 0;
    std::int64_t packets_out = 0;
    std::int64_t sessions = 0;
    [[nodiscard]] std::int64_t bytes_total() const noexcept { return bytes_in + bytes_out; }
    void add(const HostTraffic& o) noexcept {
        bytes_in += o.bytes_in;
        bytes_out += o.bytes_out;
        packets_in += o.packets_in;
        packets_out += o.packets_out;
        sessions += o.sessions;
    }
};

struct HostTotals {
    HostTraffic all;
    HostTraffic as_local;   // sessions where the host's side is local ('L')
    HostTraffic as_remote;  // ... remote ('R')
    HostTraffic as_other;   // ... an "other" network ('O': multicast, broadcast)
    std::int64_t peers = 0;      // distinct hosts on the other side
    std::int64_t first_us = 0;   // first packet of its first session (0 when none)
    std::int64_t last_us = 0;    // last packet of its last session
};

// One local day (midnight to midnight, 23 or 25 hours on DST days), by each session's first
// packet (or the period's start for a session that began before it).
struct HostDayRow {
    std::int64_t day_start_us = 0;
    HostTraffic traffic;
};

// One local week, Monday midnight to Monday midnight: the days above added up.
using HostWeekRow = HostDayRow;

// One interval file (files with the same coverage start merged), for the timeline chart.
// Every file of the period has a point, zero when the host was silent; a day read from its
// rollup has one point (start: the day's local midnight) in place of its files'.
struct HostIntervalPoint {
    std::int64_t start_us = 0;  // coverage start
    HostTraffic traffic;
};

struct HostPeerRow {
    IpAddress ip;
    char peer_class = 'R';  // the peer's class in the files: 'L', 'R' or 'O'
    HostTraffic traffic;    // seen from the host
    std::int64_t first_us = 0;
    std::int64_t last_us = 0;
};

// A service: (proto, port of the server side). Used: the host talked first and the peer's port
// is the service. Offered: the peer talked first and the host answered on its port, with the
// rule of servers_report: TCP, it sent SYN (its SYN-ACK) or payload (bytes > bare headers);
// UDP, it sent packets back. Only TCP and UDP are services.
struct HostServiceRow {
    int proto = 0;
    int port = 0;
    std::string label;  // from ports.conf, "" when none
    bool risk = false;
    HostTraffic traffic;          // seen from the host
    std::int64_t peers = 0;       // distinct servers (used) or clients (offered)
    std::int64_t answered = 0;    // used: sessions the server answered by the same rule; offered: = sessions
};

// The host in the scanners and servers reports of the same period (DESIGN.md: "host: ...
// scanner/server findings"): its rows there, exactly as those reports give them.
struct HostFindings {
    bool computed = false;            // HostOptions::findings was given
    std::int64_t min_targets = kDefaultMinTargets;  // the scanner threshold used
    struct Scanner {
        ScannerRow row;     // its scanners_report row
        std::string label;  // ports.conf label of its most-probed port (row.top_ports[0]), "" when none
    };
    std::vector<Scanner> scanner;     // outgoing first, then incoming (0..2 rows)
    std::vector<ServerRow> servers;   // its servers_report rows (the watched services it answered), in that order
    [[nodiscard]] bool unexpected_server() const noexcept {
        for (const auto& s : servers)
            if (!s.expected) return true;
        return false;
    }
};

struct HostReport {
    IpAddress ip;
    HostTotals totals;
    std::vector<HostDayRow> days;             // by day
    std::vector<HostWeekRow> weeks;           // by week (day_start_us: the Monday)
    std::vector<HostIntervalPoint> intervals; // by start
    std::vector<HostPeerRow> peers;           // by total bytes, descending (ties: by IP); at most top
    std::vector<HostServiceRow> used;         // by total bytes, descending (ties: port, proto); at most top
    std::vector<HostServiceRow> offered;      // the same
    HostFindings findings;                    // empty unless HostOptions::findings
    Notes notes;
};

[[nodiscard]] HostReport host_report(const IntervalCatalog& catalog, const PortLabels& labels, const HostOptions& options);

// One table for the CLI and format=csv|json. Columns: section, role, start, peer_ip, proto, port,
// service, bytes_in, bytes_out, bytes_total, packets_in, packets_out, sessions, peers, answered,
// first_time, last_time. Sections, in order:
//   total     role all, then local / remote / other for each side class the host had
//             (peers, first_time, last_time on the 'all' row)
//   day       start = YYYY-MM-DD (local)
//   week      start = YYYY-MM-DD of the week's Monday (local)
//   peer      peer_ip, role = the peer's class (local, remote, other), first/last time
//   used      proto, port, service, peers = servers, answered = sessions answered
//   offered   proto, port, service, peers = clients
//   interval  start = interval start (local time)
// and, when the findings were computed (HostOptions::findings):
//   scanner   one row per direction in which the host is a scanner (scanners_report with
//             the threshold): role outgoing (a local scanner) or incoming (a remote one);
//             proto, port, service = its most-probed target port; sessions = probes;
//             peers = targets (distinct (host, port) never answered or only rejected);
//             answered = of which rejected (RST, ICMP unreachable); first/last probe time
//   server    one row per watched service it answered (servers_report): role expected or
//             unexpected (not in the expected servers); proto, port, service; bytes_in /
//             bytes_out (received / sent by the host), sessions, peers = clients,
//             answered = sessions
// bytes_in / packets_in are what the host received. Report name "host".
[[nodiscard]] ReportTable host_table(const HostReport& r);

}  // namespace ipaudit::report
