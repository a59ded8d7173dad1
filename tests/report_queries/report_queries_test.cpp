// The pairs, scanners, servers and traffic reports over the sample capture: each report's CSV
// names exactly the expected hosts in order, and its totals equal sums computed independently
// from `ipaudit dump` of the same interval files.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "report/report_queries.hpp"
#include "store/sqlite.hpp"
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

using report_test::csv_records;
using report_test::Record;

class ReportCli : public ::testing::Test {
protected:
    report_test::ScopedTz tz_{"UTC"};

    static RunResult report(const std::string& name, std::vector<std::string> args) {
        std::vector<std::string> argv = {IPAUDIT_BIN, "report", name, "-d", sample_dir().string(), "--from", kDay, "--to",
                                         kDay, "--ports", IPAUDIT_PORTS_CONF};
        argv.insert(argv.end(), args.begin(), args.end());
        return report_test::run(argv);
    }
    static std::vector<Record> csv(const std::string& name, std::vector<std::string> args = {}) {
        args.push_back("--format");
        args.push_back("csv");
        const RunResult r = report(name, args);
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(r.err, "");
        return csv_records(r.out);
    }
    static std::vector<Record> section(const std::vector<Record>& all, const std::string& column, const std::string& value) {
        std::vector<Record> out;
        for (const auto& r : all)
            if (r.at(column) == value) out.push_back(r);
        return out;
    }
};

using report_test::DumpRow;

// Every session line of `ipaudit dump` over every interval file of the sample.
const std::vector<DumpRow>& dump_rows() {
    static const std::vector<DumpRow> rows = report_test::dump_rows_of(IPAUDIT_BIN, report_test::all_db_files(sample_dir()));
    return rows;
}

TEST_F(ReportCli, PairsBusiestIsTheLargeDownload) {
    const auto all = csv("pairs", {"--top", "5"});
    const auto pairs = section(all, "section", "pair");
    ASSERT_EQ(pairs.size(), 5u);
    EXPECT_EQ(pairs[0].at("local_ip"), "10.1.2.20");
    EXPECT_EQ(pairs[0].at("remote_ip"), "203.0.113.100");
    EXPECT_EQ(pairs[0].at("sessions"), "1");
    // Independently: the pair's bytes from the dump (side A is the local one).
    std::int64_t in = 0, out = 0;
    for (const DumpRow& d : dump_rows())
        if (d.ip_a == "10.1.2.20" && d.ip_b == "203.0.113.100") {
            in += d.bytes_ba;
            out += d.bytes_ab;
        }
    EXPECT_GT(in, 5'000'000);
    EXPECT_EQ(pairs[0].at("bytes_in"), std::to_string(in));
    EXPECT_EQ(pairs[0].at("bytes_out"), std::to_string(out));
    EXPECT_EQ(pairs[0].at("bytes_total"), std::to_string(in + out));
    for (std::size_t i = 1; i < pairs.size(); ++i)
        EXPECT_GE(std::stoll(pairs[i - 1].at("bytes_total")), std::stoll(pairs[i].at("bytes_total")));
    const auto locals = section(all, "section", "local_host");
    const auto remotes = section(all, "section", "remote_host");
    ASSERT_EQ(locals.size(), 5u);
    ASSERT_EQ(remotes.size(), 5u);
    EXPECT_EQ(locals[0].at("local_ip"), "10.1.2.20");
    EXPECT_EQ(remotes[0].at("remote_ip"), "203.0.113.100");
    // The busiest local host's totals from the dump (local-remote sessions only).
    std::int64_t host_bytes = 0;
    for (const DumpRow& d : dump_rows())
        if (d.ip_a == "10.1.2.20" && d.class_a == "L" && d.class_b == "R") host_bytes += d.bytes_ab + d.bytes_ba;
    EXPECT_EQ(locals[0].at("bytes_total"), std::to_string(host_bytes));
}

