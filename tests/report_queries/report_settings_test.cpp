// The reports' settings from ipaudit.conf (report/report_settings.hpp): the parser (keys,
// comments, ipauditd's keys skipped, FILE:LINE for every bad line), `ipaudit report -c FILE`
// (the file's values, the options overriding them), ipauditd accepting the reports' keys in
// the same file, and the CGI programs reading them from $IPAUDIT_CONF (a form field overrides;
// a bad line is a page with FILE:LINE and a 503, never a 500).
#include <gtest/gtest.h>

#include "report/report_settings.hpp"
#include "tests/report/report_test_helpers.hpp"

namespace ipaudit::report {
namespace {

namespace fs = std::filesystem;
using report_test::RunResult;
using report_test::TempDir;

const char* const kDay = "2026-11-02";

const fs::path& sample_dir() {
    static const std::unique_ptr<TempDir> dir = [] {
        auto d = std::make_unique<TempDir>();
        report_test::import_scenario(d->path(), "sample", {}, report_test::kSampleLocalNets);
        return d;
    }();
    return dir->path();
}

fs::path write(const fs::path& path, const std::string& text) {
    std::ofstream(path) << text;
    return path;
}

std::string strict_error(const std::string& text) {
    try {
        (void)parse_report_settings(text, "ipaudit.conf");
    } catch (const SettingsError& e) {
        return e.what();
    }
    return "(accepted)";
}

TEST(ReportSettings, ReadsTheFourKeysAndSkipsTheDaemons) {
    const ReportSettings s = parse_report_settings(
        "# ipaudit.conf\n"
        "data-dir = /srv/audit data   # where\n"
        "local = 10.0.0.0/8, 192.168.0.0/16\n"
        "interface = eth0\n"
        "interface = eth1\n"
        "\n"
        "  ports=/etc/ipaudit/site-ports.conf\n"
        "min-targets = 200\n"
        "expected-servers = 10.1.1.25:25, [2001:db8::25]:25 ,10.1.1.80:80\n"
        "snaplen = 256\n",
        "site.conf");
    EXPECT_TRUE(s.ok());
    EXPECT_EQ(s.data_dir, "/srv/audit data");
    ASSERT_TRUE(s.ports_file);
    EXPECT_EQ(*s.ports_file, "/etc/ipaudit/site-ports.conf");
    EXPECT_EQ(s.min_targets, 200);
    ASSERT_EQ(s.expected.size(), 3u);
    EXPECT_EQ(s.expected[0], (ExpectedServer{*IpAddress::parse("10.1.1.25"), 25}));
    EXPECT_EQ(s.expected[1], (ExpectedServer{*IpAddress::parse("2001:db8::25"), 25}));
    EXPECT_EQ(s.expected[2].port, 80);
    EXPECT_EQ(s.source, "site.conf");
    EXPECT_EQ(s.origin.at("min-targets"), "site.conf:8");
    EXPECT_EQ(s.origin.at("ports"), "site.conf:7");
    // Nothing set: the defaults.
    const ReportSettings d = parse_report_settings("# nothing\n\nlocal = 10.0.0.0/8\n", "x");
    EXPECT_EQ(d.data_dir, "/var/lib/ipaudit");
    EXPECT_FALSE(d.ports_file);
    EXPECT_EQ(d.min_targets, kDefaultMinTargets);
    EXPECT_TRUE(d.expected.empty());
}

TEST(ReportSettings, BadLinesNameFileAndLine) {
    EXPECT_EQ(strict_error("data-dir = /x\nmin-targets = lots\n").rfind("ipaudit.conf:2: min-targets: bad number 'lots'", 0), 0u)
        << strict_error("data-dir = /x\nmin-targets = lots\n");
    EXPECT_EQ(strict_error("min-targets = 0\n").rfind("ipaudit.conf:1: min-targets: ", 0), 0u);
    EXPECT_EQ(strict_error("min-targets = -5\n").rfind("ipaudit.conf:1: min-targets: ", 0), 0u);
    EXPECT_EQ(strict_error("min-targets = 99999999999999999999\n").rfind("ipaudit.conf:1: min-targets: ", 0), 0u);
    const std::string no_port = strict_error("#\n\nexpected-servers = 10.1.2.50\n");
    EXPECT_EQ(no_port.rfind("ipaudit.conf:3: expected-servers: ", 0), 0u) << no_port;
    EXPECT_NE(no_port.find("10.1.2.50"), std::string::npos) << no_port;
    EXPECT_NE(no_port.find("is not HOST:PORT"), std::string::npos) << no_port;
    EXPECT_EQ(strict_error("expected-servers = 10.1.2.50:99999\n").rfind("ipaudit.conf:1: expected-servers: ", 0), 0u);
    EXPECT_EQ(strict_error("expected-servers = ' OR 1=1--\n").rfind("ipaudit.conf:1: expected-servers: ", 0), 0u);
    EXPECT_EQ(strict_error("min-targets\n"), "ipaudit.conf:1: expected 'name = value', got 'min-targets'");
    EXPECT_EQ(strict_error("data-dir =\n"), "ipaudit.conf:1: data-dir: a value is required");
    EXPECT_EQ(strict_error("ports = # none\n"), "ipaudit.conf:1: ports: a value is required");
    EXPECT_EQ(strict_error("min-targets = 5\nmin-targets = 6\n"), "ipaudit.conf:2: 'min-targets' is already set on line 1");
    // Collecting: every bad line, and the good ones still apply.
    const ReportSettings s = parse_report_settings("min-targets = x\ndata-dir = /d\nexpected-servers = a:b\nports = /p\n",
                                                   "c.conf", SettingsMode::kCollect);
    ASSERT_EQ(s.errors.size(), 2u);
    EXPECT_EQ(s.errors[0].rfind("c.conf:1: min-targets: ", 0), 0u);
    EXPECT_EQ(s.errors[1].rfind("c.conf:3: expected-servers: ", 0), 0u);
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.data_dir, "/d");
    EXPECT_EQ(s.min_targets, kDefaultMinTargets);
    EXPECT_EQ(*s.ports_file, "/p");
}

TEST(ReportSettings, FilesAndPortLabels) {
    const TempDir dir;
    try {
        (void)load_report_settings(dir.path() / "missing.conf");
        FAIL() << "a missing file was read";
    } catch (const SettingsError& e) {
        EXPECT_EQ(std::string(e.what()), (dir.path() / "missing.conf").string() + ": cannot read the config file");
    }
    EXPECT_THROW((void)read_report_settings(dir.path() / "missing.conf"), SettingsError);
    EXPECT_THROW((void)load_report_settings(dir.path()), SettingsError);  // a directory
    if (!fs::exists(kDefaultConfigFile)) {
        EXPECT_EQ(read_report_settings(std::nullopt).min_targets, kDefaultMinTargets);
    }
    const fs::path conf = write(dir.path() / "a.conf", "data-dir = /d\nmin-targets = 7\n");
    EXPECT_EQ(load_report_settings(conf).min_targets, 7);
    EXPECT_EQ(read_report_settings(conf).min_targets, 7);

    // The ports file of the settings; a missing or bad one names the `ports` line first.
    const fs::path ports = write(dir.path() / "ports.conf", "25 MAIL service\n");
    const ReportSettings good = parse_report_settings("ports = " + ports.string() + "\n", "p.conf");
    EXPECT_EQ(settings_port_labels(good).label(6, 25), "MAIL");
    const ReportSettings missing = parse_report_settings("\nports = " + (dir.path() / "none").string() + "\n", "p.conf");
    try {
        (void)settings_port_labels(missing);
        FAIL() << "a missing ports file was read";
    } catch (const SettingsError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("p.conf:2: ports: " + (dir.path() / "none").string(), 0), 0u) << e.what();
    }
    const fs::path bad_ports = write(dir.path() / "bad-ports.conf", "25 MAIL service\nhttp 80\n");
    try {
        (void)settings_port_labels(parse_report_settings("ports = " + bad_ports.string() + "\n", "p.conf"));
        FAIL() << "a bad ports file was read";
    } catch (const SettingsError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("p.conf:1: ports: " + bad_ports.string() + ":2: ", 0), 0u) << e.what();
    }
}

