// Shared by every CGI page: request parsing (cgicc), configuration, headers, layout, escaping.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "report/report_settings.hpp"

namespace ipaudit::cgi {

// A request the page refuses: shown with the form and the message, HTTP status 4xx.
class BadRequest : public std::runtime_error {
public:
    BadRequest(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
    [[nodiscard]] int status() const noexcept { return status_; }

private:
    int status_;
};

// Longest accepted parameter value; longer ones are refused (never parsed).
inline constexpr std::size_t kMaxValueLength = 512;

// The query parameters of a GET or HEAD request, read with cgicc. Construction throws
// BadRequest for another method (405). value() throws BadRequest (400) for text that is not
// UTF-8, holds control characters, or is longer than kMaxValueLength. Empty values are absent.
class Request {
public:
    Request();
    [[nodiscard]] std::optional<std::string> value(const std::string& name) const;
    [[nodiscard]] bool head() const noexcept { return head_; }

private:
    std::map<std::string, std::string> values_;  // first value of each name
    bool head_ = false;
};

struct Config {
    std::filesystem::path data_dir = "/var/lib/ipaudit";  // with sensors: the chosen sensor's
    report::ReportSettings settings;  // data-dir, ports, min-targets, expected-servers, sensor-dir
    std::string sensor;               // with sensor-dir lines: the sensor this request shows
    // The first problem of the file, "FILE:LINE: ..." (the other lines still apply); pages that
    // use the settings show it (reject_bad_settings).
    std::optional<std::string> error;
};

// Reads the reports' settings (report/report_settings.hpp) from $IPAUDIT_CONF (default
// /etc/ipaudit/ipaudit.conf). A missing file leaves the defaults; ipauditd's keys are skipped.
// Never throws: a bad line or an unreadable file is Config::error.
// Several sensors (`sensor-dir` lines): the page shows one at a time, the one named by the
// request's `sensor` field (default: the first line); from then on every link made with
// query() and every nav link carries it (one request per process), and sensor_select() is the
// form field that switches.
[[nodiscard]] Config load_config();

// Throws BadRequest(400) when the request's `sensor` field names no configured sensor.
void check_sensor_field(const Request& req);
// <label>Sensor<select name="sensor">...</select></label> for a form; "" with one data directory.
[[nodiscard]] std::string sensor_select();
// `page` (e.g. "pairs.cgi") with the current sensor as its query, if there is one.
[[nodiscard]] std::string page_href(std::string_view page);

// Throws BadRequest(503) with Config::error when the file had a problem: for the `own_fields`
// of ReportPage::parse_or_reject, so the page shows the message (with its form) in the format
// asked for, never a 500.
void reject_bad_settings(const Config& config);

// HTML text and attribute escaping (& < > " '); bytes that are not UTF-8 become U+FFFD.
[[nodiscard]] std::string html(std::string_view text);
// Percent-encoding of a query value (RFC 3986 unreserved characters kept).
[[nodiscard]] std::string url_encode(std::string_view text);
// A query string from name/value pairs, empty values left out: "a=1&b=x%20y"; the current
// sensor (see load_config) is appended unless `params` name one.
[[nodiscard]] std::string query(const std::vector<std::pair<std::string, std::string>>& params);

// 1.5 KiB, 3.2 MiB ... (powers of 1024), and a number with thin grouping: 1 234 567.
[[nodiscard]] std::string human_bytes(std::int64_t bytes);
[[nodiscard]] std::string grouped(std::int64_t n);
// <span title="exact">human</span> for bytes.
[[nodiscard]] std::string bytes_cell(std::int64_t bytes);

// The CGI header block: Status, Content-Type, a strict Content-Security-Policy and friends.
void send_headers(std::ostream& out, int status, std::string_view content_type);
// Whether send_headers() ran (a failure after it can only append to the page).
[[nodiscard]] bool headers_sent() noexcept;
// The last resort of main(): logs `what` to stderr (the web server's error log) and tells the
// user the page failed, without details. Status 503 when the headers are not out yet.
void internal_error(std::ostream& out, std::string_view program, std::string_view what);

enum class Page { kIndex, kPairs, kScanners, kServers, kTraffic, kSearch, kHost, kOther };
// <!doctype html> ... <body><header with nav><main>; page_end closes them.
void page_begin(std::ostream& out, std::string_view title, Page active);
void page_end(std::ostream& out);

// <p class="error">message</p>.
void error_box(std::ostream& out, std::string_view message);
// Reason phrase for the statuses pages send.
[[nodiscard]] std::string_view status_text(int status);

// Sum of the sizes of regular files under `dir` (errors skipped).
[[nodiscard]] std::uint64_t disk_used(const std::filesystem::path& dir);

// `YYYY-MM-DD HH:MM` local (seconds dropped), and `HH:MM:SS` with the full time on hover.
[[nodiscard]] std::string minute_text(std::int64_t us);
[[nodiscard]] std::string clock_cell(std::int64_t us);

// The current time, epoch microseconds.
[[nodiscard]] std::int64_t now_us();

}  // namespace ipaudit::cgi