TEST_F(ReportCli, ScannersCatchTheWormAndTheVerticalScan) {
    const auto all = csv("scanners");
    const auto out = section(all, "direction", "out");
    const auto in = section(all, "direction", "in");
    ASSERT_EQ(out.size(), 1u);
    ASSERT_EQ(in.size(), 1u);
    EXPECT_EQ(out[0].at("scanner_ip"), "10.1.9.9");
    EXPECT_EQ(out[0].at("targets"), "2000");
    EXPECT_EQ(out[0].at("hosts"), "2000");
    EXPECT_EQ(out[0].at("ports"), "1");
    EXPECT_EQ(out[0].at("rejected"), "0");
    EXPECT_EQ(out[0].at("source_ports"), "1");
    EXPECT_EQ(out[0].at("top_source_port"), "4444");
    EXPECT_EQ(out[0].at("top_source_port_hosts"), "2000");
    EXPECT_EQ(out[0].at("top_ports"), "445/tcp SMB:2000");
    EXPECT_EQ(in[0].at("scanner_ip"), "198.51.100.7");
    EXPECT_EQ(in[0].at("targets"), "1024");
    EXPECT_EQ(in[0].at("ports"), "1024");
    EXPECT_EQ(in[0].at("hosts"), "1");
    EXPECT_EQ(in[0].at("rejected"), "1024");  // every probe answered by RST/ACK
    EXPECT_EQ(in[0].at("top_source_port"), "61000");
    // Independently from the dump: the worm's distinct unanswered targets on 445.
    std::set<std::string> worm_targets;
    std::set<int> scanned_ports;
    for (const DumpRow& d : dump_rows()) {
        if (d.ip_a == "10.1.9.9" && d.port_b == 445 && d.pkts_ba == 0) worm_targets.insert(d.ip_b);
        if (d.ip_a == "10.1.1.10" && d.ip_b == "198.51.100.7" && d.flags_ab.find('R') != std::string::npos &&
            d.bytes_ab <= 40 * d.pkts_ab)
            scanned_ports.insert(d.port_a);
    }
    EXPECT_EQ(worm_targets.size(), 2000u);
    EXPECT_EQ(scanned_ports.size(), 1024u);
    // A higher threshold than the vertical scan's 1024 leaves only the worm.
    const auto high = csv("scanners", {"--min-targets", "1500"});
    ASSERT_EQ(high.size(), 1u);
    EXPECT_EQ(high[0].at("scanner_ip"), "10.1.9.9");
}

TEST_F(ReportCli, ServersFlagTheWorkstationAnsweringSmtp) {
    const auto all = csv("servers");
    const auto rows = section(all, "role", "server");
    const auto smtp = section(rows, "port", "25");
    ASSERT_EQ(smtp.size(), 1u);
    EXPECT_EQ(smtp[0].at("local_ip"), "10.1.2.50");
    EXPECT_EQ(smtp[0].at("service"), "SMTP");
    EXPECT_EQ(smtp[0].at("peers"), "3");
    EXPECT_EQ(smtp[0].at("sessions"), "12");
    EXPECT_EQ(smtp[0].at("expected"), "no");
    EXPECT_EQ(smtp[0].at("flag"), "UNEXPECTED");
    // The vertical scan's RSTs from 10.1.1.10 on every port are no service.
    for (const auto& r : rows) EXPECT_NE(r.at("local_ip"), "10.1.1.10");
    // Independently: bytes of the SMTP sessions from the dump.
    std::int64_t in = 0, out = 0;
    for (const DumpRow& d : dump_rows())
        if (d.ip_a == "10.1.2.50" && d.port_a == 25 && d.proto == 6) {
            in += d.bytes_ba;
            out += d.bytes_ab;
        }
    EXPECT_EQ(smtp[0].at("bytes_in"), std::to_string(in));
    EXPECT_EQ(smtp[0].at("bytes_out"), std::to_string(out));
    // The local clients: 10.1.2.15 uses SSH at 198.51.100.22, 10.1.2.20 HTTPS (the download).
    const auto clients = section(all, "role", "client");
    bool ssh_client = false, https_client = false;
    for (const auto& c : clients) {
        ssh_client |= c.at("port") == "22" && c.at("local_ip") == "10.1.2.15";
        https_client |= c.at("port") == "443" && c.at("local_ip") == "10.1.2.20";
        EXPECT_EQ(c.at("flag"), "");
    }
    EXPECT_TRUE(ssh_client);
    EXPECT_TRUE(https_client);
    // Listed as expected, it is no longer flagged; SSH on 10.1.1.22 stays flagged.
    const auto ok = section(csv("servers", {"--expected", "10.1.2.50:25,[2001:db8::1]:443"}), "role", "server");
    const auto smtp2 = section(ok, "port", "25");
    ASSERT_EQ(smtp2.size(), 1u);
    EXPECT_EQ(smtp2[0].at("flag"), "");
    const auto ssh = section(ok, "port", "22");
    ASSERT_EQ(ssh.size(), 1u);
    EXPECT_EQ(ssh[0].at("local_ip"), "10.1.1.22");
    EXPECT_EQ(ssh[0].at("flag"), "UNEXPECTED");
}

