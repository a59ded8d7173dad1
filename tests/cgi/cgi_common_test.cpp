// The shared CGI code without a web server: escaping, query strings, the config loader and
// request validation (cgicc reads the CGI environment set here).
#include "cgi_common.hpp"
#include "report_page.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace ipaudit::cgi {
namespace {

TEST(CgiHtml, EscapesMarkupAndQuotes) {
    EXPECT_EQ(html("<script>alert('x')</script>"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    EXPECT_EQ(html("a&b \"c\""), "a&amp;b &quot;c&quot;");
    EXPECT_EQ(html("caf\xC3\xA9"), "caf\xC3\xA9");  // valid UTF-8 kept
}

TEST(CgiHtml, InvalidUtf8BecomesReplacementCharacter) {
    EXPECT_EQ(html("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
    EXPECT_EQ(html("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
    EXPECT_EQ(html("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST(CgiQuery, PercentEncodesAndSkipsEmptyValues) {
    EXPECT_EQ(url_encode("10.1.0.0/16"), "10.1.0.0%2F16");
    EXPECT_EQ(url_encode("a b&c=<"), "a%20b%26c%3D%3C");
    EXPECT_EQ(query({{"ip", "10.1.2.3"}, {"ip2", ""}, {"from", "2026-11-02 09:00"}}),
              "ip=10.1.2.3&from=2026-11-02%2009%3A00");
}

TEST(CgiFormat, HumanBytes) {
    EXPECT_EQ(human_bytes(0), "0 B");
    EXPECT_EQ(human_bytes(1023), "1023 B");
    EXPECT_EQ(human_bytes(1536), "1.50 KiB");
    EXPECT_EQ(human_bytes(5206325), "4.97 MiB");
    EXPECT_EQ(bytes_cell(2048), "<span title=\"2048 bytes\">2.00 KiB</span>");
}

TEST(CgiHeaders, StrictContentSecurityPolicy) {
    std::ostringstream out;
    send_headers(out, 400, "text/html; charset=utf-8");
    const std::string h = out.str();
    EXPECT_EQ(h.rfind("Status: 400 Bad Request\r\n", 0), 0u);
    EXPECT_NE(h.find("Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                     "form-action 'self'"),
              std::string::npos);
    EXPECT_NE(h.find("X-Content-Type-Options: nosniff\r\n"), std::string::npos);
    EXPECT_EQ(h.substr(h.size() - 4), "\r\n\r\n");
}

class CgiEnv : public ::testing::Test {
protected:
    void TearDown() override {
        unsetenv("IPAUDIT_CONF");
        unsetenv("REQUEST_METHOD");
        unsetenv("QUERY_STRING");
    }
};

TEST_F(CgiEnv, ConfigReadsDataDirAndDefaultsWhenMissing) {
    const auto dir = std::filesystem::temp_directory_path() / ("ipaudit-cgi-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "ipaudit.conf";
    std::ofstream(file) << "# comment\nlocal = 10.0.0.0/8\n  data-dir =  /srv/audit data  # where\ninterval = 1800\n";
    setenv("IPAUDIT_CONF", file.c_str(), 1);
    EXPECT_EQ(load_config().data_dir, "/srv/audit data");
    setenv("IPAUDIT_CONF", (dir / "missing.conf").c_str(), 1);
    EXPECT_EQ(load_config().data_dir, "/var/lib/ipaudit");
    std::filesystem::remove_all(dir);
}

TEST_F(CgiEnv, RequestValidatesMethodAndValues) {
    setenv("REQUEST_METHOD", "POST", 1);
    try {
        const Request r;
        FAIL() << "POST accepted";
    } catch (const BadRequest& e) {
        EXPECT_EQ(e.status(), 405);
    }
    setenv("REQUEST_METHOD", "GET", 1);
    const std::string qs = "ip=+10.1.9.9+&proto=&bad=%C3%28&ctl=a%0Db&long=" + std::string(600, 'A');
    setenv("QUERY_STRING", qs.c_str(), 1);
    const Request r;
    EXPECT_EQ(r.value("ip"), "10.1.9.9");  // trimmed
    EXPECT_EQ(r.value("proto"), std::nullopt);  // empty = absent
    EXPECT_EQ(r.value("nothing"), std::nullopt);
    for (const char* name : {"bad", "ctl", "long"}) {
        try {
            (void)r.value(name);
            ADD_FAILURE() << name << " accepted";
        } catch (const BadRequest& e) {
            EXPECT_EQ(e.status(), 400);
            EXPECT_EQ(std::string(e.what()).rfind(name, 0), 0u) << e.what();
        }
    }
}

TEST(ReportPageLinks, HostAndSearchLinksCarryThePeriodEscaped) {
    setenv("TZ", "UTC", 1);
    tzset();
    const report::Period period{1'793'577'600'000'000LL, 1'793'664'000'000'000LL};  // 2026-11-02 UTC
    const auto ip = IpAddress::parse("2001:db8::1");
    ASSERT_TRUE(ip);
    EXPECT_EQ(host_link(*ip, period),
              "<a class=\"ip\" href=\"host.cgi?ip=2001%3Adb8%3A%3A1&amp;from=2026-11-02%2000%3A00&amp;to=2026-11-03%2000%3A00\" "
              "title=\"host report of 2001:db8::1\">2001:db8::1</a>");
    EXPECT_EQ(search_link(period, {{"ip", "10.1.2.3"}, {"ip2", "<x>"}}),
              "<a class=\"srch\" href=\"search.cgi?ip=10.1.2.3&amp;ip2=%3Cx%3E&amp;from=2026-11-02%2000%3A00&amp;"
              "to=2026-11-03%2000%3A00\" title=\"sessions in the search\">search</a>");
    EXPECT_EQ(count_cell(1234567), "<td class=\"n\" title=\"1234567\">1\xE2\x80\xAF" "234\xE2\x80\xAF" "567</td>");
    const auto labels = report::PortLabels::defaults();
    EXPECT_NE(port_html(6, 445, labels).find("tag risk"), std::string::npos);
    EXPECT_EQ(port_html(6, 40000, labels), "40000/tcp");
}

TEST(ReportPageLinks, DefaultPeriodIsTheLatestDayOfData) {
    setenv("TZ", "UTC", 1);
    tzset();
    const std::int64_t day = 1'793'577'600'000'000LL;
    const auto p = default_report_period(report::DataSpan{day - 86'400'000'000LL, day + 37'800'000'000LL}, day * 2);
    EXPECT_EQ(p.from_us, day);
    EXPECT_EQ(p.to_us, day + 86'400'000'000LL);
    const auto none = default_report_period(std::nullopt, day);
    EXPECT_EQ(none.to_us - none.from_us, 86'400'000'000LL);
}

}  // namespace
}  // namespace ipaudit::cgi
