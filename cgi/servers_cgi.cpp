// servers.cgi: the local hosts that answered as servers, per service, unexpected ones flagged;
// and the local clients of each service (DESIGN.md "Reports" -> servers). Parameters as
// `ipaudit report servers`: from, to, top, expected (HOST:PORT,..), format; expected defaults
// to `expected-servers` of ipaudit.conf ($IPAUDIT_CONF).
#include <iostream>

#include "report/report_queries.hpp"
#include "report/search_filter.hpp"
#include "report_page.hpp"

namespace rp = ipaudit::report;
using namespace ipaudit::cgi;

namespace {

std::string service_html(int proto, int port, const std::string& label, bool risk) {
    std::string s;
    if (!label.empty()) s = "<span class=\"tag" + std::string(risk ? " risk" : "") + "\">" + html(label) + (risk ? " risk" : "") + "</span> ";
    return s + std::to_string(port) + '/' + html(rp::protocol_name(proto));
}

int run() {
    std::ostream& out = std::cout;
    const Config config = load_config();
    const rp::IntervalCatalog catalog(config.data_dir);
    const auto span = catalog.data_span();
    // The expected servers of ipaudit.conf (expected-servers), unless the form gives a list.
    std::string configured;
    for (const auto& e : config.settings.expected)
        configured += (configured.empty() ? "" : ",") +
                      (e.ip.is_v4() ? e.ip.to_string() : "[" + e.ip.to_string() + "]") + ':' + std::to_string(e.port);
    ReportPage page("servers.cgi", "Servers and clients by service", Page::kServers,
                    {{"expected", "Expected servers (IP:PORT,..)", configured.empty() ? "10.1.1.25:25,10.1.1.80:80" : configured}});
    rp::ServerOptions o;
    o.expected = config.settings.expected;
    rp::PortLabels labels;
    bool head = false;
    const auto parsed = page.parse_or_reject(out, span, head, [&](ReportParams& q) {
        page.extra(q, 0, [&](const std::string& s) { o.expected = rp::parse_expected_servers(s); });
        reject_bad_settings(config);
        labels = load_port_labels(config);
    });
    if (!parsed) return 0;
    const ReportParams& p = *parsed;
    o.period = p.period;
    o.top = p.top;
    rp::ServersReport r = rp::servers_report(catalog, labels, o);
    if (p.format != Format::kHtml) {
        write_machine(out, p, head, rp::servers_table(r), r.notes);
        return 0;
    }
    send_headers(out, 200, "text/html; charset=utf-8");
    if (head) return 0;
    page.html_begin(out, p, catalog, span);
    std::size_t unexpected = 0;
    for (const auto& s : r.servers) unexpected += s.expected ? 0 : 1;
    if (unexpected)
        out << "<p class=\"error\" id=\"unexpected\">" << unexpected << " server" << (unexpected == 1 ? "" : "s")
            << " not in the list of expected servers (flagged below). "
            << (o.expected.empty() ? "No expected servers were given: list them in the “Expected servers” field, or for "
                                     "every visit as <code>expected-servers = HOST:PORT,...</code> in ipaudit.conf."
                                   : "")
            << "</p>\n";
    out << "<h2>Local servers that answered</h2>\n<div class=\"scroll\"><table id=\"servers\"><thead><tr><th>Service</th>"
           "<th>Server</th><th class=\"n\">Clients</th><th class=\"n\">Sessions</th><th class=\"n\">Received</th>"
           "<th class=\"n\">Sent</th><th class=\"n\">Packets</th><th>Status</th><th></th></tr></thead><tbody>\n";
    for (const auto& s : r.servers) {
        out << "<tr" << (s.expected ? "" : " class=\"flag\"") << "><td>" << service_html(s.proto, s.port, s.label, s.risk)
            << "</td><td>" << host_link(s.server, p.period) << "</td>" << count_cell(s.clients) << count_cell(s.sessions)
            << bytes_td(s.bytes_in) << bytes_td(s.bytes_out) << count_cell(s.packets) << "<td>"
            << (s.expected ? "<span class=\"tag ok\">expected</span>" : "<span class=\"tag flag\">UNEXPECTED</span>")
            << "</td><td>"
            << search_link(p.period, {{"ip", s.server.to_string()}, {"local_port", std::to_string(s.port)},
                                      {"proto", rp::protocol_name(s.proto)}})
            << "</td></tr>\n";
    }
    if (r.servers.empty()) out << "<tr><td colspan=\"9\" class=\"muted\">No local host answered on a watched port.</td></tr>\n";
    out << "</tbody></table></div>\n<h2>Local clients of each service</h2>\n<div class=\"scroll\"><table id=\"clients\">"
           "<thead><tr><th>Service</th><th>Client</th><th class=\"n\">Servers</th><th class=\"n\">Sessions</th>"
           "<th class=\"n\">Received</th><th class=\"n\">Sent</th><th class=\"n\">Packets</th><th></th></tr></thead><tbody>\n";
    for (const auto& c : r.clients) {
        out << "<tr><td>" << service_html(c.proto, c.port, c.label, c.risk) << "</td><td>" << host_link(c.client, p.period)
            << "</td>" << count_cell(c.servers) << count_cell(c.sessions) << bytes_td(c.bytes_in) << bytes_td(c.bytes_out)
            << count_cell(c.packets) << "<td>"
            << search_link(p.period, {{"ip", c.client.to_string()}, {"remote_port", std::to_string(c.port)},
                                      {"proto", rp::protocol_name(c.proto)}})
            << "</td></tr>\n";
    }
    if (r.clients.empty()) out << "<tr><td colspan=\"8\" class=\"muted\">No local client of a watched service.</td></tr>\n";
    out << "</tbody></table></div>\n<p class=\"muted\">Services are the ports conf/ports.conf marks as service or risk. "
           "A server counts only when it answered (SYN-ACK or data for TCP, packets back for UDP).</p>\n";
    write_notes(out, r.notes);
    page_end(out);
    out.flush();
    return 0;
}

}  // namespace

int main() { return page_main("servers.cgi", run); }