TEST_F(ReportCli, TrafficTotalEqualsIntervalIpBytesAndDump) {
    const auto rows = csv("traffic", {"--top", "0"});
    ASSERT_FALSE(rows.empty());
    const Record& total = rows.back();
    EXPECT_EQ(total.at("service"), "TOTAL");
    EXPECT_EQ(total.at("share_percent"), "100.00");
    std::int64_t ip_bytes = 0, overflow = 0;
    for (const fs::path& f : report_test::all_db_files(sample_dir())) {
        sqlite::Database db(f, sqlite::Database::Mode::kReadOnly);
        sqlite::Statement st(db, "SELECT ip_bytes, overflow_bytes FROM interval");
        ASSERT_TRUE(st.step());
        ip_bytes += st.column_int(0);
        overflow += st.column_int(1);
    }
    EXPECT_EQ(overflow, 0);
    EXPECT_EQ(total.at("bytes_total"), std::to_string(ip_bytes));
    std::int64_t dump_bytes = 0, dump_packets = 0;
    for (const DumpRow& d : dump_rows()) {
        dump_bytes += d.bytes_ab + d.bytes_ba;
        dump_packets += d.pkts_ab + d.pkts_ba;
    }
    EXPECT_EQ(total.at("bytes_total"), std::to_string(dump_bytes));
    EXPECT_EQ(total.at("packets"), std::to_string(dump_packets));
    EXPECT_EQ(total.at("sessions"), std::to_string(dump_rows().size()));
    // The rows add up to the TOTAL (--top 0 shows them all), and HTTPS leads.
    std::int64_t sum = 0, in = 0, out = 0;
    for (std::size_t i = 0; i + 1 < rows.size(); ++i) {
        sum += std::stoll(rows[i].at("bytes_total"));
        in += std::stoll(rows[i].at("bytes_in"));
        out += std::stoll(rows[i].at("bytes_out"));
    }
    EXPECT_EQ(std::to_string(sum), total.at("bytes_total"));
    EXPECT_EQ(std::to_string(in), total.at("bytes_in"));
    EXPECT_EQ(std::to_string(out), total.at("bytes_out"));
    EXPECT_EQ(rows[0].at("service"), "HTTPS");
}

TEST_F(ReportCli, JsonAndTextOutputs) {
    const RunResult j = report("pairs", {"--format", "json", "--top", "1"});
    EXPECT_EQ(j.status, 0) << j.err;
    EXPECT_EQ(j.out.rfind("{\"report\":\"pairs\"", 0), 0u) << j.out;
    EXPECT_NE(j.out.find("\"local_ip\":\"10.1.2.20\",\"remote_ip\":\"203.0.113.100\",\"bytes_in\":"), std::string::npos)
        << j.out;
    const RunResult t = report("scanners", {});
    EXPECT_EQ(t.status, 0) << t.err;
    EXPECT_NE(t.out.find("10.1.9.9"), std::string::npos);
    EXPECT_NE(t.out.find("445/tcp SMB:2000"), std::string::npos);
}

