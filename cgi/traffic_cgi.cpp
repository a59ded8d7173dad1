// traffic.cgi: traffic by protocol and service with shares, a TOTAL row and an inline SVG bar
// chart of the shares (DESIGN.md "Reports" -> traffic). Parameters as `ipaudit report traffic`:
// from, to, top, format.
#include <iostream>

#include "report/report_queries.hpp"
#include "report_page.hpp"

namespace rp = ipaudit::report;
using namespace ipaudit::cgi;

namespace {

std::string row_name(const rp::TrafficRow& r) {
    return rp::protocol_name(r.proto) + (r.service.empty() ? "" : " " + r.service);
}

// Horizontal bars, one per row: the share of all bytes, in (blue) / out (orange) / other (grey).
void write_chart(std::ostream& out, const rp::TrafficReport& r) {
    constexpr int kLabelW = 170, kBarW = 560, kRowH = 22, kTop = 8;
    const int h = kTop * 2 + static_cast<int>(r.rows.size()) * kRowH;
    out << "<svg id=\"traffic-chart\" class=\"chart\" viewBox=\"0 0 " << (kLabelW + kBarW + 80) << ' ' << h
        << "\" role=\"img\" aria-label=\"share of bytes by protocol and service\" xmlns=\"http://www.w3.org/2000/svg\" "
           "style=\"max-width:820px\">\n";
    std::int64_t max = 1;
    for (const auto& row : r.rows) max = std::max(max, row.bytes_total());
    int y = kTop;
    for (const auto& row : r.rows) {
        const double scale = static_cast<double>(kBarW) / static_cast<double>(max);
        double x = kLabelW;
        out << "<text x=\"" << kLabelW - 8 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\" font-size=\"12\" fill=\"#1d2733\">"
            << html(row_name(row)) << "</text>\n";
        const std::pair<std::int64_t, const char*> parts[] = {
            {row.bytes_in, "#2f7fd1"}, {row.bytes_out, "#e07b24"}, {row.bytes_other, "#9aa7b4"}};
        const char* names[] = {"in", "out", "other"};
        int k = 0;
        for (const auto& [v, color] : parts) {
            const double w = static_cast<double>(v) * scale;
            if (w > 0) {
                out << "<rect x=\"" << x << "\" y=\"" << y + 3 << "\" width=\"" << w << "\" height=\"" << kRowH - 6
                    << "\" fill=\"" << color << "\"><title>" << html(row_name(row)) << ' ' << names[k] << ": " << v
                    << " bytes</title></rect>\n";
                x += w;
            }
            ++k;
        }
        out << "<text x=\"" << x + 6 << "\" y=\"" << y + 15 << "\" font-size=\"12\" fill=\"#5b6775\">"
            << html(rp::percent_text(row.share_ppm)) << " %</text>\n";
        y += kRowH;
    }
    out << "</svg>\n<p class=\"legend muted\"><span style=\"background:#2f7fd1\"></span>in (to local hosts)"
           "<span style=\"background:#e07b24\"></span>out (from local hosts)<span style=\"background:#9aa7b4\"></span>"
           "other (local to local, or no local side) · share of all bytes</p>\n";
}

int run() {
    std::ostream& out = std::cout;
    const Config config = load_config();
    const rp::IntervalCatalog catalog(config.data_dir);
    const auto span = catalog.data_span();
    ReportPage page("traffic.cgi", "Traffic by protocol and service", Page::kTraffic);
    bool head = false;
    const auto parsed = page.parse_or_reject(out, span, head);
    if (!parsed) return 0;
    const ReportParams& p = *parsed;
    const rp::PortLabels labels = load_port_labels();
    rp::TrafficReport r = rp::traffic_report(catalog, labels, {p.period, p.top});
    if (p.format != Format::kHtml) {
        write_machine(out, p, head, rp::traffic_table(r), r.notes);
        return 0;
    }
    send_headers(out, 200, "text/html; charset=utf-8");
    if (head) return 0;
    page.html_begin(out, p, catalog, span);
    if (!r.rows.empty()) {
        out << "<h2>Share of bytes</h2>\n<div class=\"card\">\n";
        write_chart(out, r);
        out << "</div>\n";
    }
    out << "<h2>By protocol and service</h2>\n<div class=\"scroll\"><table id=\"traffic\"><thead><tr><th>Protocol</th>"
           "<th>Service</th><th class=\"n\">In</th><th class=\"n\">Out</th><th class=\"n\">Other</th><th class=\"n\">Total</th>"
           "<th class=\"n\">Packets</th><th class=\"n\">Sessions</th><th>Share</th><th></th></tr></thead><tbody>\n";
    auto write_row = [&](const rp::TrafficRow& row, bool total) {
        const std::string proto = total ? "all" : rp::protocol_name(row.proto);
        out << "<tr" << (total ? " class=\"total\"" : "") << "><td>" << html(proto) << "</td><td>"
            << (row.service.empty() ? "<span class=\"muted\">-</span>" : html(row.service)) << "</td>"
            << bytes_td(row.bytes_in) << bytes_td(row.bytes_out) << bytes_td(row.bytes_other) << bytes_td(row.bytes_total())
            << count_cell(row.packets) << count_cell(row.sessions) << "<td class=\"bar\" title=\"" << row.share_ppm
            << " ppm\"><span class=\"b\" style=\"width:" << (row.share_ppm / 10'000) << "px\"></span>"
            << html(rp::percent_text(row.share_ppm)) << " %</td><td>"
            << (total ? std::string() : search_link(p.period, {{"proto", proto}})) << "</td></tr>\n";
    };
    for (const auto& row : r.rows) write_row(row, false);
    write_row(r.total, true);
    out << "</tbody></table></div>\n<p class=\"muted\">Service: the label of the answering side's port "
           "(conf/ports.conf). In/out are seen from the local side.</p>\n";
    write_notes(out, r.notes);
    page_end(out);
    out.flush();
    return 0;
}

}  // namespace

int main() { return page_main("traffic.cgi", run); }
