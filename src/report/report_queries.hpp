// The pairs, scanners, servers and traffic reports (DESIGN.md "Reports") as plain rows.
//
// Every report reads the interval files of a period through an IntervalCatalog, runs one
// parameterized, grouped SQL statement per file and merges the groups in C++. A session is in
// the period when last_us >= from and first_us < to (as in the search). A session seen in two
// interval files counts as two sessions (its bytes are split between the files, so byte and
// packet totals are exact). Unreadable files become notes, never errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ip_address.hpp"
#include "report/interval_catalog.hpp"
#include "report/port_labels.hpp"
#include "report/time_spec.hpp"

namespace ipaudit::report {

inline constexpr std::size_t kDefaultTop = 20;
inline constexpr std::size_t kMaxTop = 10'000;

struct ReportOptions {
    Period period;
    std::size_t top = kDefaultTop;  // rows per table at most (0: no limit, capped at kMaxTop)
};

// ---- pairs --------------------------------------------------------------------------------
// Only sessions with exactly one local side (class 'L') and one remote side ('R') count.
struct PairRow {
    IpAddress local_ip;
    IpAddress remote_ip;
    std::int64_t bytes_in = 0;   // received by the local side
    std::int64_t bytes_out = 0;  // sent by the local side
    std::int64_t packets = 0;    // both ways
    std::int64_t sessions = 0;
    std::int64_t largest_session = 0;  // bytes both ways of the largest session (per interval file)
    [[nodiscard]] std::int64_t bytes_total() const noexcept { return bytes_in + bytes_out; }
};

struct HostRow {
    IpAddress ip;
    std::int64_t bytes_in = 0;   // received by this host
    std::int64_t bytes_out = 0;  // sent by this host
    std::int64_t packets = 0;
    std::int64_t sessions = 0;
    std::int64_t peers = 0;  // distinct hosts on the other side
    [[nodiscard]] std::int64_t bytes_total() const noexcept { return bytes_in + bytes_out; }
};

// Host rows count every session of the host, whatever the other side (local, remote, other):
// a local host's internal traffic counts too. Pairs are local-remote only.
struct PairsReport {
    std::vector<PairRow> pairs;         // by total bytes, descending (ties: by IPs)
    std::vector<HostRow> local_hosts;   // busiest local hosts, all their sessions
    std::vector<HostRow> remote_hosts;  // busiest remote hosts
    Notes notes;
};

[[nodiscard]] PairsReport pairs_report(const IntervalCatalog& catalog, const ReportOptions& options);

// ---- scanners -----------------------------------------------------------------------------
// A probe is a session that the scanner started (its side is the first talker; ICMP error
// messages are never probes) to a target (host, port, protocol) whose side is local or remote
// (not 'O'), and that the target never answered or only rejected:
//   - the target sent no packet in the session (no reply; an ICMP unreachable is a session of
//     its own, so a UDP probe answered by one is also "no reply"), or
//   - TCP, the target's flags include RST and it sent no payload: bytes <= 40 x packets from an
//     IPv4 target, 60 x packets from an IPv6 one (bare headers).
// Outgoing scanners are local scanners, incoming scanners remote ones. A host is listed when
// its distinct unanswered targets reach min_targets.
inline constexpr std::int64_t kDefaultMinTargets = 50;

struct ScannerOptions {
    Period period;
    std::size_t top = kDefaultTop;
    std::int64_t min_targets = kDefaultMinTargets;
    std::size_t top_ports = 5;  // ports listed per scanner
    std::optional<IpAddress> only;  // just this host's rows (the host report's findings)
};

struct ScannerPort {
    int proto = 0;
    int port = 0;
    std::int64_t targets = 0;  // distinct target hosts on this port
};

struct ScannerRow {
    IpAddress ip;
    bool outgoing = true;        // a local scanner
    std::int64_t targets = 0;    // distinct (host, port, protocol) unanswered or rejected
    std::int64_t rejected = 0;   // ... of which rejected (RST) rather than unanswered
    std::int64_t hosts = 0;      // distinct target hosts
    std::int64_t ports = 0;      // distinct target (port, protocol)
    std::int64_t probes = 0;     // probe sessions
    std::int64_t source_ports = 0;       // distinct source ports of the probes
    int top_source_port = 0;             // the source port that reached the most target hosts
    std::int64_t top_source_port_hosts = 0;
    std::vector<ScannerPort> top_ports;  // by targets, descending
    std::int64_t first_us = 0;
    std::int64_t last_us = 0;
};

struct ScannersReport {
    std::vector<ScannerRow> outgoing;  // by targets, descending (ties: by IP)
    std::vector<ScannerRow> incoming;
    Notes notes;
};

[[nodiscard]] ScannersReport scanners_report(const IntervalCatalog& catalog, const ScannerOptions& options);

// ---- servers ------------------------------------------------------------------------------
// For each port ports.conf marks 'service' or 'risk': the local hosts that answered on it as
// servers: the other side is the first talker (the client) and the local side on that port
// answered: TCP, it sent SYN (its SYN-ACK) or payload (bytes > bare headers);
// UDP, it sent packets back. Also the local clients of each such service: local first
// talkers that a server (local or remote) answered on that port in the same way. `top`
// applies per service to servers and to clients.
struct ExpectedServer {
    IpAddress ip;
    int port = 0;
    friend bool operator==(const ExpectedServer&, const ExpectedServer&) = default;
};

struct ServerOptions {
    Period period;
    std::size_t top = kDefaultTop;  // servers per service at most
    std::vector<ExpectedServer> expected;
    std::optional<IpAddress> only;  // just this server's rows (the host report's findings)
    bool clients = true;            // also each service's local clients (the summary needs none)
};

struct ServerRow {
    int proto = 0;
    int port = 0;
    std::string label;
    bool risk = false;
    IpAddress server;
    std::int64_t clients = 0;   // distinct client hosts
    std::int64_t sessions = 0;
    std::int64_t bytes_in = 0;  // received by the server
    std::int64_t bytes_out = 0;
    std::int64_t packets = 0;
    bool expected = false;      // in ServerOptions::expected; unexpected servers are flagged
};

// A local host that used a service as a client (a server answered it on that port).
struct ServiceClientRow {
    int proto = 0;
    int port = 0;
    std::string label;
    bool risk = false;
    IpAddress client;
    std::int64_t servers = 0;   // distinct server hosts
    std::int64_t sessions = 0;
    std::int64_t bytes_in = 0;  // received by the client
    std::int64_t bytes_out = 0;
    std::int64_t packets = 0;
};

struct ServersReport {
    std::vector<ServerRow> servers;  // by (port, proto), then bytes both ways, descending
    std::vector<ServiceClientRow> clients;  // the local clients, ordered the same way
    Notes notes;
};

[[nodiscard]] ServersReport servers_report(const IntervalCatalog& catalog, const PortLabels& labels,
                                           const ServerOptions& options);

// HOST:PORT,... (IPv6 as [ADDR]:PORT). Throws FilterError.
[[nodiscard]] std::vector<ExpectedServer> parse_expected_servers(std::string_view text);

// ---- traffic ------------------------------------------------------------------------------
// Every session, grouped by protocol and service label: the label of the responder's port
// (the side that did not talk first), else of the initiator's port, else "other" (TCP/UDP) or
// "" (other protocols). in/out are seen from the local side when exactly one side is local;
// sessions with both or neither side local count as "other" bytes.
struct TrafficRow {
    int proto = 0;
    std::string service;
    std::int64_t bytes_in = 0;
    std::int64_t bytes_out = 0;
    std::int64_t bytes_other = 0;  // local-to-local, or no local side
    std::int64_t packets = 0;
    std::int64_t sessions = 0;
    std::int64_t share_ppm = 0;  // bytes_total / grand total, parts per million (rounded down)
    [[nodiscard]] std::int64_t bytes_total() const noexcept { return bytes_in + bytes_out + bytes_other; }
};

struct TrafficReport {
    std::vector<TrafficRow> rows;  // by total bytes, descending (ties: proto, service); at most top
    TrafficRow total;              // over every session, not only the rows shown; service "TOTAL"
    Notes notes;
};

[[nodiscard]] TrafficReport traffic_report(const IntervalCatalog& catalog, const PortLabels& labels,
                                           const ReportOptions& options);

// "12.34" for parts per million (two decimals, rounded down).
[[nodiscard]] std::string percent_text(std::int64_t ppm);

}  // namespace ipaudit::report
