// `ipaudit search` as a program: hostile and bad values exit 2 with one line, outputs, notes.
#include <gtest/gtest.h>

#include "store/sqlite.hpp"
#include "tests/report/report_test_helpers.hpp"

namespace ipaudit::report {
namespace {

namespace fs = std::filesystem;
using report_test::RunResult;
using report_test::TempDir;

const char* const kDay = "2026-11-02";

// One sample import per test process, read by every test of this file.
const fs::path& sample_dir() {
    static const std::unique_ptr<TempDir> dir = [] {
        auto d = std::make_unique<TempDir>();
        report_test::import_scenario(d->path(), "sample", {}, report_test::kSampleLocalNets);
        return d;
    }();
    return dir->path();
}

RunResult search(std::vector<std::string> args, const fs::path& data_dir = sample_dir()) {
    std::vector<std::string> argv = {IPAUDIT_BIN, "search", "-d", data_dir.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return report_test::run(argv);
}

std::size_t count_lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

class CliTz : public ::testing::Test {
protected:
    report_test::ScopedTz tz_{"Europe/Berlin"};
};

TEST_F(CliTz, SqlInjectionInIpIsABadIp) {
    for (const char* hostile : {"1.2.3.4' OR 1=1--", "1.2.3.4\" OR \"1\"=\"1", "1.2.3.4; DROP TABLE session;",
                                "' UNION SELECT * FROM interval --", "../../etc/passwd", "<script>alert(1)</script>"}) {
        const RunResult r = search({"--from", kDay, "--to", kDay, "--ip", hostile});
        EXPECT_EQ(r.status, 2) << hostile;
        EXPECT_TRUE(r.out.empty()) << hostile << ": " << r.out;
        EXPECT_EQ(count_lines(r.err), 1u) << r.err;
        EXPECT_EQ(r.err.rfind("ipaudit search: --ip: ", 0), 0u) << r.err;
        EXPECT_NE(r.err.find("is not an IP address or CIDR block"), std::string::npos) << r.err;
    }
    const RunResult r = search({"--from", kDay, "--to", kDay, "--ip", "10.1.2.20", "--ip2", "x' OR '1'='1"});
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err.rfind("ipaudit search: --ip2: ", 0), 0u) << r.err;
}

TEST_F(CliTz, EveryBadValueNamesItsOption) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"--from", "2026-02-30"},      {"--to", "tomorrow"},         {"--from", "2026-11-02 25:00"},
        {"--ip", "10.1.2.3/33"},       {"--ip2", "300.1.1.1"},       {"--local-port", "80;443"},
        {"--remote-port", "65536"},    {"--local-port", "443-80"},   {"--proto", "tcp OR 1=1"},
        {"--proto", "256"},            {"--min-bytes", "1.5m"},      {"--max-bytes", "-1"},
        {"--first-talker", "L"},       {"--last-talker", "both"},    {"--limit", "0"},
        {"--limit", "-5"},             {"--limit", "1e6"},           {"--every", "0"},
        {"--every", "99999999999999"}, {"--format", "html"},         {"--limit", std::string(5000, '9')}};
    for (const auto& [option, value] : cases) {
        std::vector<std::string> args = {option, value};
        if (option != "--from") args.insert(args.end(), {"--from", kDay});
        if (option != "--to") args.insert(args.end(), {"--to", kDay});
        const RunResult r = search(args);
        EXPECT_EQ(r.status, 2) << option << ' ' << value;
        EXPECT_TRUE(r.out.empty()) << option << ' ' << value;
        EXPECT_EQ(count_lines(r.err), 1u) << r.err;
        EXPECT_NE(r.err.find(option), std::string::npos) << option << ": " << r.err;
        EXPECT_LT(r.err.size(), 400u) << r.err;
    }
}

TEST_F(CliTz, UsageErrorsExit2) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--colour", "red"}, {"--ip", "10.1.2.3", "--ip", "10.1.2.4"}, {"stray"}, {"--ip"},
          {"--min-bytes", "2k", "--max-bytes", "1k"}, {"--from", "2026-11-02 10:00", "--to", "2026-11-02 10:00"},
          {"--from", "2026-11-03", "--to", "2026-11-02"},
          // Boost placeholders in a bad option used to make its error message loop forever.
          {"--x%canonical_option%"}, {"--ip%original_token%=1"}, {"--%prefix%%option%"}}) {
        const RunResult r = search(args);
        EXPECT_EQ(r.status, 2) << ::testing::PrintToString(args) << r.err;
        EXPECT_EQ(count_lines(r.err), 1u) << r.err;
        EXPECT_EQ(r.err.rfind("ipaudit search: ", 0), 0u) << r.err;
    }
}

TEST_F(CliTz, MissingDataDirectoryExits1EmptyOneNotes) {
    const TempDir tmp;
    const RunResult missing = search({}, tmp.path() / "absent");
    EXPECT_EQ(missing.status, 1);
    EXPECT_NE(missing.err.find("data directory"), std::string::npos) << missing.err;
    const RunResult empty = search({"--format", "csv"}, tmp.path());
    EXPECT_EQ(empty.status, 0) << empty.err;
    EXPECT_EQ(count_lines(empty.out), 1u) << empty.out;  // the header row only
    EXPECT_NE(empty.err.find("note: no interval files under"), std::string::npos) << empty.err;
}