// The annotated conf/ipaudit.conf is valid for the reports, also with the reports' keys
// uncommented, and ipauditd accepts that same file (it ignores min-targets and expected-servers).
TEST(ReportSettings, OneFileServesDaemonAndReports) {
    const TempDir dir;
    std::string text = report_test::read_file(IPAUDIT_SHIPPED_CONF);
    for (const char* key : {"ports", "min-targets", "expected-servers"}) {
        const std::string commented = std::string("\n#") + key + " = ";
        const auto at = text.find(commented);
        ASSERT_NE(at, std::string::npos) << key << " is not documented in conf/ipaudit.conf";
        text.erase(at + 1, 1);
    }
    const ReportSettings shipped = parse_report_settings(report_test::read_file(IPAUDIT_SHIPPED_CONF), "ipaudit.conf");
    EXPECT_EQ(shipped.data_dir, "/var/lib/ipaudit");
    const ReportSettings s = parse_report_settings(text, "ipaudit.conf");
    EXPECT_EQ(s.min_targets, 50);
    EXPECT_EQ(s.expected.size(), 3u);
    ASSERT_TRUE(s.ports_file);

    const fs::path pcap = dir.path() / "sample.pcap";
    report_test::run_or_throw({PCAPGEN_BIN, "sample", "-o", pcap.string()});
    // ipauditd with the uncommented file (its ports line points at the installed copy: given on the command line).
    const fs::path conf = write(dir.path() / "ipaudit.conf", text);
    const RunResult r = report_test::run({IPAUDITD_BIN, "-q", "-c", conf.string(), "-r", pcap.string(), "-d",
                                          (dir.path() / "data").string(), "--ports", IPAUDIT_PORTS_CONF, "--sensor", "t"});
    EXPECT_EQ(r.status, 0) << r.err;
    const fs::path small = write(dir.path() / "small.conf",
                                 "data-dir = " + (dir.path() / "data2").string() +
                                     "\nlocal = 10.1.0.0/16\nmin-targets = 5000\nexpected-servers = 10.1.2.50:25\n");
    const RunResult ok = report_test::run({IPAUDITD_BIN, "-q", "-c", small.string(), "-r", pcap.string()});
    EXPECT_EQ(ok.status, 0) << ok.err;
    EXPECT_TRUE(fs::exists(dir.path() / "data2" / "intervals"));
    const RunResult help = report_test::run({IPAUDITD_BIN, "--help"});
    EXPECT_NE(help.out.find("--min-targets"), std::string::npos);
    EXPECT_NE(help.out.find("--expected-servers"), std::string::npos);
    EXPECT_NE(help.out.find("Reports only"), std::string::npos);
}

