// The summary report (weekly, monthly) over the sample capture imported on four days of
// October/November 2026 in Europe/Berlin: around the end of DST (Sunday 2026-10-25, a 25-hour
// day) and across the month boundary (Saturday 2026-10-31 23:00 to Sunday 01:00 local). Every
// figure is checked against sums computed here with SQL straight from the interval files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <set>

#include "report/summary_report.hpp"
#include "store/sqlite.hpp"
#include "tests/report/report_test_helpers.hpp"

namespace ipaudit::report {
namespace {

namespace fs = std::filesystem;
using report_test::RunResult;
using report_test::TempDir;

__extension__ using Int128 = __int128;
constexpr std::int64_t kHourUs = 3'600'000'000LL;
constexpr const char* kBerlin = "Europe/Berlin";
constexpr const char* kLocal = "10.1.0.0/16,2001:db8:1::/48";

// Epoch seconds of a UTC wall time (timegm: independent of the library's local-time code).
std::int64_t utc(int year, int month, int day, int hour, int minute) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    return static_cast<std::int64_t>(::timegm(&tm));
}
std::int64_t utc_us(int year, int month, int day, int hour, int minute = 0) {
    return utc(year, month, day, hour, minute) * 1'000'000;
}

// The data: four imports of `ipaudit-pcapgen sample` (two hours each), under TZ=Europe/Berlin
// so the daily rollups are Berlin days:
//   A  Tue 2026-10-13 11:00 CEST                    (the week before the DST week)
//   B  Sun 2026-10-25 01:30 CEST .. 02:30 CET       (across the end of DST)
//   C  Sat 2026-10-31 23:00 CET .. Sun 01:00        (across the month boundary)
//   D  Mon 2026-11-02 10:00 CET
//   E  Tue 2026-11-03 10:00 CET: `ipaudit-pcapgen talkers`, where the local 10.1.2.15 answers
//      SMTP (port 25) for a remote client: a server only in that week (and month), while
//      10.1.2.50:25 (SMTP) and 10.1.1.22:22 (SSH) answer in every import of the sample.
// The local networks never change, so every host keeps its class (local or remote) throughout.
const fs::path& data_dir() {
    static const std::unique_ptr<TempDir> dir = [] {
        const report_test::ScopedTz tz(kBerlin);
        auto d = std::make_unique<TempDir>();
        const auto import = [&](std::int64_t start, const char* seed, const char* nets) {
            report_test::import_scenario(d->path(), "sample", {"--start", std::to_string(start), "--seed", seed}, nets);
        };
        import(utc(2026, 10, 13, 9, 0), "1", kLocal);
        import(utc(2026, 10, 24, 23, 30), "2", kLocal);
        import(utc(2026, 10, 31, 22, 0), "3", kLocal);
        import(utc(2026, 11, 2, 9, 0), "4", kLocal);
        report_test::import_scenario(d->path(), "talkers", {"--start", std::to_string(utc(2026, 11, 3, 9, 0))}, kLocal);
        return d;
    }();
    return dir->path();
}

// ---- independent sums from the interval files ------------------------------------------------

struct Figures {
    std::int64_t bytes_in = 0, bytes_out = 0, bytes_internal = 0, bytes_external = 0;
    std::int64_t packets = 0, sessions = 0, intervals = 0;
    std::int64_t total() const { return bytes_in + bytes_out + bytes_internal + bytes_external; }
    void add(const Figures& o) {
        bytes_in += o.bytes_in;
        bytes_out += o.bytes_out;
        bytes_internal += o.bytes_internal;
        bytes_external += o.bytes_external;
        packets += o.packets;
        sessions += o.sessions;
        intervals += o.intervals;
    }
};

// YYYY-MM-DD of the local (TZ) date of an epoch second, by localtime_r.
std::string local_date(std::int64_t seconds) {
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

// Per local day of each file's nominal start: the file's frames, its sessions counted one by
// one, and its session bytes split by the sides' classes (in/out seen from the local side).
const std::map<std::string, Figures>& file_days() {
    static const std::map<std::string, Figures> days = [] {
        const report_test::ScopedTz tz(kBerlin);
        std::map<std::string, Figures> out;
        for (const fs::path& f : report_test::all_db_files(data_dir())) {
            sqlite::Database db(f, sqlite::Database::Mode::kReadOnly);
            sqlite::Statement iv(db, "SELECT start_time, packets FROM interval");
            EXPECT_TRUE(iv.step());
            Figures& d = out[local_date(iv.column_int(0))];
            d.packets += iv.column_int(1);
            ++d.intervals;
            sqlite::Statement st(db, "SELECT class_a, class_b, bytes_ab, bytes_ba FROM session");
            while (st.step()) {
                const std::string a(st.column_text(0)), b(st.column_text(1));
                const std::int64_t ab = st.column_int(2), ba = st.column_int(3);
                ++d.sessions;
                if (a == "L" && b == "L") {
                    d.bytes_internal += ab + ba;
                } else if (a == "L") {
                    d.bytes_in += ba;
                    d.bytes_out += ab;
                } else if (b == "L") {
                    d.bytes_in += ab;
                    d.bytes_out += ba;
                } else {
                    d.bytes_external += ab + ba;
                }
            }
        }
        return out;
    }();
    return days;
}

// The dates first..last inclusive (YYYY-MM-DD), by calendar arithmetic on noon UTC.
std::vector<std::string> dates(int y, int m, int d, int count) {
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) {
        const std::time_t t = static_cast<std::time_t>(utc(y, m, d, 12, 0) + std::int64_t{i} * 86400);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char buf[16];
        std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
        out.push_back(buf);
    }
    return out;
}

// ---- CSV ------------------------------------------------------------------------------------

using report_test::csv_records;
using report_test::Record;
using report_test::section;

std::int64_t num(const Record& r, const std::string& column) {
    const std::string& v = r.at(column);
    EXPECT_FALSE(v.empty()) << column;
    EXPECT_EQ(v.find_first_not_of("0123456789"), std::string::npos) << column << " = " << v;
    return v.empty() ? -1 : std::stoll(v);
}

RunResult summary(const std::vector<std::string>& args, const fs::path& dir = data_dir()) {
    std::vector<std::string> argv = {IPAUDIT_BIN, "report", "summary", "-d", dir.string(), "--ports", IPAUDIT_PORTS_CONF};
    argv.insert(argv.end(), args.begin(), args.end());
    return report_test::run(argv);
}

std::vector<Record> summary_csv(std::vector<std::string> args, const fs::path& dir = data_dir()) {
    args.insert(args.end(), {"--format", "csv"});
    const RunResult r = summary(args, dir);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    return csv_records(r.out);
}

class SummaryPeriod : public ::testing::Test {
protected:
    report_test::ScopedTz tz_{kBerlin};
};

class SummaryData : public ::testing::Test {
protected:
    report_test::ScopedTz tz_{kBerlin};

