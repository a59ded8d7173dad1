// The summary as an HTML mail: inline styles on tables (what mail readers keep), bars as divs.
#include "report/summary_html.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <tuple>

#include "report/escape.hpp"
#include "report/search_output.hpp"
#include "report/time_spec.hpp"

namespace ipaudit::report {

namespace {

constexpr const char* kFont = "font-family:-apple-system,'Segoe UI',Roboto,'DejaVu Sans',Arial,sans-serif";
constexpr const char* kIn = "#2f7fd1";
constexpr const char* kOut = "#e07b24";
constexpr const char* kTable =
    "border-collapse:collapse;width:100%;background:#ffffff;border:1px solid #d5dbe1;font-size:13px;margin:0 0 18px";
constexpr const char* kTh = "padding:4px 7px;border-bottom:1px solid #d5dbe1;background:#e9edf1;text-align:left;font-weight:600";
constexpr const char* kThN =
    "padding:4px 7px;border-bottom:1px solid #d5dbe1;background:#e9edf1;text-align:right;font-weight:600";
constexpr const char* kTd = "padding:3px 7px;border-bottom:1px solid #e3e8ed";
constexpr const char* kTdN = "padding:3px 7px;border-bottom:1px solid #e3e8ed;text-align:right;white-space:nowrap";
constexpr const char* kH2 = "font-size:14px;margin:22px 0 6px;color:#5b6775;text-transform:uppercase;letter-spacing:.5px";
constexpr const char* kMuted = "color:#5b6775;font-size:12px";

std::string bytes_td(std::int64_t bytes) {
    return std::string("<td style=\"") + kTdN + "\" title=\"" + std::to_string(bytes) + " bytes\">" +
           html_escape(human_bytes(bytes)) + "</td>";
}

std::string count_td(std::int64_t n) {
    return std::string("<td style=\"") + kTdN + "\" title=\"" + std::to_string(n) + "\">" + html_escape(human_count(n)) +
           "</td>";
}

std::string text_td(std::string_view text, std::string_view extra_style = {}) {
    return std::string("<td style=\"") + kTd + (extra_style.empty() ? "" : ";") + std::string(extra_style) + "\">" +
           html_escape(text) + "</td>";
}

std::string ip_td(const IpAddress& ip) {
    return text_td(ip.to_string(), "font-family:Menlo,Consolas,'DejaVu Sans Mono',monospace;white-space:nowrap");
}

void table_begin(std::ostream& out, std::string_view id, std::initializer_list<std::pair<const char*, bool>> columns) {
    out << "<table id=\"" << id << "\" role=\"table\" cellspacing=\"0\" cellpadding=\"0\" style=\"" << kTable
        << "\"><thead><tr>";
    for (const auto& [name, numeric] : columns)
        out << "<th style=\"" << (numeric ? kThN : kTh) << "\">" << html_escape(name) << "</th>";
    out << "</tr></thead><tbody>\n";
}

void table_end(std::ostream& out, std::size_t rows, std::size_t columns, std::string_view empty) {
    if (rows == 0)
        out << "<tr><td colspan=\"" << columns << "\" style=\"" << kTd << ";color:#5b6775\">" << html_escape(empty)
            << "</td></tr>\n";
    out << "</tbody></table>\n";
}

void heading(std::ostream& out, std::string_view text) { out << "<h2 style=\"" << kH2 << "\">" << html_escape(text) << "</h2>\n"; }

// A bar of `part` out of `whole`, as a div whose width is the share (at least 1 px when nonzero).
std::string bar(std::int64_t part, std::int64_t whole, const char* color, std::string_view title) {
    const double pct = whole > 0 ? 100.0 * static_cast<double>(std::max<std::int64_t>(part, 0)) / static_cast<double>(whole) : 0.0;
    char width[32];
    std::snprintf(width, sizeof width, "%.2f%%", pct);
    return std::string("<div title=\"") + html_escape(title) + "\" style=\"height:9px;line-height:9px;font-size:1px;width:" +
           width + ";min-width:" + (part > 0 ? "1px" : "0") + ";background:" + color + "\">&nbsp;</div>";
}

std::string period_kind(const Period& p) {
    for (const WeekStart ws : {WeekStart::kMonday, WeekStart::kSunday})
        if (summary_period(SummaryKind::kWeek, p.from_us, ws) == p) return "Weekly summary";
    if (summary_period(SummaryKind::kMonth, p.from_us) == p) return "Monthly summary";
    return "Summary";
}

std::string weekday_name(const DayPoint& d) {
    // The day's noon is in it whatever its length: its weekday from the local calendar.
    const std::time_t t = static_cast<std::time_t>((d.day.from_us + 12LL * 3'600'000'000LL) / 1'000'000);
    std::tm tm{};
    char buf[8] = "";
    if (localtime_r(&t, &tm) != nullptr) std::strftime(buf, sizeof buf, "%a", &tm);
    return buf;
}

void totals(std::ostream& out, const SummaryReport& r) {
    const SummaryTotals& t = r.totals;
    const IntervalPoint& s = t.sum;
    heading(out, "Totals");
    table_begin(out, "totals", {{"Traffic", false}, {"Bytes", true}, {"Share", true}, {"", false}});
    const std::int64_t total = t.bytes_total();
    out << "<tr>" << text_td("All bytes", "font-weight:600") << bytes_td(total) << text_td("100 %", "text-align:right")
        << "<td style=\"" << kTd << ";width:40%\"></td></tr>\n";
    for (const auto& [label, bytes, color] :
         {std::tuple<const char*, std::int64_t, const char*>{"In (to local hosts)", s.bytes_in, kIn},
          {"Out (from local hosts)", s.bytes_out, kOut},
          {"Internal (local to local)", s.bytes_internal, "#6b8e23"},
          {"External (no local side)", s.bytes_external, "#8a8f98"}}) {
        const std::int64_t ppm = t.share_ppm(bytes);
        out << "<tr>" << text_td(label) << bytes_td(bytes)
            << "<td style=\"" << kTdN << "\" title=\"" << ppm << " ppm\">" << html_escape(percent_text(ppm)) << " %</td>"
            << "<td style=\"" << kTd << ";width:40%\">" << bar(bytes, total, color, percent_text(ppm) + " %")
            << "</td></tr>\n";
    }
    out << "</tbody></table>\n";
    table_begin(out, "counts", {{"Packets", true}, {"Sessions", true}, {"Intervals", true}, {"Dropped (pcap)", true},
                                {"Decode errors", true}, {"IP bytes", true}});
    out << "<tr>" << count_td(s.packets) << count_td(s.sessions) << count_td(t.intervals) << count_td(s.dropped)
        << count_td(s.decode_errors) << bytes_td(s.ip_bytes) << "</tr>\n</tbody></table>\n";
}

void days(std::ostream& out, const SummaryReport& r) {
    heading(out, "Traffic per day");
    std::int64_t max = 0;
    for (const DayPoint& d : r.days) max = std::max({max, d.total.bytes_in, d.total.bytes_out});
    table_begin(out, "days", {{"Day", false}, {"In / out", false}, {"In", true}, {"Out", true}, {"Total", true},
                              {"Sessions", true}});
    for (const DayPoint& d : r.days) {
        const IntervalPoint& p = d.total;
        const std::int64_t day_total = p.bytes_in + p.bytes_out + p.bytes_internal + p.bytes_external;
        out << "<tr>" << text_td(weekday_name(d) + " " + d.day.name, "white-space:nowrap") << "<td style=\"" << kTd
            << ";width:45%\">" << bar(p.bytes_in, max, kIn, "in: " + std::to_string(p.bytes_in) + " bytes")
            << "<div style=\"height:2px;line-height:2px;font-size:1px\">&nbsp;</div>"
            << bar(p.bytes_out, max, kOut, "out: " + std::to_string(p.bytes_out) + " bytes") << "</td>"
            << bytes_td(p.bytes_in) << bytes_td(p.bytes_out) << bytes_td(day_total) << count_td(p.sessions) << "</tr>\n";
    }
    table_end(out, r.days.size(), 6, "No days in this period.");
    out << "<p style=\"" << kMuted << "\"><span style=\"display:inline-block;width:10px;height:10px;background:" << kIn
        << "\"></span> in (to local hosts) &nbsp; <span style=\"display:inline-block;width:10px;height:10px;background:"
        << kOut << "\"></span> out (from local hosts); bars scaled to the busiest day.</p>\n";
}

void hosts(std::ostream& out, const char* id, const char* title, const std::vector<HostRow>& rows) {
    heading(out, title);
    table_begin(out, id, {{"#", true}, {"Host", false}, {"Received", true}, {"Sent", true}, {"Total", true},
                          {"Sessions", true}, {"Peers", true}});
    std::size_t i = 0;
    for (const HostRow& h : rows)
        out << "<tr>" << count_td(static_cast<std::int64_t>(++i)) << ip_td(h.ip) << bytes_td(h.bytes_in)
            << bytes_td(h.bytes_out) << bytes_td(h.bytes_total()) << count_td(h.sessions) << count_td(h.peers) << "</tr>\n";
    table_end(out, rows.size(), 7, "No local-remote traffic.");
}

void pairs(std::ostream& out, const SummaryReport& r) {
    heading(out, "Busiest pairs (local, remote)");
    table_begin(out, "pairs", {{"#", true}, {"Local host", false}, {"Remote host", false}, {"In", true}, {"Out", true},
                               {"Total", true}, {"Sessions", true}, {"Largest session", true}});
    std::size_t i = 0;
    for (const PairRow& p : r.pairs)
        out << "<tr>" << count_td(static_cast<std::int64_t>(++i)) << ip_td(p.local_ip) << ip_td(p.remote_ip)
            << bytes_td(p.bytes_in) << bytes_td(p.bytes_out) << bytes_td(p.bytes_total()) << count_td(p.sessions)
            << bytes_td(p.largest_session) << "</tr>\n";
    table_end(out, r.pairs.size(), 8, "No local-remote traffic.");
}

void services(std::ostream& out, const SummaryReport& r) {
    heading(out, "Services");
    table_begin(out, "services", {{"Protocol", false}, {"Service", false}, {"In", true}, {"Out", true}, {"Other", true},
                                  {"Total", true}, {"Sessions", true}, {"Share", true}});
    const auto row = [&](const TrafficRow& s, const std::string& proto, bool total) {
        out << "<tr>" << text_td(proto, total ? "font-weight:700" : "") << text_td(s.service, total ? "font-weight:700" : "")
            << bytes_td(s.bytes_in) << bytes_td(s.bytes_out) << bytes_td(s.bytes_other) << bytes_td(s.bytes_total())
            << count_td(s.sessions) << "<td style=\"" << kTdN << "\" title=\"" << s.share_ppm << " ppm\">"
            << html_escape(percent_text(s.share_ppm)) << " %</td></tr>\n";
    };
    for (const TrafficRow& s : r.services.rows) row(s, protocol_name(s.proto), false);
    row(r.services.total, "all", true);
    out << "</tbody></table>\n";
}

void scanners(std::ostream& out, const SummaryReport& r, const PortLabels& labels) {
    heading(out, "Possible scanners");
    table_begin(out, "scanners", {{"Direction", false}, {"Scanner", false}, {"Unanswered targets", true},
                                  {"Hosts", true}, {"Ports", true}, {"Top ports", false}, {"First", false}, {"Last", false}});
    for (const ScannerRow& s : r.scanners) {
        std::string ports;
        for (const ScannerPort& p : s.top_ports)
            ports += (ports.empty() ? "" : ", ") + port_text(p.proto, p.port, labels) + " (" + std::to_string(p.targets) + ")";
        out << "<tr>" << text_td(s.outgoing ? "out (local)" : "in (remote)", "white-space:nowrap") << ip_td(s.ip)
            << count_td(s.targets) << count_td(s.hosts) << count_td(s.ports) << text_td(ports)
            << text_td(format_local_minute(s.first_us), "white-space:nowrap")
            << text_td(format_local_minute(s.last_us), "white-space:nowrap") << "</tr>\n";
    }
    table_end(out, r.scanners.size(), 8, "No host reached the scanner threshold.");
}

void new_servers(std::ostream& out, const SummaryReport& r) {
    heading(out, "Servers new since the previous period");
    out << "<p style=\"" << kMuted << "\">Local hosts that answered on a watched port and did not in "
        << html_escape(format_local_minute(r.previous.from_us)) << " to " << html_escape(format_local_minute(r.previous.to_us))
        << ".</p>\n";
    table_begin(out, "new-servers", {{"Service", false}, {"Server", false}, {"Clients", true}, {"Sessions", true},
                                     {"Received", true}, {"Sent", true}, {"Status", false}});
    for (const ServerRow& s : r.new_servers) {
        const std::string service = (s.label.empty() ? "" : s.label + " ") + std::to_string(s.port) + "/" + protocol_name(s.proto);
        out << "<tr" << (s.expected ? "" : " style=\"background:#fdecea\"") << ">" << text_td(service, "white-space:nowrap")
            << ip_td(s.server) << count_td(s.clients) << count_td(s.sessions) << bytes_td(s.bytes_in) << bytes_td(s.bytes_out)
            << (s.expected ? text_td("expected", "color:#1e6b2f")
                           : text_td("UNEXPECTED", "color:#b3261e;font-weight:700"))
            << "</tr>\n";
    }
    table_end(out, r.new_servers.size(), 7, "No new server.");
}

}  // namespace

void write_summary_html(std::ostream& out, const SummaryReport& r, const PortLabels& labels) {
    const std::string kind = period_kind(r.period);
    const std::string span = format_local_minute(r.period.from_us) + " to " + format_local_minute(r.period.to_us);
    out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        << "<title>ipaudit " << html_escape(kind) << ", " << html_escape(span) << "</title></head>\n"
        << "<body style=\"margin:0;padding:0;background:#f4f6f8;color:#1d2733;" << kFont << "\">\n"
        << "<div style=\"max-width:980px;margin:0 auto;padding:16px 18px;font-size:14px;line-height:1.4\">\n"
        << "<h1 style=\"font-size:20px;margin:0 0 4px\">" << html_escape(kind) << "</h1>\n"
        << "<p style=\"margin:0 0 12px;color:#5b6775\">ipaudit · " << html_escape(span) << " (local time)</p>\n";
    totals(out, r);
    days(out, r);
    hosts(out, "local-hosts", "Busiest local hosts", r.local_hosts);
    hosts(out, "remote-hosts", "Busiest remote hosts", r.remote_hosts);
    pairs(out, r);
    services(out, r);
    scanners(out, r, labels);
    new_servers(out, r);
    for (const auto& n : r.notes) out << "<p style=\"" << kMuted << "\">Note: " << html_escape(n) << "</p>\n";
    out << "<p style=\"" << kMuted << ";margin-top:24px\">Hover a figure for its exact value. In: received by local hosts "
           "from non-local ones; out: sent by them. Pairs are sessions between one local and one remote host.</p>\n</div>\n</body></html>\n";
}

}  // namespace ipaudit::report
