// The summary report: calendar periods in local time, the other reports run over them, and
// the summary as one table (text, CSV, JSON).
#include "report/summary_report.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <tuple>

#include "report/query_support.hpp"
#include "report/rollup.hpp"

namespace ipaudit::report {

namespace {

namespace chr = std::chrono;

// The calendar date a local day is named after.
chr::year_month_day date_of(const LocalDay& day) {
    const auto& n = day.name;  // YYYY-MM-DD
    return chr::year{std::stoi(n.substr(0, 4))} / chr::month{static_cast<unsigned>(std::stoi(n.substr(5, 2)))} /
           chr::day{static_cast<unsigned>(std::stoi(n.substr(8, 2)))};
}

// The local day of a calendar date (its first instant, also when midnight was skipped).
LocalDay day_of_date(const chr::year_month_day& d) {
    char name[16];
    std::snprintf(name, sizeof name, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    const auto day = local_day_named(name);
    if (!day) throw TimeSpecError(std::string("no local day ") + name);
    return *day;
}

chr::year_month_day add_days(const chr::year_month_day& d, int days) {
    return chr::year_month_day{chr::sys_days{d} + chr::days{days}};
}

bool at_local_midnight(std::int64_t us) { return local_day_of(us).from_us == us; }

Cell num(std::int64_t v) { return {std::to_string(v), true}; }
Cell txt(std::string s) { return {std::move(s), false}; }

void append_notes(Notes& into, Notes&& from) {
    for (auto& n : from)
        if (std::find(into.begin(), into.end(), n) == into.end()) into.push_back(std::move(n));
}

}  // namespace

SummaryKind parse_summary_kind(std::string_view text) {
    if (text == "week") return SummaryKind::kWeek;
    if (text == "month") return SummaryKind::kMonth;
    throw std::invalid_argument("expected week or month, not " + quote_input(text));
}

WeekStart parse_week_start(std::string_view text) {
    if (text == "monday") return WeekStart::kMonday;
    if (text == "sunday") return WeekStart::kSunday;
    throw std::invalid_argument("expected monday or sunday, not " + quote_input(text));
}

Period summary_period(SummaryKind kind, std::int64_t anchor_us, WeekStart week_start) {
    const chr::year_month_day date = date_of(local_day_of(anchor_us));
    chr::year_month_day first, next;
    if (kind == SummaryKind::kWeek) {
        const unsigned wd = chr::weekday{chr::sys_days{date}}.c_encoding();  // 0 = Sunday
        const unsigned start = week_start == WeekStart::kSunday ? 0 : 1;
        first = add_days(date, -static_cast<int>((wd + 7 - start) % 7));
        next = add_days(first, 7);
    } else {
        first = date.year() / date.month() / chr::day{1};
        const chr::year_month ym = chr::year_month{date.year(), date.month()} + chr::months{1};
        next = ym.year() / ym.month() / chr::day{1};
    }
    return {day_of_date(first).from_us, day_of_date(next).from_us};
}

Period last_complete_period(SummaryKind kind, std::int64_t now_us, WeekStart week_start) {
    const Period current = summary_period(kind, now_us, week_start);
    return summary_period(kind, current.from_us - 1, week_start);
}

Period previous_period(const Period& period) {
    if (period.to_us > period.from_us && at_local_midnight(period.from_us) && at_local_midnight(period.to_us)) {
        const chr::year_month_day from = date_of(local_day_of(period.from_us));
        const chr::year_month_day to = date_of(local_day_of(period.to_us));
        const chr::year_month next_month = chr::year_month{from.year(), from.month()} + chr::months{1};
        if (from.day() == chr::day{1} && to.day() == chr::day{1} && to.year() == next_month.year() &&
            to.month() == next_month.month()) {
            const chr::year_month before = chr::year_month{from.year(), from.month()} - chr::months{1};
            return {day_of_date(before.year() / before.month() / chr::day{1}).from_us, period.from_us};
        }
        const auto days = (chr::sys_days{to} - chr::sys_days{from}).count();
        return {day_of_date(add_days(from, -static_cast<int>(days))).from_us, period.from_us};
    }
    return {period.from_us - (period.to_us - period.from_us), period.from_us};
}

Period resolve_summary_period(std::optional<SummaryKind> kind, const std::optional<std::string>& from,
                              const std::optional<std::string>& to, WeekStart week_start,
                              std::int64_t default_anchor_us, std::int64_t now_us) {
    if (kind && to)
        throw std::invalid_argument("a week or month has no end time to give: it is the one holding the start (from)");
    if (to) return parse_period(from, to, now_us);
    std::int64_t anchor = default_anchor_us;
    if (from) {
        try {
            anchor = parse_time(*from, Bound::kFrom, now_us);
        } catch (const TimeSpecError& e) {
            throw TimeSpecError(std::string("--from: ") + e.what());
        }
    }
    return summary_period(kind.value_or(SummaryKind::kWeek), anchor, week_start);
}

std::int64_t SummaryTotals::share_ppm(std::int64_t part) const noexcept {
    const std::int64_t total = bytes_total();
    if (total <= 0 || part <= 0) return 0;
    __extension__ using Int128 = __int128;
    return static_cast<std::int64_t>(Int128{part} * 1'000'000 / total);
}

SummaryReport summary_report(const IntervalCatalog& catalog, const PortLabels& labels, const SummaryOptions& options) {
    SummaryReport r;
    r.period = options.period;
    r.previous = previous_period(options.period);

    Notes notes;
    const std::vector<IntervalPoint> points = interval_points(catalog, options.period, notes);
    for (const IntervalPoint& p : points) {
        r.totals.sum.add(p);
        ++r.totals.intervals;
    }
    r.totals.sum.start_us = options.period.from_us;
    r.totals.sum.end_us = options.period.to_us;
    r.days = daily_points(points, options.period);
    append_notes(r.notes, std::move(notes));

    PairsReport pairs = pairs_report(catalog, {options.period, options.top});
    r.pairs = std::move(pairs.pairs);
    r.local_hosts = std::move(pairs.local_hosts);
    r.remote_hosts = std::move(pairs.remote_hosts);
    append_notes(r.notes, std::move(pairs.notes));

    r.services = traffic_report(catalog, labels, {options.period, options.top});
    append_notes(r.notes, std::move(r.services.notes));
    r.services.notes.clear();

    ScannerOptions so;
    so.period = options.period;
    so.top = options.top;
    so.min_targets = options.min_targets;
    ScannersReport scanners = scanners_report(catalog, so);
    r.scanners = std::move(scanners.outgoing);
    r.scanners.insert(r.scanners.end(), scanners.incoming.begin(), scanners.incoming.end());
    append_notes(r.notes, std::move(scanners.notes));

    // Every server of both periods (top 0: no cut below kMaxTop per service).
    ServerOptions current{options.period, 0, options.expected, std::nullopt, false};
    ServerOptions before{r.previous, 0, options.expected, std::nullopt, false};
    ServersReport now = servers_report(catalog, labels, current);
    ServersReport then = servers_report(catalog, labels, before);
    std::set<std::tuple<IpAddress, int, int>> known;
    for (const ServerRow& s : then.servers) known.emplace(s.server, s.proto, s.port);
    for (ServerRow& s : now.servers)
        if (!known.contains({s.server, s.proto, s.port})) r.new_servers.push_back(std::move(s));
    // A first period (nothing before it) makes every server new: the mail lists the busiest,
    // unexpected ones first, and says how many there are.
    const std::size_t limit = detail::effective_top(options.top);
    if (r.new_servers.size() > limit) {
        std::vector<std::size_t> order(r.new_servers.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
            const ServerRow& a = r.new_servers[x];
            const ServerRow& b = r.new_servers[y];
            if (a.expected != b.expected) return !a.expected;
            return a.bytes_in + a.bytes_out > b.bytes_in + b.bytes_out;
        });
        order.resize(limit);
        std::sort(order.begin(), order.end());  // the chosen rows in the report's order
        std::vector<ServerRow> kept;
        for (const std::size_t i : order) kept.push_back(std::move(r.new_servers[i]));
        r.notes.push_back(std::to_string(r.new_servers.size()) + " servers are new since the previous period; the " +
                          std::to_string(limit) + " with the most bytes (unexpected ones first) are listed " +
                          "(the servers report lists them all)");
        r.new_servers = std::move(kept);
    }
    append_notes(r.notes, std::move(now.notes));
    append_notes(r.notes, std::move(then.notes));
    return r;
}

namespace {

constexpr const char* kColumns[] = {
    "section",      "role",          "day",       "local_ip",        "remote_ip",      "proto",
    "port",         "service",       "bytes_in",  "bytes_out",       "bytes_internal", "bytes_external",
    "bytes_other",  "bytes_total",   "packets",   "sessions",        "peers",          "largest_session",
    "intervals",    "dropped",       "decode_errors", "share_ppm",   "share_percent",  "targets",
    "rejected",     "ports",         "top_ports", "expected",        "flag",           "first_time",
    "last_time"};
constexpr std::size_t kColumnCount = std::size(kColumns);

// A row under construction: cells by column name, the rest empty.
class Row {
public:
    explicit Row(const char* section) : cells_(kColumnCount) { set("section", txt(section)); }
    Row& set(std::string_view column, Cell cell) {
        for (std::size_t i = 0; i < kColumnCount; ++i)
            if (column == kColumns[i]) {
                cells_[i] = std::move(cell);
                return *this;
            }
        throw std::logic_error("summary_table: no column " + std::string(column));
    }
    Row& n(std::string_view column, std::int64_t v) { return set(column, num(v)); }
    Row& t(std::string_view column, std::string v) { return set(column, txt(std::move(v))); }
    std::vector<Cell> take() { return std::move(cells_); }

private:
    std::vector<Cell> cells_;
};

void figures(Row& row, const IntervalPoint& p, std::int64_t intervals) {
    row.n("bytes_in", p.bytes_in)
        .n("bytes_out", p.bytes_out)
        .n("bytes_internal", p.bytes_internal)
        .n("bytes_external", p.bytes_external)
        .n("bytes_total", p.bytes_in + p.bytes_out + p.bytes_internal + p.bytes_external)
        .n("packets", p.packets)
        .n("sessions", p.sessions)
        .n("intervals", intervals)
        .n("dropped", p.dropped)
        .n("decode_errors", p.decode_errors);
}

void host_row(Row& row, const HostRow& h) {
    row.n("bytes_in", h.bytes_in)
        .n("bytes_out", h.bytes_out)
        .n("bytes_total", h.bytes_total())
        .n("packets", h.packets)
        .n("sessions", h.sessions)
        .n("peers", h.peers);
}

}  // namespace

ReportTable summary_table(const SummaryReport& r, const PortLabels& labels) {
    ReportTable t{"summary", std::vector<std::string>(std::begin(kColumns), std::end(kColumns)), {}};
    const auto add = [&t](Row& row) { t.rows.push_back(row.take()); };
    for (const auto& [role, p] : {std::pair<const char*, const Period*>{"current", &r.period}, {"previous", &r.previous}}) {
        Row row("period");
        row.t("role", role)
            .t("day", format_local_time(p->from_us).substr(0, 10))
            .t("first_time", format_local_time(p->from_us))
            .t("last_time", format_local_time(p->to_us));
        add(row);
    }
    {
        Row row("total");
        row.t("role", "all");
        figures(row, r.totals.sum, r.totals.intervals);
        add(row);
        const IntervalPoint& s = r.totals.sum;
        for (const auto& [role, bytes] : {std::pair<const char*, std::int64_t>{"in", s.bytes_in},
                                          {"out", s.bytes_out},
                                          {"internal", s.bytes_internal},
                                          {"external", s.bytes_external}}) {
            Row part("total");
            const std::int64_t ppm = r.totals.share_ppm(bytes);
            part.t("role", role).n("bytes_total", bytes).n("share_ppm", ppm).t("share_percent", percent_text(ppm));
            add(part);
        }
    }
    for (const DayPoint& d : r.days) {
        Row row("day");
        row.t("day", d.day.name);
        figures(row, d.total, d.intervals);
        add(row);
    }
    for (const PairRow& p : r.pairs) {
        Row row("pair");
        row.t("local_ip", p.local_ip.to_string())
            .t("remote_ip", p.remote_ip.to_string())
            .n("bytes_in", p.bytes_in)
            .n("bytes_out", p.bytes_out)
            .n("bytes_total", p.bytes_total())
            .n("packets", p.packets)
            .n("sessions", p.sessions)
            .n("largest_session", p.largest_session);
        add(row);
    }
    for (const HostRow& h : r.local_hosts) {
        Row row("local_host");
        row.t("local_ip", h.ip.to_string());
        host_row(row, h);
        add(row);
    }
    for (const HostRow& h : r.remote_hosts) {
        Row row("remote_host");
        row.t("remote_ip", h.ip.to_string());
        host_row(row, h);
        add(row);
    }
    const auto service = [&](const TrafficRow& s, std::string proto) {
        Row row("service");
        row.t("proto", std::move(proto))
            .t("service", s.service)
            .n("bytes_in", s.bytes_in)
            .n("bytes_out", s.bytes_out)
            .n("bytes_other", s.bytes_other)
            .n("bytes_total", s.bytes_total())
            .n("packets", s.packets)
            .n("sessions", s.sessions)
            .n("share_ppm", s.share_ppm)
            .t("share_percent", percent_text(s.share_ppm));
        add(row);
    };
    for (const TrafficRow& s : r.services.rows) service(s, protocol_name(s.proto));
    service(r.services.total, "all");
    for (const ScannerRow& s : r.scanners) {
        std::string ports;
        for (const ScannerPort& p : s.top_ports)
            ports += (ports.empty() ? "" : " ") + port_text(p.proto, p.port, labels) + ":" + std::to_string(p.targets);
        Row row("scanner");
        row.t("role", s.outgoing ? "out" : "in")
            .t(s.outgoing ? "local_ip" : "remote_ip", s.ip.to_string())
            .n("targets", s.targets)
            .n("rejected", s.rejected)
            .n("peers", s.hosts)
            .n("ports", s.ports)
            .n("sessions", s.probes)
            .t("top_ports", ports)
            .t("first_time", format_local_time(s.first_us))
            .t("last_time", format_local_time(s.last_us));
        add(row);
    }
    for (const ServerRow& s : r.new_servers) {
        Row row("new_server");
        row.t("local_ip", s.server.to_string())
            .t("proto", protocol_name(s.proto))
            .n("port", s.port)
            .t("service", s.label)
            .n("peers", s.clients)
            .n("sessions", s.sessions)
            .n("bytes_in", s.bytes_in)
            .n("bytes_out", s.bytes_out)
            .n("bytes_total", s.bytes_in + s.bytes_out)
            .n("packets", s.packets)
            .t("expected", s.expected ? "yes" : "no")
            .t("flag", s.expected ? "" : "UNEXPECTED");
        add(row);
    }
    return t;
}

void write_summary(OutputFormat format, std::ostream& out, const ReportTable& table, const SummaryReport& r) {
    if (format != OutputFormat::kText) {
        write_report(format, out, table, r.period, r.notes);
        return;
    }
    out << "ipaudit summary report, " << format_local_time(r.period.from_us) << " to "
        << format_local_time(r.period.to_us) << " (new servers: compared with "
        << format_local_time(r.previous.from_us) << " to " << format_local_time(r.previous.to_us) << ")\n";
    static constexpr std::pair<const char*, const char*> kSections[] = {
        {"total", "Totals (in/out: local hosts with non-local ones; internal: local to local; external: no local side)"},
        {"day", "Per day"},
        {"pair", "Busiest pairs (local, remote)"},
        {"local_host", "Busiest local hosts"},
        {"remote_host", "Busiest remote hosts"},
        {"service", "Services"},
        {"scanner", "Possible scanners (out: local scanner, in: remote scanner)"},
        {"new_server", "Servers new since the previous period"}};
    for (const auto& [section, heading] : kSections) {
        std::vector<const std::vector<Cell>*> rows;
        for (const auto& row : table.rows)
            if (row[0].text == section) rows.push_back(&row);
        out << '\n' << heading << '\n';
        if (rows.empty()) {
            out << "  (none)\n";
            continue;
        }
        // The columns this section uses, and their widths.
        std::vector<std::size_t> cols, width;
        for (std::size_t i = 1; i < table.columns.size(); ++i) {
            std::size_t w = 0;
            for (const auto* row : rows) w = std::max(w, (*row)[i].text.size());
            if (w == 0) continue;
            cols.push_back(i);
            width.push_back(std::max(w, table.columns[i].size()));
        }
        const auto line = [&](const auto& cell_of) {
            std::string s = " ";
            for (std::size_t k = 0; k < cols.size(); ++k) {
                const auto [text, right] = cell_of(cols[k]);
                const std::string pad(width[k] - std::min(width[k], text.size()), ' ');
                s += ' ';
                s += right ? pad + text : (k + 1 < cols.size() ? text + pad : text);
            }
            out << s << '\n';
        };
        line([&](std::size_t i) { return std::pair<std::string, bool>{table.columns[i], false}; });
        for (const auto* row : rows)
            line([&](std::size_t i) {
                const Cell& c = (*row)[i];
                return std::pair<std::string, bool>{c.text.empty() ? "-" : c.text, c.number};
            });
    }
}

}  // namespace ipaudit::report
