// The summary report as one self-contained HTML document for mail (`ipaudit report summary
// --format html`, the weekly mail): inline styles only, tables, no scripts, no SVG (mail
// readers strip it: the daily chart is a table of bars), no images, fonts or links to fetch.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "report/port_labels.hpp"
#include "report/summary_report.hpp"

namespace ipaudit::report {

// Writes <!DOCTYPE html> ... </html>: title and period, totals with shares, the daily chart,
// busiest local and remote hosts and pairs, services, scanners, new servers and the notes.
// Tables carry ids (totals, days, local-hosts, remote-hosts, pairs, services, scanners,
// new-servers). Byte and count figures are in human units with the exact value in a title
// attribute. Every text from the data is escaped.
void write_summary_html(std::ostream& out, const SummaryReport& r, const PortLabels& labels);

// Text escaped for HTML content and attribute values (& < > " '); bytes that are not valid
// UTF-8 become U+FFFD.
[[nodiscard]] std::string html_escape(std::string_view text);

}  // namespace ipaudit::report
