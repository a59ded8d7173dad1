// index.cgi: the dashboard. Data span and disk use, totals of the last interval and of the
// latest day, capture health, an inline SVG chart of traffic in/out per interval over the last
// 24 hours of data, the largest sessions of the last interval, and links into the search.
// format=json gives the same figures as JSON; format=csv the chart's rows (one per interval).
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cgi_common.hpp"
#include "report/escape.hpp"
#include "report/interval_catalog.hpp"
#include "report/report_queries.hpp"
#include "report_page.hpp"
#include "svg_chart.hpp"
#include "report/search_output.hpp"
#include "store/sqlite.hpp"

namespace rp = ipaudit::report;
namespace sq = ipaudit::sqlite;
using namespace ipaudit::cgi;

namespace {

constexpr std::int64_t kHourUs = 3'600'000'000LL;
constexpr std::int64_t kDayUs = 24 * kHourUs;

// One interval file's figures.
struct Point {
    std::int64_t start_us = 0;
    std::int64_t end_us = 0;
    std::int64_t packets = 0;
    std::int64_t ip_bytes = 0;
    std::int64_t sessions = 0;
    std::int64_t bytes_in = 0;        // received by local hosts from elsewhere
    std::int64_t bytes_out = 0;       // sent by local hosts elsewhere
    std::int64_t bytes_internal = 0;  // local to local
    std::int64_t bytes_external = 0;  // neither side local
    std::int64_t dropped = 0;         // pcap dropped + interface dropped
    std::int64_t overflow = 0;
    std::map<std::string, std::int64_t> outcomes;  // decode outcomes other than ip, non-zero
};

struct Totals {
    std::int64_t files = 0, packets = 0, ip_bytes = 0, sessions = 0, bytes_in = 0, bytes_out = 0, dropped = 0,
                 overflow = 0;
    std::map<std::string, std::int64_t> outcomes;
    void add(const Point& p) {
        ++files;
        packets += p.packets;
        ip_bytes += p.ip_bytes;
        sessions += p.sessions;
        bytes_in += p.bytes_in;
        bytes_out += p.bytes_out;
        dropped += p.dropped;
        overflow += p.overflow;
        for (const auto& [k, v] : p.outcomes) outcomes[k] += v;
    }
};

struct BigSession {
    ipaudit::IpAddress a, b;
    int proto = 0, port_a = 0, port_b = 0;
    std::int64_t bytes = 0;
};

Point read_point(rp::OpenInterval& oi) {
    Point p;
    p.start_us = oi.file.info.covered_from_us;
    p.end_us = oi.file.info.covered_to_us;
    sq::Statement info(oi.db,
                       "SELECT packets, ip_bytes, sessions, coalesce(pcap_dropped,0) + coalesce(pcap_if_dropped,0), "
                       "overflow_packets FROM interval");
    if (info.step()) {
        p.packets = info.column_int(0);
        p.ip_bytes = info.column_int(1);
        p.sessions = info.column_int(2);
        p.dropped = info.column_int(3);
        p.overflow = info.column_int(4);
    }
    sq::Statement outcomes(oi.db, "SELECT name, packets FROM decode_count WHERE kind = 'outcome' AND name <> 'ip' AND packets > 0");
    while (outcomes.step()) p.outcomes[std::string(outcomes.column_text(0))] += outcomes.column_int(1);
    sq::Statement dir(oi.db,
                      "SELECT coalesce(sum(CASE WHEN class_a = 'L' AND class_b <> 'L' THEN bytes_ba END), 0),"
                      "       coalesce(sum(CASE WHEN class_a = 'L' AND class_b <> 'L' THEN bytes_ab END), 0),"
                      "       coalesce(sum(CASE WHEN class_a = 'L' AND class_b = 'L' THEN bytes_ab + bytes_ba END), 0),"
                      "       coalesce(sum(CASE WHEN class_a <> 'L' THEN bytes_ab + bytes_ba END), 0) FROM session");
    if (dir.step()) {
        p.bytes_in = dir.column_int(0);
        p.bytes_out = dir.column_int(1);
        p.bytes_internal = dir.column_int(2);
        p.bytes_external = dir.column_int(3);
    }
    return p;
}

std::vector<BigSession> biggest_sessions(rp::OpenInterval& oi) {
    std::vector<BigSession> out;
    sq::Statement s(oi.db,
                    "SELECT ip_a, ip_b, proto, port_a, port_b, bytes_ab + bytes_ba AS total FROM session "
                    "ORDER BY total DESC LIMIT 5");
    while (s.step()) {
        const auto a = s.column_blob(0), b = s.column_blob(1);
        if (a.size() != 16 || b.size() != 16) continue;
        BigSession bs;
        bs.a = ipaudit::IpAddress::from_v6_bytes(std::span<const std::uint8_t, 16>(a.data(), 16));
        bs.b = ipaudit::IpAddress::from_v6_bytes(std::span<const std::uint8_t, 16>(b.data(), 16));
        bs.proto = static_cast<int>(s.column_int(2));
        bs.port_a = static_cast<int>(s.column_int(3));
        bs.port_b = static_cast<int>(s.column_int(4));
        bs.bytes = s.column_int(5);
        out.push_back(bs);
    }
    return out;
}

std::string search_href(std::int64_t from_us, std::int64_t to_us, const std::string& ip = {}) {
    return "search.cgi?" + html(query({{"ip", ip},
                                       {"from", rp::format_local_minute(from_us)},
                                       {"to", rp::format_local_minute(to_us)}}));
}

std::string totals_detail(const Totals& t) {
    return grouped(t.packets) + " packets · " + grouped(t.sessions) + " sessions<br>in " + bytes_cell(t.bytes_in) +
           " · out " + bytes_cell(t.bytes_out);
}

void write_json(std::ostream& out, const std::optional<rp::DataSpan>& span, std::uint64_t disk, const Totals& last,
                const Totals& day, const Totals& window, const std::vector<Point>& points) {
    auto totals = [&](const Totals& t) {
        out << "{\"files\":" << t.files << ",\"packets\":" << t.packets << ",\"ip_bytes\":" << t.ip_bytes
            << ",\"sessions\":" << t.sessions << ",\"bytes_in\":" << t.bytes_in << ",\"bytes_out\":" << t.bytes_out
            << ",\"pcap_dropped\":" << t.dropped << ",\"overflow_packets\":" << t.overflow << ",\"decode_outcomes\":{";
        bool first = true;
        for (const auto& [k, v] : t.outcomes) {
            out << (first ? "" : ",") << rp::json_string(k) << ':' << v;
            first = false;
        }
        out << "}}";
    };
    out << "{\"data_available\":";
    if (span)
        out << "{\"from\":" << rp::json_string(rp::format_local_time(span->first_start_us))
            << ",\"to\":" << rp::json_string(rp::format_local_time(span->last_start_us)) << '}';
    else
        out << "null";
    out << ",\"disk_used_bytes\":" << disk << ",\"last_interval\":";
    totals(last);
    out << ",\"latest_day\":";
    totals(day);
    out << ",\"last_24h\":";
    totals(window);
    out << ",\"intervals\":[";
    for (std::size_t i = 0; i < points.size(); ++i)
        out << (i ? "," : "") << "{\"start\":" << rp::json_string(rp::format_local_time(points[i].start_us))
            << ",\"bytes_in\":" << points[i].bytes_in << ",\"bytes_out\":" << points[i].bytes_out
            << ",\"bytes_internal\":" << points[i].bytes_internal << ",\"bytes_external\":" << points[i].bytes_external
            << '}';
    out << "]}\n";
}

// "Top five" of the pairs, scanners (out and in) and servers reports over the latest day of
// data, each a small table linking to its full page (which shows the same day by default).
void write_top_fives(std::ostream& out, const rp::IntervalCatalog& catalog, const std::optional<rp::DataSpan>& span,
                     rp::Notes& notes) {
    const rp::Period period = default_report_period(span, now_us());
    const std::string q = html(query(period_params(period)));
    auto head = [&](const char* id, const char* title, const char* page, const char* cols) {
        out << "<div class=\"card\"><h2 style=\"margin-top:0\"><a href=\"" << page << '?' << q << "\">" << title
            << "</a></h2>\n<table id=\"" << id << "\"><thead><tr>" << cols << "</tr></thead><tbody>\n";
    };
    auto tail = [&](bool empty, const char* page) {
        if (empty) out << "<tr><td colspan=\"4\" class=\"muted\">None.</td></tr>\n";
        out << "</tbody></table><p class=\"note\"><a href=\"" << page << '?' << q << "\">full report</a></p></div>\n";
    };
    out << "<h2>Top five, latest day (" << html(rp::format_local_minute(period.from_us).substr(0, 10)) << ")</h2>\n"
        << "<div class=\"grid2\" id=\"top-fives\">\n";
    const rp::PairsReport pairs = rp::pairs_report(catalog, {period, 5});
    head("top-pairs", "Busiest pairs", "pairs.cgi", "<th>Local</th><th>Remote</th><th class=\"n\">Total</th><th></th>");
    for (const auto& r : pairs.pairs)
        out << "<tr><td>" << host_link(r.local_ip, period) << "</td><td>" << host_link(r.remote_ip, period) << "</td>"
            << bytes_td(r.bytes_total()) << "<td>"
            << search_link(period, {{"ip", r.local_ip.to_string()}, {"ip2", r.remote_ip.to_string()}}) << "</td></tr>\n";
    tail(pairs.pairs.empty(), "pairs.cgi");
    rp::ScannerOptions so;
    so.period = period;
    so.top = 5;
    const rp::ScannersReport scanners = rp::scanners_report(catalog, so);
    for (const bool outgoing : {true, false}) {
        const auto& rows = outgoing ? scanners.outgoing : scanners.incoming;
        head(outgoing ? "top-scanners-out" : "top-scanners-in",
             outgoing ? "Outgoing scanners" : "Incoming scanners", "scanners.cgi",
             "<th>Scanner</th><th class=\"n\">Unanswered targets</th><th class=\"n\">Hosts</th><th></th>");
        for (const auto& r : rows)
            out << "<tr><td>" << host_link(r.ip, period) << "</td>" << count_cell(r.targets) << count_cell(r.hosts) << "<td>"
                << search_link(period, {{"ip", r.ip.to_string()}}) << "</td></tr>\n";
        tail(rows.empty(), "scanners.cgi");
    }
    rp::ServerOptions vo;
    vo.period = period;
    vo.top = 5;
    rp::ServersReport servers = rp::servers_report(catalog, load_port_labels(), vo);
    std::stable_sort(servers.servers.begin(), servers.servers.end(), [](const rp::ServerRow& a, const rp::ServerRow& b) {
        return a.bytes_in + a.bytes_out > b.bytes_in + b.bytes_out;
    });
    if (servers.servers.size() > 5) servers.servers.resize(5);
    head("top-servers", "Servers", "servers.cgi", "<th>Service</th><th>Server</th><th class=\"n\">Bytes</th><th></th>");
    for (const auto& r : servers.servers)
        out << "<tr" << (r.expected ? "" : " class=\"flag\"") << "><td>" << html(r.label.empty() ? std::to_string(r.port) : r.label)
            << "</td><td>" << host_link(r.server, period)
            << (r.expected ? "" : " <span class=\"tag flag\">UNEXPECTED</span>") << "</td>" << bytes_td(r.bytes_in + r.bytes_out)
            << "<td>" << search_link(period, {{"ip", r.server.to_string()}, {"local_port", std::to_string(r.port)}})
            << "</td></tr>\n";
    tail(servers.servers.empty(), "servers.cgi");
    out << "</div>\n";
    for (const rp::Notes* n : std::initializer_list<const rp::Notes*>{&pairs.notes, &scanners.notes, &servers.notes})
        for (const auto& s : *n)
            if (std::find(notes.begin(), notes.end(), s) == notes.end()) notes.push_back(s);
}

int run() {
    std::ostream& out = std::cout;
    const Config config = load_config();
    bool json = false, csv = false, head = false;
    try {
        const Request req;
        head = req.head();
        const auto format = req.value("format");
        if (format && *format == "json") json = true;
        else if (format && *format == "csv") csv = true;
        else if (format && *format != "html") throw BadRequest(400, "format: expected html, csv or json");
    } catch (const BadRequest& e) {
        send_headers(out, e.status(), "text/html; charset=utf-8");
        page_begin(out, "Dashboard", Page::kIndex);
        error_box(out, e.what());
        out << "<p><a href=\"index.cgi\">Back to the dashboard</a></p>\n";
        page_end(out);
        return 0;
    }

    const rp::IntervalCatalog catalog(config.data_dir);
    const std::optional<rp::DataSpan> span = catalog.data_span();
    const std::uint64_t disk = disk_used(config.data_dir);
    std::vector<Point> points;
    Totals last, day, window;
    std::vector<BigSession> biggest;
    rp::Notes notes;
    std::int64_t day_start = 0;
    if (span) {
        day_start = rp::local_day_start_us(span->last_start_us);
        const std::int64_t window_start = span->last_start_us - kDayUs;
        const rp::Period period{std::min(window_start, day_start), span->last_start_us + kDayUs};
        catalog.for_each_interval(period, notes, [&](rp::OpenInterval& oi) {
            if (oi.file.info.covered_from_us < period.from_us) return true;
            Point p = read_point(oi);
            if (p.start_us >= day_start) day.add(p);
            if (p.start_us > window_start) {
                window.add(p);
                points.push_back(p);
            }
            if (p.start_us == span->last_start_us) {
                last.add(p);
                biggest = biggest_sessions(oi);
            }
            return true;
        });
    }

    if (csv) {  // the chart's data: one row per interval of the last 24 hours of data
        send_headers(out, 200, "text/csv; charset=utf-8");
        if (head) return 0;
        out << "interval_start,packets,ip_bytes,sessions,bytes_in,bytes_out,bytes_internal,bytes_external\n";
        for (const Point& p : points)
            out << rp::format_local_time(p.start_us) << ',' << p.packets << ',' << p.ip_bytes << ',' << p.sessions << ','
                << p.bytes_in << ',' << p.bytes_out << ',' << p.bytes_internal << ',' << p.bytes_external << '\n';
        return 0;
    }
    if (json) {
        send_headers(out, 200, "application/json");
        if (!head) write_json(out, span, disk, last, day, window, points);
        return 0;
    }
    send_headers(out, 200, "text/html; charset=utf-8");
    if (head) return 0;
    page_begin(out, "Dashboard", Page::kIndex);
    if (!span) {
        std::error_code ec;
        if (!std::filesystem::is_directory(config.data_dir, ec))
            out << "<p class=\"error\">The data directory " << html(config.data_dir.string())
                << " does not exist or cannot be read by the web server. Check <code>data-dir</code> in the file "
                   "named by IPAUDIT_CONF (default /etc/ipaudit/ipaudit.conf) and the directory's permissions.</p>\n";
        else
            out << "<p class=\"notice\">No data yet: the data directory holds no interval files. Once ipauditd has "
                   "written its first interval (every 30 minutes by default), the figures appear here.</p>\n";
        card(out, "Disk used", bytes_cell(static_cast<std::int64_t>(disk)), "by the data directory");
        page_end(out);
        return 0;
    }
    const std::int64_t last_end = points.empty() ? span->last_start_us : points.back().end_us;
    out << "<div class=\"cards\">\n";
    card(out, "Data available", html(minute_text(span->first_start_us)),
         "to " + html(minute_text(span->last_start_us)) + " (interval starts)");
    card(out, "Disk used", bytes_cell(static_cast<std::int64_t>(disk)), "by the data directory");
    card(out, "Last interval · " + clock_text(span->last_start_us), bytes_cell(last.ip_bytes), totals_detail(last));
    card(out, "Latest day · " + rp::format_local_minute(day_start).substr(0, 10), bytes_cell(day.ip_bytes),
         totals_detail(day));
    out << "</div>\n";

    out << "<h2>Traffic per interval, last 24 hours of data</h2>\n<div class=\"card\">\n";
    std::vector<InOutBar> bars;
    bars.reserve(points.size());
    for (const Point& p : points) bars.push_back({p.start_us, p.bytes_in, p.bytes_out});
    write_in_out_chart(out, {"traffic-chart", "Traffic per interval, in and out", "in (to local hosts)",
                             "out (from local hosts)", 260},
                       bars);
    out << "</div>\n";

    out << "<h2>Capture health, last 24 hours of data</h2>\n<div class=\"card\" id=\"health\">\n";
    const bool healthy = window.dropped == 0 && window.overflow == 0 && window.outcomes.empty();
    out << "<p>"
        << (healthy ? "Every packet captured was decoded and accounted; nothing dropped."
                    : "Packets captured, and those not accounted: dropped, over the memory cap, or not decoded as IP.")
        << "</p>\n";
    out << "<table><thead><tr><th>Counter</th><th class=\"n\">Packets</th></tr></thead><tbody>\n"
        << "<tr><td>captured (all intervals)</td><td class=\"n\">" << grouped(window.packets) << "</td></tr>\n"
        << "<tr><td>dropped by libpcap / interface</td><td class=\"n\">" << grouped(window.dropped) << "</td></tr>\n"
        << "<tr><td>over the session memory cap</td><td class=\"n\">" << grouped(window.overflow) << "</td></tr>\n";
    for (const auto& [name, count] : window.outcomes)
        out << "<tr><td>decode: " << html(name) << "</td><td class=\"n\">" << grouped(count) << "</td></tr>\n";
    out << "</tbody></table>\n</div>\n";

    write_top_fives(out, catalog, span, notes);

    out << "<h2>Largest sessions of the last interval</h2>\n";
    out << "<div class=\"scroll\"><table id=\"biggest\"><thead><tr><th>Side A</th><th>Side B</th><th>Proto</th><th class=\"n\">Port A</th>"
           "<th class=\"n\">Port B</th><th class=\"n\">Bytes</th></tr></thead><tbody>\n";
    for (const auto& b : biggest) {
        const std::string a = b.a.to_string(), bb = b.b.to_string();
        out << "<tr><td><a href=\"" << search_href(span->last_start_us, last_end, a) << "\">" << html(a)
            << "</a></td><td><a href=\"" << search_href(span->last_start_us, last_end, bb) << "\">" << html(bb)
            << "</a></td><td>" << html(rp::protocol_name(b.proto)) << "</td><td class=\"n\">" << b.port_a
            << "</td><td class=\"n\">" << b.port_b << "</td><td class=\"n\">" << bytes_cell(b.bytes) << "</td></tr>\n";
    }
    out << "</tbody></table></div>\n";

    out << "<h2>Search</h2>\n<div class=\"card\"><a href=\"" << search_href(span->last_start_us, last_end)
        << "\">Sessions of the last interval</a> · <a href=\"" << search_href(day_start, day_start + kDayUs)
        << "\">Sessions of the latest day</a> · <a href=\"search.cgi\">Search form</a></div>\n";
    for (const auto& n : notes) out << "<p class=\"note\">Note: " << html(n) << "</p>\n";
    page_end(out);
    return 0;
}

}  // namespace

int main() {
    try {
        return run();
    } catch (const std::exception& e) {
        internal_error(std::cout, "index.cgi", e.what());
    } catch (...) {
        internal_error(std::cout, "index.cgi", "unknown exception");
    }
    return 0;
}
