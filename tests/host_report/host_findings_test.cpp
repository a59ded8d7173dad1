// The host report's findings over the sample capture: its rows of the scanners and servers
// reports (library, `ipaudit report host` sections 'scanner' and 'server', host.cgi's
// "Findings" section). In the sample 10.1.9.9 is an outgoing scanner of 2000 targets on 445
// (a worm: one source port), 198.51.100.7 an incoming scanner answered by RSTs, and 10.1.2.50
// a workstation answering SMTP (unexpected unless listed in expected-servers).
#include <gtest/gtest.h>

#include <map>

#include "report/host_report.hpp"
#include "tests/report/report_test_helpers.hpp"

namespace ipaudit::report {
namespace {

namespace fs = std::filesystem;
using report_test::RunResult;
using report_test::TempDir;

const char* const kDay = "2026-11-02";  // the sample runs 09:00-11:00 UTC

const fs::path& sample_dir() {
    static const std::unique_ptr<TempDir> dir = [] {
        auto d = std::make_unique<TempDir>();
        report_test::import_scenario(d->path(), "sample", {}, report_test::kSampleLocalNets);
        return d;
    }();
    return dir->path();
}

// The CSV of `ipaudit report host` as records (header names -> fields); the host report's CSV
// has no quoted fields with commas or newlines in these tests.
using Fields = std::map<std::string, std::string>;
std::vector<Fields> parse_rows(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::vector<std::string> row;
        std::size_t pos = 0;
        for (;;) {
            const auto comma = line.find(',', pos);
            row.push_back(line.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
            if (comma == std::string::npos) break;
            pos = comma + 1;
        }
        rows.push_back(std::move(row));
    }
    std::vector<Fields> out;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        EXPECT_EQ(rows[r].size(), rows[0].size()) << "row " << r;
        Fields f;
        for (std::size_t i = 0; i < rows[0].size() && i < rows[r].size(); ++i) f[rows[0][i]] = rows[r][i];
        out.push_back(std::move(f));
    }
    return out;
}

std::vector<Fields> rows_of(const std::vector<Fields>& all, const std::string& section) {
    std::vector<Fields> out;
    for (const auto& r : all)
        if (r.at("section") == section) out.push_back(r);
    return out;
}

class HostFindings : public ::testing::Test {
protected:
    report_test::ScopedTz tz_{"UTC"};

