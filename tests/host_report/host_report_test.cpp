// The host report over the sample capture: the library and `ipaudit report host`. The busiest
// peer of the downloading workstation, the workstation answering SMTP, and totals, days,
// intervals and peers equal to sums computed independently from `ipaudit dump`.
#include <gtest/gtest.h>

#include <map>
#include <set>

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

using report_test::csv_records;
using report_test::Record;
using report_test::section;

using report_test::DumpRow;

// Every session line of `ipaudit dump` over every interval file of the sample.
const std::vector<DumpRow>& dump_rows() {
    static const std::vector<DumpRow> rows = report_test::dump_rows_of(IPAUDIT_BIN, report_test::all_db_files(sample_dir()));
    return rows;
}

// The host's sums from the dump, seen from the host.
struct Sums {
    std::int64_t bytes_in = 0, bytes_out = 0, packets_in = 0, packets_out = 0, sessions = 0;
    std::set<std::string> peers;
};

Sums dump_sums(const std::string& ip, const std::string& peer = {}) {
    Sums s;
    for (const DumpRow& d : dump_rows()) {
        const bool a = d.ip_a == ip, b = d.ip_b == ip && !a;
        if (!a && !b) continue;
        const std::string& other = a ? d.ip_b : d.ip_a;
        if (!peer.empty() && other != peer) continue;
        s.bytes_out += a ? d.bytes_ab : d.bytes_ba;
        s.bytes_in += a ? d.bytes_ba : d.bytes_ab;
        s.packets_out += a ? d.pkts_ab : d.pkts_ba;
        s.packets_in += a ? d.pkts_ba : d.pkts_ab;
        ++s.sessions;
        s.peers.insert(other);
    }
    return s;
}

class HostReportCli : public ::testing::Test {
protected:
    report_test::ScopedTz tz_{"UTC"};

    static RunResult report(std::vector<std::string> args) {
        std::vector<std::string> argv = {IPAUDIT_BIN, "report", "host", "-d", sample_dir().string(), "--from", kDay,
                                         "--to", kDay, "--ports", IPAUDIT_PORTS_CONF};
        argv.insert(argv.end(), args.begin(), args.end());
        return report_test::run(argv);
    }
    static std::vector<Record> csv(const std::string& ip, std::vector<std::string> args = {}) {
        args.insert(args.end(), {"--ip", ip, "--format", "csv"});
        const RunResult r = report(args);
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(r.err, "");
        return csv_records(r.out);
    }
};

TEST_F(HostReportCli, TopPeerOfTheDownloaderIsTheServer) {
    const auto all = csv("10.1.2.20");
    const auto peers = section(all, "peer");
    ASSERT_FALSE(peers.empty());
    EXPECT_EQ(peers[0].at("peer_ip"), "203.0.113.100");
    EXPECT_EQ(peers[0].at("role"), "remote");
    const Sums s = dump_sums("10.1.2.20", "203.0.113.100");
    EXPECT_GT(s.bytes_in, 5'000'000);
    EXPECT_EQ(peers[0].at("bytes_in"), std::to_string(s.bytes_in));
    EXPECT_EQ(peers[0].at("bytes_out"), std::to_string(s.bytes_out));
    EXPECT_EQ(peers[0].at("bytes_total"), std::to_string(s.bytes_in + s.bytes_out));
    EXPECT_EQ(peers[0].at("sessions"), std::to_string(s.sessions));
    for (std::size_t i = 1; i < peers.size(); ++i)
        EXPECT_GE(std::stoll(peers[i - 1].at("bytes_total")), std::stoll(peers[i].at("bytes_total")));
    // HTTPS is among the services it used, and it offered none.
    bool https = false;
    for (const auto& u : section(all, "used")) https |= u.at("port") == "443" && u.at("service") == "HTTPS";
    EXPECT_TRUE(https);
    EXPECT_TRUE(section(all, "offered").empty());
}

TEST_F(HostReportCli, WorkstationOffersSmtp) {
    const auto all = csv("10.1.2.50");
    const auto offered = section(all, "offered");
    bool smtp = false;
    for (const auto& o : offered) {
        if (o.at("port") != "25" || o.at("proto") != "tcp") continue;
        smtp = true;
        EXPECT_EQ(o.at("service"), "SMTP");
        EXPECT_EQ(o.at("peers"), "3");
        EXPECT_EQ(o.at("sessions"), "12");
    }
    EXPECT_TRUE(smtp);
}

