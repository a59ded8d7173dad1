// The host report over several days reads whole days from the daily rollups: the sample
// capture on three consecutive days (Sunday 2026-11-01 to Tuesday 2026-11-03, UTC, other
// seeds), rollups rebuilt with conf/ports.conf. Totals, days, weeks and peers equal the
// per-session path's (the same data with the rollups removed) and sums from `ipaudit dump`;
// services follow the rollup's rule (watched ports, answered sessions) and a note says so; a
// period of one day keeps reading the sessions; `ipaudit report host --from D1 --to D3` works.
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

const char* const kDays[] = {"2026-11-01", "2026-11-02", "2026-11-03"};  // Sunday, Monday, Tuesday
constexpr std::int64_t kFirstStart = 1793523600;                         // 2026-11-01 09:00 UTC
const char* const kHosts[] = {"10.1.2.20", "10.1.2.50", "203.0.113.100", "10.1.9.9", "10.1.1.10"};
const char* const kRuleNote = "services over rollup days: the ports ports.conf watches";

// Three days of data with rollups built from conf/ports.conf, and a copy without rollups.
struct Data {
    TempDir with_rollups;
    TempDir without_rollups;
};

const Data& data() {
    static const std::unique_ptr<Data> d = [] {
        const report_test::ScopedTz tz("UTC");
        auto out = std::make_unique<Data>();
        for (int i = 0; i < 3; ++i)
            report_test::import_scenario(out->with_rollups.path(), "sample",
                                         {"--start", std::to_string(kFirstStart + i * 86400), "--seed", std::to_string(41 + i)},
                                         report_test::kSampleLocalNets);
        report_test::run_or_throw({IPAUDIT_BIN, "rollup", "-d", out->with_rollups.path().string(), "--rebuild", kDays[0],
                                   "--rebuild", kDays[1], "--rebuild", kDays[2], "--ports", IPAUDIT_PORTS_CONF});
        fs::copy(out->with_rollups.path(), out->without_rollups.path(), fs::copy_options::recursive);
        fs::remove_all(out->without_rollups.path() / "rollups");
        return out;
    }();
    return *d;
}

const PortLabels& labels() {
    static const PortLabels l = PortLabels::load(IPAUDIT_PORTS_CONF);
    return l;
}

Period days(const char* from, const char* to) { return {parse_time(from, Bound::kFrom, 0), parse_time(to, Bound::kTo, 0)}; }

bool has_note(const HostReport& r, const std::string& text) {
    return std::any_of(r.notes.begin(), r.notes.end(), [&](const std::string& n) { return n.find(text) != std::string::npos; });
}

void expect_traffic(const HostTraffic& got, const HostTraffic& want, const std::string& what) {
    EXPECT_EQ(got.bytes_in, want.bytes_in) << what;
    EXPECT_EQ(got.bytes_out, want.bytes_out) << what;
    EXPECT_EQ(got.packets_in, want.packets_in) << what;
    EXPECT_EQ(got.packets_out, want.packets_out) << what;
    EXPECT_EQ(got.sessions, want.sessions) << what;
}

// Totals, days, weeks and peers of two reports are the same.
void expect_same_except_services(const HostReport& got, const HostReport& want) {
    expect_traffic(got.totals.all, want.totals.all, "total");
    expect_traffic(got.totals.as_local, want.totals.as_local, "as local");
    expect_traffic(got.totals.as_remote, want.totals.as_remote, "as remote");
    expect_traffic(got.totals.as_other, want.totals.as_other, "as other");
    EXPECT_EQ(got.totals.peers, want.totals.peers);
    EXPECT_EQ(got.totals.first_us, want.totals.first_us);
    EXPECT_EQ(got.totals.last_us, want.totals.last_us);
    ASSERT_EQ(got.days.size(), want.days.size());
    for (std::size_t i = 0; i < got.days.size(); ++i) {
        EXPECT_EQ(got.days[i].day_start_us, want.days[i].day_start_us);
        expect_traffic(got.days[i].traffic, want.days[i].traffic, "day " + format_local_time(want.days[i].day_start_us));
    }
    ASSERT_EQ(got.weeks.size(), want.weeks.size());
    for (std::size_t i = 0; i < got.weeks.size(); ++i) {
        EXPECT_EQ(got.weeks[i].day_start_us, want.weeks[i].day_start_us);
        expect_traffic(got.weeks[i].traffic, want.weeks[i].traffic, "week " + format_local_time(want.weeks[i].day_start_us));
    }
    ASSERT_EQ(got.peers.size(), want.peers.size());
    for (std::size_t i = 0; i < got.peers.size(); ++i) {
        const std::string what = "peer " + want.peers[i].ip.to_string();
        EXPECT_EQ(got.peers[i].ip, want.peers[i].ip) << what;
        EXPECT_EQ(got.peers[i].peer_class, want.peers[i].peer_class) << what;
        expect_traffic(got.peers[i].traffic, want.peers[i].traffic, what);
        EXPECT_EQ(got.peers[i].first_us, want.peers[i].first_us) << what;
        EXPECT_EQ(got.peers[i].last_us, want.peers[i].last_us) << what;
    }
}