    // `quiet`: no note expected on stderr (a host never seen has one).
    static std::vector<Fields> csv(const std::string& ip, std::vector<std::string> extra = {}, bool quiet = true) {
        std::vector<std::string> argv = {IPAUDIT_BIN, "report", "host", "-d", sample_dir().string(), "--from", kDay,
                                         "--to", kDay, "--ports", IPAUDIT_PORTS_CONF, "--ip", ip, "--format", "csv"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        const RunResult r = report_test::run(argv);
        EXPECT_EQ(r.status, 0) << r.err;
        if (quiet) {
            EXPECT_EQ(r.err, "");
        }
        return parse_rows(r.out);
    }
    static fs::path write_conf(const TempDir& dir, const std::string& text, const std::string& name = "ipaudit.conf") {
        const fs::path p = dir.path() / name;
        std::ofstream(p) << text;
        return p;
    }
    static Period day() { return {parse_time(kDay, Bound::kFrom, 0), parse_time(kDay, Bound::kTo, 0)}; }
};

TEST_F(HostFindings, OutgoingWormIsAScanner) {
    const auto all = csv("10.1.9.9");
    const auto scanner = rows_of(all, "scanner");
    ASSERT_EQ(scanner.size(), 1u);
    EXPECT_EQ(scanner[0].at("role"), "outgoing");
    EXPECT_EQ(scanner[0].at("proto"), "tcp");
    EXPECT_EQ(scanner[0].at("port"), "445");
    EXPECT_EQ(scanner[0].at("service"), "SMB");
    EXPECT_EQ(scanner[0].at("peers"), "2000");  // targets
    EXPECT_EQ(scanner[0].at("answered"), "0");  // none rejected: no answer at all
    EXPECT_EQ(std::stoll(scanner[0].at("sessions")), 2000);  // probes
    EXPECT_EQ(scanner[0].at("first_time").rfind(kDay, 0), 0u);
    EXPECT_TRUE(rows_of(all, "server").empty());
    // The existing sections are all still there, before the findings.
    EXPECT_EQ(all.front().at("section"), "total");
    EXPECT_EQ(all.back().at("section"), "scanner");
}

TEST_F(HostFindings, IncomingScannerAnsweredByResets) {
    const auto scanner = rows_of(csv("198.51.100.7"), "scanner");
    ASSERT_EQ(scanner.size(), 1u);
    EXPECT_EQ(scanner[0].at("role"), "incoming");
    const auto targets = std::stoll(scanner[0].at("peers"));
    EXPECT_GE(targets, 50);
    EXPECT_EQ(scanner[0].at("answered"), scanner[0].at("peers"));  // every target rejected (RST)
}

TEST_F(HostFindings, SmtpWorkstationIsAnUnexpectedServerUnlessListed) {
    auto server = rows_of(csv("10.1.2.50"), "server");
    ASSERT_EQ(server.size(), 1u);
    EXPECT_EQ(server[0].at("role"), "unexpected");
    EXPECT_EQ(server[0].at("port"), "25");
    EXPECT_EQ(server[0].at("service"), "SMTP");
    EXPECT_EQ(server[0].at("peers"), "3");  // clients
    EXPECT_EQ(server[0].at("sessions"), "12");
    // The same numbers as the servers report's row.
    const RunResult servers = report_test::run({IPAUDIT_BIN, "report", "servers", "-d", sample_dir().string(), "--from",
                                                kDay, "--to", kDay, "--ports", IPAUDIT_PORTS_CONF, "--format", "csv"});
    ASSERT_EQ(servers.status, 0) << servers.err;
    bool found = false;
    for (const auto& r : parse_rows(servers.out)) {
        if (r.at("local_ip") != "10.1.2.50" || r.at("port") != "25") continue;
        found = true;
        EXPECT_EQ(r.at("bytes_in"), server[0].at("bytes_in"));
        EXPECT_EQ(r.at("bytes_out"), server[0].at("bytes_out"));
        EXPECT_EQ(r.at("flag"), "UNEXPECTED");
    }
    EXPECT_TRUE(found);
    // Listed in expected-servers of the config file: no longer flagged.
    const TempDir dir;
    const fs::path conf = write_conf(dir, "expected-servers = 10.1.1.25:25, 10.1.2.50:25\n");
    server = rows_of(csv("10.1.2.50", {"-c", conf.string()}), "server");
    ASSERT_EQ(server.size(), 1u);
    EXPECT_EQ(server[0].at("role"), "expected");
    // A workstation that offers nothing watched, and a host never seen: no findings.
    EXPECT_TRUE(rows_of(csv("10.1.2.20"), "server").empty());
    EXPECT_TRUE(rows_of(csv("10.1.2.20"), "scanner").empty());
    EXPECT_TRUE(rows_of(csv("192.0.2.254", {}, false), "scanner").empty());
}

TEST_F(HostFindings, ThresholdFromTheConfigFile) {
    const TempDir dir;
    const fs::path conf = write_conf(dir, "# the worm's 2000 targets are below this\nmin-targets = 5000\n");
    EXPECT_TRUE(rows_of(csv("10.1.9.9", {"-c", conf.string()}), "scanner").empty());
    // The host report takes the threshold from the file only (--min-targets is the scanners report's).
    const RunResult r = report_test::run({IPAUDIT_BIN, "report", "host", "-d", sample_dir().string(), "--ip", "10.1.9.9",
                                          "--min-targets", "5000"});
    EXPECT_EQ(r.status, 2);
}

TEST_F(HostFindings, LibraryRowsAreTheReportsRows) {
    const IntervalCatalog catalog(sample_dir());
    const PortLabels labels = PortLabels::load(IPAUDIT_PORTS_CONF);
    const auto ip = *IpAddress::parse("10.1.9.9");
    // Without findings options nothing is computed (and the table has no finding rows).
    const HostReport plain = host_report(catalog, labels, {ip, day(), 5});
    EXPECT_FALSE(plain.findings.computed);
    EXPECT_TRUE(plain.findings.scanner.empty());
    for (const auto& row : host_table(plain).rows) EXPECT_NE(row[0].text, "scanner");
    const HostReport r = host_report(catalog, labels, {ip, day(), 5, HostFindingOptions{}});
    ASSERT_TRUE(r.findings.computed);
    EXPECT_EQ(r.findings.min_targets, kDefaultMinTargets);
    ASSERT_EQ(r.findings.scanner.size(), 1u);
    ScannerOptions so;
    so.period = day();
    const ScannersReport scanners = scanners_report(catalog, so);
    ASSERT_FALSE(scanners.outgoing.empty());
    const ScannerRow& expected = scanners.outgoing.front();
    const ScannerRow& got = r.findings.scanner[0].row;
    EXPECT_EQ(got.ip, expected.ip);
    EXPECT_TRUE(got.outgoing);
    EXPECT_EQ(got.targets, expected.targets);
    EXPECT_EQ(got.hosts, expected.hosts);
    EXPECT_EQ(got.probes, expected.probes);
    EXPECT_EQ(got.top_source_port_hosts, expected.top_source_port_hosts);
    EXPECT_EQ(r.findings.scanner[0].label, "SMB");
    // The rest of the report is the same as without findings.
    EXPECT_EQ(r.totals.all.bytes_total(), plain.totals.all.bytes_total());
    EXPECT_EQ(r.peers.size(), plain.peers.size());
    // The threshold of the options applies.
    const HostReport high = host_report(catalog, labels, {ip, day(), 5, HostFindingOptions{5000, {}}});
    EXPECT_TRUE(high.findings.computed);
    EXPECT_TRUE(high.findings.scanner.empty());
    // Expected servers clear the flag.
    const auto smtp = *IpAddress::parse("10.1.2.50");
    const HostReport flagged = host_report(catalog, labels, {smtp, day(), 5, HostFindingOptions{}});
    ASSERT_EQ(flagged.findings.servers.size(), 1u);
    EXPECT_TRUE(flagged.findings.unexpected_server());
    const HostReport listed = host_report(catalog, labels, {smtp, day(), 5, HostFindingOptions{50, {{smtp, 25}}}});
    ASSERT_EQ(listed.findings.servers.size(), 1u);
    EXPECT_FALSE(listed.findings.unexpected_server());
}

#ifdef HOST_CGI
// host.cgi run as a CGI program: the "Findings" section, linked to scanners.cgi and
// servers.cgi for the same period; the settings come from $IPAUDIT_CONF.
class HostCgiFindings : public HostFindings {
protected:
    void TearDown() override {
        ::unsetenv("IPAUDIT_CONF");
        ::unsetenv("REQUEST_METHOD");
        ::unsetenv("QUERY_STRING");
    }
    static std::pair<std::string, std::string> page(const fs::path& conf, const std::string& query) {
        ::setenv("IPAUDIT_CONF", conf.c_str(), 1);
        ::setenv("REQUEST_METHOD", "GET", 1);
        ::setenv("QUERY_STRING", query.c_str(), 1);
        const RunResult r = report_test::run({HOST_CGI});
        const auto end = r.out.find("\r\n\r\n");
        EXPECT_NE(end, std::string::npos) << r.out;
        if (end == std::string::npos) return {r.out, ""};
        return {r.out.substr(0, end), r.out.substr(end + 4)};
    }
    static std::string findings(const std::string& body) {
        const auto b = body.find("<h2>Findings</h2>");
        const auto e = body.find("<h2>", b + 5);
        return b == std::string::npos ? std::string() : body.substr(b, e - b);
    }
};

TEST_F(HostCgiFindings, FindingsSection) {
    const TempDir dir;
    const fs::path conf = write_conf(dir, "data-dir = " + sample_dir().string() + "\nports = " IPAUDIT_PORTS_CONF "\n");
    const std::string period = "from=2026-11-02&to=2026-11-02";
    const std::string links = "from=2026-11-02%2000%3A00&amp;to=2026-11-03%2000%3A00";
    {
        const auto [headers, body] = page(conf, "ip=10.1.9.9&" + period);
        EXPECT_EQ(headers.rfind("Status: 200 OK", 0), 0u) << headers;
        const std::string f = findings(body);
        ASSERT_FALSE(f.empty()) << body;
        EXPECT_NE(f.find("id=\"findings\""), std::string::npos);
        EXPECT_NE(f.find("outgoing scanner"), std::string::npos) << f;
        EXPECT_NE(f.find("<table id=\"finding-scanner\">"), std::string::npos);
        EXPECT_NE(f.find("SMB"), std::string::npos);
        EXPECT_NE(f.find("worm-like"), std::string::npos);
        EXPECT_NE(f.find("href=\"scanners.cgi?" + links + "\""), std::string::npos) << f;
        EXPECT_NE(f.find("href=\"servers.cgi?" + links + "\""), std::string::npos) << f;
        EXPECT_NE(f.find("<p id=\"finding-servers\">Answered no watched service"), std::string::npos);
    }
    {
        const auto [headers, body] = page(conf, "ip=198.51.100.7&" + period);
        EXPECT_NE(findings(body).find("incoming scanner"), std::string::npos);
    }
    {
        const auto [headers, body] = page(conf, "ip=10.1.2.50&" + period);
        const std::string f = findings(body);
        EXPECT_NE(f.find("<table id=\"finding-servers\">"), std::string::npos) << f;
        EXPECT_NE(f.find("UNEXPECTED"), std::string::npos);
        EXPECT_NE(f.find("unexpected server"), std::string::npos);
        EXPECT_NE(f.find("<p id=\"finding-scanner\">Not a scanner"), std::string::npos);
    }
    // expected-servers and min-targets of the file.
    const fs::path listed = write_conf(dir, "data-dir = " + sample_dir().string() +
                                                "\nexpected-servers = 10.1.2.50:25\nmin-targets = 5000\n",
                                            "listed.conf");
    {
        const auto [headers, body] = page(listed, "ip=10.1.2.50&" + period);
        const std::string f = findings(body);
        EXPECT_EQ(f.find("UNEXPECTED"), std::string::npos) << f;
        EXPECT_NE(f.find("<span class=\"tag ok\">expected</span>"), std::string::npos);
        EXPECT_NE(f.find("nothing flagged"), std::string::npos);
    }
    {
        const auto [headers, body] = page(listed, "ip=10.1.9.9&" + period);
        const std::string f = findings(body);
        EXPECT_EQ(f.find("outgoing scanner"), std::string::npos) << f;
        EXPECT_NE(f.find("fewer than 5\xE2\x80\xAF" "000 unanswered targets"), std::string::npos) << f;
    }
    // CSV: the same sections as the CLI's.
    {
        const auto [headers, body] = page(conf, "ip=10.1.9.9&format=csv&" + period);
        const auto scanner = rows_of(parse_rows(body), "scanner");
        ASSERT_EQ(scanner.size(), 1u);
        EXPECT_EQ(scanner[0].at("role"), "outgoing");
    }
}

// A bad line of the config file: the message with FILE:LINE, status 503, never a 500.
TEST_F(HostCgiFindings, BadConfigLine) {
    const TempDir dir;
    const fs::path conf =
        write_conf(dir, "data-dir = " + sample_dir().string() + "\n# scanners\nexpected-servers = 10.1.2.50\n");
    for (const char* format : {"html", "csv", "json"}) {
        SCOPED_TRACE(format);
        const auto [headers, body] = page(conf, std::string("ip=10.1.2.50&from=2026-11-02&format=") + format);
        EXPECT_EQ(headers.rfind("Status: 503", 0), 0u) << headers;
        EXPECT_NE(body.find(conf.string() + ":3: expected-servers: "), std::string::npos) << body;
    }
    const auto [headers, body] = page(conf, "");
    EXPECT_EQ(headers.rfind("Status: 503", 0), 0u) << headers;
    EXPECT_NE(body.find("class=\"error\""), std::string::npos);
    EXPECT_NE(body.find("id=\"picker\""), std::string::npos);
}
#endif

}  // namespace
}  // namespace ipaudit::report
