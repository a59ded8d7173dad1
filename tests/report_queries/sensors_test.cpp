// Several sensors (report/sensors.hpp, `ipaudit report|search -d NAME=DIR ...`): sensor names
// and filters, the merge of one report's tables ranked across sensors (against a brute-force
// ranking), `sensor-dir` lines of ipaudit.conf, and the CLI over two real data directories:
// each sensor's rows equal that sensor's report alone.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "report/report_settings.hpp"
#include "report/sensors.hpp"
#include "tests/report/report_test_helpers.hpp"

namespace ipaudit::report {
namespace {

namespace fs = std::filesystem;
using report_test::Record;
using report_test::RunResult;
using report_test::TempDir;

const char* const kDay = "2026-11-02";

std::string error_of(std::string_view text) {
    try {
        (void)parse_sensor(text);
    } catch (const SensorError& e) {
        return e.what();
    }
    return "(accepted)";
}

TEST(Sensors, NamesComeFromNameEqualsDirOrTheDirectory) {
    EXPECT_EQ(parse_sensor("hq=/srv/ipaudit/x").name, "hq");
    EXPECT_EQ(parse_sensor("hq=/srv/ipaudit/x").data_dir, "/srv/ipaudit/x");
    EXPECT_EQ(parse_sensor("/srv/ipaudit/branch-2/").name, "branch-2");
    EXPECT_EQ(parse_sensor("data").name, "data");
    EXPECT_NE(error_of("h q=/x").find("sensor name"), std::string::npos);
    EXPECT_NE(error_of("=/x").find("sensor name"), std::string::npos);
    EXPECT_NE(error_of("hq=").find("empty data directory"), std::string::npos);
    EXPECT_NE(error_of("/").find("NAME=DIR"), std::string::npos);
    EXPECT_NE(error_of(std::string(65, 'a') + "=/x").find("64"), std::string::npos);
    EXPECT_THROW(check_unique_names({parse_sensor("/a/hq"), parse_sensor("/b/hq")}), SensorError);
}

TEST(Sensors, FilterKeepsTheConfiguredOrderAndNamesUnknownOnes) {
    const std::vector<Sensor> all = {parse_sensor("a=/a"), parse_sensor("b=/b"), parse_sensor("c=/c")};
    const auto chosen = select_sensors(all, "c,a");
    ASSERT_EQ(chosen.size(), 2u);
    EXPECT_EQ(chosen[0].name, "a");
    EXPECT_EQ(chosen[1].name, "c");
    EXPECT_EQ(select_sensors(all, "").size(), 3u);
    try {
        (void)select_sensors(all, "a,zz");
        FAIL() << "unknown sensor accepted";
    } catch (const SensorError& e) {
        EXPECT_NE(std::string(e.what()).find("'zz'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("a, b, c"), std::string::npos) << e.what();
    }
}

Cell num(std::int64_t v) { return {std::to_string(v), true}; }
Cell txt(std::string s) { return {std::move(s), false}; }

// A pairs-shaped table with random byte totals in two sections, ranked as pairs_report ranks.
ReportTable random_pairs(std::mt19937& rng, int rows) {
    ReportTable t{"pairs", {"section", "local_ip", "remote_ip", "bytes_total"}, {}};
    std::uniform_int_distribution<std::int64_t> bytes(0, 50);  // ties on purpose
    for (const char* section : {"pair", "local_host"}) {
        std::vector<std::vector<Cell>> part;
        for (int i = 0; i < rows; ++i)
            part.push_back({txt(section), txt("10.0.0." + std::to_string(i)), txt("192.0.2.1"), num(bytes(rng))});
        std::stable_sort(part.begin(), part.end(),
                         [](const auto& a, const auto& b) { return std::stoll(a[3].text) > std::stoll(b[3].text); });
        t.rows.insert(t.rows.end(), part.begin(), part.end());
    }
    return t;
}

TEST(SensorMerge, RanksEachSectionAcrossSensorsLikeABruteForceSort) {
    std::mt19937 rng(7);
    for (int round = 0; round < 50; ++round) {
        std::vector<SensorTable> tables;
        for (const char* name : {"hq", "branch", "lab"}) tables.push_back({name, random_pairs(rng, 1 + round % 9)});
        const std::size_t top = 1 + static_cast<std::size_t>(round % 12);
        // Brute force: every row with its sensor, per section sorted by bytes (ties: sensor order,
        // then the row's own order), cut to `top`.
        std::vector<std::vector<std::string>> expected;
        for (const char* section : {"pair", "local_host"}) {
            std::vector<std::tuple<std::int64_t, int, int, std::vector<std::string>>> all;
            for (int s = 0; s < 3; ++s)
                for (int i = 0; i < static_cast<int>(tables[s].table.rows.size()); ++i) {
                    const auto& row = tables[s].table.rows[i];
                    if (row[0].text != section) continue;
                    std::vector<std::string> cells = {tables[s].sensor};
                    for (const Cell& c : row) cells.push_back(c.text);
                    all.emplace_back(-std::stoll(row[3].text), s, i, cells);
                }
            std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
                return std::tie(std::get<0>(a), std::get<1>(a), std::get<2>(a)) <
                       std::tie(std::get<0>(b), std::get<1>(b), std::get<2>(b));
            });
            for (std::size_t i = 0; i < all.size() && i < top; ++i) expected.push_back(std::get<3>(all[i]));
        }
        const ReportTable merged = merge_sensor_tables(tables, top);
        ASSERT_EQ(merged.columns.front(), "sensor");
        ASSERT_EQ(merged.columns.size(), 5u);
        std::vector<std::vector<std::string>> got;
        for (const auto& row : merged.rows) {
            std::vector<std::string> cells;
            for (const Cell& c : row) cells.push_back(c.text);
            got.push_back(cells);
        }
        EXPECT_EQ(got, expected) << "round " << round;
    }
}

TEST(SensorMerge, TrafficKeepsEachSensorsTotalLastAndHostKeepsSensorsTogether) {
    const auto traffic = [](std::int64_t a, std::int64_t b) {
        return ReportTable{"traffic",
                           {"proto", "service", "bytes_total"},
                           {{txt("tcp"), txt("https"), num(a)}, {txt("udp"), txt("dns"), num(b)}, {txt("all"), txt(""), num(a + b)}}};
    };
    const ReportTable t = merge_sensor_tables({{"hq", traffic(100, 5)}, {"lab", traffic(50, 70)}}, 0);
    ASSERT_EQ(t.rows.size(), 6u);
    const std::vector<std::string> order = {"hq https", "lab dns", "lab https", "hq dns", "hq all", "lab all"};
    for (std::size_t i = 0; i < order.size(); ++i)
        EXPECT_EQ(t.rows[i][0].text + " " + (t.rows[i][1].text == "all" ? "all" : t.rows[i][2].text), order[i]) << i;
    EXPECT_TRUE(t.rows[4][3].number);

    const ReportTable host_hq{"host", {"section", "bytes_total"}, {{txt("total"), num(1)}, {txt("day"), num(1)}}};
    const ReportTable host_lab{"host", {"section", "bytes_total"}, {{txt("total"), num(9)}}};
    const ReportTable h = merge_sensor_tables({{"hq", host_hq}, {"lab", host_lab}}, 1);
    ASSERT_EQ(h.rows.size(), 3u);  // no ranking, no cut: the host's rows at each sensor in turn
    EXPECT_EQ(h.rows[0][0].text + h.rows[1][0].text + h.rows[2][0].text, "hqhqlab");
}

TEST(SensorSettings, SensorDirLinesAreRepeatableAndChecked) {
    const ReportSettings s =
        parse_report_settings("sensor-dir = hq=/srv/hq\nsensor-dir = /srv/branch\n", "ipaudit.conf");
    ASSERT_EQ(s.sensors.size(), 2u);
    EXPECT_EQ(s.sensors[1].name, "branch");
    try {
        (void)parse_report_settings("sensor-dir = hq=/srv/hq\n\nsensor-dir = hq=/srv/other\n", "ipaudit.conf");
        FAIL() << "two sensors named hq accepted";
    } catch (const SettingsError& e) {
        EXPECT_NE(std::string(e.what()).find("ipaudit.conf:3: sensor-dir:"), std::string::npos) << e.what();
    }
    // ipauditd shares the file: it accepts the lines.
    const TempDir dir;
    const fs::path conf = dir.path() / "ipaudit.conf";
    std::ofstream(conf) << "sensor-dir = hq=/srv/hq\nsensor-dir = lab=/srv/lab\n";
    const RunResult r = report_test::run({IPAUDITD_BIN, "-c", conf.string(), "--help"});
    EXPECT_EQ(r.status, 0) << r.err;
}

// Two sensors with different traffic: the sample, and the sample an hour later with another seed.
class SensorCli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = std::make_unique<TempDir>();
        report_test::import_scenario(dir_->path() / "hq", "sample", {}, report_test::kSampleLocalNets);
        report_test::import_scenario(dir_->path() / "lab", "sample", {"--seed", "11", "--start", "1793613600"},
                                     report_test::kSampleLocalNets);
    }
    static void TearDownTestSuite() { dir_.reset(); }
    static std::string hq() { return (dir_->path() / "hq").string(); }
    static std::string lab() { return (dir_->path() / "lab").string(); }
    static RunResult ipaudit(std::vector<std::string> args) {
        args.insert(args.begin(), IPAUDIT_BIN);
        for (const char* a : {"--from", kDay, "--to", kDay, "--format", "csv"}) args.push_back(a);
        return report_test::run(args);
    }
    report_test::ScopedTz tz_{"UTC"};
    static std::unique_ptr<TempDir> dir_;
};
std::unique_ptr<TempDir> SensorCli::dir_;

