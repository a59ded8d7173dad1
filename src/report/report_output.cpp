// Report tables and their text, CSV and JSON forms.
#include "report/report_output.hpp"

#include <algorithm>

#include "report/escape.hpp"
#include "report/time_spec.hpp"

namespace ipaudit::report {

namespace {

Cell num(std::int64_t v) { return {std::to_string(v), true}; }
Cell txt(std::string s) { return {std::move(s), false}; }
Cell none() { return {}; }

}  // namespace

ReportTable pairs_table(const PairsReport& r) {
    ReportTable t{"pairs",
                  {"section", "local_ip", "remote_ip", "bytes_in", "bytes_out", "bytes_total", "packets", "sessions",
                   "largest_session", "peers"},
                  {}};
    for (const PairRow& p : r.pairs)
        t.rows.push_back({txt("pair"), txt(p.local_ip.to_string()), txt(p.remote_ip.to_string()), num(p.bytes_in),
                          num(p.bytes_out), num(p.bytes_total()), num(p.packets), num(p.sessions),
                          num(p.largest_session), none()});
    for (const HostRow& h : r.local_hosts)
        t.rows.push_back({txt("local_host"), txt(h.ip.to_string()), none(), num(h.bytes_in), num(h.bytes_out),
                          num(h.bytes_total()), num(h.packets), num(h.sessions), none(), num(h.peers)});
    for (const HostRow& h : r.remote_hosts)
        t.rows.push_back({txt("remote_host"), none(), txt(h.ip.to_string()), num(h.bytes_in), num(h.bytes_out),
                          num(h.bytes_total()), num(h.packets), num(h.sessions), none(), num(h.peers)});
    return t;
}

ReportTable scanners_table(const ScannersReport& r, const PortLabels& labels) {
    ReportTable t{"scanners",
                  {"direction", "scanner_ip", "targets", "rejected", "hosts", "ports", "probes", "source_ports",
                   "top_source_port", "top_source_port_hosts", "top_ports", "first_time", "last_time"},
                  {}};
    for (const auto* list : {&r.outgoing, &r.incoming}) {
        for (const ScannerRow& s : *list) {
            std::string ports;
            for (const ScannerPort& p : s.top_ports)
                ports += (ports.empty() ? "" : " ") + port_text(p.proto, p.port, labels) + ":" + std::to_string(p.targets);
            t.rows.push_back({txt(s.outgoing ? "out" : "in"), txt(s.ip.to_string()), num(s.targets), num(s.rejected),
                              num(s.hosts), num(s.ports), num(s.probes), num(s.source_ports), num(s.top_source_port),
                              num(s.top_source_port_hosts), txt(ports), txt(format_local_time(s.first_us)),
                              txt(format_local_time(s.last_us))});
        }
    }
    return t;
}

ReportTable servers_table(const ServersReport& r) {
    ReportTable t{"servers",
                  {"role", "port", "proto", "service", "risk", "local_ip", "peers", "sessions", "bytes_in", "bytes_out",
                   "packets", "expected", "flag"},
                  {}};
    for (const ServerRow& s : r.servers)
        t.rows.push_back({txt("server"), num(s.port), txt(protocol_name(s.proto)), txt(s.label),
                          txt(s.risk ? "yes" : "no"), txt(s.server.to_string()), num(s.clients), num(s.sessions),
                          num(s.bytes_in), num(s.bytes_out), num(s.packets), txt(s.expected ? "yes" : "no"),
                          txt(s.expected ? "" : "UNEXPECTED")});
    for (const ServiceClientRow& c : r.clients)
        t.rows.push_back({txt("client"), num(c.port), txt(protocol_name(c.proto)), txt(c.label),
                          txt(c.risk ? "yes" : "no"), txt(c.client.to_string()), num(c.servers), num(c.sessions),
                          num(c.bytes_in), num(c.bytes_out), num(c.packets), none(), none()});
    return t;
}

ReportTable traffic_table(const TrafficReport& r) {
    ReportTable t{"traffic",
                  {"proto", "service", "bytes_in", "bytes_out", "bytes_other", "bytes_total", "packets", "sessions",
                   "share_ppm", "share_percent"},
                  {}};
    const auto add = [&t](const TrafficRow& row, std::string proto) {
        t.rows.push_back({txt(std::move(proto)), txt(row.service), num(row.bytes_in), num(row.bytes_out),
                          num(row.bytes_other), num(row.bytes_total()), num(row.packets), num(row.sessions),
                          num(row.share_ppm), txt(percent_text(row.share_ppm))});
    };
    for (const TrafficRow& row : r.rows) add(row, protocol_name(row.proto));
    add(r.total, "all");
    return t;
}

void write_report(OutputFormat format, std::ostream& out, const ReportTable& table, const Period& period,
                  const Notes& notes) {
    const std::size_t n = table.columns.size();
    switch (format) {
        case OutputFormat::kCsv: {
            for (std::size_t i = 0; i < n; ++i) out << (i ? "," : "") << csv_field(table.columns[i]);
            out << "\r\n";
            for (const auto& row : table.rows) {
                for (std::size_t i = 0; i < n; ++i) out << (i ? "," : "") << csv_field(row[i].text);
                out << "\r\n";
            }
            break;
        }
        case OutputFormat::kJson: {
            out << "{\"report\":" << json_string(table.report) << ",\"period\":{\"from\":"
                << json_string(format_local_time(period.from_us)) << ",\"to\":" << json_string(format_local_time(period.to_us))
                << ",\"from_us\":" << period.from_us << ",\"to_us\":" << period.to_us << "},\"columns\":[";
            for (std::size_t i = 0; i < n; ++i) out << (i ? "," : "") << json_string(table.columns[i]);
            out << "],\"rows\":[";
            for (std::size_t r = 0; r < table.rows.size(); ++r) {
                out << (r ? "," : "") << '{';
                for (std::size_t i = 0; i < n; ++i) {
                    const Cell& c = table.rows[r][i];
                    out << (i ? "," : "") << json_string(table.columns[i]) << ':'
                        << (c.text.empty() && !c.number ? std::string("null") : c.number ? c.text : json_string(c.text));
                }
                out << '}';
            }
            out << "],\"notes\":[";
            for (std::size_t i = 0; i < notes.size(); ++i) out << (i ? "," : "") << json_string(notes[i]);
            out << "]}\n";
            break;
        }
        case OutputFormat::kText: {
            std::vector<std::size_t> width(n);
            for (std::size_t i = 0; i < n; ++i) width[i] = table.columns[i].size();
            for (const auto& row : table.rows)
                for (std::size_t i = 0; i < n; ++i) width[i] = std::max(width[i], std::max<std::size_t>(row[i].text.size(), 1));
            out << "ipaudit " << table.report << " report, " << format_local_time(period.from_us) << " to "
                << format_local_time(period.to_us) << '\n';
            const auto line = [&](const std::vector<std::string>& cells, const std::vector<bool>& right) {
                std::string s;
                for (std::size_t i = 0; i < n; ++i) {
                    const std::string& c = cells[i];
                    const std::string pad(width[i] - c.size(), ' ');
                    s += i ? "  " : "";
                    s += right[i] ? pad + c : (i + 1 < n ? c + pad : c);
                }
                out << s << '\n';
            };
            line(table.columns, std::vector<bool>(n, false));
            for (const auto& row : table.rows) {
                std::vector<std::string> cells;
                std::vector<bool> right;
                for (const Cell& c : row) {
                    cells.push_back(c.text.empty() ? "-" : c.text);
                    right.push_back(c.number);
                }
                line(cells, right);
            }
            if (table.rows.empty()) out << "(nothing found)\n";
            break;
        }
    }
}

}  // namespace ipaudit::report