HostTraffic sum_points(const HostReport& r) {
    HostTraffic t;
    for (const auto& p : r.intervals) t.add(p.traffic);
    return t;
}

// Sums from `ipaudit dump` over every interval file, seen from the host.
struct DumpSums {
    HostTraffic traffic;
    std::set<std::string> peers;
};

DumpSums dump_sums(const std::string& ip) {
    static const std::vector<report_test::DumpRow> rows =
        report_test::dump_rows_of(IPAUDIT_BIN, report_test::all_db_files(data().with_rollups.path()));
    DumpSums s;
    for (const auto& d : rows) {
        const bool a = d.ip_a == ip, b = d.ip_b == ip && !a;
        if (!a && !b) continue;
        s.traffic.bytes_out += a ? d.bytes_ab : d.bytes_ba;
        s.traffic.bytes_in += a ? d.bytes_ba : d.bytes_ab;
        s.traffic.packets_out += a ? d.pkts_ab : d.pkts_ba;
        s.traffic.packets_in += a ? d.pkts_ba : d.pkts_ab;
        ++s.traffic.sessions;
        s.peers.insert(a ? d.ip_b : d.ip_a);
    }
    return s;
}

class HostRollup : public ::testing::Test {
protected:
    report_test::ScopedTz tz_{"UTC"};
    static HostReport with(const Period& p, const char* ip, const fs::path& dir = data().with_rollups.path()) {
        return host_report(IntervalCatalog(dir), labels(), {*IpAddress::parse(ip), p, 0});
    }
    static HostReport without(const Period& p, const char* ip) { return with(p, ip, data().without_rollups.path()); }
};

TEST_F(HostRollup, ThreeDaysEqualThePerSessionPath) {
    const Period p = days(kDays[0], kDays[2]);
    for (const char* ip : kHosts) {
        SCOPED_TRACE(ip);
        const HostReport r = with(p, ip);
        const HostReport e = without(p, ip);
        ASSERT_GT(e.totals.all.sessions, 0);
        expect_same_except_services(r, e);
        // Independent sums over the dump.
        const DumpSums s = dump_sums(ip);
        expect_traffic(r.totals.all, s.traffic, "dump");
        EXPECT_EQ(r.totals.peers, static_cast<std::int64_t>(s.peers.size()));
        // Three days over two weeks (Sunday, then Monday and Tuesday).
        ASSERT_EQ(r.days.size(), 3u);
        ASSERT_EQ(r.weeks.size(), 2u);
        EXPECT_EQ(format_local_time(r.weeks[0].day_start_us), "2026-10-26 00:00:00");
        EXPECT_EQ(format_local_time(r.weeks[1].day_start_us), "2026-11-02 00:00:00");
        // The rollups were used: one timeline point per day (local midnight), adding up.
        ASSERT_EQ(r.intervals.size(), 3u);
        for (std::size_t i = 0; i < 3; ++i)
            EXPECT_EQ(format_local_time(r.intervals[i].start_us), std::string(kDays[i]) + " 00:00:00");
        expect_traffic(sum_points(r), r.totals.all, "timeline");
        EXPECT_GT(e.intervals.size(), 3u);
        EXPECT_TRUE(has_note(r, kRuleNote));
        EXPECT_FALSE(has_note(e, kRuleNote));
    }
}

