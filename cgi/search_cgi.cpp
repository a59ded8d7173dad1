// search.cgi: the session search form (DESIGN.md "Reports" -> search) and its streamed results.
// Takes the CLI's parameters: from, to, ip, ip2, local_port, remote_port, proto, min_bytes,
// max_bytes, first_talker, last_talker, limit, every, format (html, csv, json).
#include <array>
#include <iostream>
#include <optional>
#include <string>

#include "cgi_common.hpp"
#include "report/escape.hpp"
#include "report/port_labels.hpp"
#include "report/search.hpp"
#include "report/search_output.hpp"

namespace rp = ipaudit::report;
using namespace ipaudit::cgi;

namespace {

constexpr std::int64_t kMaxPeriodUs = 31LL * 86'400'000'000LL;  // longer periods are capped
constexpr std::int64_t kDayUs = 86'400'000'000LL;
constexpr std::int64_t kMaxHtmlLimit = 10'000;  // rows on one web page; CSV and JSON go to kMaxLimit

enum class Format { kHtml, kCsv, kJson };

struct Field {
    const char* name;
    const char* label;
    const char* placeholder;
};

constexpr std::array<Field, 13> kFields = {{
    {"from", "From", "YYYY-MM-DD HH:MM"},
    {"to", "To", "YYYY-MM-DD HH:MM"},
    {"ip", "IP or CIDR (either side)", "10.1.2.3 or 10.1.0.0/16"},
    {"ip2", "Second IP (other side)", "192.0.2.7"},
    {"local_port", "Local port(s)", "80,443,8000-8099"},
    {"remote_port", "Remote port(s)", "25,445"},
    {"proto", "Protocol", "any, tcp, udp, icmp, 47"},
    {"min_bytes", "Min size (bytes, k/m/g)", "64k"},
    {"max_bytes", "Max size (bytes, k/m/g)", "1g"},
    {"first_talker", "First talker", ""},
    {"last_talker", "Last talker", ""},
    {"limit", "Max lines", "100"},
    {"every", "Print increment", "1"},
}};

// What the form shows again: the user's text for fields that were read as text.
struct Echo {
    std::array<std::string, kFields.size()> values;
    std::string format = "html";
    std::string& operator[](std::string_view name) {
        for (std::size_t i = 0; i < kFields.size(); ++i)
            if (name == kFields[i].name) return values[i];
        return values[0];  // not reached: names are from kFields
    }
};

struct Parsed {
    rp::SearchFilter filter;
    Format format = Format::kHtml;
    std::vector<std::string> notices;
};

// The default period: the last day that holds data (local midnight to midnight), else the
// last 24 hours.
rp::Period default_period(const std::optional<rp::DataSpan>& span, std::int64_t now) {
    if (!span) return {now - kDayUs, now};
    const std::int64_t start = rp::local_day_start_us(span->last_start_us);
    return {start, rp::local_day_start_us(start + kDayUs + 3'600'000'000LL)};
}

Parsed parse(const Request& req, Echo& echo, const std::optional<rp::DataSpan>& span) {
    Parsed p;
    // Read every field first (UTF-8 and length checks), so the form echoes what was typed.
    std::array<std::optional<std::string>, kFields.size()> v;
    std::optional<BadRequest> first_error;
    for (std::size_t i = 0; i < kFields.size(); ++i) {
        try {
            v[i] = req.value(kFields[i].name);
            if (v[i]) echo.values[i] = *v[i];
        } catch (const BadRequest& e) {
            if (!first_error) first_error = e;
        }
    }
    std::optional<std::string> format;
    try {
        format = req.value("format");
    } catch (const BadRequest& e) {
        if (!first_error) first_error = e;
    }
    if (format && *format == "csv") p.format = Format::kCsv;
    else if (format && *format == "json") p.format = Format::kJson;
    else if (format && *format != "html") throw BadRequest(400, "format: expected html, csv or json");
    if (format) echo.format = *format;
    if (first_error) throw *first_error;

    auto field = [&](std::size_t i, auto parse_fn) {
        if (!v[i]) return;
        try {
            parse_fn(*v[i]);
        } catch (const std::invalid_argument& e) {
            throw BadRequest(400, std::string(kFields[i].label) + ": " + e.what());
        }
    };
    rp::SearchFilter& f = p.filter;
    const std::int64_t now = now_us();
    if (!v[0] && !v[1]) {
        f.period = default_period(span, now);
    } else {
        try {
            f.period = rp::parse_period(v[0], v[1], now);
        } catch (const rp::TimeSpecError& e) {
            throw BadRequest(400, std::string("Period: ") + e.what());
        }
    }
    if (f.period.to_us - f.period.from_us > kMaxPeriodUs) {
        f.period.from_us = f.period.to_us - kMaxPeriodUs;
        p.notices.push_back("The period was longer than 31 days: searching the last 31 days of it, from " +
                            rp::format_local_minute(f.period.from_us) + ".");
    }
    field(2, [&](const std::string& s) { f.ip = rp::parse_ip_range(s); });
    field(3, [&](const std::string& s) { f.ip2 = rp::parse_ip_range(s); });
    field(4, [&](const std::string& s) { f.local_ports = rp::parse_port_list(s); });
    field(5, [&](const std::string& s) { f.remote_ports = rp::parse_port_list(s); });
    field(6, [&](const std::string& s) { f.protocols = rp::parse_protocol(s); });
    field(7, [&](const std::string& s) { f.min_bytes = rp::parse_size(s); });
    field(8, [&](const std::string& s) { f.max_bytes = rp::parse_size(s); });
    field(9, [&](const std::string& s) { f.first_talker = rp::parse_talker(s); });
    field(10, [&](const std::string& s) { f.last_talker = rp::parse_talker(s); });
    field(11, [&](const std::string& s) { f.limit = rp::parse_count(s, 1, rp::kMaxLimit); });
    field(12, [&](const std::string& s) { f.every = rp::parse_count(s, 1, rp::kMaxEvery); });
    if (p.format == Format::kHtml && f.limit > kMaxHtmlLimit)
        throw BadRequest(400, "Max lines: at most " + std::to_string(kMaxHtmlLimit) +
                                  " on the web page; choose CSV or JSON output for up to " +
                                  std::to_string(rp::kMaxLimit) + " lines");
    if (f.min_bytes && f.max_bytes && *f.min_bytes > *f.max_bytes)
        throw BadRequest(400, "Min size " + std::to_string(*f.min_bytes) + " is more than max size " +
                                  std::to_string(*f.max_bytes));
    return p;
}

std::string span_text(const std::optional<rp::DataSpan>& span) {
    if (!span) return "No data yet: the data directory holds no interval files.";
    return "Data available from " + minute_text(span->first_start_us) + " to " + minute_text(span->last_start_us) +
           " (interval starts).";
}

void option(std::ostream& out, std::string_view value, std::string_view label, std::string_view current) {
    out << "<option value=\"" << html(value) << '"' << (value == current ? " selected" : "") << '>' << html(label)
        << "</option>";
}

void write_form(std::ostream& out, Echo& echo) {
    out << "<form class=\"search card\" method=\"get\" action=\"search.cgi\">\n";
    for (std::size_t i = 0; i < kFields.size(); ++i) {
        const Field& fd = kFields[i];
        out << "<label>" << html(fd.label);
        const std::string_view name = fd.name;
        if (name == "first_talker" || name == "last_talker") {
            out << "<select name=\"" << fd.name << "\">";
            option(out, "", "any", echo.values[i]);
            option(out, "local", "local", echo.values[i]);
            option(out, "remote", "remote", echo.values[i]);
            out << "</select>";
        } else {
            out << "<input type=\"text\" name=\"" << fd.name << "\" value=\"" << html(echo.values[i])
                << "\" placeholder=\"" << html(fd.placeholder) << "\" maxlength=\"" << kMaxValueLength << '"'
                << (name == "proto" ? " list=\"protos\"" : "") << '>';
        }
        out << "</label>\n";
    }
    out << "<datalist id=\"protos\"><option value=\"any\"><option value=\"tcp\"><option value=\"udp\">"
           "<option value=\"icmp\"><option value=\"icmp6\"></datalist>\n";
    out << "<label>Output<select name=\"format\">";
    option(out, "html", "web page", echo.format);
    option(out, "csv", "CSV", echo.format);
    option(out, "json", "JSON", echo.format);
    out << "</select></label>\n" << sensor_select() << "<div class=\"actions\"><button type=\"submit\">Search</button><a href=\""
        << html(page_href("search.cgi")) << "\">reset</a></div>\n</form>\n";
}

constexpr std::array<std::pair<const char*, bool>, 14> kColumns = {{
    {"Interval", false}, {"Local IP", false}, {"Remote IP", false}, {"Proto", false},
    {"Local port", true}, {"Remote port", true}, {"Bytes in", true}, {"Bytes out", true},
    {"Packets in", true}, {"Packets out", true}, {"First time", false}, {"Last time", false},
    {"First", false}, {"Last", false}}};

std::string ip_link(const ipaudit::IpAddress& ip, const rp::Period& period) {
    const std::string text = ip.to_string();
    return "<a href=\"search.cgi?" +
           html(query({{"ip", text},
                       {"from", rp::format_local_minute(period.from_us)},
                       {"to", rp::format_local_minute(period.to_us)}})) +
           "\" title=\"search sessions of " + html(text) + "\">" + html(text) + "</a>";
}

// A port with its label from ports.conf (the labels shipped with ipaudit), risks marked. Only
// the answering side's port (the service) is labelled, not the initiator's ephemeral one.
std::string port_cell(int proto, int port, bool service_side, const rp::PortLabels& labels) {
    std::string cell = "<td class=\"n\">";
    if (const rp::PortLabel* l = service_side ? labels.find(proto, port) : nullptr) {
        cell += "<span class=\"tag";
        cell += l->risk ? " risk" : l->p2p ? " p2p" : "";
        cell += "\">" + html(l->label) + "</span> ";
    }
    return cell + std::to_string(port) + "</td>";
}

void write_row(std::ostream& out, const rp::SearchRow& r, const rp::Period& period, const rp::PortLabels& labels) {
    out << "<tr><td>" << html(minute_text(r.interval_start_us)) << "</td><td>"
        << ip_link(r.local_ip, period) << "</td><td>" << ip_link(r.remote_ip, period) << "</td><td>"
        << html(rp::protocol_name(r.proto)) << "</td>" << port_cell(r.proto, r.local_port, r.first_talker == 'R', labels)
        << port_cell(r.proto, r.remote_port, r.first_talker == 'L', labels) << "<td class=\"n\">" << bytes_cell(r.bytes_in) << "</td><td class=\"n\">"
        << bytes_cell(r.bytes_out) << "</td><td class=\"n\">" << r.packets_in << "</td><td class=\"n\">"
        << r.packets_out << "</td><td>" << clock_cell(r.first_us) << "</td><td>"
        << clock_cell(r.last_us) << "</td><td>" << r.first_talker << "</td><td>" << r.last_talker
        << "</td></tr>\n";
}

void error_response(std::ostream& out, int status, const std::string& message, Format format, Echo& echo,
                    const std::optional<rp::DataSpan>& span) {
    if (format == Format::kCsv) {
        // Plain text for scripts; markup characters of the quoted input become '?' as control
        // characters already do, so no browser can ever read this as a page.
        std::string text = message;
        for (char& c : text)
            if (c == '<' || c == '>') c = '?';
        send_headers(out, status, "text/plain; charset=utf-8");
        out << "error: " << text << '\n';
        return;
    }
    if (format == Format::kJson) {
        send_headers(out, status, "application/json");
        // '<' and '>' as \u escapes: the same JSON text, never markup.
        std::string text;
        for (const char c : rp::json_string(message)) {
            if (c == '<') text += "\\u003c";
            else if (c == '>') text += "\\u003e";
            else text += c;
        }
        out << "{\"error\":" << text << "}\n";
        return;
    }
    send_headers(out, status, "text/html; charset=utf-8");
    page_begin(out, "Search sessions", Page::kSearch);
    error_box(out, message);
    out << "<p class=\"muted\">" << html(span_text(span)) << "</p>\n";
    write_form(out, echo);
    page_end(out);
}

int run() {
    std::ostream& out = std::cout;
    const Config config = load_config();
    const rp::IntervalCatalog catalog(config.data_dir);
    const std::optional<rp::DataSpan> span = catalog.data_span();
    Echo echo;
    Parsed p;
    bool head = false;
    try {
        const Request req;
        head = req.head();
        p = parse(req, echo, span);
        check_sensor_field(req);
    } catch (const BadRequest& e) {
        Format f = Format::kHtml;
        if (echo.format == "csv") f = Format::kCsv;
        if (echo.format == "json") f = Format::kJson;
        error_response(out, e.status(), e.what(), f, echo, span);
        return 0;
    }
    // Show the period searched in the form, to the minute.
    echo["from"] = rp::format_local_minute(p.filter.period.from_us);
    echo["to"] = rp::format_local_minute(p.filter.period.to_us);

    if (p.format != Format::kHtml) {
        const bool csv = p.format == Format::kCsv;
        send_headers(out, 200, csv ? "text/csv; charset=utf-8" : "application/json");
        if (head) return 0;
        rp::SearchWriter writer(csv ? rp::OutputFormat::kCsv : rp::OutputFormat::kJson, out,
                                rp::SearchContext{p.filter.period, span});
        rp::SearchSummary summary = rp::run_search(catalog, p.filter, [&](const rp::SearchRow& r) { writer.row(r); });
        for (auto& n : p.notices) summary.notes.push_back(n);
        writer.finish(summary);
        out.flush();
        return 0;
    }

    send_headers(out, 200, "text/html; charset=utf-8");
    if (head) return 0;
    page_begin(out, "Search sessions", Page::kSearch);
    out << "<p class=\"muted\">" << html(span_text(span)) << "</p>\n";
    write_form(out, echo);
    for (const auto& n : p.notices) out << "<p class=\"notice\">" << html(n) << "</p>\n";
    out << "<h2>Sessions from " << html(rp::format_local_minute(p.filter.period.from_us)) << " to "
        << html(rp::format_local_minute(p.filter.period.to_us)) << "</h2>\n";
    out << "<div class=\"scroll\"><table id=\"results\"><thead><tr>";
    for (const auto& [label, numeric] : kColumns)
        out << "<th" << (numeric ? " class=\"n\"" : "") << '>' << html(label) << "</th>";
    out << "</tr></thead>\n<tbody>\n";
    out.flush();
    const rp::PortLabels labels = rp::PortLabels::defaults();
    std::int64_t shown = 0;
    const rp::SearchSummary summary = rp::run_search(catalog, p.filter, [&](const rp::SearchRow& r) {
        write_row(out, r, p.filter.period, labels);
        if (++shown % 20 == 1) out.flush();  // stream: the browser shows rows as they are found
    });
    out << "</tbody></table></div>\n";
    if (summary.rows == 0) out << "<p class=\"notice\">No session matches.</p>\n";
    else out << "<p class=\"muted\">" << summary.rows << " session" << (summary.rows == 1 ? "" : "s") << " shown.</p>\n";
    if (summary.limited)
        out << "<p class=\"notice\" id=\"limited\">Line limit reached: only the first " << summary.limit
            << " rows are shown; more sessions match. Raise “Max lines” or narrow the search.</p>\n";
    for (const auto& n : summary.notes) out << "<p class=\"note\">Note: " << html(n) << "</p>\n";
    out << "<p class=\"muted\">Talkers: L local, R remote, - no answer (one-way). Bytes in = received by the local side.</p>\n";
    page_end(out);
    out.flush();
    return 0;
}

}  // namespace

int main() {
    try {
        return run();
    } catch (const std::exception& e) {
        internal_error(std::cout, "search.cgi", e.what());
    } catch (...) {
        internal_error(std::cout, "search.cgi", "unknown exception");
    }
    return 0;
}
