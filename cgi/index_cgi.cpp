// index.cgi: the dashboard. Data span and disk use, totals of the last interval and of the
// latest day, capture health, an inline SVG chart of traffic in/out per interval over the last
// 24 hours of data, the largest sessions of the last interval, and links into the search.
// format=json gives the same figures as JSON; format=csv the chart's rows (one per interval).
// The chart and the totals come from report::interval_points: whole days from their daily
// rollups' interval rows, only the rest from interval files. The last interval's own file is
// the one interval file always opened: for its decode outcomes by name and largest sessions.
#include <algorithm>
#include <chrono>
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
#include "report/traffic_series.hpp"
#include "store/interval_reader.hpp"
#include "store/sqlite.hpp"

namespace rp = ipaudit::report;
namespace sq = ipaudit::sqlite;
using namespace ipaudit::cgi;

namespace {

constexpr std::int64_t kHourUs = 3'600'000'000LL;
constexpr std::int64_t kDayUs = 24 * kHourUs;

// Figures of one interval, or of several added up.
struct Totals {
    std::int64_t files = 0, packets = 0, ip_bytes = 0, sessions = 0, bytes_in = 0, bytes_out = 0, dropped = 0,
                 overflow = 0, decode_errors = 0;
    void add(const rp::IntervalPoint& p) {
        ++files;
        packets += p.packets;
        ip_bytes += p.ip_bytes;
        sessions += p.sessions;
        bytes_in += p.bytes_in;
        bytes_out += p.bytes_out;
        dropped += p.dropped;
        overflow += p.overflow;
        decode_errors += p.decode_errors;
    }
};

struct BigSession {
    ipaudit::IpAddress a, b;
    int proto = 0, port_a = 0, port_b = 0;
    std::int64_t bytes = 0;
};

// What only the last interval file tells: its decode outcomes by name and its largest sessions.
struct LastInterval {
    std::int64_t files = 0;
    std::map<std::string, std::int64_t> outcomes;  // decode outcomes other than ip, non-zero
    std::vector<BigSession> biggest;                // by bytes, at most 5
};

void read_last_file(sq::Database& db, LastInterval& last) {
    ++last.files;
    sq::Statement outcomes(db, "SELECT name, packets FROM decode_count WHERE kind = 'outcome' AND name <> 'ip' AND packets > 0");
    while (outcomes.step()) last.outcomes[std::string(outcomes.column_text(0))] += outcomes.column_int(1);
    sq::Statement s(db,
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
        last.biggest.push_back(bs);
    }
}

// Reads the interval file(s) whose coverage starts at `start_us` (the last of the data; a second
// import of the same half hour may add NAME-2.db). Only the UTC day directory of that start is
// listed and only the files its names give that start are opened; when no name matches (a file
// not named by ipauditd), the catalog finds them by their interval rows.
LastInterval read_last_interval(const rp::IntervalCatalog& catalog, std::int64_t start_us, rp::Notes& notes) {
    LastInterval last;
    const std::int64_t start_s = start_us >= 0 ? start_us / 1'000'000 : -((-start_us + 999'999) / 1'000'000);
    const std::chrono::sys_seconds t{std::chrono::seconds{start_s}};
    const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
    char dir[32];
    std::snprintf(dir, sizeof dir, "intervals/%04d/%02u/%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    std::vector<std::filesystem::path> named;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(catalog.data_dir() / dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.starts_with('.')) continue;
        if (const auto s = rp::parse_interval_file_name(name); s && *s == start_s) named.push_back(it->path());
    }
    std::sort(named.begin(), named.end());
    for (const auto& path : named) {
        try {
            sq::Database db = ipaudit::store::open_interval_file(path);
            if (rp::read_interval_info(db).covered_from_us != start_us) continue;
            read_last_file(db, last);
        } catch (const std::exception& e) {
            notes.push_back("skipped " + path.string() + ": " + e.what());
        }
    }
    if (last.files == 0)
        catalog.for_each_interval({start_us, start_us + 1}, notes, [&](rp::OpenInterval& oi) {
            if (oi.file.info.covered_from_us == start_us) read_last_file(oi.db, last);
            return true;
        });
    std::stable_sort(last.biggest.begin(), last.biggest.end(),
                     [](const BigSession& x, const BigSession& y) { return x.bytes > y.bytes; });
    if (last.biggest.size() > 5) last.biggest.resize(5);
    return last;
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

// The totals of the last interval carry its decode outcomes by name (from its file); the day
// and the 24 hours come from the rollups' interval rows, which count decode errors (outcomes
// other than ip and non_ip) as one figure.
void write_json(std::ostream& out, const std::optional<rp::DataSpan>& span, std::uint64_t disk, const Totals& last,
                const LastInterval& last_file, const Totals& day, const Totals& window,
                const std::vector<rp::IntervalPoint>& points) {
    auto totals = [&](const Totals& t, const std::map<std::string, std::int64_t>* outcomes) {
        out << "{\"files\":" << t.files << ",\"packets\":" << t.packets << ",\"ip_bytes\":" << t.ip_bytes
            << ",\"sessions\":" << t.sessions << ",\"bytes_in\":" << t.bytes_in << ",\"bytes_out\":" << t.bytes_out
            << ",\"pcap_dropped\":" << t.dropped << ",\"overflow_packets\":" << t.overflow
            << ",\"decode_errors\":" << t.decode_errors;
        if (outcomes) {
            out << ",\"decode_outcomes\":{";
            bool first = true;
            for (const auto& [k, v] : *outcomes) {
                out << (first ? "" : ",") << rp::json_string(k) << ':' << v;
                first = false;
            }
            out << '}';
        }
        out << '}';
    };
    out << "{\"data_available\":";
    if (span)
        out << "{\"from\":" << rp::json_string(rp::format_local_time(span->first_start_us))
            << ",\"to\":" << rp::json_string(rp::format_local_time(span->last_start_us)) << '}';
    else
        out << "null";
    out << ",\"disk_used_bytes\":" << disk << ",\"last_interval\":";
    totals(last, &last_file.outcomes);
    out << ",\"latest_day\":";
    totals(day, nullptr);
    out << ",\"last_24h\":";
    totals(window, nullptr);
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
    // The threshold and expected servers of ipaudit.conf, as on scanners.cgi and servers.cgi.
    const Config settings = load_config();
    if (settings.error) error_box(out, "The configuration file has a problem: " + *settings.error + " (its other lines apply).");
    rp::ScannerOptions so;
    so.period = period;
    so.top = 5;
    so.min_targets = settings.settings.min_targets;
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
    vo.expected = settings.settings.expected;
    rp::ServersReport servers = rp::servers_report(catalog, load_port_labels(settings), vo);
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
        check_sensor_field(req);
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
    std::vector<rp::IntervalPoint> points;  // the chart: the last 24 hours of data
    Totals last, day, window;
    LastInterval last_file;
    rp::Notes notes;
    std::int64_t day_start = 0;
    if (span) {
        day_start = rp::local_day_start_us(span->last_start_us);
        const std::int64_t window_start = span->last_start_us - kDayUs;
        const rp::Period period{std::min(window_start, day_start), span->last_start_us + kDayUs};
        // Whole days from their rollups' interval rows; only the rest opens interval files.
        std::vector<rp::IntervalPoint> all = rp::interval_points(catalog, period, notes);
        std::erase_if(all, [&](const rp::IntervalPoint& p) { return p.start_us < period.from_us; });
        for (const rp::DayPoint& d : rp::daily_points(all, period)) {
            if (d.day.from_us != day_start) continue;
            day.add(d.total);
            day.files = d.intervals;
        }
        for (const rp::IntervalPoint& p : all) {
            if (p.start_us > window_start) {
                window.add(p);
                points.push_back(p);
            }
            if (p.start_us == span->last_start_us) last.add(p);
        }
        last_file = read_last_interval(catalog, span->last_start_us, notes);
        last.files = last_file.files;
    }

    if (csv) {  // the chart's data: one row per interval of the last 24 hours of data
        send_headers(out, 200, "text/csv; charset=utf-8");
        if (head) return 0;
        out << "interval_start,packets,ip_bytes,sessions,bytes_in,bytes_out,bytes_internal,bytes_external\n";
        for (const rp::IntervalPoint& p : points)
            out << rp::format_local_time(p.start_us) << ',' << p.packets << ',' << p.ip_bytes << ',' << p.sessions << ','
                << p.bytes_in << ',' << p.bytes_out << ',' << p.bytes_internal << ',' << p.bytes_external << '\n';
        return 0;
    }
    if (json) {
        send_headers(out, 200, "application/json");
        if (!head) write_json(out, span, disk, last, last_file, day, window, points);
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
    for (const rp::IntervalPoint& p : points) bars.push_back({p.start_us, p.bytes_in, p.bytes_out});
    write_in_out_chart(out, {"traffic-chart", "Traffic per interval, in and out", "in (to local hosts)",
                             "out (from local hosts)", 260},
                       bars);
    out << "</div>\n";

    out << "<h2>Capture health, last 24 hours of data</h2>\n<div class=\"card\" id=\"health\">\n";
    const bool healthy = window.dropped == 0 && window.overflow == 0 && window.decode_errors == 0;
    out << "<p>"
        << (healthy ? "Every packet captured was decoded and accounted; nothing dropped."
                    : "Packets captured, and those not accounted: dropped, over the memory cap, or not decoded.")
        << "</p>\n";
    out << "<table><thead><tr><th>Counter</th><th class=\"n\">Packets</th></tr></thead><tbody>\n"
        << "<tr><td>captured (all intervals)</td><td class=\"n\">" << grouped(window.packets) << "</td></tr>\n"
        << "<tr><td>dropped by libpcap / interface</td><td class=\"n\">" << grouped(window.dropped) << "</td></tr>\n"
        << "<tr><td>over the session memory cap</td><td class=\"n\">" << grouped(window.overflow) << "</td></tr>\n"
        << "<tr><td>decode errors (truncated, bad IP header, unsupported link)</td><td class=\"n\">"
        << grouped(window.decode_errors) << "</td></tr>\n";
    for (const auto& [name, count] : last_file.outcomes)
        out << "<tr><td>last interval, decode: " << html(name) << "</td><td class=\"n\">" << grouped(count) << "</td></tr>\n";
    out << "</tbody></table>\n</div>\n";

    write_top_fives(out, catalog, span, notes);

    out << "<h2>Largest sessions of the last interval</h2>\n";
    out << "<div class=\"scroll\"><table id=\"biggest\"><thead><tr><th>Side A</th><th>Side B</th><th>Proto</th><th class=\"n\">Port A</th>"
           "<th class=\"n\">Port B</th><th class=\"n\">Bytes</th></tr></thead><tbody>\n";
    for (const auto& b : last_file.biggest) {
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
