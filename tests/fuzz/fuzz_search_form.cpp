// Fuzz target: what users type into the report forms and the CLI's filter options.
//
// Input: fields separated by '\n' (missing fields are absent):
//   0 IP or CIDR        parse_ip_range          6 from            parse_time / parse_period
//   1 ports             parse_port_list         7 to              parse_time / parse_period
//   2 protocol          parse_protocol          8 expected servers parse_expected_servers
//   3 size              parse_size              9 now, seconds (decimal) for the relative forms
//   4 talker            parse_talker           10 a CGI query string (a=1&b=2), read with
//   5 count             parse_count               cgicc by cgi::Request, then ReportPage::parse
// Designed failures are std::invalid_argument (FilterError, TimeSpecError) and, for the CGI
// request, cgi::BadRequest. Times are local: TZ is Europe/Berlin, which has DST gaps and
// overlaps. Checked: a parsed period is non-empty; html() output is valid escaped text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cgi_common.hpp"
#include "report/report_queries.hpp"
#include "report/search_filter.hpp"
#include "report/time_spec.hpp"
#include "report_page.hpp"

namespace {

namespace rp = ipaudit::report;
namespace cgi = ipaudit::cgi;

[[noreturn]] void invariant_failed() { std::abort(); }

template <typename Fn>
void expect_invalid_argument_only(Fn fn) {
    try {
        fn();
    } catch (const std::invalid_argument&) {
    }
}

void check_html(std::string_view text) {
    const std::string escaped = cgi::html(text);
    for (const char c : escaped)
        if (c == '<' || c == '>' || c == '"' || c == '\'') invariant_failed();
    (void)cgi::url_encode(text);
    (void)rp::quote_input(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool tz_set = [] {
        setenv("TZ", "Europe/Berlin", 1);
        tzset();
        return true;
    }();
    (void)tz_set;
    if (size > 8192) return 0;

    std::vector<std::string> f;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    for (std::size_t pos = 0;;) {
        const auto nl = input.find('\n', pos);
        f.emplace_back(input.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    f.resize(11);

    // "now": 2024-03-31 01:30 UTC (the spring-forward night in Berlin) unless given.
    std::int64_t now_us = 1'711'848'600LL * 1'000'000;
    if (!f[9].empty()) {
        std::int64_t s = 0;
        for (const char c : f[9].substr(0, 12))
            if (c >= '0' && c <= '9') s = s * 10 + (c - '0');
        now_us = (f[9][0] == '-' ? -s : s) * 1'000'000;
    }

    expect_invalid_argument_only([&] {
        const rp::IpRange r = rp::parse_ip_range(f[0]);
        if (r.last < r.first || !r.contains(r.first)) invariant_failed();
    });
    expect_invalid_argument_only([&] {
        for (const auto& p : rp::parse_port_list(f[1]))
            if (p.last < p.first) invariant_failed();
    });
    expect_invalid_argument_only([&] { (void)rp::parse_protocol(f[2]); });
    expect_invalid_argument_only([&] { (void)rp::parse_size(f[3]); });
    expect_invalid_argument_only([&] { (void)rp::parse_talker(f[4]); });
    expect_invalid_argument_only([&] {
        const std::int64_t n = rp::parse_count(f[5], 1, rp::kMaxLimit);
        if (n < 1 || n > rp::kMaxLimit) invariant_failed();
    });
    for (const auto bound : {rp::Bound::kFrom, rp::Bound::kTo}) {
        expect_invalid_argument_only([&] {
            const std::int64_t t = rp::parse_time(f[6], bound, now_us);
            (void)rp::format_local_time(t);
            (void)rp::format_local_minute(t);
            (void)rp::local_day_start_us(t);
        });
    }
    expect_invalid_argument_only([&] {
        const auto opt = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); };
        const rp::Period p = rp::parse_period(opt(f[6]), opt(f[7]), now_us);
        if (!(p.from_us < p.to_us)) invariant_failed();
    });
    expect_invalid_argument_only([&] { (void)rp::parse_expected_servers(f[8]); });
    for (const auto& field : f) check_html(field);

    // The CGI path: cgicc parses QUERY_STRING, Request validates, ReportPage reads the shared
    // fields (from, to, top, format) and two page fields.
    setenv("REQUEST_METHOD", "GET", 1);
    setenv("QUERY_STRING", f[10].c_str(), 1);
    try {
        const cgi::Request req;
        cgi::ReportPage page("pairs.cgi", "Pairs", cgi::Page::kPairs,
                             {{"ip", "IP", "10.0.0.1"}, {"port", "Port", "443"}});
        const std::optional<rp::DataSpan> span = rp::DataSpan{now_us - 86'400'000'000LL, now_us};
        const cgi::ReportParams p = page.parse(req, span);
        if (!(p.period.from_us < p.period.to_us) || p.period.to_us - p.period.from_us > cgi::kMaxReportPeriodUs)
            invariant_failed();
        page.extra(p, 0, [](const std::string& s) { (void)rp::parse_ip_range(s); });
        page.extra(p, 1, [](const std::string& s) { (void)rp::parse_port_list(s); });
        for (const char* name : {"from", "to", "ip", "port", "x"}) {
            try {
                if (const auto v = req.value(name)) check_html(*v);
            } catch (const cgi::BadRequest&) {
            }
        }
    } catch (const cgi::BadRequest& e) {
        if (e.status() < 400 || e.status() > 499) invariant_failed();
    }
    return 0;
}