    // The summary's day rows are exactly `days`, each equal to the files' sums; the total row
    // is their sum, with the shares of the four byte kinds.
    static void expect_matches_files(const std::vector<Record>& all, const std::vector<std::string>& days) {
        const auto rows = section(all, "day");
        ASSERT_EQ(rows.size(), days.size());
        Figures sum;
        for (std::size_t i = 0; i < days.size(); ++i) {
            SCOPED_TRACE(days[i]);
            EXPECT_EQ(rows[i].at("day"), days[i]);
            const auto it = file_days().find(days[i]);
            const Figures f = it == file_days().end() ? Figures{} : it->second;
            sum.add(f);
            EXPECT_EQ(num(rows[i], "bytes_in"), f.bytes_in);
            EXPECT_EQ(num(rows[i], "bytes_out"), f.bytes_out);
            EXPECT_EQ(num(rows[i], "bytes_internal"), f.bytes_internal);
            EXPECT_EQ(num(rows[i], "bytes_external"), f.bytes_external);
            EXPECT_EQ(num(rows[i], "bytes_total"), f.total());
            EXPECT_EQ(num(rows[i], "packets"), f.packets);
            EXPECT_EQ(num(rows[i], "sessions"), f.sessions);
            EXPECT_EQ(num(rows[i], "intervals"), f.intervals);
        }
        EXPECT_GT(sum.total(), 0) << "the period holds data";
        const auto totals = section(all, "total");
        ASSERT_EQ(totals.size(), 5u);
        const Record& t = totals[0];
        EXPECT_EQ(t.at("role"), "all");
        EXPECT_EQ(num(t, "bytes_in"), sum.bytes_in);
        EXPECT_EQ(num(t, "bytes_out"), sum.bytes_out);
        EXPECT_EQ(num(t, "bytes_internal"), sum.bytes_internal);
        EXPECT_EQ(num(t, "bytes_external"), sum.bytes_external);
        EXPECT_EQ(num(t, "bytes_total"), sum.total());
        EXPECT_EQ(num(t, "packets"), sum.packets);
        EXPECT_EQ(num(t, "sessions"), sum.sessions);
        EXPECT_EQ(num(t, "intervals"), sum.intervals);
        const std::pair<const char*, std::int64_t> parts[] = {
            {"in", sum.bytes_in}, {"out", sum.bytes_out}, {"internal", sum.bytes_internal}, {"external", sum.bytes_external}};
        for (std::size_t i = 0; i < 4; ++i) {
            EXPECT_EQ(totals[i + 1].at("role"), parts[i].first);
            EXPECT_EQ(num(totals[i + 1], "bytes_total"), parts[i].second);
            const Int128 ppm = Int128{parts[i].second} * 1'000'000 / sum.total();
            EXPECT_EQ(num(totals[i + 1], "share_ppm"), static_cast<std::int64_t>(ppm)) << parts[i].first;
        }
    }

