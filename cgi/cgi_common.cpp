// Shared CGI code: see cgi_common.hpp.
#include "cgi_common.hpp"

#include <cgicc/Cgicc.h>
#include <cgicc/CgiEnvironment.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <system_error>

#include "report/time_spec.hpp"

namespace ipaudit::cgi {

namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not valid UTF-8.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
    else return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto d = static_cast<unsigned char>(s[i + k]);
        if ((d & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_length(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r");
    return std::string(s.substr(b, e - b + 1));
}

}  // namespace

Request::Request() {
    const char* method_env = std::getenv("REQUEST_METHOD");
    const std::string method = method_env ? method_env : "GET";
    if (method != "GET" && method != "HEAD")
        throw BadRequest(405, "method not allowed: these pages only answer GET (and HEAD) requests");
    head_ = method == "HEAD";
    const cgicc::Cgicc cgi;
    for (const cgicc::FormEntry& entry : cgi.getElements()) values_.try_emplace(entry.getName(), entry.getValue());
}

std::optional<std::string> Request::value(const std::string& name) const {
    const auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    const std::string& v = it->second;
    if (v.size() > kMaxValueLength)
        throw BadRequest(400, name + ": too long (" + std::to_string(v.size()) + " bytes; at most " +
                                  std::to_string(kMaxValueLength) + ")");
    if (!valid_utf8(v)) throw BadRequest(400, name + ": not valid UTF-8 text");
    for (const char c : v)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) throw BadRequest(400, name + ": control characters are not allowed");
    std::string t = trim(v);
    if (t.empty()) return std::nullopt;
    return t;
}

namespace {

// The sensors of this request (one request per process): set by load_config().
struct SensorState {
    std::vector<std::string> names;
    std::string current;
};
SensorState& sensor_state() {
    static SensorState state;
    return state;
}

}  // namespace

Config load_config() {
    Config config;
    const char* env = std::getenv("IPAUDIT_CONF");
    const std::filesystem::path path = (env && *env) ? env : ipaudit::report::kDefaultConfigFile;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return config;
    try {
        config.settings = ipaudit::report::load_report_settings(path, ipaudit::report::SettingsMode::kCollect);
        if (!config.settings.errors.empty()) config.error = config.settings.errors.front();
    } catch (const ipaudit::report::SettingsError& e) {
        config.error = e.what();
    }
    config.data_dir = config.settings.data_dir;
    const auto& sensors = config.settings.sensors;
    if (!sensors.empty()) {
        std::string wanted;
        try {
            const Request req;
            wanted = req.value("sensor").value_or("");
        } catch (const BadRequest&) {  // the page answers the bad request itself
        }
        const auto it = std::find_if(sensors.begin(), sensors.end(), [&](const auto& s) { return s.name == wanted; });
        const auto& chosen = it != sensors.end() ? *it : sensors.front();
        config.sensor = chosen.name;
        config.data_dir = chosen.data_dir;
        SensorState& state = sensor_state();
        state.names.clear();
        for (const auto& s : sensors) state.names.push_back(s.name);
        state.current = chosen.name;
    }
    return config;
}

void check_sensor_field(const Request& req) {
    const auto wanted = req.value("sensor");
    if (!wanted) return;
    const SensorState& state = sensor_state();
    if (state.names.empty())
        throw BadRequest(400, "sensor: this installation reads one data directory (no sensor-dir lines in its configuration)");
    if (std::find(state.names.begin(), state.names.end(), *wanted) == state.names.end()) {
        std::string names;
        for (const auto& n : state.names) names += (names.empty() ? "" : ", ") + n;
        throw BadRequest(400, "sensor: no sensor named " + ipaudit::report::quote_input(*wanted) + " (sensors: " + names + ")");
    }
}

std::string sensor_select() {
    const SensorState& state = sensor_state();
    if (state.names.empty()) return {};
    std::string out = "<label>Sensor<select name=\"sensor\">";
    for (const auto& n : state.names)
        out += "<option value=\"" + html(n) + '"' + (n == state.current ? " selected" : "") + '>' + html(n) + "</option>";
    return out + "</select></label>\n";
}

std::string page_href(std::string_view page) {
    const std::string q = query({});
    return std::string(page) + (q.empty() ? "" : "?" + q);
}

void reject_bad_settings(const Config& config) {
    if (config.error)
        throw BadRequest(503, "The configuration file has a problem: " + *config.error +
                                  ". Fix that line (the web server reads the file named by IPAUDIT_CONF, default "
                                  "/etc/ipaudit/ipaudit.conf).");
}

std::string html(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = utf8_length(text, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        if (n == 1) {
            switch (text[i]) {
                case '&': out += "&amp;"; break;
                case '<': out += "&lt;"; break;
                case '>': out += "&gt;"; break;
                case '"': out += "&quot;"; break;
                case '\'': out += "&#39;"; break;
                default: out += text[i];
            }
        } else {
            out.append(text.substr(i, n));
        }
        i += n;
    }
    return out;
}

std::string url_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string query(const std::vector<std::pair<std::string, std::string>>& params) {
    std::string out;
    bool sensor = false;
    for (const auto& [name, value] : params) {
        sensor = sensor || name == "sensor";
        if (value.empty()) continue;
        if (!out.empty()) out += '&';
        out += url_encode(name) + '=' + url_encode(value);
    }
    const std::string& current = sensor_state().current;
    if (!sensor && !current.empty()) out += (out.empty() ? "" : "&") + std::string("sensor=") + url_encode(current);
    return out;
}

std::string human_bytes(std::int64_t bytes) {
    static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = static_cast<double>(bytes);
    std::size_t u = 0;
    while ((v >= 1024.0 || v <= -1024.0) && u + 1 < std::size(kUnits)) {
        v /= 1024.0;
        ++u;
    }
    char buf[32];
    if (u == 0)
        std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(bytes));
    else
        std::snprintf(buf, sizeof buf, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, kUnits[u]);
    return buf;
}