std::multiset<Record> without_sensor(const std::vector<Record>& rows, const std::string& sensor) {
    std::multiset<Record> out;
    for (Record r : rows) {
        if (r.at("sensor") != sensor) continue;
        r.erase("sensor");
        out.insert(r);
    }
    return out;
}

TEST_F(SensorCli, EachSensorsRowsAreItsOwnReportRankedTogether) {
    for (const char* report : {"pairs", "scanners", "servers", "traffic"}) {
        const RunResult both = ipaudit({"report", report, "--top", "10000", "-d", "hq=" + hq(), "-d", lab()});
        ASSERT_EQ(both.status, 0) << report << ": " << both.err;
        const auto rows = report_test::csv_records(both.out);
        for (const auto& [name, dir] : {std::pair{"hq", hq()}, std::pair{"lab", lab()}}) {
            const RunResult alone = ipaudit({"report", report, "--top", "10000", "-d", dir});
            ASSERT_EQ(alone.status, 0) << alone.err;
            const auto own = report_test::csv_records(alone.out);
            EXPECT_FALSE(own.empty()) << report;
            EXPECT_EQ(without_sensor(rows, name), std::multiset<Record>(own.begin(), own.end())) << report << " " << name;
        }
    }
    // Pairs are ranked across the sensors: bytes_total never rises within a section.
    const RunResult pairs = ipaudit({"report", "pairs", "--top", "5", "-d", "hq=" + hq(), "-d", "lab=" + lab()});
    const auto rows = report_test::csv_records(pairs.out);
    std::map<std::string, std::vector<std::int64_t>> by_section;
    std::set<std::string> sensors;
    for (const auto& r : rows) {
        by_section[r.at("section")].push_back(std::stoll(r.at("bytes_total")));
        sensors.insert(r.at("sensor"));
    }
    EXPECT_EQ(sensors, (std::set<std::string>{"hq", "lab"}));
    for (const auto& [section, bytes] : by_section) {
        EXPECT_LE(bytes.size(), 5u) << section;
        EXPECT_TRUE(std::is_sorted(bytes.rbegin(), bytes.rend())) << section;
    }
}