// Services over rollup days: watched ports only; used counts the answered sessions; offered
// equals the per-session path on those ports (for a local host every session has a local side).
TEST_F(HostRollup, ServicesFollowTheRollupRule) {
    const Period p = days(kDays[0], kDays[2]);
    std::set<std::pair<int, int>> watched;
    for (const PortLabel& l : labels().watched()) watched.insert({l.proto, l.port});
    bool any_offered = false, any_used = false;
    for (const char* ip : {"10.1.2.20", "10.1.2.50", "10.1.9.9", "10.1.1.10"}) {
        SCOPED_TRACE(ip);
        const HostReport r = with(p, ip);
        const HostReport e = without(p, ip);
        std::map<std::pair<int, int>, HostServiceRow> want_offered, want_used;
        for (const auto& s : e.offered)
            if (watched.contains({s.proto, s.port})) want_offered[{s.proto, s.port}] = s;
        for (const auto& s : e.used)
            if (watched.contains({s.proto, s.port}) && s.answered > 0) want_used[{s.proto, s.port}] = s;
        ASSERT_EQ(r.offered.size(), want_offered.size());
        for (const auto& s : r.offered) {
            ASSERT_TRUE(want_offered.contains({s.proto, s.port})) << s.port;
            const HostServiceRow& w = want_offered[{s.proto, s.port}];
            EXPECT_EQ(s.traffic.sessions, w.traffic.sessions) << s.port;
            EXPECT_EQ(s.traffic.bytes_in, w.traffic.bytes_in) << s.port;
            EXPECT_EQ(s.traffic.bytes_out, w.traffic.bytes_out) << s.port;
            EXPECT_EQ(s.peers, w.peers) << s.port;
            EXPECT_EQ(s.answered, s.traffic.sessions);
            EXPECT_EQ(s.label, w.label);
            any_offered = true;
        }
        ASSERT_EQ(r.used.size(), want_used.size());
        for (const auto& s : r.used) {
            ASSERT_TRUE(want_used.contains({s.proto, s.port})) << s.port;
            const HostServiceRow& w = want_used[{s.proto, s.port}];
            EXPECT_EQ(s.traffic.sessions, w.answered) << s.port;
            EXPECT_EQ(s.answered, w.answered) << s.port;
            EXPECT_LE(s.peers, w.peers) << s.port;
            EXPECT_LE(s.traffic.bytes_total(), w.traffic.bytes_total()) << s.port;
            any_used = true;
        }
    }
    EXPECT_TRUE(any_offered);
    EXPECT_TRUE(any_used);
    // The workstation answering SMTP on each of the three days.
    const HostReport ws = with(p, "10.1.2.50");
    bool smtp = false;
    for (const auto& s : ws.offered) smtp |= s.port == 25 && s.proto == 6 && s.label == "SMTP" && s.traffic.sessions > 12;
    EXPECT_TRUE(smtp);
}

// A partial first day and a day whose rollup is missing are read from the interval files; the
// result still equals the per-session path.
TEST_F(HostRollup, MixedPeriodEqualsThePerSessionPath) {
    const TempDir mixed;
    fs::copy(data().with_rollups.path(), mixed.path(), fs::copy_options::recursive);
    fs::remove(mixed.path() / "rollups" / (std::string(kDays[1]) + ".db"));
    const Period p{parse_time("2026-11-01 10:00", Bound::kFrom, 0), parse_time(kDays[2], Bound::kTo, 0)};
    for (const char* ip : kHosts) {
        SCOPED_TRACE(ip);
        const HostReport r = with(p, ip, mixed.path());
        const HostReport e = without(p, ip);
        ASSERT_GT(e.totals.all.sessions, 0);
        expect_same_except_services(r, e);
        expect_traffic(sum_points(r), r.totals.all, "timeline");
        // Only 2026-11-03 came from its rollup: one point at its midnight, the rest per interval.
        const auto midnight = parse_time(kDays[2], Bound::kFrom, 0);
        EXPECT_EQ(std::count_if(r.intervals.begin(), r.intervals.end(),
                                [&](const HostIntervalPoint& x) { return x.start_us >= midnight; }),
                  1);
        EXPECT_GT(r.intervals.size(), 2u);
        EXPECT_TRUE(has_note(r, kRuleNote));
        EXPECT_TRUE(has_note(r, std::string("no daily rollup for ") + kDays[1]));
    }
}