std::string grouped(std::int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += "\xE2\x80\xAF";  // narrow no-break space
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

std::string bytes_cell(std::int64_t bytes) {
    return "<span title=\"" + std::to_string(bytes) + " bytes\">" + html(human_bytes(bytes)) + "</span>";
}

std::string_view status_text(int status) {
    switch (status) {
        case 200: return "OK";
        case 400: return "Bad Request";
        case 405: return "Method Not Allowed";
        case 503: return "Service Unavailable";
        default: return "Error";
    }
}

namespace {
bool g_headers_sent = false;
}  // namespace

bool headers_sent() noexcept { return g_headers_sent; }

void internal_error(std::ostream& out, std::string_view program, std::string_view what) {
    std::cerr << program << ": " << what << '\n';
    constexpr std::string_view kText =
        "The page could not be produced on the server; the administrator finds the reason in the web server's error log.";
    if (!g_headers_sent) {
        send_headers(out, 503, "text/html; charset=utf-8");
        out << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ipaudit: error</title></head><body><p>"
            << kText << "</p></body></html>\n";
    } else {
        out << "\n<p class=\"error\">" << kText << "</p>\n";
    }
    out.flush();
}

void send_headers(std::ostream& out, int status, std::string_view content_type) {
    g_headers_sent = true;
    out << "Status: " << status << ' ' << status_text(status) << "\r\n"
        << "Content-Type: " << content_type << "\r\n"
        << "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
           "frame-ancestors 'none'; base-uri 'none'\r\n"
        << "X-Content-Type-Options: nosniff\r\n"
        << "X-Frame-Options: DENY\r\n"
        << "Referrer-Policy: no-referrer\r\n"
        << "Cache-Control: no-store\r\n";
    if (status == 405) out << "Allow: GET, HEAD\r\n";
    out << "\r\n";
}

namespace {

constexpr std::string_view kCss = R"(
:root{--fg:#1d2733;--muted:#5b6775;--line:#d5dbe1;--bg:#f4f6f8;--card:#fff;--accent:#1f5fa8;--in:#2f7fd1;--out:#e07b24;--bad:#b3261e}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
header{background:#17324f;color:#fff;padding:0 24px;display:flex;align-items:center;gap:28px;height:48px}
header .brand{font-weight:700;font-size:17px;letter-spacing:.3px}
header nav a{color:#c9d8ea;text-decoration:none;margin-right:18px;padding:14px 0;border-bottom:3px solid transparent}
header nav a:hover{color:#fff}
header nav a.active{color:#fff;border-bottom-color:#6fb1ff}
main{padding:20px 24px;max-width:1400px}
h1{font-size:20px;margin:0 0 12px}
h2{font-size:15px;margin:22px 0 8px;color:var(--muted);text-transform:uppercase;letter-spacing:.6px}
a{color:var(--accent)}
.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:14px 16px;margin-bottom:16px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(230px,1fr));gap:14px;margin-bottom:16px}
.cards .card{margin:0}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.5px}
.card .big{font-size:22px;font-weight:600;margin:2px 0}
.muted{color:var(--muted)}
.error{background:#fdecea;border:1px solid #f3b8b3;color:var(--bad);padding:10px 14px;border-radius:6px;font-weight:600}
.notice{background:#fff7e0;border:1px solid #f0d68a;padding:8px 14px;border-radius:6px}
.note{color:var(--muted);font-size:13px;margin:2px 0}
form.search{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:10px 16px;align-items:end}
form.search label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:3px}
form.search input,form.search select{font:inherit;padding:5px 7px;border:1px solid #b9c3cd;border-radius:4px;background:#fff;color:var(--fg)}
form.search .actions{display:flex;gap:10px;align-items:center}
button{font:inherit;background:var(--accent);color:#fff;border:0;border-radius:4px;padding:7px 18px;cursor:pointer}
table{border-collapse:collapse;width:100%;background:var(--card);font-size:13px}
th,td{padding:4px 7px;border-bottom:1px solid var(--line);white-space:nowrap}
th{background:#e9edf1;text-align:left;position:sticky;top:0;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:nth-child(even){background:#f8fafb}
tbody tr:hover{background:#eaf2fb}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:6px}
.scroll table{border:0}
.tag{display:inline-block;font-size:11px;line-height:15px;padding:0 5px;border-radius:3px;background:#e6eef7;color:#29496b;margin-right:3px}
.tag.risk{background:#fbe3e1;color:#9b2018}
.tag.p2p{background:#f1e6fa;color:#5d2b86}
.chart{width:100%;height:auto;display:block}
.legend span{display:inline-block;width:12px;height:12px;border-radius:2px;margin:0 5px -1px 14px}
.picker{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:end}
.picker label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:3px}
.picker input,.picker select{font:inherit;padding:5px 7px;border:1px solid #b9c3cd;border-radius:4px;background:#fff;color:var(--fg)}
.quick{margin:8px 0 0;font-size:13px}
.quick a{margin-right:12px}
tr.flag td{background:#fdecea}
.tag.flag{background:#b3261e;color:#fff;font-weight:600}
.tag.ok{background:#e3f3e6;color:#1e6b2f}
td.bar{min-width:120px}
td.bar span.b{display:inline-block;height:9px;background:var(--accent);border-radius:2px;vertical-align:middle;margin-right:6px}
tr.total td{font-weight:700;border-top:2px solid #9aa7b4}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px}
footer{color:var(--muted);font-size:12px;padding:12px 24px 24px}
)";

}  // namespace

void page_begin(std::ostream& out, std::string_view title, Page active) {
    auto nav = [&](Page p, std::string_view href, std::string_view label) {
        out << "<a href=\"" << html(page_href(href)) << '"' << (p == active ? " class=\"active\"" : "") << '>' << label
            << "</a>";
    };
    out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        << "<title>" << html(title) << " · ipaudit</title><style>" << kCss << "</style></head>\n<body>\n"
        << "<header><span class=\"brand\">ipaudit</span><nav>";
    nav(Page::kIndex, "index.cgi", "Dashboard");
    nav(Page::kPairs, "pairs.cgi", "Pairs");
    nav(Page::kScanners, "scanners.cgi", "Scanners");
    nav(Page::kServers, "servers.cgi", "Servers");
    nav(Page::kTraffic, "traffic.cgi", "Traffic");
    nav(Page::kOther, "summary.cgi", "Summary");  // the only page of kind kOther
    nav(Page::kSearch, "search.cgi", "Search");
    out << "</nav></header>\n<main>\n<h1>" << html(title) << "</h1>\n";
}

void page_end(std::ostream& out) {
    out << "</main>\n<footer>ipaudit · traffic auditor · times in local time</footer>\n</body></html>\n";
}

void error_box(std::ostream& out, std::string_view message) {
    out << "<p class=\"error\" role=\"alert\">" << html(message) << "</p>\n";
}

std::uint64_t disk_used(const std::filesystem::path& dir) {
    std::uint64_t total = 0;
    std::error_code ec;
    std::filesystem::recursive_directory_iterator it(dir, std::filesystem::directory_options::skip_permission_denied, ec);
    if (ec) return 0;
    for (const std::filesystem::recursive_directory_iterator end; it != end; it.increment(ec)) {
        if (ec) break;
        std::error_code ec2;
        if (it->is_regular_file(ec2)) {
            const auto size = it->file_size(ec2);
            if (!ec2) total += size;
        }
    }
    return total;
}

std::string minute_text(std::int64_t us) { return ipaudit::report::format_local_minute(us).substr(0, 16); }

std::string clock_cell(std::int64_t us) {
    const std::string full = ipaudit::report::format_local_time(us);  // YYYY-MM-DD HH:MM:SS
    return "<span title=\"" + html(full) + "\">" + html(full.size() > 11 ? full.substr(11) : full) + "</span>";
}

std::int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace ipaudit::cgi