TEST_F(CliTz, TextOutputIsAlignedWithHeaderSummaryAndLimitNotice) {
    const RunResult r = search({"--from", kDay, "--to", kDay, "--ip", "10.1.2.20", "--limit", "3"});
    ASSERT_EQ(r.status, 0) << r.err;
    std::istringstream in(r.out);
    std::string header, line;
    std::getline(in, header);
    EXPECT_EQ(header.rfind("interval_start", 0), 0u) << header;
    const std::size_t remote_col = header.find("remote_ip");
    for (int i = 0; i < 3; ++i) {
        std::getline(in, line);
        EXPECT_EQ(line.find("10.1.2.20"), header.find("local_ip")) << line;
        EXPECT_NE(line[remote_col], ' ') << line;
        EXPECT_EQ(line[remote_col - 1], ' ') << line;
    }
    std::getline(in, line);
    EXPECT_EQ(line.rfind("3 sessions, 2026-11-02 00:00:00 to 2026-11-03 00:00:00; data available from", 0), 0u) << line;
    std::getline(in, line);
    EXPECT_EQ(line.rfind("line limit reached", 0), 0u) << line;
    EXPECT_TRUE(r.err.empty()) << r.err;

    const RunResult none = search({"--from", "2026-11-03", "--to", "2026-11-03"});
    EXPECT_EQ(none.status, 0);
    EXPECT_NE(none.out.find("no sessions match"), std::string::npos) << none.out;
}

TEST_F(CliTz, CsvShowsTheBusiestDownloadInLocalTime) {
    // 10.1.2.20 downloads 5,000,000 bytes from 203.0.113.100:443 at T+40 min (09:40 UTC = 10:40 CET).
    const RunResult r = search({"--from", kDay, "--to", kDay, "--min-bytes", "4m", "--format", "csv"});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto lines = count_lines(r.out);
    ASSERT_EQ(lines, 2u) << r.out;
    const std::string row = r.out.substr(r.out.find('\n') + 1);
    EXPECT_EQ(row.rfind("2026-11-02 10:30:00,10.1.2.20,203.0.113.100,6,", 0), 0u) << row;
    EXPECT_NE(row.find(",443,"), std::string::npos) << row;
    EXPECT_NE(row.find(",2026-11-02 10:40:"), std::string::npos) << row;
    EXPECT_NE(row.find(",L,L\n"), std::string::npos) << row;
}

TEST_F(CliTz, JsonHasRowsLimitedAndNotesWithNumbers) {
    const TempDir tmp;
    fs::copy(sample_dir(), tmp.path(), fs::copy_options::recursive);
    const fs::path foreign = tmp.path() / "intervals" / "2026" / "11" / "02" / "20261102-1100.db";
    {
        sqlite::Database db(foreign, sqlite::Database::Mode::kCreate);
        db.exec("CREATE TABLE session (x)");
    }
    const RunResult r = search({"--from", kDay, "--to", kDay, "--proto", "icmp", "--limit", "1", "--format", "json"}, tmp.path());
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_EQ(r.out.rfind("{\"rows\":[\n{\"interval_start\":\"2026-11-02 10:00:00\",\"local_ip\":\"10.1.2.12\"", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("\"proto\":1,"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("],\"limited\":true,\"notes\":[\"skipped "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("20261102-1100.db: not an ipaudit interval file\"]"), std::string::npos) << r.out;
    if (fs::exists("/usr/bin/python3")) {
        const fs::path file = tmp.path() / "out.json";
        std::ofstream(file) << r.out;
        const RunResult check = report_test::run(
            {"/usr/bin/python3", "-c",
             "import json,sys; d=json.load(open(sys.argv[1])); "
             "assert isinstance(d['rows'][0]['bytes_in'], int) and d['limited'] is True and len(d['notes']) == 1",
             file.string()});
        EXPECT_EQ(check.status, 0) << check.err;
    }
    // The same note goes to stderr for text and CSV.
    const RunResult csv = search({"--from", kDay, "--to", kDay, "--proto", "icmp", "--format", "csv"}, tmp.path());
    EXPECT_EQ(csv.status, 0);
    EXPECT_NE(csv.err.find("note: skipped "), std::string::npos) << csv.err;
}

TEST_F(CliTz, EveryAndHelp) {
    const RunResult all = search({"--from", kDay, "--to", kDay, "--ip", "10.1.2.0/24", "--format", "csv", "--limit", "1000"});
    const RunResult every = search({"--from", kDay, "--to", kDay, "--ip", "10.1.2.0/24", "--format", "csv", "--limit", "1000",
                                    "--every", "2"});
    ASSERT_EQ(all.status, 0);
    ASSERT_EQ(every.status, 0);
    std::vector<std::string> a, e;
    std::istringstream ai(all.out), ei(every.out);
    for (std::string l; std::getline(ai, l);) a.push_back(l);
    for (std::string l; std::getline(ei, l);) e.push_back(l);
    ASSERT_GT(a.size(), 5u);
    ASSERT_EQ(e.size(), 1 + (a.size() - 1 + 1) / 2);
    for (std::size_t i = 1; i < e.size(); ++i) EXPECT_EQ(e[i], a[1 + 2 * (i - 1)]);

    const RunResult help = report_test::run({IPAUDIT_BIN, "search", "--help"});
    EXPECT_EQ(help.status, 0);
    EXPECT_NE(help.out.find("--first-talker"), std::string::npos);
    const RunResult top = report_test::run({IPAUDIT_BIN, "--help"});
    EXPECT_NE(top.out.find("ipaudit search [-d DATA_DIR]"), std::string::npos);
}

}  // namespace
}  // namespace ipaudit::report