class ReportConfigCli : public ::testing::Test {
protected:
    report_test::ScopedTz tz_{"UTC"};
    TempDir dir_;

    fs::path conf(const std::string& text) const { return write(dir_.path() / "ipaudit.conf", text); }
    static RunResult report(const std::string& name, std::vector<std::string> args) {
        std::vector<std::string> argv = {IPAUDIT_BIN, "report", name, "--from", kDay, "--to", kDay, "--format", "csv"};
        argv.insert(argv.end(), args.begin(), args.end());
        return report_test::run(argv);
    }
};

TEST_F(ReportConfigCli, MinTargetsHidesTheWormUnlessOverridden) {
    const fs::path c = conf("data-dir = " + sample_dir().string() + "\nmin-targets = 5000\n");
    RunResult r = report("scanners", {"-c", c.string()});  // data-dir from the file
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.find("10.1.9.9"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("198.51.100.7"), std::string::npos);
    r = report("scanners", {"--config", c.string(), "--min-targets", "50"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("out,10.1.9.9,2000,"), std::string::npos) << r.out;
    // -d wins over the file's data-dir.
    const fs::path elsewhere = conf("data-dir = /nonexistent/ipaudit\nmin-targets = 5000\n");
    r = report("scanners", {"-c", elsewhere.string(), "-d", sample_dir().string()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.find("10.1.9.9"), std::string::npos);
    r = report("scanners", {"-c", elsewhere.string()});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("/nonexistent/ipaudit"), std::string::npos) << r.err;
}

TEST_F(ReportConfigCli, ExpectedServersClearTheFlag) {
    RunResult r = report("servers", {"-d", sample_dir().string(), "-c", conf("# none listed\n").string()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("server,25,tcp,SMTP,no,10.1.2.50,3,12,"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(",no,UNEXPECTED"), std::string::npos);
    const fs::path c = conf("expected-servers = 10.1.1.25:25, 10.1.2.50:25\n");
    r = report("servers", {"-d", sample_dir().string(), "-c", c.string()});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto row = r.out.find("server,25,tcp,SMTP,no,10.1.2.50,");
    ASSERT_NE(row, std::string::npos) << r.out;
    EXPECT_NE(r.out.substr(row, r.out.find('\n', row) - row).find(",yes,"), std::string::npos);
    // --expected replaces the file's list.
    r = report("servers", {"-d", sample_dir().string(), "-c", c.string(), "--expected", "10.1.1.22:22"});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto again = r.out.find("server,25,tcp,SMTP,no,10.1.2.50,");
    ASSERT_NE(again, std::string::npos);
    EXPECT_NE(r.out.substr(again, r.out.find('\n', again) - again).find("UNEXPECTED"), std::string::npos);
    // The summary takes them too.
    r = report("summary", {"-d", sample_dir().string(), "-c", conf("min-targets = 5000\n").string()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.find("scanner,"), std::string::npos) << r.out;
}

TEST_F(ReportConfigCli, BadConfigIsOneLineWithFileAndLine) {
    const fs::path bad = conf("data-dir = " + sample_dir().string() + "\n\n# scanners\nmin-targets = fifty\n");
    for (const char* name : {"pairs", "scanners", "host"}) {
        const RunResult r = report(name, {"-c", bad.string(), "--ip", "10.1.2.20"});
        EXPECT_EQ(r.status, 2) << name;
        EXPECT_TRUE(r.out.empty());
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_NE(r.err.find(std::string("ipaudit report ") + name + ": " + bad.string() + ":4: min-targets: "),
                  std::string::npos)
            << r.err;
    }
    RunResult r = report("scanners", {"-c", (dir_.path() / "missing.conf").string()});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("missing.conf: cannot read the config file"), std::string::npos) << r.err;
    r = report("scanners", {"-c", ""});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--config: empty"), std::string::npos) << r.err;
    // A ports line naming a missing file: the line, then the problem.
    const fs::path ports = conf("ports = /nonexistent/ports.conf\n");
    r = report("traffic", {"-c", ports.string(), "-d", sample_dir().string()});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find(ports.string() + ":1: ports: /nonexistent/ports.conf"), std::string::npos) << r.err;
    // --ports overrides it.
    r = report("traffic", {"-c", ports.string(), "-d", sample_dir().string(), "--ports", IPAUDIT_PORTS_CONF});
    EXPECT_EQ(r.status, 0) << r.err;
}

#if defined(SCANNERS_CGI) && defined(SERVERS_CGI) && defined(INDEX_CGI) && defined(HOST_CGI)
// The CGI programs as a web server runs them: IPAUDIT_CONF names the settings.
class ReportConfigCgi : public ReportConfigCli {
protected:
    void TearDown() override {
        ::unsetenv("IPAUDIT_CONF");
        ::unsetenv("REQUEST_METHOD");
        ::unsetenv("QUERY_STRING");
    }
    struct Page {
        std::string headers, body;
        [[nodiscard]] int status() const { return headers.size() > 11 ? std::stoi(headers.substr(8, 3)) : -1; }
    };
    static Page cgi(const char* program, const fs::path& conf, const std::string& query) {
        ::setenv("IPAUDIT_CONF", conf.c_str(), 1);
        ::setenv("REQUEST_METHOD", "GET", 1);
        ::setenv("QUERY_STRING", query.c_str(), 1);
        const RunResult r = report_test::run({program});
        EXPECT_EQ(r.status, 0) << program;
        const auto end = r.out.find("\r\n\r\n");
        EXPECT_NE(end, std::string::npos) << r.out;
        if (end == std::string::npos) return {r.out, ""};
        return {r.out.substr(0, end), r.out.substr(end + 4)};
    }
    // The <tbody> of table `id`.
    static std::string table(const std::string& body, const std::string& id) {
        const auto b = body.find("<table id=\"" + id + "\">");
        if (b == std::string::npos) return {};
        return body.substr(b, body.find("</table>", b) - b);
    }
};

TEST_F(ReportConfigCgi, MinTargetsFromTheFileAndTheForm) {
    const fs::path c = conf("# test\ndata-dir = " + sample_dir().string() + "\nmin-targets = 5000\n");
    Page p = cgi(SCANNERS_CGI, c, "from=2026-11-02&to=2026-11-02");
    EXPECT_EQ(p.status(), 200) << p.headers;
    EXPECT_EQ(table(p.body, "scanners-out").find("10.1.9.9"), std::string::npos) << table(p.body, "scanners-out");
    EXPECT_NE(p.body.find("No host reached 5000 unanswered targets"), std::string::npos);
    EXPECT_NE(p.body.find("placeholder=\"5000\""), std::string::npos);  // the form shows the configured value
    p = cgi(SCANNERS_CGI, c, "from=2026-11-02&to=2026-11-02&min_targets=50");
    EXPECT_EQ(p.status(), 200);
    EXPECT_NE(table(p.body, "scanners-out").find("10.1.9.9"), std::string::npos);
    // The CSV equals `ipaudit report scanners -c FILE`.
    p = cgi(SCANNERS_CGI, c, "from=2026-11-02&to=2026-11-02&format=csv");
    const RunResult cli = report("scanners", {"-c", c.string()});
    ASSERT_EQ(cli.status, 0) << cli.err;
    EXPECT_EQ(p.body, cli.out);
    // The dashboard's top fives use it too.
    p = cgi(INDEX_CGI, c, "");
    EXPECT_EQ(p.status(), 200);
    EXPECT_EQ(table(p.body, "top-scanners-out").find("10.1.9.9"), std::string::npos);
}

TEST_F(ReportConfigCgi, ExpectedServersFromTheFileAndTheForm) {
    const fs::path c = conf("data-dir = " + sample_dir().string() + "\nexpected-servers = 10.1.2.50:25\n");
    const auto smtp_row = [](const std::string& t) {
        const auto at = t.find("host.cgi?ip=10.1.2.50");
        if (at == std::string::npos) return std::string();
        const auto b = t.rfind("<tr", at);
        return t.substr(b, t.find("</tr>", at) - b);
    };
    Page p = cgi(SERVERS_CGI, c, "from=2026-11-02&to=2026-11-02");
    EXPECT_EQ(p.status(), 200);
    std::string row = smtp_row(table(p.body, "servers"));
    ASSERT_FALSE(row.empty()) << p.body;
    EXPECT_EQ(row.find("UNEXPECTED"), std::string::npos) << row;
    EXPECT_NE(row.find("tag ok"), std::string::npos);
    EXPECT_NE(p.body.find("placeholder=\"10.1.2.50:25\""), std::string::npos);
    p = cgi(SERVERS_CGI, c, "from=2026-11-02&to=2026-11-02&expected=10.1.1.22%3A22");  // the form's list replaces it
    row = smtp_row(table(p.body, "servers"));
    EXPECT_NE(row.find("UNEXPECTED"), std::string::npos) << row;
    p = cgi(INDEX_CGI, c, "");
    row = smtp_row(table(p.body, "top-servers"));
    ASSERT_FALSE(row.empty());
    EXPECT_EQ(row.find("UNEXPECTED"), std::string::npos) << row;
}

TEST_F(ReportConfigCgi, BadLineIsAMessageNeverA500) {
    const std::string data = "data-dir = " + sample_dir().string() + "\n";
    struct Case {
        std::string text;
        std::string where;
    };
    const std::vector<Case> cases = {
        {data + "min-targets = many\n", ":2: min-targets: "},
        {data + "\n\nexpected-servers = <script>alert(1)</script>\n", ":4: expected-servers: "},
        {"data-dir\n", ":1: expected 'name = value'"},
        {data + "min-targets = 5\nmin-targets = 6\n", ":3: 'min-targets' is already set on line 2"},
    };
    for (const Case& k : cases) {
        const fs::path c = conf(k.text);
        for (const char* program : {SCANNERS_CGI, SERVERS_CGI, HOST_CGI}) {
            for (const char* format : {"html", "csv", "json"}) {
                SCOPED_TRACE(std::string(program) + " " + format + " " + k.where);
                const Page p = cgi(program, c, std::string("ip=10.1.2.50&from=2026-11-02&format=") + format);
                EXPECT_EQ(p.status(), 503) << p.headers;
                EXPECT_NE(p.headers.find("Content-Security-Policy: default-src 'none'"), std::string::npos);
                std::string message = c.string() + k.where;
                if (std::string(format) == "html") {  // escaped
                    for (std::size_t at = 0; (at = message.find('\'', at)) != std::string::npos; at += 5)
                        message.replace(at, 1, "&#39;");
                }
                EXPECT_NE(p.body.find(message), std::string::npos) << p.body;
                EXPECT_EQ(p.body.find("<script>"), std::string::npos);
            }
        }
        // The dashboard: its figures, and the message above the top fives.
        const Page p = cgi(INDEX_CGI, c, "");
        EXPECT_EQ(p.status(), 200);
        EXPECT_NE(p.body.find("class=\"error\""), std::string::npos);
        EXPECT_EQ(p.body.find("<script>"), std::string::npos);
    }
    // A ports line naming a missing file.
    const fs::path c = conf(data + "ports = /nonexistent/ports.conf\n");
    const Page p = cgi(SCANNERS_CGI, c, "from=2026-11-02");
    EXPECT_EQ(p.status(), 503);
    EXPECT_NE(p.body.find(c.string() + ":2: ports: /nonexistent/ports.conf"), std::string::npos) << p.body;
    EXPECT_NE(p.body.find("id=\"picker\""), std::string::npos);
}
#endif

}  // namespace
}  // namespace ipaudit::report
