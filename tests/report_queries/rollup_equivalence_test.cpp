// Reports over whole days read the daily rollups; the same reports over the same interval files
// without rollups read every session. Both must print the same bytes, for one day, for several
// (exact top N over days, distinct counts over days), and for periods with partial days.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/report/report_test_helpers.hpp"

namespace ipaudit::report_test {
namespace {

constexpr std::int64_t kDayS = 86400;
constexpr std::int64_t kMonday = 1793577600;  // 2026-11-02 00:00 UTC

struct Data {
    TempDir dir;
    fs::path with_rollups() const { return dir.path() / "rolled"; }
    fs::path without_rollups() const { return dir.path() / "raw"; }
};

// Four days: bench traffic every day (seeds differ, so hosts and pairs recur on some days and
// not others), the sample (worm, RST scan, SMTP workstation) on the first and the third.
const Data& data() {
    static const std::unique_ptr<Data> d = [] {
        auto made = std::make_unique<Data>();
        const fs::path rolled = made->with_rollups();
        for (int day = 0; day < 4; ++day) {
            const std::string start = std::to_string(kMonday + day * kDayS + 6 * 3600);
            import_scenario(rolled, "bench",
                            {"--packets", "24000", "--sessions", "6000", "--seed", std::to_string(day % 2 + 1), "--start",
                             start},
                            kSampleLocalNets);
        }
        import_scenario(rolled, "sample", {"--start", std::to_string(kMonday + 9 * 3600)}, kSampleLocalNets);
        import_scenario(rolled, "sample", {"--start", std::to_string(kMonday + 2 * kDayS + 13 * 3600), "--seed", "5"},
                        kSampleLocalNets);
        fs::create_directories(made->without_rollups());
        fs::copy(rolled / "intervals", made->without_rollups() / "intervals", fs::copy_options::recursive);
        return made;
    }();
    return *d;
}

struct Case {
    std::string report;
    std::vector<std::string> extra;
};

const std::vector<Case>& cases() {
    static const std::vector<Case> c = {
        {"pairs", {"--top", "40"}},
        {"pairs", {"--top", "3"}},
        {"scanners", {"--min-targets", "3", "--top", "50"}},
        {"scanners", {"--min-targets", "50"}},
        {"servers", {"--top", "30"}},
        {"traffic", {"--top", "100"}},
    };
    return c;
}

RunResult report(const fs::path& data_dir, const Case& c, const std::string& from, const std::string& to) {
    std::vector<std::string> argv = {IPAUDIT_BIN, "report", c.report, "-d", data_dir.string(), "--from", from, "--to", to,
                                     "--format", "csv"};
    argv.insert(argv.end(), c.extra.begin(), c.extra.end());
    return run(argv);
}

void expect_same(const std::string& from, const std::string& to) {
    const ScopedTz tz("UTC");
    for (const Case& c : cases()) {
        SCOPED_TRACE(c.report + " " + (c.extra.empty() ? "" : c.extra.front() + " " + c.extra.back()) + " from " + from +
                     " to " + to);
        const RunResult rolled = report(data().with_rollups(), c, from, to);
        const RunResult raw = report(data().without_rollups(), c, from, to);
        ASSERT_EQ(rolled.status, 0) << rolled.err;
        ASSERT_EQ(raw.status, 0) << raw.err;
        EXPECT_GT(std::count(rolled.out.begin(), rolled.out.end(), '\n'), 2) << "a report with rows, not just headers";
        EXPECT_EQ(rolled.out, raw.out);
        // The raw copy says it read interval files; the other did not need to.
        EXPECT_NE(raw.err.find("no daily rollup"), std::string::npos) << raw.err;
        EXPECT_EQ(rolled.err.find("no daily rollup"), std::string::npos) << rolled.err;
        EXPECT_EQ(rolled.err.find("not used"), std::string::npos) << rolled.err;
    }
}

TEST(RollupEquivalence, OneDay) { expect_same("2026-11-02", "2026-11-02"); }

TEST(RollupEquivalence, FourDaysExactTopAndDistinctCounts) { expect_same("2026-11-02", "2026-11-05"); }

TEST(RollupEquivalence, PartialDaysAtBothEnds) { expect_same("2026-11-02 08:00", "2026-11-05 07:00"); }

// A rollup that lacks one of its day's files (not merged yet: the writer merges after writing)
// is used, and that file is read from the interval file.
TEST(RollupEquivalence, ARollupLackingAFileReadsThatFileRaw) {
    const ScopedTz tz("UTC");
    const TempDir copy;
    const fs::path d = copy.path() / "d";
    fs::create_directories(d);
    fs::copy(data().with_rollups(), d, fs::copy_options::recursive);
    // Rebuild the day without one of its files, then put the file back.
    const fs::path day_dir = d / "intervals" / "2026" / "11" / "03";
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(day_dir)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    ASSERT_GE(files.size(), 2U);
    const fs::path aside = copy.path() / "aside.db";
    fs::rename(files[1], aside);
    run_or_throw({IPAUDIT_BIN, "rollup", "-d", d.string(), "--rebuild", "2026-11-03"});
    fs::rename(aside, files[1]);
    const Case c{"pairs", {"--top", "40"}};
    const RunResult lagging = report(d, c, "2026-11-03", "2026-11-03");
    const RunResult raw = report(data().without_rollups(), c, "2026-11-03", "2026-11-03");
    ASSERT_EQ(lagging.status, 0) << lagging.err;
    EXPECT_EQ(lagging.out, raw.out);
    EXPECT_EQ(lagging.err.find("not used"), std::string::npos) << lagging.err;
    // And `ipaudit rollup` completes it: the same report, now wholly from the rollup.
    const RunResult update = run({IPAUDIT_BIN, "rollup", "-d", d.string(), "--day", "2026-11-03"});
    ASSERT_EQ(update.status, 0) << update.err;
    EXPECT_NE(update.out.find("merged 1 interval file(s)"), std::string::npos) << update.out;
    EXPECT_EQ(report(d, c, "2026-11-03", "2026-11-03").out, raw.out);
}

// A month rollup (ipaudit rollup --month) answers a report over exactly that month alone: with
// the daily rollups gone, the same bytes as reading every interval file, and no note.
TEST(RollupEquivalence, AMonthRollupStandsInForItsDays) {
    const ScopedTz tz("UTC");
    const TempDir copy;
    const fs::path d = copy.path() / "d";
    fs::create_directories(d);
    fs::copy(data().with_rollups(), d, fs::copy_options::recursive);
    const RunResult built = run({IPAUDIT_BIN, "rollup", "-d", d.string(), "--month", "2026-11-02"});
    ASSERT_EQ(built.status, 0) << built.err;
    EXPECT_NE(built.out.find("2026-11-01_2026-11-30: built from 4 daily rollup(s)"), std::string::npos) << built.out;
    for (const auto& e : fs::directory_iterator(d / "rollups"))
        if (e.path().filename().string().find('_') == std::string::npos) fs::remove(e.path());
    for (const Case& c : cases()) {
        SCOPED_TRACE(c.report + " " + c.extra.front() + " " + c.extra.back());
        const RunResult month = report(d, c, "2026-11-01", "2026-11-30");
        const RunResult raw = report(data().without_rollups(), c, "2026-11-01", "2026-11-30");
        ASSERT_EQ(month.status, 0) << month.err;
        EXPECT_EQ(month.out, raw.out);
        EXPECT_EQ(month.err, "") << "the month rollup was not used";
    }
    // A period that is not exactly the month reads the days (now without rollups): notes.
    const RunResult part = report(d, cases().front(), "2026-11-02", "2026-11-30");
    EXPECT_NE(part.err.find("no daily rollup"), std::string::npos) << part.err;
}

}  // namespace
}  // namespace ipaudit::report_test
