// Inline SVG charts and dashboard cards shared by the pages (no scripts, no external assets).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace ipaudit::cgi {

// One bar pair: bytes in and out of one interval starting at `start_us`.
struct InOutBar {
    std::int64_t start_us = 0;
    std::int64_t bytes_in = 0;
    std::int64_t bytes_out = 0;
};

struct InOutChart {
    std::string_view id;          // element id (tests look for it)
    std::string_view aria_label;  // what a screen reader says
    std::string_view in_legend;   // e.g. "in (to local hosts)"
    std::string_view out_legend;
    int height = 260;
};

// Grouped in/out bars on a round byte scale, with exact values in each bar's <title>.
void write_in_out_chart(std::ostream& out, const InOutChart& chart, const std::vector<InOutBar>& bars);

// HH:MM of a local time (axis labels, card titles).
[[nodiscard]] std::string clock_text(std::int64_t us);

// A summary card: a label, one big figure (HTML), a detail line (HTML).
void card(std::ostream& out, std::string_view label, const std::string& big_html, const std::string& detail_html);

}  // namespace ipaudit::cgi