TEST_F(SensorCli, SensorFilterAndConfigLines) {
    const RunResult only_lab = ipaudit({"report", "traffic", "-d", "hq=" + hq(), "-d", "lab=" + lab(), "--sensor", "lab"});
    ASSERT_EQ(only_lab.status, 0) << only_lab.err;
    for (const auto& r : report_test::csv_records(only_lab.out)) EXPECT_EQ(r.at("sensor"), "lab");

    const TempDir conf_dir;
    const fs::path conf = conf_dir.path() / "ipaudit.conf";
    std::ofstream(conf) << "sensor-dir = hq=" << hq() << "\nsensor-dir = lab=" << lab() << "\n";
    const RunResult from_conf = ipaudit({"report", "traffic", "-c", conf.string()});
    ASSERT_EQ(from_conf.status, 0) << from_conf.err;
    const RunResult from_options = ipaudit({"report", "traffic", "-d", "hq=" + hq(), "-d", "lab=" + lab()});
    EXPECT_EQ(from_conf.out, from_options.out);

    RunResult bad = ipaudit({"report", "pairs", "-d", hq(), "--sensor", "hq"});
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.err.find("--sensor: there is one data directory"), std::string::npos) << bad.err;
    bad = ipaudit({"report", "pairs", "-d", "hq=" + hq(), "-d", "lab=" + lab(), "--sensor", "nope"});
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.err.find("no sensor named 'nope' (sensors: hq, lab)"), std::string::npos) << bad.err;
    bad = ipaudit({"report", "summary", "-d", "hq=" + hq(), "-d", "lab=" + lab()});
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.err.find("one sensor at a time"), std::string::npos) << bad.err;
    bad = ipaudit({"report", "pairs", "-d", "hq=" + hq(), "-d", "hq=" + lab()});
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.err.find("two data directories are named sensor 'hq'"), std::string::npos) << bad.err;
    bad = ipaudit({"report", "pairs", "-d", "hq=" + hq(), "-d", "lab=/nonexistent"});
    EXPECT_EQ(bad.status, 1);
    EXPECT_NE(bad.err.find("sensor lab: data directory /nonexistent"), std::string::npos) << bad.err;
}

