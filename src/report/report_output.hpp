// The reports as one table each (columns + rows of text or exact integers), and that table
// written as aligned text, CSV (RFC 4180, one header row) or JSON. No HTML here: a web page
// can render the same Table itself.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "report/port_labels.hpp"
#include "report/report_queries.hpp"
#include "report/search_output.hpp"

namespace ipaudit::report {

struct Cell {
    std::string text;     // empty: no value (JSON null)
    bool number = false;  // an exact integer (unquoted in JSON, right-aligned in text)
};

struct ReportTable {
    std::string report;  // pairs, scanners, servers, traffic
    std::vector<std::string> columns;
    std::vector<std::vector<Cell>> rows;
};

// pairs: section (pair, local_host, remote_host), local_ip, remote_ip, bytes_in, bytes_out,
//   bytes_total, packets, sessions, largest_session (pairs only), peers (hosts only).
//   bytes_in/out are seen from the local side for pairs and local hosts, from the remote host
//   for remote hosts (what it received / sent).
[[nodiscard]] ReportTable pairs_table(const PairsReport& r);
// scanners: direction (out, in), scanner_ip, targets, rejected, hosts, ports, probes,
//   source_ports, top_source_port, top_source_port_hosts, top_ports ("445/tcp SMB:2000 ..."),
//   first_time, last_time.
[[nodiscard]] ReportTable scanners_table(const ScannersReport& r, const PortLabels& labels);
// servers: role (server, then client rows), port, proto, service, risk (yes/no), local_ip,
//   peers (distinct clients of a server, servers of a client), sessions, bytes_in, bytes_out
//   (seen from the local host), packets, expected (yes/no; servers only), flag ("UNEXPECTED"
//   for a server not expected, else empty).
[[nodiscard]] ReportTable servers_table(const ServersReport& r);
// traffic: proto, service, bytes_in, bytes_out, bytes_other, bytes_total, packets, sessions,
//   share_ppm, share_percent; then the TOTAL row (proto "all").
[[nodiscard]] ReportTable traffic_table(const TrafficReport& r);

// text: a title line with the period, aligned columns; csv: header + rows; json:
// {"report":..,"period":{..},"columns":[..],"rows":[{..},..],"notes":[..]}. For text and CSV
// the caller shows the notes.
void write_report(OutputFormat format, std::ostream& out, const ReportTable& table, const Period& period,
                  const Notes& notes);

}  // namespace ipaudit::report
