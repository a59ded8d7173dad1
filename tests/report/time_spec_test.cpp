// Time specs in local time: the accepted forms, DST days of 23 and 25 hours, gaps, clear errors.
#include <gtest/gtest.h>

#include <chrono>

#include "report/time_spec.hpp"
#include "tests/report/report_test_helpers.hpp"

namespace ipaudit::report {
namespace {

using report_test::ScopedTz;

constexpr std::int64_t kSec = 1'000'000;
constexpr std::int64_t kHour = 3600 * kSec;

constexpr std::int64_t utc_us(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
    using namespace std::chrono;
    return (sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss}).time_since_epoch().count() * kSec;
}

std::string error_of(std::string_view text, Bound bound = Bound::kFrom, std::int64_t now = utc_us(2026, 11, 2, 12)) {
    try {
        (void)parse_time(text, bound, now);
    } catch (const TimeSpecError& e) {
        return e.what();
    }
    return "no error";
}

TEST(TimeSpec, DatesAreWholeLocalDays) {
    const ScopedTz tz("Europe/Berlin");
    const std::int64_t now = utc_us(2026, 11, 2, 12);
    EXPECT_EQ(parse_time("2026-11-02", Bound::kFrom, now), utc_us(2026, 11, 1, 23));
    EXPECT_EQ(parse_time("2026-11-02", Bound::kTo, now), utc_us(2026, 11, 2, 23));
    EXPECT_EQ(parse_time("2026-07-01", Bound::kFrom, now), utc_us(2026, 6, 30, 22));
}

TEST(TimeSpec, MinutesAndSecondsAreInstants) {
    const ScopedTz tz("Europe/Berlin");
    const std::int64_t now = utc_us(2026, 11, 2, 12);
    EXPECT_EQ(parse_time("2026-11-02 14:30", Bound::kFrom, now), utc_us(2026, 11, 2, 13, 30));
    EXPECT_EQ(parse_time("2026-11-02 14:30", Bound::kTo, now), utc_us(2026, 11, 2, 13, 30));
    EXPECT_EQ(parse_time("2026-11-02T14:30", Bound::kFrom, now), utc_us(2026, 11, 2, 13, 30));
    EXPECT_EQ(parse_time("2026-11-02 14:30:59", Bound::kFrom, now), utc_us(2026, 11, 2, 13, 30, 59));
    EXPECT_EQ(parse_time("  2026-11-02 14:30 ", Bound::kFrom, now), utc_us(2026, 11, 2, 13, 30));
    EXPECT_EQ(parse_time("2026-07-01 00:00", Bound::kFrom, now), utc_us(2026, 6, 30, 22));
}

TEST(TimeSpec, BerlinSpringForwardDayHas23Hours) {
    const ScopedTz tz("Europe/Berlin");
    const std::int64_t now = utc_us(2026, 4, 1);
    const std::int64_t from = parse_time("2026-03-29", Bound::kFrom, now);
    const std::int64_t to = parse_time("2026-03-29", Bound::kTo, now);
    EXPECT_EQ(from, utc_us(2026, 3, 28, 23));
    EXPECT_EQ(to, utc_us(2026, 3, 29, 22));
    EXPECT_EQ(to - from, 23 * kHour);
    // 02:00-02:59 does not exist that night.
    EXPECT_NE(error_of("2026-03-29 02:30").find("does not exist"), std::string::npos) << error_of("2026-03-29 02:30");
    EXPECT_EQ(parse_time("2026-03-29 03:00", Bound::kFrom, now), utc_us(2026, 3, 29, 1));
    EXPECT_EQ(parse_time("2026-03-29 01:59", Bound::kFrom, now), utc_us(2026, 3, 29, 0, 59));
}

TEST(TimeSpec, BerlinFallBackDayHas25HoursAndTheRepeatedHourMeansTheEarlier) {
    const ScopedTz tz("Europe/Berlin");
    const std::int64_t now = utc_us(2026, 11, 1);
    const std::int64_t from = parse_time("2026-10-25", Bound::kFrom, now);
    const std::int64_t to = parse_time("2026-10-25", Bound::kTo, now);
    EXPECT_EQ(from, utc_us(2026, 10, 24, 22));
    EXPECT_EQ(to - from, 25 * kHour);
    EXPECT_EQ(parse_time("2026-10-25 02:30", Bound::kFrom, now), utc_us(2026, 10, 25, 0, 30));  // CEST, not CET
    EXPECT_EQ(parse_time("2026-10-25 03:00", Bound::kFrom, now), utc_us(2026, 10, 25, 2));
}

TEST(TimeSpec, NewYorkDstDays) {
    const ScopedTz tz("America/New_York");
    const std::int64_t now = utc_us(2026, 12, 1);
    EXPECT_EQ(parse_time("2026-03-08", Bound::kTo, now) - parse_time("2026-03-08", Bound::kFrom, now), 23 * kHour);
    EXPECT_EQ(parse_time("2026-11-01", Bound::kTo, now) - parse_time("2026-11-01", Bound::kFrom, now), 25 * kHour);
    EXPECT_EQ(parse_time("2026-11-01", Bound::kFrom, now), utc_us(2026, 11, 1, 4));
    EXPECT_NE(error_of("2026-03-08 02:15", Bound::kFrom, now).find("does not exist"), std::string::npos);
}

TEST(TimeSpec, TodayYesterdayNowAndLocalMidnight) {
    const ScopedTz tz("Europe/Berlin");
    // 2026-10-25 12:00 CET (11:00 UTC): today is the 25-hour day.
    const std::int64_t now = utc_us(2026, 10, 25, 11) + 123;
    EXPECT_EQ(parse_time("now", Bound::kFrom, now), now);
    EXPECT_EQ(parse_time("today", Bound::kFrom, now), utc_us(2026, 10, 24, 22));
    EXPECT_EQ(parse_time("today", Bound::kTo, now), utc_us(2026, 10, 25, 23));
    EXPECT_EQ(parse_time("yesterday", Bound::kFrom, now), utc_us(2026, 10, 23, 22));
    EXPECT_EQ(parse_time("yesterday", Bound::kTo, now), utc_us(2026, 10, 24, 22));
    EXPECT_EQ(local_day_start_us(now), utc_us(2026, 10, 24, 22));
}

TEST(TimeSpec, RelativeTimes) {
    const ScopedTz tz("Europe/Berlin");
    const std::int64_t now = utc_us(2026, 11, 2, 12, 0, 7) + 5;
    EXPECT_EQ(parse_time("-3h", Bound::kFrom, now), now - 3 * kHour);
    EXPECT_EQ(parse_time("-30m", Bound::kFrom, now), now - 30 * 60 * kSec);
    EXPECT_EQ(parse_time("-2d", Bound::kTo, now), now - 48 * kHour);
    // Calendar days: one day back across the spring change is 23 hours, across autumn's 25.
    EXPECT_EQ(parse_time("-1d", Bound::kFrom, utc_us(2026, 3, 29, 10)), utc_us(2026, 3, 28, 11));
    EXPECT_EQ(parse_time("-1d", Bound::kFrom, utc_us(2026, 10, 25, 11)), utc_us(2026, 10, 24, 10));
}

TEST(TimeSpec, OtherZonesAndUtc) {
    {
        const ScopedTz tz("UTC");
        EXPECT_EQ(parse_time("2026-11-02 14:30", Bound::kFrom, 0), utc_us(2026, 11, 2, 14, 30));
        EXPECT_EQ(format_local_time(utc_us(2026, 11, 2, 14, 30, 5) + 999999), "2026-11-02 14:30:05");
        EXPECT_EQ(format_local_minute(utc_us(2026, 11, 2, 14, 30)), "2026-11-02 14:30");
        EXPECT_EQ(format_local_minute(utc_us(2026, 11, 2, 14, 30, 5)), "2026-11-02 14:30:05");
    }
    {
        const ScopedTz tz("Asia/Kolkata");  // +05:30, no DST
        EXPECT_EQ(parse_time("2026-11-02", Bound::kFrom, 0), utc_us(2026, 11, 1, 18, 30));
        EXPECT_EQ(format_local_time(utc_us(2026, 11, 1, 18, 30)), "2026-11-02 00:00:00");
    }
}

TEST(TimeSpec, BadInputNamesTheTextAndTheForms) {
    const ScopedTz tz("Europe/Berlin");
    for (const char* bad : {"", "   ", "2026-13-01", "2026-02-30", "2026-1-1", "26-11-02", "2026/11/02", "yesterdayx",
                            "Today", "-0x", "-5w", "-d", "--2d", "-2.5h", "2026-11-02 24:00", "2026-11-02 12:60",
                            "2026-11-02 1:00", "2026-11-02  12:00", "1969-12-31", "-1000000d", "now()",
                            "2026-11-02'; DROP TABLE session;--"}) {
        const std::string e = error_of(bad);
        EXPECT_NE(e.find("bad time"), std::string::npos) << bad << ": " << e;
        EXPECT_NE(e.find("expected YYYY-MM-DD"), std::string::npos) << bad << ": " << e;
        EXPECT_EQ(e.find('\n'), std::string::npos) << bad;
    }
    EXPECT_NE(error_of("2026-02-30").find("'2026-02-30'"), std::string::npos);
    EXPECT_NE(error_of("2026-02-30").find("no such date"), std::string::npos);
    // Control characters are not echoed; long text is cut.
    EXPECT_EQ(error_of("\x1b[31mred").find('\x1b'), std::string::npos);
    EXPECT_LT(error_of(std::string(10000, 'x')).size(), 400u);
}

TEST(TimeSpec, PeriodDefaultsAndOrder) {
    const ScopedTz tz("Europe/Berlin");
    const std::int64_t now = utc_us(2026, 11, 2, 12);
    EXPECT_EQ(parse_period(std::nullopt, std::nullopt, now), (Period{now - 24 * kHour, now}));
    EXPECT_EQ(parse_period(std::string("-2h"), std::nullopt, now), (Period{now - 2 * kHour, now}));
    EXPECT_EQ(parse_period(std::nullopt, std::string("2026-11-01 10:00"), now),
              (Period{utc_us(2026, 10, 31, 9), utc_us(2026, 11, 1, 9)}));
    EXPECT_EQ(parse_period(std::string("2026-11-01"), std::string("2026-11-01"), now),
              (Period{utc_us(2026, 10, 31, 23), utc_us(2026, 11, 1, 23)}));
    try {
        (void)parse_period(std::string("2026-11-02 10:00"), std::string("2026-11-02 10:00"), now);
        FAIL() << "empty period accepted";
    } catch (const TimeSpecError& e) {
        EXPECT_NE(std::string(e.what()).find("is not before --to"), std::string::npos) << e.what();
    }
    try {
        (void)parse_period(std::string("soon"), std::nullopt, now);
        FAIL() << "bad --from accepted";
    } catch (const TimeSpecError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("--from: bad time 'soon'", 0), 0u) << e.what();
    }
}

TEST(TimeSpec, QuoteInput) {
    EXPECT_EQ(quote_input("abc"), "'abc'");
    EXPECT_EQ(quote_input("a\nb\tc\x7f"), "'a?b?c?'");
    EXPECT_EQ(quote_input(std::string(100, 'z')), "'" + std::string(64, 'z') + "...'");
}

}  // namespace
}  // namespace ipaudit::report