    static std::set<std::string> new_servers(const std::vector<Record>& all) {
        std::set<std::string> out;
        for (const Record& r : section(all, "new_server")) out.insert(r.at("local_ip") + ":" + r.at("port") + "/" + r.at("proto"));
        return out;
    }
};

// ---- periods ----------------------------------------------------------------------------------

TEST_F(SummaryPeriod, WeeksStartOnMondayOrSundayAtLocalMidnight) {
    // Berlin: CEST (UTC+2) until Sunday 2026-10-25 03:00, then CET (UTC+1).
    const Period monday = summary_period(SummaryKind::kWeek, utc_us(2026, 10, 21, 12));
    EXPECT_EQ(monday.from_us, utc_us(2026, 10, 18, 22));  // Mon 2026-10-19 00:00 CEST
    EXPECT_EQ(monday.to_us, utc_us(2026, 10, 25, 23));    // Mon 2026-10-26 00:00 CET
    EXPECT_EQ(monday.to_us - monday.from_us, 169 * kHourUs);
    // Every instant of the week maps to it, its last one included; the next instant does not.
    EXPECT_EQ(summary_period(SummaryKind::kWeek, monday.from_us), monday);
    EXPECT_EQ(summary_period(SummaryKind::kWeek, monday.to_us - 1), monday);
    EXPECT_EQ(summary_period(SummaryKind::kWeek, monday.to_us).from_us, monday.to_us);
    // Sunday weeks: the one holding Sunday 2026-10-25 starts that day and has the extra hour too.
    const Period sunday = summary_period(SummaryKind::kWeek, utc_us(2026, 10, 25, 12), WeekStart::kSunday);
    EXPECT_EQ(sunday.from_us, utc_us(2026, 10, 24, 22));  // Sun 2026-10-25 00:00 CEST
    EXPECT_EQ(sunday.to_us, utc_us(2026, 10, 31, 23));    // Sun 2026-11-01 00:00 CET
    EXPECT_EQ(sunday.to_us - sunday.from_us, 169 * kHourUs);
    // The Saturday before belongs to the previous Sunday week, the Monday after to this one.
    EXPECT_EQ(summary_period(SummaryKind::kWeek, utc_us(2026, 10, 24, 12), WeekStart::kSunday).to_us, sunday.from_us);
    EXPECT_EQ(summary_period(SummaryKind::kWeek, utc_us(2026, 10, 26, 12), WeekStart::kSunday), sunday);
    // An ordinary week: 168 hours.
    const Period next = summary_period(SummaryKind::kWeek, utc_us(2026, 10, 28, 12));
    EXPECT_EQ(next.from_us, monday.to_us);
    EXPECT_EQ(next.to_us - next.from_us, 168 * kHourUs);
}

TEST_F(SummaryPeriod, SpringWeekIs167Hours) {
    // Clocks go forward on Sunday 2026-03-29 at 02:00 CET.
    const Period monday = summary_period(SummaryKind::kWeek, utc_us(2026, 3, 25, 12));
    EXPECT_EQ(monday.from_us, utc_us(2026, 3, 22, 23));  // Mon 2026-03-23 00:00 CET
    EXPECT_EQ(monday.to_us, utc_us(2026, 3, 29, 22));    // Mon 2026-03-30 00:00 CEST
    EXPECT_EQ(monday.to_us - monday.from_us, 167 * kHourUs);
    const Period sunday = summary_period(SummaryKind::kWeek, utc_us(2026, 3, 29, 12), WeekStart::kSunday);
    EXPECT_EQ(sunday.from_us, utc_us(2026, 3, 28, 23));
    EXPECT_EQ(sunday.to_us - sunday.from_us, 167 * kHourUs);
    // In UTC every week is 168 hours.
    const report_test::ScopedTz utc_tz("UTC");
    const Period plain = summary_period(SummaryKind::kWeek, utc_us(2026, 3, 25, 12));
    EXPECT_EQ(plain.from_us, utc_us(2026, 3, 23, 0));
    EXPECT_EQ(plain.to_us - plain.from_us, 168 * kHourUs);
}

TEST_F(SummaryPeriod, MonthsAreCalendarMonths) {
    const Period october = summary_period(SummaryKind::kMonth, utc_us(2026, 10, 17, 8));
    EXPECT_EQ(october.from_us, utc_us(2026, 9, 30, 22));  // 2026-10-01 00:00 CEST
    EXPECT_EQ(october.to_us, utc_us(2026, 10, 31, 23));   // 2026-11-01 00:00 CET
    EXPECT_EQ(october.to_us - october.from_us, (31 * 24 + 1) * kHourUs);
    // The last instant of October is in October; midnight of November 1 is not.
    EXPECT_EQ(summary_period(SummaryKind::kMonth, october.to_us - 1), october);
    const Period november = summary_period(SummaryKind::kMonth, october.to_us);
    EXPECT_EQ(november.from_us, october.to_us);
    EXPECT_EQ(november.to_us - november.from_us, 30 * 24 * kHourUs);
    const Period march = summary_period(SummaryKind::kMonth, utc_us(2026, 3, 29, 12));
    EXPECT_EQ(march.to_us - march.from_us, (31 * 24 - 1) * kHourUs);
    EXPECT_EQ(summary_period(SummaryKind::kMonth, utc_us(2026, 2, 10, 12)).to_us -
                  summary_period(SummaryKind::kMonth, utc_us(2026, 2, 10, 12)).from_us,
              28 * 24 * kHourUs);
    const Period december = summary_period(SummaryKind::kMonth, utc_us(2026, 12, 31, 22, 59));  // 23:59 local
    EXPECT_EQ(december.from_us, utc_us(2026, 11, 30, 23));
    EXPECT_EQ(december.to_us, utc_us(2026, 12, 31, 23));  // 2027-01-01 00:00 CET
}

TEST_F(SummaryPeriod, LastCompleteAndPreviousPeriods) {
    const std::int64_t now = utc_us(2026, 11, 4, 11);  // Wednesday
    EXPECT_EQ(last_complete_period(SummaryKind::kWeek, now), (Period{utc_us(2026, 10, 25, 23), utc_us(2026, 11, 1, 23)}));
    EXPECT_EQ(last_complete_period(SummaryKind::kWeek, now, WeekStart::kSunday),
              (Period{utc_us(2026, 10, 24, 22), utc_us(2026, 10, 31, 23)}));
    EXPECT_EQ(last_complete_period(SummaryKind::kMonth, now), (Period{utc_us(2026, 9, 30, 22), utc_us(2026, 10, 31, 23)}));
    // On a Monday at 00:00 the week that just ended is the last complete one.
    EXPECT_EQ(last_complete_period(SummaryKind::kWeek, utc_us(2026, 11, 1, 23)).to_us, utc_us(2026, 11, 1, 23));

    // The previous period of a week is the week before, whatever its length (169 h here).
    const Period week{utc_us(2026, 10, 25, 23), utc_us(2026, 11, 1, 23)};
    EXPECT_EQ(previous_period(week), (Period{utc_us(2026, 10, 18, 22), week.from_us}));
    // Of a month, the month before: November (720 h) is compared with October (745 h).
    const Period november{utc_us(2026, 10, 31, 23), utc_us(2026, 11, 30, 23)};
    EXPECT_EQ(previous_period(november), (Period{utc_us(2026, 9, 30, 22), november.from_us}));
    EXPECT_EQ(previous_period(Period{utc_us(2026, 9, 30, 22), utc_us(2026, 10, 31, 23)}),
              (Period{utc_us(2026, 8, 31, 22), utc_us(2026, 9, 30, 22)}));
    // Whole days: as many days before; anything else: the same length before.
    EXPECT_EQ(previous_period(Period{utc_us(2026, 10, 24, 22), utc_us(2026, 10, 26, 23)}),
              (Period{utc_us(2026, 10, 22, 22), utc_us(2026, 10, 24, 22)}));
    EXPECT_EQ(previous_period(Period{utc_us(2026, 10, 24, 10), utc_us(2026, 10, 24, 15)}),
              (Period{utc_us(2026, 10, 24, 5), utc_us(2026, 10, 24, 10)}));
}

TEST_F(SummaryPeriod, RequestRules) {
    const std::int64_t now = utc_us(2026, 11, 4, 11);
    const std::int64_t anchor = utc_us(2026, 10, 21, 12);
    // No from: the period holding the default anchor; week by default.
    EXPECT_EQ(resolve_summary_period(std::nullopt, std::nullopt, std::nullopt, WeekStart::kMonday, anchor, now),
              summary_period(SummaryKind::kWeek, anchor));
    EXPECT_EQ(resolve_summary_period(SummaryKind::kMonth, std::nullopt, std::nullopt, WeekStart::kMonday, anchor, now),
              summary_period(SummaryKind::kMonth, anchor));
    // from: any day of the period.
    EXPECT_EQ(resolve_summary_period(SummaryKind::kWeek, std::string("2026-10-25"), std::nullopt, WeekStart::kMonday, 0, now),
              (Period{utc_us(2026, 10, 18, 22), utc_us(2026, 10, 25, 23)}));
    EXPECT_EQ(resolve_summary_period(SummaryKind::kWeek, std::string("2026-10-25 14:00"), std::nullopt, WeekStart::kSunday, 0,
                                     now),
              (Period{utc_us(2026, 10, 24, 22), utc_us(2026, 10, 31, 23)}));
    // to without a kind: the period as typed; with one: an error.
    EXPECT_EQ(resolve_summary_period(std::nullopt, std::string("2026-10-24"), std::string("2026-10-26"), WeekStart::kMonday, 0,
                                     now),
              (Period{utc_us(2026, 10, 23, 22), utc_us(2026, 10, 26, 23)}));
    EXPECT_THROW((void)resolve_summary_period(SummaryKind::kWeek, std::string("2026-10-19"), std::string("2026-10-26"),
                                              WeekStart::kMonday, 0, now),
                 std::invalid_argument);
    EXPECT_THROW((void)resolve_summary_period(SummaryKind::kWeek, std::string("2026-10-32"), std::nullopt, WeekStart::kMonday,
                                              0, now),
                 TimeSpecError);
    EXPECT_THROW((void)parse_summary_kind("day"), std::invalid_argument);
    EXPECT_THROW((void)parse_summary_kind("Week"), std::invalid_argument);
    EXPECT_THROW((void)parse_week_start("saturday"), std::invalid_argument);
    EXPECT_EQ(parse_week_start("sunday"), WeekStart::kSunday);
}

// ---- figures against the interval files --------------------------------------------------------

TEST_F(SummaryData, DstWeekTotalsAndDaysEqualTheIntervalFiles) {
    const auto all = summary_csv({"--period", "week", "--from", "2026-10-22"});
    const auto period = section(all, "period");
    ASSERT_EQ(period.size(), 2u);
    EXPECT_EQ(period[0].at("first_time"), "2026-10-19 00:00:00");
    EXPECT_EQ(period[0].at("last_time"), "2026-10-26 00:00:00");
    EXPECT_EQ(period[1].at("first_time"), "2026-10-12 00:00:00");
    expect_matches_files(all, dates(2026, 10, 19, 7));
    // The 25-hour Sunday holds all of import B (01:30 CEST to 02:30 CET): one day, four files.
    const auto days = section(all, "day");
    EXPECT_EQ(days[6].at("day"), "2026-10-25");
    EXPECT_EQ(num(days[6], "intervals"), 4);
}

TEST_F(SummaryData, WeekAcrossTheMonthBoundaryEqualsTheIntervalFiles) {
    expect_matches_files(summary_csv({"--period", "week", "--from", "2026-10-31"}), dates(2026, 10, 26, 7));
    expect_matches_files(summary_csv({"--period", "week", "--from", "2026-11-08"}), dates(2026, 11, 2, 7));
    expect_matches_files(summary_csv({"--period", "week", "--from", "2026-10-14"}), dates(2026, 10, 12, 7));
}

TEST_F(SummaryData, SundayWeeksSplitImportCAtTheMonthBoundary) {
    // Import C runs from Saturday 23:00 to Sunday 01:00: its Saturday half ends one Sunday week,
    // its Sunday half starts the next.
    const auto first = summary_csv({"--period", "week", "--from", "2026-10-31", "--week-start", "sunday"});
    const auto second = summary_csv({"--period", "week", "--from", "2026-11-01", "--week-start", "sunday"});
    expect_matches_files(first, dates(2026, 10, 25, 7));
    expect_matches_files(second, dates(2026, 11, 1, 7));
    const auto last_day = section(first, "day").back();
    const auto first_day = section(second, "day").front();
    EXPECT_EQ(last_day.at("day"), "2026-10-31");
    EXPECT_EQ(first_day.at("day"), "2026-11-01");
    EXPECT_EQ(num(last_day, "intervals"), 2);
    EXPECT_GE(num(first_day, "intervals"), 2);
    EXPECT_GT(num(last_day, "sessions"), 0);
    EXPECT_GT(num(first_day, "sessions"), 0);
}

TEST_F(SummaryData, MonthlyTotalsAndDaysEqualTheIntervalFiles) {
    const auto october = summary_csv({"--period", "month", "--from", "2026-10-09"});
    EXPECT_EQ(section(october, "period")[0].at("first_time"), "2026-10-01 00:00:00");
    EXPECT_EQ(section(october, "period")[0].at("last_time"), "2026-11-01 00:00:00");
    EXPECT_EQ(section(october, "period")[1].at("first_time"), "2026-09-01 00:00:00");
    expect_matches_files(october, dates(2026, 10, 1, 31));
    const auto november = summary_csv({"--period", "month", "--from", "2026-11-30 23:59"});
    EXPECT_EQ(section(november, "period")[1].at("first_time"), "2026-10-01 00:00:00");
    expect_matches_files(november, dates(2026, 11, 1, 30));
    // Every file is in exactly one of the two months.
    Figures all;
    for (const auto& [day, f] : file_days()) all.add(f);
    EXPECT_EQ(num(section(october, "total")[0], "bytes_total") + num(section(november, "total")[0], "bytes_total"),
              all.total());
    EXPECT_EQ(num(section(october, "total")[0], "intervals") + num(section(november, "total")[0], "intervals"),
              all.intervals);
}

TEST_F(SummaryData, BusiestHostsAndPairsFromTheDump) {
    const auto all = summary_csv({"--period", "week", "--from", "2026-10-19"});
    // Local-remote sessions of the week's files, from `ipaudit dump`.
    std::vector<fs::path> files;
    for (const fs::path& f : report_test::all_db_files(data_dir())) {
        sqlite::Database db(f, sqlite::Database::Mode::kReadOnly);
        sqlite::Statement iv(db, "SELECT start_time FROM interval");
        ASSERT_TRUE(iv.step());
        const std::string day = local_date(iv.column_int(0));
        if (day >= "2026-10-19" && day <= "2026-10-25") files.push_back(f);
    }
    ASSERT_EQ(files.size(), 4u);
    std::map<std::string, std::int64_t> local, remote;
    for (const auto& d : report_test::dump_rows_of(IPAUDIT_BIN, files))
        if (d.class_a == "L" && d.class_b == "R") {
            local[d.ip_a] += d.bytes_ab + d.bytes_ba;
            remote[d.ip_b] += d.bytes_ab + d.bytes_ba;
        }
    const auto busiest = [](const std::map<std::string, std::int64_t>& m) {
        return *std::max_element(m.begin(), m.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    };
    const auto locals = section(all, "local_host");
    const auto remotes = section(all, "remote_host");
    // Top 100 by default: every host when there are fewer.
    EXPECT_EQ(locals.size(), std::min<std::size_t>(100, local.size()));
    EXPECT_EQ(remotes.size(), std::min<std::size_t>(100, remote.size()));
    ASSERT_FALSE(locals.empty());
    ASSERT_FALSE(remotes.empty());
    EXPECT_EQ(locals[0].at("local_ip"), busiest(local).first);
    EXPECT_EQ(num(locals[0], "bytes_total"), busiest(local).second);
    EXPECT_EQ(remotes[0].at("remote_ip"), busiest(remote).first);
    EXPECT_EQ(num(remotes[0], "bytes_total"), busiest(remote).second);
    const auto pairs = section(all, "pair");
    ASSERT_FALSE(pairs.empty());
    EXPECT_EQ(pairs[0].at("local_ip"), "10.1.2.20");  // the 5 MB download
    EXPECT_EQ(pairs[0].at("remote_ip"), "203.0.113.100");
    // Services end with the TOTAL row, which counts every session of the week.
    const auto services = section(all, "service");
    ASSERT_FALSE(services.empty());
    EXPECT_EQ(services.back().at("service"), "TOTAL");
    EXPECT_EQ(num(services.back(), "bytes_total"), num(section(all, "total")[0], "bytes_total"));
    EXPECT_EQ(num(services.back(), "sessions"), num(section(all, "total")[0], "sessions"));
    // Scanners both ways: the worm out, the vertical scan in.
    std::set<std::string> scanners;
    for (const auto& s : section(all, "scanner")) scanners.insert(s.at("role") + " " + s.at("local_ip") + s.at("remote_ip"));
    EXPECT_EQ(scanners, (std::set<std::string>{"out 10.1.9.9", "in 198.51.100.7"}));
    // --top cuts every table.
    const auto top3 = summary_csv({"--period", "week", "--from", "2026-10-19", "--top", "3"});
    EXPECT_EQ(section(top3, "pair").size(), 3u);
    EXPECT_EQ(section(top3, "local_host").size(), 3u);
    EXPECT_EQ(section(top3, "remote_host").size(), 3u);
    EXPECT_EQ(section(top3, "service").size(), 4u);  // three and TOTAL
}

TEST_F(SummaryData, ServersNewSinceThePreviousWeek) {
    // Week of 2026-11-02: 10.1.2.15:25 answered only then; SMTP and SSH of the sample answered
    // the week before too.
    const auto week = summary_csv({"--period", "week", "--from", "2026-11-02"});
    EXPECT_EQ(new_servers(week), (std::set<std::string>{"10.1.2.15:25/tcp"}));
    for (const auto& r : section(week, "new_server")) {
        EXPECT_EQ(r.at("flag"), "UNEXPECTED");
        EXPECT_GT(num(r, "sessions"), 0);
    }
    // 10.1.2.50:25 did answer in that week (it is left out for answering before, not for silence).
    const RunResult servers = report_test::run({IPAUDIT_BIN, "report", "servers", "-d", data_dir().string(), "--ports",
                                                IPAUDIT_PORTS_CONF, "--from", "2026-11-02", "--to", "2026-11-08", "--format",
                                                "csv"});
    ASSERT_EQ(servers.status, 0) << servers.err;
    EXPECT_NE(servers.out.find("server,25,tcp,SMTP,no,10.1.2.50,"), std::string::npos);
    // Expected servers are not flagged.
    const auto expected = summary_csv({"--period", "week", "--from", "2026-11-02", "--expected", "10.1.2.15:25"});
    ASSERT_EQ(section(expected, "new_server").size(), 1u);
    EXPECT_EQ(section(expected, "new_server")[0].at("flag"), "");
    EXPECT_EQ(section(expected, "new_server")[0].at("expected"), "yes");
    // The week of import C (its previous week holds import B): nothing new.
    EXPECT_TRUE(new_servers(summary_csv({"--period", "week", "--from", "2026-10-26"})).empty());
    // The week of import A follows an empty week: its servers are all new.
    EXPECT_EQ(new_servers(summary_csv({"--period", "week", "--from", "2026-10-12"})),
              (std::set<std::string>{"10.1.1.22:22/tcp", "10.1.2.50:25/tcp"}));
    // Sunday weeks: 2026-11-01..07 holds D, E and half of C; its previous week the other half.
    EXPECT_EQ(new_servers(summary_csv({"--period", "week", "--from", "2026-11-03", "--week-start", "sunday"})),
              (std::set<std::string>{"10.1.2.15:25/tcp"}));
}

TEST_F(SummaryData, NewServersBeyondTopAreCutBusiestAndUnexpectedFirst) {
    // The week of import A: two servers, both new. --top 1 keeps the busier one and says so.
    const auto all = section(summary_csv({"--period", "week", "--from", "2026-10-12"}), "new_server");
    ASSERT_EQ(all.size(), 2u);
    const auto bytes = [](const Record& r) { return num(r, "bytes_in") + num(r, "bytes_out"); };
    const Record& busier = bytes(all[0]) >= bytes(all[1]) ? all[0] : all[1];
    const Record& quieter = &busier == &all[0] ? all[1] : all[0];
    ASSERT_NE(bytes(busier), bytes(quieter));
    const RunResult top1 = summary({"--period", "week", "--from", "2026-10-12", "--top", "1", "--format", "csv"});
    ASSERT_EQ(top1.status, 0) << top1.err;
    const auto kept = section(csv_records(top1.out), "new_server");
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_EQ(kept[0], busier);
    EXPECT_NE(top1.err.find("note: 2 servers are new since the previous period; the 1 with the most bytes"),
              std::string::npos) << top1.err;
    // An expected server goes after every unexpected one, however busy.
    const std::string expected = busier.at("local_ip") + ":" + busier.at("port");
    const RunResult top1e = summary({"--period", "week", "--from", "2026-10-12", "--top", "1", "--expected", expected,
                                     "--format", "csv"});
    const auto kept_e = section(csv_records(top1e.out), "new_server");
    ASSERT_EQ(kept_e.size(), 1u);
    EXPECT_EQ(kept_e[0].at("local_ip") + ":" + kept_e[0].at("port"), quieter.at("local_ip") + ":" + quieter.at("port"));
    EXPECT_EQ(kept_e[0].at("flag"), "UNEXPECTED");
}

TEST_F(SummaryData, ServersNewSinceThePreviousMonth) {
    EXPECT_EQ(new_servers(summary_csv({"--period", "month", "--from", "2026-11-15"})),
              (std::set<std::string>{"10.1.2.15:25/tcp"}));
    EXPECT_EQ(new_servers(summary_csv({"--period", "month", "--from", "2026-10-15"})),
              (std::set<std::string>{"10.1.1.22:22/tcp", "10.1.2.50:25/tcp"}));
}

TEST_F(SummaryData, RollupsAndIntervalFilesGiveTheSameReport) {
    ASSERT_TRUE(fs::exists(data_dir() / "rollups" / "2026-10-25.db")) << "the imports wrote Berlin rollups";
    const TempDir raw;
    fs::copy(data_dir() / "intervals", raw.path() / "intervals", fs::copy_options::recursive);
    for (const auto& args : {std::vector<std::string>{"--period", "week", "--from", "2026-10-25"},
                             std::vector<std::string>{"--period", "month", "--from", "2026-10-25"},
                             std::vector<std::string>{"--period", "month", "--from", "2026-11-25"},
                             std::vector<std::string>{"--period", "week", "--from", "2026-11-01", "--week-start", "sunday"}}) {
        std::vector<std::string> csv = args;
        csv.insert(csv.end(), {"--format", "csv"});
        const RunResult with = summary(csv);
        const RunResult without = summary(csv, raw.path());
        ASSERT_EQ(with.status, 0) << with.err;
        ASSERT_EQ(without.status, 0) << without.err;
        EXPECT_EQ(with.err, "") << "rollups used without notes";
        EXPECT_EQ(with.out, without.out) << args[1] << " " << args[3];
    }
}

TEST_F(SummaryData, JsonHasExactIntegers) {
    const auto csv = summary_csv({"--period", "week", "--from", "2026-10-19"});
    const RunResult r = summary({"--period", "week", "--from", "2026-10-19", "--format", "json"});
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string& j = r.out;
    EXPECT_EQ(j.rfind("{\"report\":\"summary\",\"period\":{\"from\":\"2026-10-19 00:00:00\",\"to\":\"2026-10-26 00:00:00\","
                      "\"from_us\":" + std::to_string(utc_us(2026, 10, 18, 22)) +
                          ",\"to_us\":" + std::to_string(utc_us(2026, 10, 25, 23)) + "}",
                      0),
              0u);
    const Record total = section(csv, "total").at(0);  // a copy: section() returns a new vector
    for (const char* column : {"bytes_in", "bytes_out", "bytes_total", "packets", "sessions"}) {
        const std::string needle = std::string("\"") + column + "\":" + total.at(column) + ",";
        EXPECT_NE(j.find("{\"section\":\"total\",\"role\":\"all\""), std::string::npos);
        EXPECT_NE(j.find(needle), std::string::npos) << needle;
    }
    // Numbers are never quoted; a row per CSV row; notes present.
    for (const char* column : {"bytes_total", "packets", "sessions", "peers", "share_ppm"})
        EXPECT_EQ(j.find(std::string("\"") + column + "\":\""), std::string::npos) << column;
    std::size_t rows = 0;
    for (std::size_t at = j.find("{\"section\":"); at != std::string::npos; at = j.find("{\"section\":", at + 1)) ++rows;
    EXPECT_EQ(rows, csv.size());
    EXPECT_NE(j.find("],\"notes\":[]}"), std::string::npos);
}

TEST_F(SummaryData, HtmlIsSelfContainedAndEscaped) {
    // A port label with markup in it (through --ports) must come out as text.
    const TempDir tmp;
    const fs::path ports = tmp.path() / "ports.conf";
    {
        std::ofstream f(ports);
        f << report_test::read_file(IPAUDIT_PORTS_CONF) << "\n445/tcp <b>SMB&\"x'</b> risk service\n";
    }
    const RunResult r = report_test::run({IPAUDIT_BIN, "report", "summary", "-d", data_dir().string(), "--ports",
                                          ports.string(), "--period", "week", "--from", "2026-11-02", "--format", "html"});
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string& h = r.out;
    EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(h.find("</html>"), std::string::npos);
    for (const char* id : {"totals", "days", "local-hosts", "remote-hosts", "pairs", "services", "scanners", "new-servers"})
        EXPECT_NE(h.find(std::string("<table id=\"") + id + "\""), std::string::npos) << id;
    for (const char* banned : {"<script", "<svg", "<img", "<link", "<iframe", "<object", "src=", "url(", "http://",
                               "https://", "@import", "<b>SMB"})
        EXPECT_EQ(h.find(banned), std::string::npos) << banned;
    EXPECT_NE(h.find("&lt;b&gt;SMB&amp;&quot;x&#39;&lt;/b&gt;"), std::string::npos);
    EXPECT_NE(h.find("Weekly summary"), std::string::npos);
    // Seven day rows with bars, and figures in human units with exact values on hover.
    std::size_t day_rows = 0;
    for (const auto& day : dates(2026, 11, 2, 7)) day_rows += h.find(day) != std::string::npos;
    EXPECT_EQ(day_rows, 7u);
    EXPECT_NE(h.find("title=\"in: "), std::string::npos);
    const auto csv = summary_csv({"--period", "week", "--from", "2026-11-02"});
    EXPECT_NE(h.find("title=\"" + section(csv, "total")[0].at("bytes_total") + " bytes\""), std::string::npos);
    EXPECT_NE(h.find("10.1.2.15"), std::string::npos);
    EXPECT_NE(h.find("UNEXPECTED"), std::string::npos);
}

TEST_F(SummaryData, TextHasEverySection) {
    const RunResult r = summary({"--period", "month", "--from", "2026-10-01", "--top", "5"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.rfind("ipaudit summary report, 2026-10-01 00:00:00 to 2026-11-01 00:00:00", 0), 0u);
    for (const char* heading : {"\nTotals", "\nPer day\n", "\nBusiest pairs", "\nBusiest local hosts\n",
                                "\nBusiest remote hosts\n", "\nServices\n", "\nPossible scanners", "\nServers new since"})
        EXPECT_NE(r.out.find(heading), std::string::npos) << heading;
    EXPECT_NE(r.out.find("  2026-10-25 "), std::string::npos);
}

// ---- the command line --------------------------------------------------------------------------

TEST_F(SummaryData, UsageErrors) {
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    const std::vector<Case> cases = {
        {{"--period", "week", "--from", "2026-10-19", "--to", "2026-10-26"}, "--to: not with --period"},
        {{"--period", "month", "--to", "2026-11-01"}, "--to: not with --period"},
        {{"--period", "fortnight"}, "--period: expected week or month"},
        {{"--week-start", "friday"}, "--week-start: expected monday or sunday"},
        {{"--period", "week", "--from", "2026-02-30"}, "--from"},
        {{"--format", "pdf"}, "--format"},
        {{"--ip", "10.1.2.3"}, "--ip: only for the host report"},
    };
    for (const Case& c : cases) {
        const RunResult r = summary(c.args);
        EXPECT_EQ(r.status, 2) << c.args[0];
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(r.err.rfind("ipaudit report summary: ", 0), 0u) << r.err;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    }
    const RunResult pairs_html = report_test::run({IPAUDIT_BIN, "report", "pairs", "-d", data_dir().string(), "--format", "html"});
    EXPECT_EQ(pairs_html.status, 2);
    EXPECT_NE(pairs_html.err.find("--format html: only for the summary report"), std::string::npos);
    const RunResult pairs_period = report_test::run({IPAUDIT_BIN, "report", "pairs", "-d", data_dir().string(), "--period", "week"});
    EXPECT_EQ(pairs_period.status, 2);
    const RunResult help = report_test::run({IPAUDIT_BIN, "report", "--help"});
    EXPECT_NE(help.out.find("summary"), std::string::npos);
    EXPECT_NE(help.out.find("--week-start"), std::string::npos);
}

TEST_F(SummaryData, DefaultIsTheLastCompleteWeekOrMonth) {
    // Without --from: the week (month) before the one holding now, by the local calendar.
    const std::time_t now = std::time(nullptr);
    for (const char* kind : {"week", "month"}) {
        const auto all = summary_csv({"--period", kind});
        const auto period = section(all, "period");
        ASSERT_EQ(period.size(), 2u);
        const auto at = [](const std::string& text) {  // local YYYY-MM-DD HH:MM:SS
            std::tm tm{};
            EXPECT_NE(strptime(text.c_str(), "%Y-%m-%d %H:%M:%S", &tm), nullptr) << text;
            tm.tm_isdst = -1;
            return std::mktime(&tm);
        };
        const std::time_t from = at(period[0].at("first_time")), to = at(period[0].at("last_time"));
        EXPECT_EQ(period[0].at("first_time").substr(10), " 00:00:00");
        EXPECT_EQ(period[0].at("last_time").substr(10), " 00:00:00");
        EXPECT_LE(to, now);
        std::tm f{}, t{};
        localtime_r(&from, &f);
        localtime_r(&to, &t);
        if (std::string(kind) == "week") {
            EXPECT_EQ(f.tm_wday, 1);
            EXPECT_EQ(t.tm_wday, 1);
            EXPECT_GE(to - from, 167 * 3600);
            EXPECT_LE(to - from, 169 * 3600);
            EXPECT_GT(to + 7 * 86400 + 3600, now);
        } else {
            EXPECT_EQ(f.tm_mday, 1);
            EXPECT_EQ(t.tm_mday, 1);
            EXPECT_EQ((t.tm_mon + 12 - f.tm_mon) % 12, 1);
            EXPECT_GT(to + 32 * 86400, now);
        }
    }
    // Without --period: a week.
    const auto plain = section(summary_csv({"--from", "2026-10-21"}), "period");
    EXPECT_EQ(plain[0].at("first_time"), "2026-10-19 00:00:00");
    EXPECT_EQ(plain[0].at("last_time"), "2026-10-26 00:00:00");
    // --from/--to without --period: that period, compared with as many days before.
    const auto span = section(summary_csv({"--from", "2026-10-31", "--to", "2026-11-01"}), "period");
    EXPECT_EQ(span[0].at("first_time"), "2026-10-31 00:00:00");
    EXPECT_EQ(span[0].at("last_time"), "2026-11-02 00:00:00");
    EXPECT_EQ(span[1].at("first_time"), "2026-10-29 00:00:00");
}

#ifdef SUMMARY_CGI
// summary.cgi run as a CGI program (the environment a web server gives it): CSV and JSON are
// byte for byte the CLI's; a period with `to` is a 400.
TEST_F(SummaryData, CgiMachineOutputsEqualTheCli) {
    const TempDir tmp;
    const fs::path conf = tmp.path() / "ipaudit.conf";
    {
        std::ofstream f(conf);
        f << "data-dir = " << data_dir().string() << "\n";
    }
    ::setenv("IPAUDIT_CONF", conf.c_str(), 1);
    ::setenv("REQUEST_METHOD", "GET", 1);
    const auto cgi = [](const std::string& query) {
        ::setenv("QUERY_STRING", query.c_str(), 1);
        RunResult r = report_test::run({SUMMARY_CGI});
        const auto end = r.out.find("\r\n\r\n");
        EXPECT_NE(end, std::string::npos);
        return std::pair<std::string, std::string>{r.out.substr(0, end), r.out.substr(end + 4)};
    };
    struct Case {
        std::string query;
        std::vector<std::string> cli;
    };
    const std::vector<Case> cases = {
        {"period=week&from=2026-10-21", {"--period", "week", "--from", "2026-10-21"}},
        {"period=week&from=2026-11-01&week_start=sunday&top=5",
         {"--period", "week", "--from", "2026-11-01", "--week-start", "sunday", "--top", "5"}},
        {"period=month&from=2026-11-01&expected=10.1.2.15%3A25&min_targets=20",
         {"--period", "month", "--from", "2026-11-01", "--expected", "10.1.2.15:25", "--min-targets", "20"}},
        {"from=2026-11-01&to=2026-11-03", {"--from", "2026-11-01", "--to", "2026-11-03"}},
    };
    for (const Case& c : cases) {
        for (const char* format : {"csv", "json"}) {
            SCOPED_TRACE(c.query + " " + format);
            const auto [headers, body] = cgi(c.query + "&format=" + format);
            EXPECT_EQ(headers.rfind("Status: 200 OK", 0), 0u) << headers;
            std::vector<std::string> args = c.cli;
            args.insert(args.end(), {"--format", format});
            // The CGI reads the installed ports.conf or the built-in labels: the same as conf/ports.conf.
            const RunResult cli = report_test::run([&] {
                std::vector<std::string> argv = {IPAUDIT_BIN, "report", "summary", "-d", data_dir().string()};
                argv.insert(argv.end(), args.begin(), args.end());
                return argv;
            }());
            ASSERT_EQ(cli.status, 0) << cli.err;
            EXPECT_EQ(body, cli.out);
        }
    }
    const auto [headers, body] = cgi("period=week&from=2026-10-21&to=2026-10-28");
    EXPECT_EQ(headers.rfind("Status: 400", 0), 0u) << headers;
    EXPECT_NE(body.find("class=\"error\""), std::string::npos);
    EXPECT_NE(body.find("id=\"picker\""), std::string::npos);
    const auto [page_headers, page] = cgi("period=week&from=2026-11-02");
    EXPECT_EQ(page_headers.rfind("Status: 200 OK", 0), 0u);
    for (const char* needle : {"<svg id=\"summary-chart\"", ">Mon 11-02<", "<table id=\"days\">", "<table id=\"local-hosts\">",
                               "<table id=\"new-servers\">", "host.cgi?ip=10.1.2.15", "&amp;ip2=",
                               "href=\"summary.cgi\" class=\"active\"", "summary.cgi?period=week&amp;from=2026-11-02&amp;format=csv"})
        EXPECT_NE(page.find(needle), std::string::npos) << needle;
    EXPECT_EQ(page.find("<script"), std::string::npos);
    ::unsetenv("QUERY_STRING");
    ::unsetenv("REQUEST_METHOD");
    ::unsetenv("IPAUDIT_CONF");
}
#endif

}  // namespace
}  // namespace ipaudit::report