TEST_F(SensorCli, SearchTakesTheSensorsInTurnUnderOneLimit) {
    const auto rows_of = [](const RunResult& r) { return report_test::csv_records(r.out); };
    const RunResult a = ipaudit({"search", "-d", hq(), "--limit", "100000"});
    const RunResult b = ipaudit({"search", "-d", lab(), "--limit", "100000"});
    const RunResult both = ipaudit({"search", "-d", "hq=" + hq(), "-d", "lab=" + lab(), "--limit", "100000"});
    ASSERT_EQ(both.status, 0) << both.err;
    const auto ra = rows_of(a), rb = rows_of(b), rboth = rows_of(both);
    ASSERT_FALSE(ra.empty());
    ASSERT_FALSE(rb.empty());
    ASSERT_EQ(rboth.size(), ra.size() + rb.size());
    for (std::size_t i = 0; i < rboth.size(); ++i) {
        Record r = rboth[i];
        EXPECT_EQ(r.at("sensor"), i < ra.size() ? "hq" : "lab");
        r.erase("sensor");
        EXPECT_EQ(r, i < ra.size() ? ra[i] : rb[i - ra.size()]) << i;
    }
    // A limit inside the second sensor's rows: the first sensor's rows, then the rest of the limit.
    const std::size_t limit = ra.size() + 3;
    const RunResult limited =
        ipaudit({"search", "-d", "hq=" + hq(), "-d", "lab=" + lab(), "--limit", std::to_string(limit)});
    EXPECT_EQ(rows_of(limited).size(), limit);
    EXPECT_NE(limited.err.find("line limit reached"), std::string::npos) << limited.err;
    // The limit used up exactly by the first sensor still says there is more.
    const RunResult exact =
        ipaudit({"search", "-d", "hq=" + hq(), "-d", "lab=" + lab(), "--limit", std::to_string(ra.size())});
    EXPECT_EQ(rows_of(exact).size(), ra.size());
    EXPECT_NE(exact.err.find("line limit reached"), std::string::npos) << exact.err;
    // JSON rows carry the sensor too.
    const RunResult json = report_test::run({IPAUDIT_BIN, "search", "-d", "hq=" + hq(), "-d", "lab=" + lab(), "--from",
                                             kDay, "--to", kDay, "--limit", "1", "--format", "json"});
    EXPECT_NE(json.out.find("{\"sensor\":\"hq\",\"interval_start\":"), std::string::npos) << json.out;
}

// The web pages with sensor-dir lines: one sensor at a time, chosen by the `sensor` field, kept
// in every link and form.
class SensorCgi : public SensorCli {
protected:
    void TearDown() override {
        for (const char* v : {"IPAUDIT_CONF", "REQUEST_METHOD", "QUERY_STRING"}) ::unsetenv(v);
    }
    struct Page {
        std::string headers, body;
        [[nodiscard]] int status() const { return headers.size() > 11 ? std::stoi(headers.substr(8, 3)) : -1; }
    };
    Page cgi(const char* program, const std::string& conf_text, const std::string& query) const {
        const fs::path conf = conf_dir_.path() / "ipaudit.conf";
        std::ofstream(conf) << conf_text;
        ::setenv("IPAUDIT_CONF", conf.c_str(), 1);
        ::setenv("REQUEST_METHOD", "GET", 1);
        ::setenv("QUERY_STRING", query.c_str(), 1);
        const RunResult r = report_test::run({program});
        EXPECT_EQ(r.status, 0) << program << r.err;
        const auto end = r.out.find("\r\n\r\n");
        if (end == std::string::npos) return {r.out, ""};
        return {r.out.substr(0, end), r.out.substr(end + 4)};
    }
    static std::string two_sensors() { return "sensor-dir = hq=" + hq() + "\nsensor-dir = lab=" + lab() + "\n"; }
    TempDir conf_dir_;
};

