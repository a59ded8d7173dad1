// Shared by the report pages (pairs, scanners, servers, traffic, and the dashboard's top
// fives): the period picker, the page parameters (validated with the report library's
// parsers), the error page, links to the host report and to a pre-filled search.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cgi_common.hpp"
#include "core/ip_address.hpp"
#include "report/interval_catalog.hpp"
#include "report/port_labels.hpp"
#include "report/report_output.hpp"
#include "report/search_output.hpp"
#include "report/time_spec.hpp"

namespace ipaudit::cgi {

inline constexpr std::int64_t kMaxReportPeriodUs = 31LL * 86'400'000'000LL;  // longer periods are capped

enum class Format { kHtml, kCsv, kJson };

// A page-specific field of the picker form (besides from, to, top and format).
struct ExtraField {
    std::string name;         // query parameter, as the CLI option with '_' for '-'
    std::string label;
    std::string placeholder;
};

// What a report page was asked for.
struct ReportParams {
    report::Period period;
    std::size_t top = 20;
    Format format = Format::kHtml;
    std::vector<std::string> notices;  // e.g. the period was capped
    std::vector<std::optional<std::string>> extra;  // values of the extra fields, in order
};

// The form as it is shown again: what the user typed (or the period read, to the minute).
struct PickerEcho {
    std::string from, to, top, format = "html";
    std::vector<std::string> extra;
};

class ReportPage {
public:
    ReportPage(std::string program, std::string title, Page page, std::vector<ExtraField> extra = {});

    // Reads from, to, top, format and the extra fields. Throws BadRequest (400) with a message
    // naming the field. The default period is the latest day of data; longer than 31 days is capped.
    ReportParams parse(const Request& req, const std::optional<report::DataSpan>& span);
    // For an extra field: runs `fn` on its value when given, turning std::invalid_argument into
    // BadRequest naming the field.
    template <typename Fn>
    void extra(const ReportParams& p, std::size_t i, Fn fn) {
        if (!p.extra.at(i)) return;
        try {
            fn(*p.extra[i]);
        } catch (const std::invalid_argument& e) {
            throw BadRequest(400, extra_[i].label + ": " + e.what());
        }
    }

    // The request of this page: the shared fields, then the page's own through `own_fields`
    // (which may call extra()). On a bad field it writes the 4xx answer and returns nullopt.
    // `head` tells whether it was a HEAD request.
    template <typename OwnFields>
    [[nodiscard]] std::optional<ReportParams> parse_or_reject(std::ostream& out, const std::optional<report::DataSpan>& span,
                                                              bool& head, OwnFields own_fields) {
        try {
            const Request req;
            head = req.head();
            ReportParams p = parse(req, span);
            own_fields(p);
            return p;
        } catch (const BadRequest& e) {
            error_response(out, e, span);
            return std::nullopt;
        }
    }
    [[nodiscard]] std::optional<ReportParams> parse_or_reject(std::ostream& out, const std::optional<report::DataSpan>& span,
                                                              bool& head) {
        return parse_or_reject(out, span, head, [](ReportParams&) {});
    }

    // The 4xx answer: HTML page with the message and the form; plain text for csv, JSON for json.
    void error_response(std::ostream& out, const BadRequest& e, const std::optional<report::DataSpan>& span);
    // Headers, page_begin, data span, the picker form, quick links and notices.
    void html_begin(std::ostream& out, const ReportParams& p, const report::IntervalCatalog& catalog,
                    const std::optional<report::DataSpan>& span);

    [[nodiscard]] PickerEcho& echo() noexcept { return echo_; }
    [[nodiscard]] const std::string& program() const noexcept { return program_; }

private:
    void write_form(std::ostream& out, const report::IntervalCatalog* catalog, const std::optional<report::DataSpan>& span);

    std::string program_;
    std::string title_;
    Page page_;
    std::vector<ExtraField> extra_;
    PickerEcho echo_;
};

// The default period: the latest local day that holds data, else the last 24 hours.
[[nodiscard]] report::Period default_report_period(const std::optional<report::DataSpan>& span, std::int64_t now);

// `from`/`to` of a period as query values (to the minute, seconds when needed).
[[nodiscard]] std::vector<std::pair<std::string, std::string>> period_params(const report::Period& period);
// <a href="host.cgi?ip=IP&from=..&to=..">IP</a>.
[[nodiscard]] std::string host_link(const IpAddress& ip, const report::Period& period);
// A small "search" link to search.cgi pre-filled with the period and `params`.
[[nodiscard]] std::string search_link(const report::Period& period,
                                      const std::vector<std::pair<std::string, std::string>>& params,
                                      std::string_view text = "search");
// A <td class="n"> with a count grouped, the exact value on hover.
[[nodiscard]] std::string count_cell(std::int64_t n);
// <td class="n"> with bytes in human units, the exact value on hover.
[[nodiscard]] std::string bytes_td(std::int64_t bytes);
// A port labelled from ports.conf: "<span class=tag risk>SMB</span> 445/tcp".
[[nodiscard]] std::string port_html(int proto, int port, const report::PortLabels& labels);
// Port labels as the CLI reads them: the `ports` file of the config (load_config()), else
// /etc/ipaudit/ports.conf when present, else the built-in ones. Throws report::SettingsError
// (what(): "FILE:LINE: ports: ...") when that file cannot be read or is bad.
[[nodiscard]] report::PortLabels load_port_labels();
// The same from a config already read; a bad ports file is a BadRequest(503) with the message
// (call it inside parse_or_reject's `own_fields` to show it on the page).
[[nodiscard]] report::PortLabels load_port_labels(const Config& config);
// format=csv|json: headers and write_report (the same text as `ipaudit report NAME --format ..`);
// the page's notices join the notes (which only JSON shows).
void write_machine(std::ostream& out, const ReportParams& p, bool head, const report::ReportTable& table,
                   report::Notes notes);
// main() of a page: runs `run`, turning any exception into internal_error.
int page_main(const char* program, int (*run)());
// Notes of a report as <p class="note">.
void write_notes(std::ostream& out, const report::Notes& notes);

}  // namespace ipaudit::cgi
