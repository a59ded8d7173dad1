// pairs.cgi: the busiest (local, remote) host pairs, busiest local and remote hosts
// (DESIGN.md "Reports" -> pairs). Parameters as `ipaudit report pairs`: from, to, top, format.
#include <iostream>

#include "report/report_queries.hpp"
#include "report_page.hpp"

namespace rp = ipaudit::report;
using namespace ipaudit::cgi;

namespace {

void hosts_table(std::ostream& out, const char* id, const std::vector<rp::HostRow>& rows, const rp::Period& period,
                 bool local) {
    out << "<div class=\"scroll\"><table id=\"" << id << "\"><thead><tr><th class=\"n\">#</th><th>"
        << (local ? "Local host" : "Remote host")
        << "</th><th class=\"n\">Received</th><th class=\"n\">Sent</th><th class=\"n\">Total</th>"
           "<th class=\"n\">Packets</th><th class=\"n\">Sessions</th><th class=\"n\">Peers</th><th></th></tr></thead><tbody>\n";
    std::size_t i = 0;
    for (const auto& r : rows) {
        out << "<tr><td class=\"n\">" << ++i << "</td><td>" << host_link(r.ip, period) << "</td>" << bytes_td(r.bytes_in)
            << bytes_td(r.bytes_out) << bytes_td(r.bytes_total()) << count_cell(r.packets) << count_cell(r.sessions)
            << count_cell(r.peers) << "<td>" << search_link(period, {{"ip", r.ip.to_string()}}) << "</td></tr>\n";
    }
    if (rows.empty()) out << "<tr><td colspan=\"9\" class=\"muted\">No traffic in this period.</td></tr>\n";
    out << "</tbody></table></div>\n";
}

int run() {
    std::ostream& out = std::cout;
    const Config config = load_config();
    const rp::IntervalCatalog catalog(config.data_dir);
    const auto span = catalog.data_span();
    ReportPage page("pairs.cgi", "Busiest host pairs", Page::kPairs);
    bool head = false;
    const auto parsed = page.parse_or_reject(out, span, head);
    if (!parsed) return 0;
    const ReportParams& p = *parsed;
    rp::PairsReport r = rp::pairs_report(catalog, {p.period, p.top});
    if (p.format != Format::kHtml) {
        write_machine(out, p, head, rp::pairs_table(r), r.notes);
        return 0;
    }
    send_headers(out, 200, "text/html; charset=utf-8");
    if (head) return 0;
    page.html_begin(out, p, catalog, span);
    out << "<h2>Busiest pairs (local ↔ remote), by total bytes</h2>\n"
           "<div class=\"scroll\"><table id=\"pairs\"><thead><tr><th class=\"n\">#</th><th>Local host</th><th>Remote host</th>"
           "<th class=\"n\">In (to local)</th><th class=\"n\">Out (from local)</th><th class=\"n\">Total</th>"
           "<th class=\"n\">Packets</th><th class=\"n\">Sessions</th><th class=\"n\">Largest session</th><th></th></tr></thead><tbody>\n";
    std::size_t i = 0;
    for (const auto& row : r.pairs) {
        out << "<tr><td class=\"n\">" << ++i << "</td><td>" << host_link(row.local_ip, p.period) << "</td><td>"
            << host_link(row.remote_ip, p.period) << "</td>" << bytes_td(row.bytes_in) << bytes_td(row.bytes_out)
            << bytes_td(row.bytes_total()) << count_cell(row.packets) << count_cell(row.sessions)
            << bytes_td(row.largest_session) << "<td>"
            << search_link(p.period, {{"ip", row.local_ip.to_string()}, {"ip2", row.remote_ip.to_string()}}) << "</td></tr>\n";
    }
    if (r.pairs.empty()) out << "<tr><td colspan=\"10\" class=\"muted\">No local ↔ remote traffic in this period.</td></tr>\n";
    out << "</tbody></table></div>\n<div class=\"grid2\"><div>\n<h2>Busiest local hosts</h2>\n";
    hosts_table(out, "local-hosts", r.local_hosts, p.period, true);
    out << "</div><div>\n<h2>Busiest remote hosts</h2>\n";
    hosts_table(out, "remote-hosts", r.remote_hosts, p.period, false);
    out << "</div></div>\n<p class=\"muted\">Pairs are local ↔ remote sessions; a host's totals count all its "
           "sessions (a local host's internal traffic too). "
           "Hover a number for its exact value; IPs open the host report, “search” lists the sessions.</p>\n";
    write_notes(out, r.notes);
    page_end(out);
    out.flush();
    return 0;
}

}  // namespace

int main() { return page_main("pairs.cgi", run); }