TEST_F(HostReportCli, TotalsDaysIntervalsEqualDumpSums) {
    for (const std::string ip : {"10.1.2.20", "10.1.2.50", "203.0.113.100", "10.1.9.9", "10.1.1.10"}) {
        SCOPED_TRACE(ip);
        const auto all = csv(ip, {"--top", "0"});
        const Sums s = dump_sums(ip);
        ASSERT_GT(s.sessions, 0);
        const auto totals = section(all, "total");
        ASSERT_FALSE(totals.empty());
        const Record& t = totals[0];
        EXPECT_EQ(t.at("role"), "all");
        EXPECT_EQ(t.at("bytes_in"), std::to_string(s.bytes_in));
        EXPECT_EQ(t.at("bytes_out"), std::to_string(s.bytes_out));
        EXPECT_EQ(t.at("packets_in"), std::to_string(s.packets_in));
        EXPECT_EQ(t.at("packets_out"), std::to_string(s.packets_out));
        EXPECT_EQ(t.at("sessions"), std::to_string(s.sessions));
        EXPECT_EQ(t.at("peers"), std::to_string(s.peers.size()));
        // The local/remote split adds up; days and intervals add up to the totals.
        for (const char* name : {"day", "week", "interval"}) {
            std::int64_t in = 0, out = 0, sessions = 0;
            for (const auto& r : section(all, name)) {
                in += std::stoll(r.at("bytes_in"));
                out += std::stoll(r.at("bytes_out"));
                sessions += std::stoll(r.at("sessions"));
            }
            EXPECT_EQ(in, s.bytes_in) << name;
            EXPECT_EQ(out, s.bytes_out) << name;
            EXPECT_EQ(sessions, s.sessions) << name;
        }
        std::int64_t split = 0;
        for (std::size_t i = 1; i < totals.size(); ++i) split += std::stoll(totals[i].at("sessions"));
        EXPECT_EQ(split, s.sessions);
        EXPECT_EQ(section(all, "day").size(), 1u);
        ASSERT_EQ(section(all, "week").size(), 1u);
        EXPECT_EQ(section(all, "week")[0].at("start"), "2026-11-02");  // a Monday
        EXPECT_EQ(section(all, "peer").size(), s.peers.size());  // --top 0: every peer
    }
    // The remote server is seen as a remote side; the workstation as a local one.
    EXPECT_EQ(section(csv("203.0.113.100"), "total")[1].at("role"), "remote");
    EXPECT_EQ(section(csv("10.1.2.20"), "total")[1].at("role"), "local");
}

TEST_F(HostReportCli, ExitCodes) {
    EXPECT_EQ(report({"--ip", "10.1.2.20"}).status, 0);
    const RunResult json = report({"--ip", "2001:db8:1::5", "--format", "json"});
    EXPECT_EQ(json.status, 0) << json.err;
    EXPECT_EQ(json.out.rfind("{\"report\":\"host\"", 0), 0u) << json.out;
    const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
        {{}, "--ip: required"},
        {{"--ip", "' OR 1=1--"}, "--ip: "},
        {{"--ip", "<script>"}, "--ip: "},
        {{"--ip", "../etc/passwd"}, "--ip: "},
        {{"--ip", "10.1.2.0/24"}, "--ip: "},
        {{"--ip", "10.1.2.300"}, "--ip: "},
        {{"--ip", "10.1.2.20", "--top", "-1"}, "--top: "},
        {{"--ip", "10.1.2.20", "--format", "xml"}, "--format: "},
        {{"--ip", "10.1.2.20", "--min-targets", "3"}, "--min-targets: only for the scanners report"},
    };
    for (const auto& [args, expect] : bad) {
        const RunResult r = report(args);
        EXPECT_EQ(r.status, 2) << expect;
        EXPECT_TRUE(r.out.empty()) << r.out;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_NE(r.err.find(expect), std::string::npos) << r.err;
    }
    const RunResult ip_on_pairs =
        report_test::run({IPAUDIT_BIN, "report", "pairs", "-d", sample_dir().string(), "--ip", "10.1.2.20"});
    EXPECT_EQ(ip_on_pairs.status, 2);
    EXPECT_NE(ip_on_pairs.err.find("--ip: only for the host report"), std::string::npos) << ip_on_pairs.err;
    const RunResult no_dir = report_test::run({IPAUDIT_BIN, "report", "host", "-d", "/nonexistent/ipaudit", "--ip", "10.1.2.20"});
    EXPECT_EQ(no_dir.status, 1);
}

