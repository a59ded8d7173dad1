// host.cgi: one IP over a period (DESIGN.md "Reports" -> host): totals in/out, a per-interval
// SVG chart, per-day totals, peers (each linked to its own host report and to a pre-filled
// search), services used and offered. Parameters as `ipaudit report host`: ip, from, to, top,
// format (html, csv, json). A bad ip is a 400 with the form and a clear message.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <optional>

#include "report/host_report.hpp"
#include "report_page.hpp"

namespace rp = ipaudit::report;
using namespace ipaudit::cgi;

namespace {

std::string clock_text(std::int64_t us) {
    const std::string t = rp::format_local_minute(us);  // YYYY-MM-DD HH:MM
    return t.size() >= 16 ? t.substr(11, 5) : t;
}

std::string tick_label(std::int64_t v) {
    std::string t = human_bytes(v);
    if (const auto dot = t.find(".00 "); dot != std::string::npos) t.erase(dot, 3);
    else if (const auto dot1 = t.find(".0 "); dot1 != std::string::npos) t.erase(dot1, 2);
    return t;
}

// The host's bytes in and out per interval file, as grouped bars.
void write_chart(std::ostream& out, const std::vector<rp::HostIntervalPoint>& points) {
    constexpr int kW = 1000, kH = 240, kLeft = 70, kRight = 10, kTop = 14, kBottom = 34;
    const int plot_w = kW - kLeft - kRight, plot_h = kH - kTop - kBottom;
    std::int64_t max = 1;
    for (const auto& p : points) max = std::max({max, p.traffic.bytes_in, p.traffic.bytes_out});
    double unit = 1;
    while (unit * 1024 <= static_cast<double>(max)) unit *= 1024;
    double top = unit;
    for (double decade = 1; top < static_cast<double>(max); decade *= 10) {
        for (const double m : {1.0, 2.0, 4.0, 5.0, 8.0}) {
            top = m * decade * unit;
            if (top >= static_cast<double>(max)) break;
        }
    }
    out << "<svg id=\"host-chart\" class=\"chart\" viewBox=\"0 0 " << kW << ' ' << kH
        << "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Host traffic per interval, in and out\">\n"
        << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << plot_w << "\" height=\"" << plot_h
        << "\" fill=\"#fbfcfd\" stroke=\"#d5dbe1\"/>\n";
    char buf[256];
    for (int g = 0; g <= 4; ++g) {
        const double y = kTop + plot_h - plot_h * g / 4.0;
        std::snprintf(buf, sizeof buf, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e8ed\"/>", kLeft,
                      kLeft + plot_w, y, y);
        out << buf << "<text x=\"" << kLeft - 6 << "\" y=\"" << static_cast<int>(y + 4)
            << "\" font-size=\"11\" text-anchor=\"end\" fill=\"#5b6775\">"
            << html(tick_label(static_cast<std::int64_t>(top * g / 4))) << "</text>\n";
    }
    const std::size_t n = points.size();
    if (n == 0)
        out << "<text x=\"" << kW / 2 << "\" y=\"" << kH / 2 << "\" text-anchor=\"middle\" fill=\"#5b6775\">no data</text>";
    const double slot = n ? static_cast<double>(plot_w) / static_cast<double>(n) : 0;
    const double bar = std::max(0.5, slot * 0.38);
    const std::size_t label_every = std::max<std::size_t>(1, (n + 11) / 12);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& p = points[i];
        const double x = kLeft + slot * static_cast<double>(i) + slot * 0.1;
        const auto draw = [&](double bx, std::int64_t v, const char* color, const char* what) {
            const double h = plot_h * static_cast<double>(v) / top;
            std::snprintf(buf, sizeof buf, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">", bx,
                          kTop + plot_h - h, bar, h, color);
            out << buf << "<title>" << html(rp::format_local_minute(p.start_us)) << ' ' << what << ": "
                << html(human_bytes(v)) << " (" << v << " bytes)</title></rect>";
        };
        draw(x, p.traffic.bytes_in, "#2f7fd1", "in");
        draw(x + bar, p.traffic.bytes_out, "#e07b24", "out");
        out << '\n';
        if (i % label_every == 0) {
            std::snprintf(buf, sizeof buf,
                          "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6775\">", x + bar,
                          kTop + plot_h + 16);
            out << buf << html(clock_text(p.start_us)) << "</text>\n";
        }
    }
    out << "</svg>\n<p class=\"legend muted\"><span style=\"background:#2f7fd1\"></span>in (received by the host)"
           "<span style=\"background:#e07b24\"></span>out (sent by the host) · bytes per interval, hover a bar for "
           "the exact value</p>\n";
}

void card(std::ostream& out, std::string_view label, const std::string& big_html, const std::string& detail_html) {
    out << "<div class=\"card\"><div class=\"label\">" << html(label) << "</div><div class=\"big\">" << big_html
        << "</div><div class=\"muted\">" << detail_html << "</div></div>\n";
}

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

int run() {
    std::ostream& out = std::cout;
    const Config config = load_config();
    const rp::IntervalCatalog catalog(config.data_dir);
    const auto span = catalog.data_span();
    ReportPage page("host.cgi", "Host report", Page::kHost, {{"ip", "IP address", "10.1.2.3 or 2001:db8::1"}});
    ReportParams p;
    std::optional<ipaudit::IpAddress> ip;
    bool head = false;
    try {
        const Request req;
        head = req.head();
        p = page.parse(req, span);
        page.extra(p, 0, [&](const std::string& text) {
            ip = ipaudit::IpAddress::parse(text);
            if (!ip)
                throw std::invalid_argument(rp::quote_input(text) +
                                            " is not an IPv4 or IPv6 address (one host, e.g. 10.1.2.3 or 2001:db8::1)");
        });
        if (!ip && p.format != Format::kHtml) throw BadRequest(400, "IP address: required for CSV and JSON output");
    } catch (const BadRequest& e) {
        page.error_response(out, e, span);
        return 0;
    }
    const rp::PortLabels labels = load_port_labels();
    if (!ip) {  // the empty form: ask for an address
        send_headers(out, 200, "text/html; charset=utf-8");
        if (head) return 0;
        page.html_begin(out, p, catalog, span);
        out << "<p class=\"notice\">Enter an IP address (IPv4 or IPv6) to see its traffic, peers and services.</p>\n";
        page_end(out);
        out.flush();
        return 0;
    }
    const rp::HostReport r = rp::host_report(catalog, labels, rp::HostOptions{*ip, p.period, p.top});
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
    out << "</div>\n<h2>Traffic per interval</h2>\n<div class=\"card\">\n";
    write_chart(out, r.intervals);
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