// A rollup built with other port labels is not used: the period reads the sessions.
TEST_F(HostRollup, RollupOfOtherLabelsIsNotUsed) {
    const Period p = days(kDays[0], kDays[2]);
    const HostReport r =
        host_report(IntervalCatalog(data().with_rollups.path()), PortLabels::parse("25 SMTP service\n", "test"),
                    {*IpAddress::parse("10.1.2.50"), p, 0});
    EXPECT_FALSE(has_note(r, kRuleNote));
    EXPECT_GT(r.intervals.size(), 3u);
    expect_same_except_services(r, without(p, "10.1.2.50"));
}

// One day (or less) keeps reading the sessions, rollup or not: the same report as without.
TEST_F(HostRollup, OneDayReadsTheSessions) {
    for (const Period& p : {days(kDays[1], kDays[1]), Period{parse_time("2026-11-02 09:30", Bound::kFrom, 0),
                                                             parse_time("2026-11-02 10:30", Bound::kTo, 0)}}) {
        const HostReport r = with(p, "10.1.2.20");
        const HostReport e = without(p, "10.1.2.20");
        ASSERT_GT(r.totals.all.sessions, 0);
        expect_same_except_services(r, e);
        ASSERT_EQ(r.intervals.size(), e.intervals.size());
        EXPECT_GT(r.intervals.size(), 1u);
        ASSERT_EQ(r.used.size(), e.used.size());
        for (std::size_t i = 0; i < r.used.size(); ++i) expect_traffic(r.used[i].traffic, e.used[i].traffic, "used");
        EXPECT_EQ(r.notes, e.notes);
        EXPECT_FALSE(has_note(r, kRuleNote));
    }
}

TEST_F(HostRollup, CliOverThreeDays) {
    const RunResult r = report_test::run({IPAUDIT_BIN, "report", "host", "-d", data().with_rollups.path().string(), "--ip",
                                          "10.1.2.50", "--from", kDays[0], "--to", kDays[2], "--ports",
                                          IPAUDIT_PORTS_CONF, "--format", "csv", "--top", "0"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find(std::string("note: ") + kRuleNote), std::string::npos) << r.err;
    const DumpSums s = dump_sums("10.1.2.50");
    // The total row (the second line) and one day, week and interval row per day / week.
    std::istringstream in(r.out);
    std::string header, total;
    std::getline(in, header);
    std::getline(in, total);
    EXPECT_EQ(header.rfind("section,role,start,peer_ip,proto,port,service,bytes_in,bytes_out,bytes_total", 0), 0u) << header;
    EXPECT_EQ(total.rfind("total,all,,,,,," + std::to_string(s.traffic.bytes_in) + "," +
                              std::to_string(s.traffic.bytes_out) + "," +
                              std::to_string(s.traffic.bytes_in + s.traffic.bytes_out) + "," +
                              std::to_string(s.traffic.packets_in) + "," + std::to_string(s.traffic.packets_out) + "," +
                              std::to_string(s.traffic.sessions) + "," + std::to_string(s.peers.size()) + ",",
                          0),
              0u)
        << total;
    std::map<std::string, int> sections;
    for (std::string line; std::getline(in, line);) ++sections[line.substr(0, line.find(','))];
    EXPECT_EQ(sections["day"], 3);
    EXPECT_EQ(sections["week"], 2);
    EXPECT_EQ(sections["interval"], 3);
    EXPECT_GT(sections["offered"], 0);
    // JSON carries the note too.
    const RunResult json = report_test::run({IPAUDIT_BIN, "report", "host", "-d", data().with_rollups.path().string(),
                                             "--ip", "10.1.2.50", "--from", kDays[0], "--to", kDays[2], "--ports",
                                             IPAUDIT_PORTS_CONF, "--format", "json"});
    ASSERT_EQ(json.status, 0) << json.err;
    EXPECT_NE(json.out.find(kRuleNote), std::string::npos);
}

}  // namespace
}  // namespace ipaudit::report
