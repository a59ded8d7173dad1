#include "report_page.hpp"

#include <iostream>
#include <system_error>

#include "report/escape.hpp"
#include "report/search_filter.hpp"

namespace rp = ipaudit::report;

namespace ipaudit::cgi {

namespace {
constexpr std::int64_t kDayUs = 86'400'000'000LL;

std::string span_text(const std::optional<rp::DataSpan>& span) {
    if (!span) return "No data yet: the data directory holds no interval files.";
    return "Data available from " + minute_text(span->first_start_us) + " to " + minute_text(span->last_start_us) +
           " (interval starts).";
}

void option(std::ostream& out, std::string_view value, std::string_view label, std::string_view current) {
    out << "<option value=\"" << html(value) << '"' << (value == current ? " selected" : "") << '>' << html(label)
        << "</option>";
}
}  // namespace

rp::Period default_report_period(const std::optional<rp::DataSpan>& span, std::int64_t now) {
    if (!span) return {now - kDayUs, now};
    const std::int64_t start = rp::local_day_start_us(span->last_start_us);
    return {start, rp::local_day_start_us(start + kDayUs + 3'600'000'000LL)};
}

ReportPage::ReportPage(std::string program, std::string title, Page page, std::vector<ExtraField> extra)
    : program_(std::move(program)), title_(std::move(title)), page_(page), extra_(std::move(extra)) {
    echo_.extra.resize(extra_.size());
}

ReportParams ReportPage::parse(const Request& req, const std::optional<rp::DataSpan>& span) {
    check_sensor_field(req);
    ReportParams p;
    std::optional<BadRequest> first_error;
    auto read = [&](const std::string& name, std::string& echo) -> std::optional<std::string> {
        try {
            auto v = req.value(name);
            if (v) echo = *v;
            return v;
        } catch (const BadRequest& e) {
            if (!first_error) first_error = e;
            return std::nullopt;
        }
    };
    const auto from = read("from", echo_.from);
    const auto to = read("to", echo_.to);
    const auto top = read("top", echo_.top);
    std::string format_text;
    const auto format = read("format", format_text);
    for (std::size_t i = 0; i < extra_.size(); ++i) p.extra.push_back(read(extra_[i].name, echo_.extra[i]));
    if (format) {
        if (*format == "csv") p.format = Format::kCsv;
        else if (*format == "json") p.format = Format::kJson;
        else if (*format != "html") throw BadRequest(400, "Output: expected html, csv or json");
        echo_.format = *format;
    }
    if (first_error) throw *first_error;

    const std::int64_t now = now_us();
    if (!from && !to) {
        p.period = default_report_period(span, now);
    } else {
        try {
            p.period = rp::parse_period(from, to, now);
        } catch (const rp::TimeSpecError& e) {
            throw BadRequest(400, std::string("Period: ") + e.what());
        }
    }
    if (p.period.to_us - p.period.from_us > kMaxReportPeriodUs) {
        p.period.from_us = p.period.to_us - kMaxReportPeriodUs;
        p.notices.push_back("The period was longer than 31 days: reporting the last 31 days of it, from " +
                            rp::format_local_minute(p.period.from_us) + ".");
    }
    if (top) {
        try {
            p.top = static_cast<std::size_t>(rp::parse_count(*top, 0, static_cast<std::int64_t>(rp::kMaxTop)));
        } catch (const std::invalid_argument& e) {
            throw BadRequest(400, std::string("Top: ") + e.what());
        }
    }
    return p;
}

void ReportPage::error_response(std::ostream& out, const BadRequest& e, const std::optional<rp::DataSpan>& span) {
    const std::string message = e.what();
    if (echo_.format == "csv") {
        std::string text = message;
        for (char& c : text)
            if (c == '<' || c == '>') c = '?';
        send_headers(out, e.status(), "text/plain; charset=utf-8");
        out << "error: " << text << '\n';
        return;
    }
    if (echo_.format == "json") {
        send_headers(out, e.status(), "application/json");
        std::string text;
        for (const char c : rp::json_string(message)) {
            if (c == '<') text += "\\u003c";
            else if (c == '>') text += "\\u003e";
            else text += c;
        }
        out << "{\"error\":" << text << "}\n";
        return;
    }
    send_headers(out, e.status(), "text/html; charset=utf-8");
    page_begin(out, title_, page_);
    error_box(out, message);
    out << "<p class=\"muted\">" << html(span_text(span)) << "</p>\n";
    write_form(out, nullptr, span);
    page_end(out);
}

void ReportPage::write_form(std::ostream& out, const rp::IntervalCatalog* catalog, const std::optional<rp::DataSpan>& span) {
    out << "<form class=\"picker card\" id=\"picker\" method=\"get\" action=\"" << html(program_) << "\">\n";
    auto input = [&](std::string_view name, std::string_view label, const std::string& value, std::string_view ph) {
        out << "<label>" << html(label) << "<input type=\"text\" name=\"" << html(name) << "\" value=\"" << html(value)
            << "\" placeholder=\"" << html(ph) << "\" maxlength=\"" << kMaxValueLength << "\"></label>\n";
    };
    input("from", "From", echo_.from, "YYYY-MM-DD HH:MM");
    input("to", "To", echo_.to, "YYYY-MM-DD HH:MM");
    input("top", "Top (rows)", echo_.top, "20");
    for (std::size_t i = 0; i < extra_.size(); ++i)
        input(extra_[i].name, extra_[i].label, echo_.extra[i], extra_[i].placeholder);
    out << "<label>Output<select name=\"format\">";
    option(out, "html", "web page", echo_.format);
    option(out, "csv", "CSV", echo_.format);
    option(out, "json", "JSON", echo_.format);
    out << "</select></label>\n" << sensor_select() << "<div class=\"actions\"><button type=\"submit\">Show</button> <a href=\""
        << html(page_href(program_)) << "\">reset</a></div>\n</form>\n";
    // Quick links: the last interval of data, today, yesterday, the last 7 days.
    out << "<p class=\"quick\" id=\"quick\">Quick: ";
    if (span && catalog) {
        rp::Notes ignored;
        const auto files = catalog->files({span->last_start_us, span->last_start_us + 1}, ignored);
        std::int64_t end = span->last_start_us + 1'800'000'000LL;
        for (const auto& f : files)
            if (f.info.covered_from_us == span->last_start_us) end = f.info.end_time * 1'000'000LL;
        if (end <= span->last_start_us) end = span->last_start_us + 1'800'000'000LL;
        out << "<a href=\"" << html(program_) << '?' << html(query(period_params({span->last_start_us, end})))
            << "\">last interval</a>";
    }
    const auto quick = [&](const char* from, const char* to, const char* text) {
        out << "<a href=\"" << html(program_) << '?' << html(query({{"from", from}, {"to", to}})) << "\">" << text << "</a>";
    };
    quick("today", "today", "today");
    quick("yesterday", "yesterday", "yesterday");
    quick("-7d", "now", "last 7 days");
    out << "</p>\n";
}

void ReportPage::html_begin(std::ostream& out, const ReportParams& p, const rp::IntervalCatalog& catalog,
                            const std::optional<rp::DataSpan>& span) {
    echo_.from = rp::format_local_minute(p.period.from_us);
    echo_.to = rp::format_local_minute(p.period.to_us);
    page_begin(out, title_, page_);
    out << "<p class=\"muted\">" << html(span_text(span)) << "</p>\n";
    write_form(out, &catalog, span);
    for (const auto& n : p.notices) out << "<p class=\"notice\">" << html(n) << "</p>\n";
    const auto q = query(period_params(p.period)) + (p.top != 20 ? "&top=" + std::to_string(p.top) : "");
    out << "<p class=\"muted\">Period " << html(rp::format_local_minute(p.period.from_us)) << " to "
        << html(rp::format_local_minute(p.period.to_us)) << " · download <a href=\"" << html(program_) << '?'
        << html(q) << "&amp;format=csv\">CSV</a> · <a href=\"" << html(program_) << '?' << html(q)
        << "&amp;format=json\">JSON</a></p>\n";
}

std::vector<std::pair<std::string, std::string>> period_params(const rp::Period& period) {
    return {{"from", rp::format_local_minute(period.from_us)}, {"to", rp::format_local_minute(period.to_us)}};
}

std::string host_link(const IpAddress& ip, const rp::Period& period) {
    const std::string text = ip.to_string();
    auto params = period_params(period);
    params.insert(params.begin(), {"ip", text});
    return "<a class=\"ip\" href=\"host.cgi?" + html(query(params)) + "\" title=\"host report of " + html(text) +
           "\">" + html(text) + "</a>";
}

std::string search_link(const rp::Period& period, const std::vector<std::pair<std::string, std::string>>& params,
                        std::string_view text) {
    auto all = params;
    for (auto& pp : period_params(period)) all.push_back(pp);
    return "<a class=\"srch\" href=\"search.cgi?" + html(query(all)) + "\" title=\"sessions in the search\">" +
           html(text) + "</a>";
}

std::string count_cell(std::int64_t n) {
    return "<td class=\"n\" title=\"" + std::to_string(n) + "\">" + html(grouped(n)) + "</td>";
}

std::string bytes_td(std::int64_t bytes) { return "<td class=\"n\">" + bytes_cell(bytes) + "</td>"; }

std::string port_html(int proto, int port, const rp::PortLabels& labels) {
    std::string cell;
    if (const rp::PortLabel* l = labels.find(proto, port)) {
        cell += "<span class=\"tag";
        cell += l->risk ? " risk" : l->p2p ? " p2p" : "";
        cell += "\">" + html(l->label) + (l->risk ? " risk" : "") + "</span> ";
    }
    return cell + std::to_string(port) + '/' + html(rp::protocol_name(proto));
}

rp::PortLabels load_port_labels() { return rp::settings_port_labels(load_config().settings); }

rp::PortLabels load_port_labels(const Config& config) {
    try {
        return rp::settings_port_labels(config.settings);
    } catch (const rp::SettingsError& e) {
        throw BadRequest(503, std::string("The port labels could not be read: ") + e.what() +
                                  ". Fix the file or the 'ports' line of the configuration file.");
    }
}

void write_machine(std::ostream& out, const ReportParams& p, bool head, const rp::ReportTable& table, rp::Notes notes) {
    const bool csv = p.format == Format::kCsv;
    send_headers(out, 200, csv ? "text/csv; charset=utf-8" : "application/json");
    if (head) return;
    for (const auto& n : p.notices) notes.push_back(n);
    rp::write_report(csv ? rp::OutputFormat::kCsv : rp::OutputFormat::kJson, out, table, p.period, notes);
    out.flush();
}

int page_main(const char* program, int (*run)()) {
    try {
        return run();
    } catch (const std::exception& e) {
        internal_error(std::cout, program, e.what());
    } catch (...) {
        internal_error(std::cout, program, "unknown exception");
    }
    return 0;
}

void write_notes(std::ostream& out, const rp::Notes& notes) {
    for (const auto& n : notes) out << "<p class=\"note\">Note: " << html(n) << "</p>\n";
}

}  // namespace ipaudit::cgi
