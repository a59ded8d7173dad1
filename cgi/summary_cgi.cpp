// summary.cgi: a week or a month at a glance (DESIGN.md "Reports" -> summary): totals with
// shares, an SVG chart per day, busiest pairs and hosts, services, scanners, new servers.
// Parameters as `ipaudit report summary`: period (week|month), from (a day of it), week_start
// (monday|sunday), top, min_targets, expected, format; `to` without `period` for any period.
// Without from and to: the week (or month) of the latest data.
#include <algorithm>
#include <ctime>
#include <iostream>
#include <sstream>

#include "report/report_queries.hpp"
#include "report/search_filter.hpp"
#include "report/summary_report.hpp"
#include "report_page.hpp"
#include "svg_chart.hpp"

namespace rp = ipaudit::report;
using namespace ipaudit::cgi;

namespace {

constexpr std::int64_t kHourUs = 3'600'000'000LL;

// What the page shows: the request as it was understood.
struct SummaryAsk {
    std::optional<rp::SummaryKind> kind;  // none: a from/to period
    rp::WeekStart week_start = rp::WeekStart::kMonday;
    std::optional<std::string> top, min_targets, expected;  // as given
};

std::string kind_name(rp::SummaryKind k) { return k == rp::SummaryKind::kMonth ? "month" : "week"; }

// The query of a summary: calendar periods by period + from (a day), others by from/to.
std::vector<std::pair<std::string, std::string>> summary_params(const SummaryAsk& a, const rp::Period& period) {
    std::vector<std::pair<std::string, std::string>> q;
    if (a.kind) {
        q.emplace_back("period", kind_name(*a.kind));
        q.emplace_back("from", rp::format_local_time(period.from_us).substr(0, 10));
        if (a.week_start == rp::WeekStart::kSunday) q.emplace_back("week_start", "sunday");
    } else {
        for (auto& pp : period_params(period)) q.push_back(pp);
    }
    if (a.top) q.emplace_back("top", *a.top);
    if (a.min_targets) q.emplace_back("min_targets", *a.min_targets);
    if (a.expected) q.emplace_back("expected", *a.expected);
    return q;
}

std::string summary_href(const SummaryAsk& a, const rp::Period& period, std::string_view format = {}) {
    auto q = summary_params(a, period);
    if (!format.empty()) q.emplace_back("format", std::string(format));
    return "summary.cgi?" + html(query(q));
}

std::string day_label(std::int64_t day_start_us) {
    const std::time_t t = static_cast<std::time_t>((day_start_us + 12 * kHourUs) / 1'000'000);
    std::tm tm{};
    char buf[24] = "";
    if (localtime_r(&t, &tm) != nullptr) std::strftime(buf, sizeof buf, "%a %m-%d", &tm);
    return buf;
}

// The shared in/out chart labels its bars with clock times (00:00 for days): label the days
// instead, in the order the chart writes its labels (every `(n + 11) / 12`-th bar).
std::string daily_chart(const std::vector<rp::DayPoint>& days) {
    std::vector<InOutBar> bars;
    for (const auto& d : days) bars.push_back({d.day.from_us, d.total.bytes_in, d.total.bytes_out});
    std::ostringstream svg;
    write_in_out_chart(svg, {"summary-chart", "Traffic per day, in and out", "in (to local hosts)", "out (from local hosts)", 240},
                       bars);
    std::string text = svg.str();
    const std::size_t every = std::max<std::size_t>(1, (bars.size() + 11) / 12);
    constexpr std::string_view kLabel = "text-anchor=\"middle\" fill=\"#5b6775\">";
    std::string relabelled;
    std::size_t pos = 0, bar = 0;
    while (true) {
        const std::size_t at = text.find(kLabel, pos);
        if (at == std::string::npos) break;
        const std::size_t begin = at + kLabel.size();
        const std::size_t end = text.find("</text>", begin);
        if (end == std::string::npos || bar >= bars.size()) return text;  // not the expected shape: keep it as it is
        relabelled.append(text, pos, begin - pos);
        relabelled += html(day_label(bars[bar].start_us));
        pos = end;
        bar += every;
    }
    relabelled.append(text, pos, std::string::npos);
    if (const auto at = relabelled.find("bytes per interval"); at != std::string::npos)
        relabelled.replace(at, 18, "bytes per day");
    return relabelled;
}

void option(std::ostream& out, std::string_view value, std::string_view label, std::string_view current) {
    out << "<option value=\"" << html(value) << '"' << (value == current ? " selected" : "") << '>' << html(label)
        << "</option>";
}

void picker(std::ostream& out, const SummaryAsk& a, const ReportParams& p, const rp::IntervalCatalog& catalog,
            const std::optional<rp::DataSpan>& span, std::string_view format) {
    const auto input = [&](std::string_view name, std::string_view label, const std::string& value, std::string_view ph) {
        out << "<label>" << html(label) << "<input type=\"text\" name=\"" << html(name) << "\" value=\"" << html(value)
            << "\" placeholder=\"" << html(ph) << "\" maxlength=\"" << kMaxValueLength << "\"></label>\n";
    };
    out << "<form class=\"picker card\" id=\"picker\" method=\"get\" action=\"summary.cgi\">\n<label>Period<select name=\"period\">";
    const std::string kind = a.kind ? kind_name(*a.kind) : "";
    option(out, "week", "week", kind);
    option(out, "month", "month", kind);
    option(out, "", "from / to", kind);
    out << "</select></label>\n";
    input("from", a.kind ? "From (a day of it)" : "From", a.kind ? rp::format_local_time(p.period.from_us).substr(0, 10)
                                                                 : rp::format_local_minute(p.period.from_us),
          "YYYY-MM-DD");
    input("to", "To (only for from / to)", a.kind ? "" : rp::format_local_minute(p.period.to_us), "YYYY-MM-DD HH:MM");
    out << "<label>Week starts<select name=\"week_start\">";
    const std::string ws = a.week_start == rp::WeekStart::kSunday ? "sunday" : "monday";
    option(out, "monday", "Monday", ws);
    option(out, "sunday", "Sunday", ws);
    out << "</select></label>\n";
    input("top", "Top (rows)", a.top.value_or(""), "100");
    input("min_targets", "Scanners: min. targets", a.min_targets.value_or(""), "50");
    input("expected", "Expected servers (IP:PORT,..)", a.expected.value_or(""), "10.1.1.25:25,10.1.1.80:80");
    out << "<label>Output<select name=\"format\">";
    option(out, "html", "web page", format);
    option(out, "csv", "CSV", format);
    option(out, "json", "JSON", format);
    out << "</select></label>\n" << sensor_select() << "<div class=\"actions\"><button type=\"submit\">Show</button> <a href=\""
        << html(page_href("summary.cgi")) << "\">reset</a></div>\n</form>\n";

    // Quick links: calendar periods around now and around the period shown, then the usual ones.
    const std::int64_t now = now_us();
    SummaryAsk q = a;
    out << "<p class=\"quick\" id=\"quick\">Quick: ";
    for (const rp::SummaryKind k : {rp::SummaryKind::kWeek, rp::SummaryKind::kMonth}) {
        q.kind = k;
        const rp::Period current = rp::summary_period(k, now, a.week_start);
        out << "<a href=\"" << summary_href(q, current) << "\">this " << kind_name(k) << "</a>"
            << "<a href=\"" << summary_href(q, rp::last_complete_period(k, now, a.week_start)) << "\">last " << kind_name(k)
            << "</a>";
    }
    if (a.kind) {
        q.kind = a.kind;
        const rp::Period before = rp::summary_period(*a.kind, p.period.from_us - 1, a.week_start);
        out << "<a href=\"" << summary_href(q, before) << "\">← previous " << kind_name(*a.kind) << "</a>";
        if (p.period.to_us <= now)
            out << "<a href=\"" << summary_href(q, rp::summary_period(*a.kind, p.period.to_us, a.week_start)) << "\">next "
                << kind_name(*a.kind) << " →</a>";
    }
    q.kind.reset();
    if (span) {
        rp::Notes ignored;
        std::int64_t end = span->last_start_us + 1'800'000'000LL;
        for (const auto& f : catalog.files({span->last_start_us, span->last_start_us + 1}, ignored))
            if (f.info.covered_from_us == span->last_start_us && f.info.end_time * 1'000'000LL > span->last_start_us)
                end = f.info.end_time * 1'000'000LL;
        out << "<a href=\"" << summary_href(q, {span->last_start_us, end}) << "\">last interval</a>";
    }
    out << "<a href=\"summary.cgi?from=yesterday&amp;to=yesterday\">yesterday</a>"
        << "<a href=\"summary.cgi?from=-7d&amp;to=now\">last 7 days</a></p>\n";
}

void hosts_table(std::ostream& out, const char* id, const std::vector<rp::HostRow>& rows, const rp::Period& period,
                 bool local) {
    out << "<div class=\"scroll\"><table id=\"" << id << "\"><thead><tr><th class=\"n\">#</th><th>"
        << (local ? "Local host" : "Remote host")
        << "</th><th class=\"n\">Received</th><th class=\"n\">Sent</th><th class=\"n\">Total</th>"
           "<th class=\"n\">Packets</th><th class=\"n\">Sessions</th><th class=\"n\">Peers</th><th></th></tr></thead><tbody>\n";
    std::size_t i = 0;
    for (const auto& r : rows)
        out << "<tr><td class=\"n\">" << ++i << "</td><td>" << host_link(r.ip, period) << "</td>" << bytes_td(r.bytes_in)
            << bytes_td(r.bytes_out) << bytes_td(r.bytes_total()) << count_cell(r.packets) << count_cell(r.sessions)
            << count_cell(r.peers) << "<td>" << search_link(period, {{"ip", r.ip.to_string()}}) << "</td></tr>\n";
    if (rows.empty()) out << "<tr><td colspan=\"9\" class=\"muted\">No local ↔ remote traffic in this period.</td></tr>\n";
    out << "</tbody></table></div>\n";
}

void body(std::ostream& out, const rp::SummaryReport& r, const rp::PortLabels& labels) {
    const rp::Period& period = r.period;
    const rp::SummaryTotals& t = r.totals;
    const rp::IntervalPoint& s = t.sum;
    const auto share = [&](std::int64_t part) { return html(rp::percent_text(t.share_ppm(part))) + " % of all bytes"; };
    out << "<div class=\"cards\" id=\"totals\">\n";
    card(out, "All bytes", bytes_cell(t.bytes_total()),
         html(grouped(s.sessions)) + " sessions · " + html(grouped(s.packets)) + " packets · " + html(grouped(t.intervals)) +
             " intervals");
    card(out, "In (to local hosts)", bytes_cell(s.bytes_in), share(s.bytes_in));
    card(out, "Out (from local hosts)", bytes_cell(s.bytes_out), share(s.bytes_out));
    card(out, "Internal (local ↔ local)", bytes_cell(s.bytes_internal), share(s.bytes_internal));
    card(out, "External (no local side)", bytes_cell(s.bytes_external), share(s.bytes_external));
    card(out, "Capture health", html(grouped(s.dropped)) + " dropped",
         html(grouped(s.decode_errors)) + " decode errors · " + html(grouped(s.overflow)) + " over the memory cap");
    out << "</div>\n<h2>Traffic per day</h2>\n<div class=\"card\">\n" << daily_chart(r.days) << "</div>\n";
    out << "<div class=\"scroll\"><table id=\"days\"><thead><tr><th>Day</th><th class=\"n\">In</th><th class=\"n\">Out</th>"
           "<th class=\"n\">Internal</th><th class=\"n\">External</th><th class=\"n\">Total</th><th class=\"n\">Packets</th>"
           "<th class=\"n\">Sessions</th><th class=\"n\">Intervals</th><th></th></tr></thead><tbody>\n";
    for (const auto& d : r.days) {
        const rp::IntervalPoint& p = d.total;
        out << "<tr><td>" << html(day_label(d.day.from_us).substr(0, 4) + d.day.name) << "</td>" << bytes_td(p.bytes_in)
            << bytes_td(p.bytes_out) << bytes_td(p.bytes_internal) << bytes_td(p.bytes_external)
            << bytes_td(p.bytes_in + p.bytes_out + p.bytes_internal + p.bytes_external) << count_cell(p.packets)
            << count_cell(p.sessions) << count_cell(d.intervals) << "<td>"
            << search_link({d.day.from_us, d.day.to_us}, {}) << "</td></tr>\n";
    }
    out << "</tbody></table></div>\n<div class=\"grid2\"><div>\n<h2>Busiest local hosts</h2>\n";
    hosts_table(out, "local-hosts", r.local_hosts, period, true);
    out << "</div><div>\n<h2>Busiest remote hosts</h2>\n";
    hosts_table(out, "remote-hosts", r.remote_hosts, period, false);
    out << "</div></div>\n<h2>Busiest pairs (local ↔ remote)</h2>\n<div class=\"scroll\"><table id=\"pairs\"><thead><tr>"
           "<th class=\"n\">#</th><th>Local host</th><th>Remote host</th><th class=\"n\">In (to local)</th>"
           "<th class=\"n\">Out (from local)</th><th class=\"n\">Total</th><th class=\"n\">Packets</th>"
           "<th class=\"n\">Sessions</th><th class=\"n\">Largest session</th><th></th></tr></thead><tbody>\n";
    std::size_t i = 0;
    for (const auto& row : r.pairs)
        out << "<tr><td class=\"n\">" << ++i << "</td><td>" << host_link(row.local_ip, period) << "</td><td>"
            << host_link(row.remote_ip, period) << "</td>" << bytes_td(row.bytes_in) << bytes_td(row.bytes_out)
            << bytes_td(row.bytes_total()) << count_cell(row.packets) << count_cell(row.sessions)
            << bytes_td(row.largest_session) << "<td>"
            << search_link(period, {{"ip", row.local_ip.to_string()}, {"ip2", row.remote_ip.to_string()}}) << "</td></tr>\n";
    if (r.pairs.empty()) out << "<tr><td colspan=\"10\" class=\"muted\">No local ↔ remote traffic in this period.</td></tr>\n";
    out << "</tbody></table></div>\n<h2>Services</h2>\n<div class=\"scroll\"><table id=\"services\"><thead><tr><th>Protocol</th>"
           "<th>Service</th><th class=\"n\">In</th><th class=\"n\">Out</th><th class=\"n\">Other</th><th class=\"n\">Total</th>"
           "<th class=\"n\">Packets</th><th class=\"n\">Sessions</th><th class=\"n\">Share</th><th class=\"bar\"></th>"
           "</tr></thead><tbody>\n";
    const auto service_row = [&](const rp::TrafficRow& row, const std::string& proto, bool total) {
        const double w = static_cast<double>(row.share_ppm) / 10'000.0;
        out << "<tr" << (total ? " class=\"total\"" : "") << "><td>" << html(proto) << "</td><td>" << html(row.service)
            << "</td>" << bytes_td(row.bytes_in) << bytes_td(row.bytes_out) << bytes_td(row.bytes_other)
            << bytes_td(row.bytes_total()) << count_cell(row.packets) << count_cell(row.sessions) << "<td class=\"n\">"
            << html(rp::percent_text(row.share_ppm)) << " %</td><td class=\"bar\">";
        if (!total) out << "<span class=\"b\" style=\"width:" << static_cast<int>(w * 1.2) << "px\"></span>";
        out << "</td></tr>\n";
    };
    for (const auto& row : r.services.rows) service_row(row, rp::protocol_name(row.proto), false);
    service_row(r.services.total, "all", true);
    out << "</tbody></table></div>\n<h2>Possible scanners</h2>\n<div class=\"scroll\"><table id=\"scanners\"><thead><tr>"
           "<th>Direction</th><th>Scanner</th><th class=\"n\">Unanswered targets</th><th class=\"n\">Rejected</th>"
           "<th class=\"n\">Hosts</th><th class=\"n\">Ports</th><th>Top ports</th><th>First</th><th>Last</th><th></th>"
           "</tr></thead><tbody>\n";
    for (const auto& sc : r.scanners) {
        std::string ports;
        for (const auto& pt : sc.top_ports)
            ports += (ports.empty() ? "" : ", ") + port_html(pt.proto, pt.port, labels) + " (" + html(grouped(pt.targets)) + ")";
        out << "<tr><td>" << (sc.outgoing ? "out (local)" : "in (remote)") << "</td><td>" << host_link(sc.ip, period)
            << "</td>" << count_cell(sc.targets) << count_cell(sc.rejected) << count_cell(sc.hosts) << count_cell(sc.ports)
            << "<td>" << ports << "</td><td>" << clock_cell(sc.first_us) << "</td><td>" << clock_cell(sc.last_us)
            << "</td><td>" << search_link(period, {{"ip", sc.ip.to_string()}}) << "</td></tr>\n";
    }
    if (r.scanners.empty()) out << "<tr><td colspan=\"10\" class=\"muted\">No host reached the scanner threshold.</td></tr>\n";
    out << "</tbody></table></div>\n<h2>Servers new since the previous period</h2>\n<p class=\"muted\">Local hosts that "
           "answered on a watched port in this period and not from "
        << html(rp::format_local_minute(r.previous.from_us)) << " to " << html(rp::format_local_minute(r.previous.to_us))
        << ".</p>\n<div class=\"scroll\"><table id=\"new-servers\"><thead><tr><th>Service</th><th>Server</th>"
           "<th class=\"n\">Clients</th><th class=\"n\">Sessions</th><th class=\"n\">Received</th><th class=\"n\">Sent</th>"
           "<th class=\"n\">Packets</th><th>Status</th><th></th></tr></thead><tbody>\n";
    for (const auto& sv : r.new_servers)
        out << "<tr" << (sv.expected ? "" : " class=\"flag\"") << "><td>" << port_html(sv.proto, sv.port, labels)
            << "</td><td>" << host_link(sv.server, period) << "</td>" << count_cell(sv.clients) << count_cell(sv.sessions)
            << bytes_td(sv.bytes_in) << bytes_td(sv.bytes_out) << count_cell(sv.packets) << "<td>"
            << (sv.expected ? "<span class=\"tag ok\">expected</span>" : "<span class=\"tag flag\">UNEXPECTED</span>")
            << "</td><td>"
            << search_link(period, {{"ip", sv.server.to_string()}, {"local_port", std::to_string(sv.port)},
                                    {"proto", rp::protocol_name(sv.proto)}})
            << "</td></tr>\n";
    if (r.new_servers.empty()) out << "<tr><td colspan=\"9\" class=\"muted\">No new server.</td></tr>\n";
    out << "</tbody></table></div>\n<p class=\"muted\">In: received by local hosts from non-local ones; out: sent by them. "
           "Hover a number for its exact value; IPs open the host report, “search” lists the sessions.</p>\n";
}

int run() {
    std::ostream& out = std::cout;
    const Config config = load_config();
    const rp::IntervalCatalog catalog(config.data_dir);
    const auto span = catalog.data_span();
    ReportPage page("summary.cgi", "Summary", Page::kOther,
                    {{"period", "Period (week or month)", "week"},
                     {"week_start", "Week starts (monday or sunday)", "monday"},
                     {"min_targets", "Scanners: min. targets", "50"},
                     {"expected", "Expected servers (IP:PORT,..)", "10.1.1.25:25,10.1.1.80:80"}});
    SummaryAsk ask;
    rp::SummaryOptions o;
    bool head = false;
    const auto parsed = page.parse_or_reject(out, span, head, [&](ReportParams& q) {
        page.extra(q, 0, [&](const std::string& s) { ask.kind = rp::parse_summary_kind(s); });
        page.extra(q, 1, [&](const std::string& s) { ask.week_start = rp::parse_week_start(s); });
        page.extra(q, 2, [&](const std::string& s) {
            o.min_targets = rp::parse_count(s, 1, 1'000'000'000);
            ask.min_targets = s;
        });
        page.extra(q, 3, [&](const std::string& s) {
            o.expected = rp::parse_expected_servers(s);
            ask.expected = s;
        });
        const PickerEcho& e = page.echo();
        if (!e.top.empty()) ask.top = e.top;
        else q.top = rp::kSummaryTop;
        if (e.to.empty()) {  // a calendar period: the one holding from, or the latest data's
            q.notices.clear();  // the shared parser read from..now; that is not the period
            const std::int64_t now = now_us();
            try {
                q.period = rp::resolve_summary_period(ask.kind, e.from.empty() ? std::nullopt : std::optional(e.from),
                                                      std::nullopt, ask.week_start, span ? span->last_start_us : now, now);
            } catch (const rp::TimeSpecError& ex) {
                throw BadRequest(400, std::string("Period: ") + ex.what());
            }
            ask.kind = ask.kind.value_or(rp::SummaryKind::kWeek);
        } else if (ask.kind) {
            throw BadRequest(400, "To: not with a week or month period (it is the one holding From): leave To empty, or "
                                  "choose “from / to” as the period");
        }
    });
    if (!parsed) return 0;
    const ReportParams& p = *parsed;
    o.period = p.period;
    o.top = p.top;
    const rp::PortLabels labels = load_port_labels();
    const rp::SummaryReport r = rp::summary_report(catalog, labels, o);
    if (p.format != Format::kHtml) {
        write_machine(out, p, head, rp::summary_table(r, labels), r.notes);
        return 0;
    }
    send_headers(out, 200, "text/html; charset=utf-8");
    if (head) return 0;
    const std::string title = ask.kind ? (*ask.kind == rp::SummaryKind::kWeek ? "Weekly summary" : "Monthly summary")
                                       : "Summary";
    page_begin(out, title, Page::kOther);
    out << "<p class=\"muted\">"
        << (span ? "Data available from " + html(minute_text(span->first_start_us)) + " to " +
                       html(minute_text(span->last_start_us)) + " (interval starts)."
                 : std::string("No data yet: the data directory holds no interval files."))
        << "</p>\n";
    picker(out, ask, p, catalog, span, "html");
    for (const auto& n : p.notices) out << "<p class=\"notice\">" << html(n) << "</p>\n";
    out << "<p class=\"muted\">Period " << html(rp::format_local_minute(p.period.from_us)) << " to "
        << html(rp::format_local_minute(p.period.to_us)) << " · download <a href=\"" << summary_href(ask, p.period, "csv")
        << "\">CSV</a> · <a href=\"" << summary_href(ask, p.period, "json") << "\">JSON</a></p>\n";
    body(out, r, labels);
    write_notes(out, r.notes);
    page_end(out);
    out.flush();
    return 0;
}

}  // namespace

int main() { return page_main("summary.cgi", run); }
