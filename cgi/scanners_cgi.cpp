// scanners.cgi: possible outgoing (local) and incoming (remote) scanners (DESIGN.md "Reports"
// -> scanners). Parameters as `ipaudit report scanners`: from, to, top, min_targets, format;
// min_targets defaults to `min-targets` of ipaudit.conf ($IPAUDIT_CONF).
#include <iostream>

#include "report/report_queries.hpp"
#include "report/search_filter.hpp"
#include "report_page.hpp"

namespace rp = ipaudit::report;
using namespace ipaudit::cgi;

namespace {

void scanners_table(std::ostream& out, const char* id, const std::vector<rp::ScannerRow>& rows, const rp::Period& period,
                    const rp::PortLabels& labels, std::int64_t min_targets) {
    out << "<div class=\"scroll\"><table id=\"" << id << "\"><thead><tr><th class=\"n\">#</th><th>Scanner</th>"
           "<th class=\"n\" title=\"distinct (host, port) that never answered or only rejected\">Unanswered targets</th>"
           "<th class=\"n\">of which rejected</th><th class=\"n\">Hosts</th><th class=\"n\">Ports</th><th class=\"n\">Probes</th>"
           "<th class=\"n\">Source ports</th><th>Top source port</th><th>Top target ports</th><th>First</th><th>Last</th>"
           "<th></th></tr></thead><tbody>\n";
    std::size_t i = 0;
    for (const auto& r : rows) {
        // One source port reaching many hosts: the signature of a worm.
        const bool worm = r.top_source_port_hosts >= 20 && r.top_source_port_hosts * 2 >= r.hosts;
        bool risky = false;
        std::string ports;
        for (const auto& tp : r.top_ports) {
            if (const rp::PortLabel* l = labels.find(tp.proto, tp.port); l && l->risk) risky = true;
            ports += port_html(tp.proto, tp.port, labels) + " <span class=\"muted\" title=\"" +
                     std::to_string(tp.targets) + " target hosts\">×" + html(grouped(tp.targets)) + "</span> ";
        }
        out << "<tr" << (worm || risky ? " class=\"flag\"" : "") << "><td class=\"n\">" << ++i << "</td><td>"
            << host_link(r.ip, period) << "</td>" << count_cell(r.targets) << count_cell(r.rejected)
            << count_cell(r.hosts) << count_cell(r.ports) << count_cell(r.probes) << count_cell(r.source_ports)
            << "<td>" << r.top_source_port << " <span class=\"muted\">→ " << html(grouped(r.top_source_port_hosts))
            << " hosts</span>" << (worm ? " <span class=\"tag flag\" title=\"one source port to many hosts\">worm-like</span>" : "")
            << "</td><td>" << ports << "</td><td>" << html(minute_text(r.first_us)) << "</td><td>"
            << html(minute_text(r.last_us)) << "</td><td>" << search_link(period, {{"ip", r.ip.to_string()}, {"first_talker", r.outgoing ? "local" : "remote"}})
            << "</td></tr>\n";
    }
    if (rows.empty())
        out << "<tr><td colspan=\"13\" class=\"muted\">No host reached " << min_targets
            << " unanswered targets in this period.</td></tr>\n";
    out << "</tbody></table></div>\n";
}

int run() {
    std::ostream& out = std::cout;
    const Config config = load_config();
    const rp::IntervalCatalog catalog(config.data_dir);
    const auto span = catalog.data_span();
    // The threshold of ipaudit.conf (min-targets), unless the form gives one.
    ReportPage page("scanners.cgi", "Possible scanners", Page::kScanners,
                    {{"min_targets", "Min unanswered targets", std::to_string(config.settings.min_targets)}});
    rp::ScannerOptions o;
    o.min_targets = config.settings.min_targets;
    rp::PortLabels labels;
    bool head = false;
    const auto parsed = page.parse_or_reject(out, span, head, [&](ReportParams& q) {
        page.extra(q, 0, [&](const std::string& s) { o.min_targets = rp::parse_count(s, 1, 1'000'000'000); });
        reject_bad_settings(config);
        labels = load_port_labels(config);
    });
    if (!parsed) return 0;
    const ReportParams& p = *parsed;
    o.period = p.period;
    o.top = p.top;
    rp::ScannersReport r = rp::scanners_report(catalog, o);
    if (p.format != Format::kHtml) {
        write_machine(out, p, head, rp::scanners_table(r, labels), r.notes);
        return 0;
    }
    send_headers(out, 200, "text/html; charset=utf-8");
    if (head) return 0;
    page.html_begin(out, p, catalog, span);
    out << "<h2>Outgoing scanners (local hosts)</h2>\n";
    scanners_table(out, "scanners-out", r.outgoing, p.period, labels, o.min_targets);
    out << "<h2>Incoming scanners (remote hosts)</h2>\n";
    scanners_table(out, "scanners-in", r.incoming, p.period, labels, o.min_targets);
    out << "<p class=\"muted\">A target is a (host, port) the scanner started a session to that never answered, or only "
           "rejected it (RST, ICMP unreachable). Hosts with at least "
        << o.min_targets << " such targets are listed (the “Min unanswered targets” field, else <code>min-targets</code> "
                            "in ipaudit.conf, default "
        << rp::kDefaultMinTargets << "). Rows in red: worm-like (one source port to many hosts) or "
                            "probing a risky port.</p>\n";
    write_notes(out, r.notes);
    page_end(out);
    out.flush();
    return 0;
}

}  // namespace

int main() { return page_main("scanners.cgi", run); }
