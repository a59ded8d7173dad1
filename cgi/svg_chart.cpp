// Inline SVG charts and dashboard cards.
#include "svg_chart.hpp"

#include <algorithm>
#include <cstdio>

#include "cgi_common.hpp"
#include "report/time_spec.hpp"

namespace ipaudit::cgi {

std::string clock_text(std::int64_t us) {
    const std::string t = report::format_local_minute(us);  // YYYY-MM-DD HH:MM
    return t.size() >= 16 ? t.substr(11, 5) : t;
}

namespace {

// An axis label: 8 MiB rather than 8.00 MiB.
std::string tick_label(std::int64_t v) {
    std::string t = human_bytes(v);
    if (const auto dot = t.find(".00 "); dot != std::string::npos) t.erase(dot, 3);
    else if (const auto dot1 = t.find(".0 "); dot1 != std::string::npos) t.erase(dot1, 2);
    return t;
}

// A round top for the scale: 1, 2, 4, 5 or 8 times 10^k times a power of 1024 (so the labels
// read 2 MiB, 4 MiB ...).
double scale_top(std::int64_t max) {
    double unit = 1;
    while (unit * 1024 <= static_cast<double>(max)) unit *= 1024;
    double top = unit;
    for (double decade = 1; top < static_cast<double>(max); decade *= 10) {
        for (const double m : {1.0, 2.0, 4.0, 5.0, 8.0}) {
            top = m * decade * unit;
            if (top >= static_cast<double>(max)) break;
        }
    }
    return top;
}

}  // namespace

void write_in_out_chart(std::ostream& out, const InOutChart& chart, const std::vector<InOutBar>& bars) {
    constexpr int kW = 1000, kLeft = 70, kRight = 10, kTop = 14, kBottom = 34;
    const int kH = chart.height;
    const int plot_w = kW - kLeft - kRight, plot_h = kH - kTop - kBottom;
    std::int64_t max = 1;
    for (const auto& b : bars) max = std::max({max, b.bytes_in, b.bytes_out});
    const double top = scale_top(max);
    out << "<svg id=\"" << html(chart.id) << "\" class=\"chart\" viewBox=\"0 0 " << kW << ' ' << kH
        << "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"" << html(chart.aria_label) << "\">\n"
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
    const std::size_t n = bars.size();
    if (n == 0)
        out << "<text x=\"" << kW / 2 << "\" y=\"" << kH / 2 << "\" text-anchor=\"middle\" fill=\"#5b6775\">no data</text>";
    const double slot = n ? static_cast<double>(plot_w) / static_cast<double>(n) : 0;
    const double bar = std::max(0.5, slot * 0.38);
    const std::size_t label_every = std::max<std::size_t>(1, (n + 11) / 12);
    for (std::size_t i = 0; i < n; ++i) {
        const InOutBar& b = bars[i];
        const double x = kLeft + slot * static_cast<double>(i) + slot * 0.1;
        const auto draw = [&](double bx, std::int64_t v, const char* color, const char* what) {
            const double h = plot_h * static_cast<double>(v) / top;
            std::snprintf(buf, sizeof buf, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">", bx,
                          kTop + plot_h - h, bar, h, color);
            out << buf << "<title>" << html(report::format_local_minute(b.start_us)) << ' ' << what << ": "
                << html(human_bytes(v)) << " (" << v << " bytes)</title></rect>";
        };
        draw(x, b.bytes_in, "#2f7fd1", "in");
        draw(x + bar, b.bytes_out, "#e07b24", "out");
        out << '\n';
        if (i % label_every == 0) {
            std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6775\">",
                          x + bar, kTop + plot_h + 16);
            out << buf << html(clock_text(b.start_us)) << "</text>\n";
        }
    }
    out << "</svg>\n<p class=\"legend muted\"><span style=\"background:#2f7fd1\"></span>" << html(chart.in_legend)
        << "<span style=\"background:#e07b24\"></span>" << html(chart.out_legend)
        << " · bytes per interval, hover a bar for the exact value</p>\n";
}

void card(std::ostream& out, std::string_view label, const std::string& big_html, const std::string& detail_html) {
    out << "<div class=\"card\"><div class=\"label\">" << html(label) << "</div><div class=\"big\">" << big_html
        << "</div><div class=\"muted\">" << detail_html << "</div></div>\n";
}

}  // namespace ipaudit::cgi