TEST_F(ReportCli, BadValuesExit2NamingTheOption) {
    const std::vector<std::tuple<std::string, std::string, std::string, std::string>> cases = {
        {"pairs", "--top", "-1", "--top: "},
        {"pairs", "--top", "ten", "--top: "},
        {"pairs", "--format", "xml", "--format: "},
        {"traffic", "--from", "2026-02-30", "--from"},
        {"scanners", "--min-targets", "0", "--min-targets: "},
        {"servers", "--expected", "10.1.2.50", "--expected: "},
        {"servers", "--expected", "10.1.2.50:70000", "--expected: "},
        {"servers", "--expected", "x' OR 1=1--:25", "--expected: "},
        {"pairs", "--min-targets", "5", "--min-targets: only for the scanners report"},
    };
    for (const auto& [name, option, value, expect] : cases) {
        const RunResult r = report(name, {option, value});
        EXPECT_EQ(r.status, 2) << option << " " << value;
        EXPECT_TRUE(r.out.empty()) << r.out;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_NE(r.err.find(expect), std::string::npos) << r.err;
    }
    const RunResult unknown = report_test::run({IPAUDIT_BIN, "report", "bogus"});
    EXPECT_EQ(unknown.status, 2);
    EXPECT_NE(unknown.err.find("unknown report"), std::string::npos);
    const RunResult bad_ports = report_test::run({IPAUDIT_BIN, "report", "servers", "-d", sample_dir().string(), "--ports",
                                                   "/nonexistent/ports.conf"});
    EXPECT_EQ(bad_ports.status, 1);
    EXPECT_NE(bad_ports.err.find("--ports"), std::string::npos);
}

TEST_F(ReportCli, ForeignFileIsANoteAndTheRestIsReported) {
    const TempDir copy;
    fs::copy(sample_dir(), copy.path(), fs::copy_options::recursive);
    const auto files = report_test::all_db_files(copy.path());
    ASSERT_FALSE(files.empty());
    {
        std::ofstream f(files.front().parent_path() / "20261102-0000.db", std::ios::binary);
        f << "not a database";
    }
    const RunResult r = report_test::run({IPAUDIT_BIN, "report", "pairs", "-d", copy.path().string(), "--from", kDay,
                                          "--to", kDay, "--format", "csv", "--top", "1"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("note: skipped"), std::string::npos) << r.err;
    const auto rows = csv_records(r.out);
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0].at("local_ip"), "10.1.2.20");
}

// The library directly: the same answers as the CLI, without any output layer.
TEST_F(ReportCli, LibraryApi) {
    const IntervalCatalog catalog(sample_dir());
    const Period day{parse_time(kDay, Bound::kFrom, 0), parse_time(kDay, Bound::kTo, 0)};
    const PairsReport pairs = pairs_report(catalog, {day, 1});
    ASSERT_EQ(pairs.pairs.size(), 1u);
    EXPECT_EQ(pairs.pairs[0].local_ip.to_string(), "10.1.2.20");
    EXPECT_TRUE(pairs.notes.empty());
    ScannerOptions so;
    so.period = day;
    const ScannersReport scanners = scanners_report(catalog, so);
    ASSERT_EQ(scanners.outgoing.size(), 1u);
    EXPECT_EQ(scanners.outgoing[0].ip.to_string(), "10.1.9.9");
    ASSERT_EQ(scanners.incoming.size(), 1u);
    EXPECT_EQ(scanners.incoming[0].ip.to_string(), "198.51.100.7");
    const PortLabels labels = PortLabels::defaults();
    ServerOptions sv;
    sv.period = day;
    sv.expected = parse_expected_servers("10.1.1.22:22");
    const ServersReport servers = servers_report(catalog, labels, sv);
    ASSERT_EQ(servers.servers.size(), 2u);
    EXPECT_EQ(servers.servers[0].port, 22);
    EXPECT_TRUE(servers.servers[0].expected);
    EXPECT_EQ(servers.servers[1].server.to_string(), "10.1.2.50");
    EXPECT_FALSE(servers.servers[1].expected);
    EXPECT_FALSE(servers.clients.empty());
    const TrafficReport traffic = traffic_report(catalog, labels, {day, 3});
    EXPECT_EQ(traffic.rows.size(), 3u);
    EXPECT_EQ(traffic.total.share_ppm, 1'000'000);
    EXPECT_EQ(percent_text(717539), "71.75");
    EXPECT_EQ(percent_text(6), "0.00");
    EXPECT_EQ(percent_text(1'000'000), "100.00");
    // An empty period is no error: empty tables.
    const Period empty{day.from_us - 86'400'000'000LL * 30, day.from_us - 86'400'000'000LL * 29};
    EXPECT_TRUE(pairs_report(catalog, {empty, 5}).pairs.empty());
    EXPECT_EQ(traffic_report(catalog, labels, {empty, 5}).total.bytes_total(), 0);
}

}  // namespace
}  // namespace ipaudit::report
