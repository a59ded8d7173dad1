// host.cgi: one IP over a period (DESIGN.md "Reports" -> host): totals in/out, a per-interval
// SVG chart, per-day totals, peers (each linked to its own host report and to a pre-filled
// search), services used and offered, and its findings: its rows of the scanners report (with
// `min-targets` of ipaudit.conf) and of the servers report (flagged unless in
// `expected-servers`), linked to scanners.cgi and servers.cgi for the same period. Parameters
// as `ipaudit report host`: ip, from, to, top, format (html, csv, json). A bad ip is a 400 with
// the form and a clear message; a bad config file a 503 with FILE:LINE.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <optional>

#include "report/host_report.hpp"
#include "report_page.hpp"
#include "svg_chart.hpp"

namespace rp = ipaudit::report;
using namespace ipaudit::cgi;

namespace {

std::string traffic_detail(const rp::HostTraffic& t) {
    return "in " + bytes_cell(t.bytes_in) + " · out " + bytes_cell(t.bytes_out) + "<br>" + html(grouped(t.sessions)) +
           " sessions · " + html(grouped(t.packets_in + t.packets_out)) + " packets";
}

std::string traffic_tds(const rp::HostTraffic& t) {
    return bytes_td(t.bytes_in) + bytes_td(t.bytes_out) + bytes_td(t.bytes_total()) + count_cell(t.packets_in) +
           count_cell(t.packets_out) + count_cell(t.sessions);
}

constexpr const char* kTrafficHeads =
    "<th class=\"n\">In</th><th class=\"n\">Out</th><th class=\"n\">Total</th><th class=\"n\">Packets in</th>"
    "<th class=\"n\">Packets out</th><th class=\"n\">Sessions</th>";

// Search parameters for the host's port: the search's local/remote sides are the session's,
// so the host's own port is the local port when the host is local, else the remote port.
std::pair<std::string, std::string> port_param(bool host_local, bool host_side, int port) {
    const bool local = host_local == host_side;
    return {local ? "local_port" : "remote_port", std::to_string(port)};
}

void services_table(std::ostream& out, const char* id, const std::vector<rp::HostServiceRow>& rows, bool offered,
                    const std::string& ip, bool host_local, const rp::Period& period, const rp::PortLabels& labels) {
    out << "<div class=\"scroll\"><table id=\"" << id << "\"><thead><tr><th>Service</th>" << kTrafficHeads
        << "<th class=\"n\">" << (offered ? "Clients" : "Servers") << "</th>"
        << (offered ? "" : "<th class=\"n\">Answered</th>") << "<th></th></tr></thead><tbody>\n";
    for (const auto& s : rows) {
        out << "<tr><td>" << port_html(s.proto, s.port, labels) << "</td>" << traffic_tds(s.traffic)
            << count_cell(s.peers) << (offered ? "" : count_cell(s.answered)) << "<td>"
            << search_link(period, {{"ip", ip}, {"proto", rp::protocol_name(s.proto)}, port_param(host_local, offered, s.port)})
            << "</td></tr>\n";
    }
    if (rows.empty())
        out << "<tr><td colspan=\"" << (offered ? 9 : 10) << "\" class=\"muted\">"
            << (offered ? "This host answered on no TCP or UDP port in this period."
                        : "This host started no TCP or UDP session in this period.")
            << "</td></tr>\n";
    out << "</tbody></table></div>\n";
}

std::string period_query(const rp::Period& period) { return html(query(period_params(period))); }

// "Findings": is the host a scanner (either direction), and which watched services it answered.
void findings_section(std::ostream& out, const rp::HostFindings& f, const std::string& ip, const rp::Period& period,
                      const rp::PortLabels& labels) {
    const std::string q = period_query(period);
    const bool unexpected = f.unexpected_server();
    out << "<h2>Findings</h2>\n<div class=\"card\" id=\"findings\">\n<p>";
    if (f.scanner.empty() && !unexpected)
        out << "<span class=\"tag ok\">nothing flagged</span> ";
    for (const auto& s : f.scanner)
        out << "<span class=\"tag flag\">" << (s.row.outgoing ? "outgoing" : "incoming") << " scanner</span> ";
    if (unexpected) out << "<span class=\"tag flag\">unexpected server</span> ";
    out << "</p>\n";
    // Scanner: its rows of the scanners report.
    if (f.scanner.empty()) {
        out << "<p id=\"finding-scanner\">Not a scanner in this period: fewer than " << html(grouped(f.min_targets))
            << " unanswered targets in either direction (<a href=\"scanners.cgi?" << q << "\">scanners report</a>).</p>\n";
    } else {
        out << "<p>A scanner in this period: at least " << html(grouped(f.min_targets))
            << " distinct targets (host, port) that never answered or only rejected (<a href=\"scanners.cgi?" << q
            << "\">scanners report</a>).</p>\n<div class=\"scroll\"><table id=\"finding-scanner\"><thead><tr>"
               "<th>Direction</th><th class=\"n\">Unanswered targets</th><th class=\"n\">of which rejected</th>"
               "<th class=\"n\">Hosts</th><th class=\"n\">Ports</th><th class=\"n\">Probes</th><th>Top source port</th>"
               "<th>Top target ports</th><th>First</th><th>Last</th><th></th></tr></thead><tbody>\n";
        for (const auto& [r, label] : f.scanner) {
            const bool worm = r.top_source_port_hosts >= 20 && r.top_source_port_hosts * 2 >= r.hosts;
            std::string ports;
            for (const auto& tp : r.top_ports)
                ports += port_html(tp.proto, tp.port, labels) + " <span class=\"muted\">×" + html(grouped(tp.targets)) +
                         "</span> ";
            out << "<tr class=\"flag\"><td>" << (r.outgoing ? "outgoing (local scanner)" : "incoming (remote scanner)")
                << "</td>" << count_cell(r.targets) << count_cell(r.rejected) << count_cell(r.hosts) << count_cell(r.ports)
                << count_cell(r.probes) << "<td>" << r.top_source_port << " <span class=\"muted\">→ "
                << html(grouped(r.top_source_port_hosts)) << " hosts</span>"
                << (worm ? " <span class=\"tag flag\" title=\"one source port to many hosts\">worm-like</span>" : "")
                << "</td><td>" << ports << "</td><td>" << html(minute_text(r.first_us)) << "</td><td>"
                << html(minute_text(r.last_us)) << "</td><td>"
                << search_link(period, {{"ip", ip}, {"first_talker", r.outgoing ? "local" : "remote"}}) << "</td></tr>\n";
        }
        out << "</tbody></table></div>\n";
    }
    // Server: its rows of the servers report.
    if (f.servers.empty()) {
        out << "<p id=\"finding-servers\">Answered no watched service (the service and risk ports of ports.conf) as a "
               "local server in this period (<a href=\"servers.cgi?"
            << q << "\">servers report</a>).</p>\n";
    } else {
        out << "<p>Answered as a server on watched services (<a href=\"servers.cgi?" << q
            << "\">servers report</a>); servers not in <code>expected-servers</code> are flagged.</p>\n"
               "<div class=\"scroll\"><table id=\"finding-servers\"><thead><tr><th>Service</th><th class=\"n\">Clients</th>"
               "<th class=\"n\">Sessions</th><th class=\"n\">Received</th><th class=\"n\">Sent</th><th class=\"n\">Packets</th>"
               "<th>Status</th><th></th></tr></thead><tbody>\n";
        for (const auto& sv : f.servers) {
            out << "<tr" << (sv.expected ? "" : " class=\"flag\"") << "><td>" << port_html(sv.proto, sv.port, labels)
                << "</td>" << count_cell(sv.clients) << count_cell(sv.sessions) << bytes_td(sv.bytes_in)
                << bytes_td(sv.bytes_out) << count_cell(sv.packets) << "<td>"
                << (sv.expected ? "<span class=\"tag ok\">expected</span>" : "<span class=\"tag flag\">UNEXPECTED</span>")
                << "</td><td>"
                << search_link(period, {{"ip", ip}, {"local_port", std::to_string(sv.port)},
                                        {"proto", rp::protocol_name(sv.proto)}})
                << "</td></tr>\n";
        }
        out << "</tbody></table></div>\n";
    }
    out << "</div>\n";
}

int run() {
    std::ostream& out = std::cout;
    const Config config = load_config();
    const rp::IntervalCatalog catalog(config.data_dir);
    const auto span = catalog.data_span();
    ReportPage page("host.cgi", "Host report", Page::kHost, {{"ip", "IP address", "10.1.2.3 or 2001:db8::1"}});
    std::optional<ipaudit::IpAddress> ip;
    rp::PortLabels labels;
    bool head = false;
    const auto parsed = page.parse_or_reject(out, span, head, [&](ReportParams& q) {
        page.extra(q, 0, [&](const std::string& text) {
            ip = ipaudit::IpAddress::parse(text);
            if (!ip)
                throw std::invalid_argument(rp::quote_input(text) +
                                            " is not an IPv4 or IPv6 address (one host, e.g. 10.1.2.3 or 2001:db8::1)");
        });
        if (!ip && q.format != Format::kHtml) throw BadRequest(400, "IP address: required for CSV and JSON output");
        reject_bad_settings(config);
        labels = load_port_labels(config);
    });
    if (!parsed) return 0;
    const ReportParams& p = *parsed;
    if (!ip) {  // the empty form: ask for an address
        send_headers(out, 200, "text/html; charset=utf-8");
        if (head) return 0;
        page.html_begin(out, p, catalog, span);
        out << "<p class=\"notice\">Enter an IP address (IPv4 or IPv6) to see its traffic, peers and services.</p>\n";
        page_end(out);
        out.flush();
        return 0;
    }
    const rp::HostReport r = rp::host_report(
        catalog, labels,
        rp::HostOptions{*ip, p.period, p.top, rp::HostFindingOptions{config.settings.min_targets, config.settings.expected}});
    if (p.format != Format::kHtml) {
        write_machine(out, p, head, rp::host_table(r), r.notes);
        return 0;
    }
    send_headers(out, 200, "text/html; charset=utf-8");
    if (head) return 0;
    page.html_begin(out, p, catalog, span);
    const std::string text = ip->to_string();
    const rp::HostTotals& t = r.totals;
    const bool host_local = t.as_local.sessions >= t.as_remote.sessions && t.as_local.sessions > 0;
    out << "<h2>" << html(text) << " · "
        << (t.all.sessions == 0 ? "not seen" : host_local ? "local host" : t.as_remote.sessions ? "remote host" : "other network")
        << " · " << search_link(p.period, {{"ip", text}}, "all its sessions") << "</h2>\n";
    out << "<div class=\"cards\" id=\"totals\">\n";
    card(out, "Total traffic", bytes_cell(t.all.bytes_total()), traffic_detail(t.all));
    card(out, "Peers", html(grouped(t.peers)), "distinct hosts on the other side");
    if (t.all.sessions > 0)
        card(out, "First / last seen", html(minute_text(t.first_us)), "last " + html(minute_text(t.last_us)));
    if (t.as_local.sessions > 0) card(out, "As local side", bytes_cell(t.as_local.bytes_total()), traffic_detail(t.as_local));
    if (t.as_remote.sessions > 0)
        card(out, "As remote side", bytes_cell(t.as_remote.bytes_total()), traffic_detail(t.as_remote));
    if (t.as_other.sessions > 0)
        card(out, "As other network", bytes_cell(t.as_other.bytes_total()), traffic_detail(t.as_other));
    out << "</div>\n";
    findings_section(out, r.findings, text, p.period, labels);
    out << "<h2>Traffic per interval</h2>\n<div class=\"card\">\n";
    std::vector<InOutBar> bars;
    bars.reserve(r.intervals.size());
    for (const auto& point : r.intervals) bars.push_back({point.start_us, point.traffic.bytes_in, point.traffic.bytes_out});
    write_in_out_chart(out, {"host-chart", "Host traffic per interval, in and out", "in (received by the host)",
                             "out (sent by the host)", 240},
                       bars);
    out << "</div>\n<h2>Per day</h2>\n<div class=\"scroll\"><table id=\"days\"><thead><tr><th>Day</th>" << kTrafficHeads
        << "<th></th></tr></thead><tbody>\n";
    for (const auto& d : r.days) {
        const std::int64_t next = rp::local_day_start_us(d.day_start_us + 25LL * 3'600'000'000LL);
        const rp::Period day{std::max(d.day_start_us, p.period.from_us), std::min(next, p.period.to_us)};
        out << "<tr><td>" << html(minute_text(d.day_start_us).substr(0, 10)) << "</td>" << traffic_tds(d.traffic)
            << "<td>" << search_link(day, {{"ip", text}}) << "</td></tr>\n";
    }
    if (r.days.empty()) out << "<tr><td colspan=\"8\" class=\"muted\">No traffic of this host in this period.</td></tr>\n";
    out << "</tbody></table></div>\n";
    if (r.weeks.size() > 1) {
        out << "<h2>Per week (from Monday)</h2>\n<div class=\"scroll\"><table id=\"weeks\"><thead><tr><th>Week of</th>"
            << kTrafficHeads << "</tr></thead><tbody>\n";
        for (const auto& w : r.weeks)
            out << "<tr><td>" << html(minute_text(w.day_start_us).substr(0, 10)) << "</td>" << traffic_tds(w.traffic)
                << "</tr>\n";
        out << "</tbody></table></div>\n";
    }
    out << "<h2>Peers, by total bytes</h2>\n<div class=\"scroll\"><table id=\"peers\"><thead><tr>"
           "<th class=\"n\">#</th><th>Peer</th><th>Side</th>"
        << kTrafficHeads << "<th>First</th><th>Last</th><th></th></tr></thead><tbody>\n";
    std::size_t i = 0;
    for (const auto& peer : r.peers) {
        out << "<tr><td class=\"n\">" << ++i << "</td><td>" << host_link(peer.ip, p.period) << "</td><td>"
            << (peer.peer_class == 'L' ? "local" : peer.peer_class == 'R' ? "remote" : "other") << "</td>"
            << traffic_tds(peer.traffic) << "<td>" << clock_cell(peer.first_us) << "</td><td>" << clock_cell(peer.last_us)
            << "</td><td>" << search_link(p.period, {{"ip", text}, {"ip2", peer.ip.to_string()}}) << "</td></tr>\n";
    }
    if (r.peers.empty()) out << "<tr><td colspan=\"12\" class=\"muted\">No peers in this period.</td></tr>\n";
    out << "</tbody></table></div>\n<h2>Services used (as client)</h2>\n";
    services_table(out, "used", r.used, false, text, host_local, p.period, labels);
    out << "<h2>Services offered (answered as server)</h2>\n";
    services_table(out, "offered", r.offered, true, text, host_local, p.period, labels);
    out << "<p class=\"muted\">In = received by " << html(text) << ", out = sent by it. A service is offered when a peer "
           "talked first and this host answered (TCP: SYN-ACK or payload; UDP: any reply). Hover a number for its "
           "exact value; peers open their own host report, “search” lists the sessions.</p>\n";
    write_notes(out, r.notes);
    page_end(out);
    out.flush();
    return 0;
}

}  // namespace

int main() { return page_main("host.cgi", run); }