TEST_F(SensorCgi, EachSensorsPageIsItsOwnData) {
    for (const char* sensor : {"hq", "lab"}) {
        const Page page = cgi(PAIRS_CGI, two_sensors(), std::string("from=") + kDay + "&to=" + kDay + "&format=csv&top=10000&sensor=" + sensor);
        ASSERT_EQ(page.status(), 200) << page.headers << page.body;
        const RunResult cli = ipaudit({"report", "pairs", "--top", "10000", "-d", sensor == std::string("hq") ? hq() : lab()});
        const auto web = report_test::csv_records(page.body), own = report_test::csv_records(cli.out);
        EXPECT_FALSE(web.empty());
        EXPECT_EQ(std::multiset<Record>(web.begin(), web.end()), std::multiset<Record>(own.begin(), own.end())) << sensor;
    }
    // No sensor field: the first sensor.
    const Page first = cgi(PAIRS_CGI, two_sensors(), std::string("from=") + kDay + "&to=" + kDay + "&format=csv&top=10000");
    const Page hq_page = cgi(PAIRS_CGI, two_sensors(), std::string("from=") + kDay + "&to=" + kDay + "&format=csv&top=10000&sensor=hq");
    EXPECT_EQ(first.body, hq_page.body);
}

TEST_F(SensorCgi, TheSensorStaysInFormsAndLinks) {
    const Page page = cgi(PAIRS_CGI, two_sensors(), std::string("from=") + kDay + "&to=" + kDay + "&sensor=lab");
    ASSERT_EQ(page.status(), 200) << page.body;
    EXPECT_NE(page.body.find("<select name=\"sensor\"><option value=\"hq\">hq</option><option value=\"lab\" selected>lab</option></select>"),
              std::string::npos);
    EXPECT_NE(page.body.find("href=\"index.cgi?sensor=lab\""), std::string::npos);   // nav
    EXPECT_NE(page.body.find("href=\"pairs.cgi?sensor=lab\""), std::string::npos);   // nav, reset
    EXPECT_NE(page.body.find("host.cgi?ip="), std::string::npos);
    for (std::size_t at = page.body.find("host.cgi?ip="); at != std::string::npos; at = page.body.find("host.cgi?ip=", at + 1))
        EXPECT_NE(page.body.substr(at, page.body.find('"', at) - at).find("sensor=lab"), std::string::npos);
    const Page search = cgi(SEARCH_CGI, two_sensors(), std::string("from=") + kDay + "&to=" + kDay + "&sensor=lab");
    EXPECT_EQ(search.status(), 200) << search.body;
    EXPECT_NE(search.body.find("<option value=\"lab\" selected>"), std::string::npos);
    // One data directory: no sensor field in the form, no sensor in the links.
    const Page single = cgi(PAIRS_CGI, "data-dir = " + hq() + "\n", std::string("from=") + kDay + "&to=" + kDay);
    EXPECT_EQ(single.body.find("name=\"sensor\""), std::string::npos);
    EXPECT_EQ(single.body.find("sensor="), std::string::npos);
}

TEST_F(SensorCgi, AnUnknownSensorIsABadRequestNamingTheSensors) {
    Page page = cgi(PAIRS_CGI, two_sensors(), "sensor=%3Cscript%3E");
    EXPECT_EQ(page.status(), 400) << page.headers;
    EXPECT_NE(page.body.find("sensor: no sensor named &#39;&lt;script&gt;&#39; (sensors: hq, lab)"), std::string::npos) << page.body;
    EXPECT_EQ(page.body.find("<script>"), std::string::npos);
    page = cgi(INDEX_CGI, two_sensors(), "sensor=nope");
    EXPECT_EQ(page.status(), 400);
    page = cgi(SEARCH_CGI, two_sensors(), "sensor=nope");
    EXPECT_EQ(page.status(), 400);
    page = cgi(PAIRS_CGI, "data-dir = " + hq() + "\n", "sensor=hq");
    EXPECT_EQ(page.status(), 400);
    EXPECT_NE(page.body.find("one data directory"), std::string::npos) << page.body;
}

}  // namespace
}  // namespace ipaudit::report