// Days and weeks are local: in Berlin the sample's day is still one day; a period over three
// weeks gives one week row per Monday, each the sum of its days.
TEST(HostReportLocal, WeeksAndDaysAreLocal) {
    const report_test::ScopedTz tz("Europe/Berlin");
    const IntervalCatalog catalog(sample_dir());
    const Period p{parse_time("2026-10-20", Bound::kFrom, 0), parse_time("2026-11-10", Bound::kTo, 0)};
    const HostReport r = host_report(catalog, PortLabels::defaults(), {*IpAddress::parse("10.1.2.50"), p, 5});
    ASSERT_EQ(r.days.size(), 1u);
    EXPECT_EQ(format_local_time(r.days[0].day_start_us), "2026-11-02 00:00:00");
    ASSERT_EQ(r.weeks.size(), 1u);
    EXPECT_EQ(format_local_time(r.weeks[0].day_start_us), "2026-11-02 00:00:00");
    EXPECT_EQ(r.weeks[0].traffic.bytes_total(), r.totals.all.bytes_total());
}

// The sample again on Berlin's DST end (2026-10-25, a 25-hour Sunday, from 01:30 local): the
// day is that Sunday and its week starts on Monday 2026-10-19.
TEST(HostReportLocal, DstDayAndItsWeek) {
    const report_test::ScopedTz tz("Europe/Berlin");
    const TempDir dir;
    report_test::import_scenario(dir.path(), "sample", {"--start", "1792884600"}, report_test::kSampleLocalNets);
    const IntervalCatalog catalog(dir.path());
    const Period p{parse_time("2026-10-18", Bound::kFrom, 0), parse_time("2026-10-31", Bound::kTo, 0)};
    const HostReport r = host_report(catalog, PortLabels::defaults(), {*IpAddress::parse("10.1.2.20"), p, 5});
    ASSERT_GT(r.totals.all.sessions, 0);
    ASSERT_EQ(r.days.size(), 1u);
    EXPECT_EQ(format_local_time(r.days[0].day_start_us), "2026-10-25 00:00:00");
    ASSERT_EQ(r.weeks.size(), 1u);
    EXPECT_EQ(format_local_time(r.weeks[0].day_start_us), "2026-10-19 00:00:00");
    EXPECT_EQ(r.days[0].traffic.bytes_in, r.totals.all.bytes_in);
}

TEST_F(HostReportCli, LibraryApiAndForeignFile) {
    const TempDir copy;
    fs::copy(sample_dir(), copy.path(), fs::copy_options::recursive);
    const auto files = report_test::all_db_files(copy.path());
    ASSERT_FALSE(files.empty());
    {
        std::ofstream f(files.front().parent_path() / "20261102-0000.db", std::ios::binary);
        f << "not a database";
    }
    const IntervalCatalog catalog(copy.path());
    const Period day{parse_time(kDay, Bound::kFrom, 0), parse_time(kDay, Bound::kTo, 0)};
    const HostReport r = host_report(catalog, PortLabels::defaults(), {*IpAddress::parse("10.1.2.20"), day, 1});
    ASSERT_EQ(r.peers.size(), 1u);
    EXPECT_EQ(r.peers[0].ip.to_string(), "203.0.113.100");
    EXPECT_EQ(r.totals.all.bytes_in, dump_sums("10.1.2.20").bytes_in);
    ASSERT_EQ(r.days.size(), 1u);
    EXPECT_EQ(r.days[0].day_start_us, day.from_us);
    EXPECT_GE(r.intervals.size(), 2u);
    EXPECT_LT(r.totals.first_us, r.totals.last_us);
    bool skipped = false;
    for (const auto& n : r.notes) skipped |= n.find("skipped") != std::string::npos;
    EXPECT_TRUE(skipped);
    // A host never seen: empty tables and a note, no error.
    const HostReport none = host_report(catalog, PortLabels::defaults(), {*IpAddress::parse("192.0.2.254"), day, 5});
    EXPECT_EQ(none.totals.all.sessions, 0);
    EXPECT_TRUE(none.peers.empty());
    EXPECT_FALSE(none.notes.empty());
}

}  // namespace
}  // namespace ipaudit::report
