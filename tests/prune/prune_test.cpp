// `ipaudit prune`: the age rules for interval files and rollups, the disk budget and its order,
// what is never removed (not merged, recent, temporary, foreign, behind a symlink), dry runs,
// emptied directories, failures, and the command line.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/prune_command.hpp"
#include "core/interval_data.hpp"
#include "core/memory_budget.hpp"
#include "store/interval_file.hpp"
#include "store/sqlite.hpp"
#include "tests/support/test_env.hpp"

namespace ipaudit {
namespace {

namespace fs = std::filesystem;
using ipaudit::testing::ScopedTz;
using ipaudit::testing::TempDir;

constexpr std::int64_t kSec = 1'000'000;

constexpr std::int64_t utc_s(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
    using namespace std::chrono;
    return (sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss}).time_since_epoch().count();
}

// The clock of most tests: 2026-11-20 12:00 UTC.
constexpr std::int64_t kNow = utc_s(2026, 11, 20, 12);

// A real interval file (no sessions) whose coverage starts at `start_s`; its name is the one
// the daemon gives it, or `name` in the same day directory.
fs::path write_interval(const fs::path& data, std::int64_t start_s, const std::string& name = "") {
    MemoryBudget budget(std::size_t{1} << 26);
    IntervalData iv(budget);
    iv.start_s = start_s - start_s % 1800;
    iv.end_s = iv.start_s + 1800;
    iv.covered_from_us = start_s * kSec;
    iv.covered_to_us = iv.end_s * kSec;
    iv.run = std::make_shared<const RunInfo>(RunInfo{"sensor", "eth0", "test"});
    iv.networks = std::make_shared<const LocalNetworks>(NetworkList::parse("10.0.0.0/8"), LocalNetworks::default_other());
    if (name.empty()) return store::write_interval_file(iv, data);
    return store::write_interval_file(iv, data, store::interval_relative_path(iv).parent_path() / name);
}

// The path as rollups list it: relative to the data directory.
std::string rel(const fs::path& data, const fs::path& file) { return file.lexically_relative(data).generic_string(); }

// A rollup holding just its `interval` table, listing `files` (paths relative to DATA).
fs::path write_rollup(const fs::path& data, const std::string& day, const std::vector<std::string>& files) {
    fs::create_directories(data / "rollups");
    const fs::path path = data / "rollups" / (day + ".db");
    sqlite::Database db(path, sqlite::Database::Mode::kCreate);
    db.exec("CREATE TABLE interval (file TEXT PRIMARY KEY, start_time INTEGER)");
    {
        sqlite::Statement insert(db, "INSERT INTO interval (file, start_time) VALUES (?1, 0)");
        for (const auto& f : files) insert.bind(1, std::string_view(f)).run();
    }
    db.close();
    return path;
}

void write_text(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

struct Result {
    int rc = -1;
    std::string out;
    std::string err;
    [[nodiscard]] bool says(const std::string& text) const { return err.find(text) != std::string::npos; }
    // The removal lines ("removed ..." / "would remove ..."), in order.
    [[nodiscard]] std::vector<std::string> removals() const {
        std::vector<std::string> lines;
        std::istringstream in(err);
        for (std::string line; std::getline(in, line);) {
            if (line.rfind("ipaudit prune: removed /", 0) == 0 || line.rfind("ipaudit prune: would remove /", 0) == 0)
                lines.push_back(line);
        }
        return lines;
    }
};

Result prune(const fs::path& data, std::vector<std::string> args, std::int64_t now_s = kNow) {
    args.insert(args.begin(), {"-d", data.string()});
    std::ostringstream out, err;
    Result r;
    r.rc = cli::prune_command(args, out, err, now_s * kSec);
    r.out = out.str();
    r.err = err.str();
    return r;
}

std::string removed_line(const fs::path& file, const std::string& reason, bool dry = false) {
    return std::string("ipaudit prune: ") + (dry ? "would remove " : "removed ") + file.string() + " (" +
           std::to_string(fs::file_size(file)) + " bytes, " + reason + ")";
}

// Bytes of the regular files under intervals/ and rollups/, as prune counts them.
std::uint64_t used_bytes(const fs::path& data) {
    std::uint64_t total = 0;
    for (const char* top : {"intervals", "rollups"}) {
        if (!fs::is_directory(data / top)) continue;
        for (const auto& e : fs::recursive_directory_iterator(data / top))
            if (e.is_regular_file() && !e.is_symlink()) total += e.file_size();
    }
    return total;
}

TEST(PruneUsage, NeedsALimitAndValidValues) {
    const TempDir tmp;
    const fs::path& data = tmp.path();
    Result r = prune(data, {});
    EXPECT_EQ(r.rc, 2);
    EXPECT_TRUE(r.says("nothing to do: give --keep-intervals DAYS, --keep-rollups DAYS or --max-size SIZE")) << r.err;
    r = prune(data, {"--dry-run"});
    EXPECT_EQ(r.rc, 2);
    r = prune(data, {"--keep-intervals", "x"});
    EXPECT_EQ(r.rc, 2);
    EXPECT_TRUE(r.says("ipaudit prune: --keep-intervals: bad number")) << r.err;
    EXPECT_EQ(prune(data, {"--keep-intervals", "-1"}).rc, 2);
    EXPECT_EQ(prune(data, {"--keep-rollups", "100001"}).rc, 2);
    r = prune(data, {"--max-size", "12q"});
    EXPECT_EQ(r.rc, 2);
    EXPECT_TRUE(r.says("ipaudit prune: --max-size: bad size")) << r.err;
    EXPECT_EQ(prune(data, {"--max-size", ""}).rc, 2);
    EXPECT_EQ(prune(data, {"--keep-intervals", "3", "--bogus"}).rc, 2);
    EXPECT_EQ(prune(data, {"--keep-intervals", "3", "extra"}).rc, 2);
    std::ostringstream out, err;
    EXPECT_EQ(cli::prune_command({"-d", "", "--max-size", "1G"}, out, err, kNow * kSec), 2);
    // Nothing was touched by any of these, and usage errors print no summary.
    EXPECT_FALSE(r.says("files"));
}

TEST(PruneUsage, HelpAndAMissingDataDirectory) {
    std::ostringstream out, err;
    EXPECT_EQ(cli::prune_command({"--help"}, out, err, kNow * kSec), 0);
    EXPECT_NE(out.str().find("--keep-intervals DAYS"), std::string::npos);
    EXPECT_NE(out.str().find("--max-size SIZE"), std::string::npos);
    EXPECT_NE(out.str().find("--dry-run"), std::string::npos);
    EXPECT_TRUE(err.str().empty());
    const TempDir tmp;
    const Result r = prune(tmp.path() / "missing", {"--keep-intervals", "3"});
    EXPECT_EQ(r.rc, 1);
    EXPECT_TRUE(r.says("data directory " + (tmp.path() / "missing").string())) << r.err;
}

TEST(PruneIntervals, MergedFilesPastTheAgeGoNotMergedOnesStay) {
    const ScopedTz tz("UTC");
    const TempDir tmp;
    const fs::path& data = tmp.path();
    const fs::path a = write_interval(data, utc_s(2026, 11, 2, 9, 0));
    const fs::path b = write_interval(data, utc_s(2026, 11, 2, 9, 30));
    const fs::path not_merged = write_interval(data, utc_s(2026, 11, 2, 10, 0));
    const fs::path before_cutoff = write_interval(data, utc_s(2026, 11, 10, 11, 59, 59));
    const fs::path at_cutoff = write_interval(data, utc_s(2026, 11, 10, 12, 0));
    const fs::path young = write_interval(data, utc_s(2026, 11, 15, 9, 0));
    const fs::path r02 = write_rollup(data, "2026-11-02", {rel(data, a), rel(data, b)});
    const fs::path r10 = write_rollup(data, "2026-11-10", {rel(data, before_cutoff), rel(data, at_cutoff)});
    const fs::path r15 = write_rollup(data, "2026-11-15", {rel(data, young)});
    const std::uint64_t before = used_bytes(data);
    const std::uint64_t freed = fs::file_size(a) + fs::file_size(b) + fs::file_size(before_cutoff);

    const std::vector<std::string> expected = {removed_line(a, "older than 10 days"), removed_line(b, "older than 10 days"),
                                               removed_line(before_cutoff, "older than 10 days")};
    const Result r = prune(data, {"--keep-intervals", "10"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.removals(), expected) << r.err;
    EXPECT_FALSE(fs::exists(a));
    EXPECT_FALSE(fs::exists(b));
    EXPECT_FALSE(fs::exists(before_cutoff));
    for (const auto& kept : {not_merged, at_cutoff, young, r02, r10, r15}) EXPECT_TRUE(fs::exists(kept)) << kept;
    EXPECT_TRUE(r.says("ipaudit prune: kept 1 interval file of 2026-11-02 older than 10 days: not merged into "
                       "rollups/2026-11-02.db yet"))
        << r.err;
    EXPECT_TRUE(r.says("ipaudit prune: removed 3 files, " + std::to_string(freed) + " bytes freed, " +
                       std::to_string(before - freed) + " bytes now used\n"))
        << r.err;
    EXPECT_EQ(used_bytes(data), before - freed);
    EXPECT_TRUE(r.out.empty());
}

TEST(PruneIntervals, ADayWithoutAnyRollupGoesByAgeAndSaysSo) {
    const ScopedTz tz("UTC");
    const TempDir tmp;
    const fs::path& data = tmp.path();
    const fs::path old = write_interval(data, utc_s(2026, 11, 2, 9, 0));
    const fs::path old2 = write_interval(data, utc_s(2026, 11, 2, 9, 0, 30));
    const fs::path old3 = write_interval(data, utc_s(2026, 11, 2, 9, 0), "20261102-0900-2.db");
    const fs::path young = write_interval(data, utc_s(2026, 11, 19, 9, 0));
    write_rollup(data, "2026-11-03", {});  // another day's rollup does not count
    ASSERT_EQ(old2.filename(), "20261102-090030.db");
    const std::string reason = "older than 10 days; never merged: there is no rollup rollups/2026-11-02.db";
    // Oldest first: NAME.db, NAME-2.db, then a later start.
    const std::vector<std::string> expected = {removed_line(old, reason), removed_line(old3, reason),
                                               removed_line(old2, reason)};
    const Result r = prune(data, {"--keep-intervals", "10"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.removals(), expected) << r.err;
    EXPECT_FALSE(fs::exists(old));
    EXPECT_FALSE(fs::exists(old2));
    EXPECT_FALSE(fs::exists(old3));
    EXPECT_TRUE(fs::exists(young));
}

TEST(PruneIntervals, FilesOfTheLastTwoHoursAreNeverRemoved) {
    const ScopedTz tz("UTC");
    const TempDir tmp;
    const fs::path& data = tmp.path();
    const fs::path three_h = write_interval(data, kNow - 3 * 3600);
    const fs::path two_h = write_interval(data, kNow - 2 * 3600);
    const fs::path one_h = write_interval(data, kNow - 3600);
    const fs::path now = write_interval(data, kNow);
    const fs::path rollup =
        write_rollup(data, "2026-11-20", {rel(data, three_h), rel(data, two_h), rel(data, one_h), rel(data, now)});
    Result r = prune(data, {"--keep-intervals", "0"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.removals().size(), 2U) << r.err;
    EXPECT_FALSE(fs::exists(three_h));
    EXPECT_FALSE(fs::exists(two_h));
    EXPECT_TRUE(fs::exists(one_h));
    EXPECT_TRUE(fs::exists(now));
    // Not even for the disk budget; and today's rollup is still being merged into.
    r = prune(data, {"--max-size", "0", "--keep-rollups", "0"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_TRUE(r.removals().empty()) << r.err;
    EXPECT_TRUE(fs::exists(one_h));
    EXPECT_TRUE(fs::exists(now));
    EXPECT_TRUE(fs::exists(rollup));
    EXPECT_TRUE(r.says("ipaudit prune: still " + std::to_string(used_bytes(data)) +
                       " bytes used, over the --max-size budget of 0 bytes"))
        << r.err;
}

TEST(PruneIntervals, TheDayIsTheLocalDayOfTheStartInTheName) {
    const ScopedTz tz("America/New_York");  // UTC-5 in November
    const TempDir tmp;
    const fs::path& data = tmp.path();
    const fs::path evening = write_interval(data, utc_s(2026, 11, 3, 3, 0));   // 2026-11-02 22:00 local
    const fs::path midnight = write_interval(data, utc_s(2026, 11, 3, 5, 0));  // 2026-11-03 00:00 local
    // Both are in the UTC directory 2026/11/03; only the first belongs to local day 2026-11-02,
    // and 2026-11-03's rollup does not list the second.
    write_rollup(data, "2026-11-02", {rel(data, evening), rel(data, midnight)});
    write_rollup(data, "2026-11-03", {});
    const std::vector<std::string> expected = {removed_line(evening, "older than 10 days")};
    const Result r = prune(data, {"--keep-intervals", "10"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.removals(), expected) << r.err;
    EXPECT_TRUE(fs::exists(midnight));
    EXPECT_TRUE(r.says("kept 1 interval file of 2026-11-03 older than 10 days: not merged")) << r.err;
}

TEST(PruneIntervals, UnreadableRollupKeepsItsIntervalsAndFails) {
    const ScopedTz tz("UTC");
    const TempDir tmp;
    const fs::path& data = tmp.path();
    const fs::path a = write_interval(data, utc_s(2026, 11, 2, 9, 0));
    const fs::path b = write_interval(data, utc_s(2026, 11, 3, 9, 0));
    write_text(data / "rollups/2026-11-02.db", std::string(4096, 'x'));  // not a database
    write_rollup(data, "2026-11-03", {rel(data, b)});
    const Result r = prune(data, {"--keep-intervals", "10"});
    EXPECT_EQ(r.rc, 1) << r.err;
    EXPECT_TRUE(r.says("ipaudit prune: cannot read the rollup's list of merged files: ")) << r.err;
    EXPECT_TRUE(r.says("the interval files of 2026-11-02 are kept")) << r.err;
    EXPECT_TRUE(fs::exists(a));
    EXPECT_FALSE(fs::exists(b));
    EXPECT_TRUE(r.says("ipaudit prune: removed 1 files,")) << r.err;
}

TEST(PruneRollups, LocalDaysOlderThanTheKeepPeriod) {
    const ScopedTz tz("America/New_York");
    const TempDir tmp;
    const fs::path& data = tmp.path();
    const std::int64_t now = utc_s(2026, 11, 20, 3, 0);  // 2026-11-19 22:00 local: today is the 19th
    std::vector<fs::path> r;
    for (const char* day : {"2026-11-09", "2026-11-10", "2026-11-18", "2026-11-19"}) r.push_back(write_rollup(data, day, {}));
    const std::vector<std::string> expected = {removed_line(r[0], "day older than 9 days")};
    Result res = prune(data, {"--keep-rollups", "9"}, now);
    EXPECT_EQ(res.rc, 0) << res.err;
    EXPECT_EQ(res.removals(), expected) << res.err;  // in UTC it is the 20th, and 11-10 would go
    EXPECT_FALSE(fs::exists(r[0]));
    EXPECT_TRUE(fs::exists(r[1]));
    // 0: all but today's.
    const std::vector<std::string> expected0 = {removed_line(r[1], "day older than 0 days"),
                                                removed_line(r[2], "day older than 0 days")};
    res = prune(data, {"--keep-rollups", "0"}, now);
    EXPECT_EQ(res.removals(), expected0) << res.err;
    EXPECT_TRUE(fs::exists(r[3]));
}

// Week and month rollups (FIRST_LAST.db) age with their last day.
TEST(PruneRollups, WeekAndMonthRollupsGoWithTheirLastDay) {
    const ScopedTz tz("UTC");
    const TempDir tmp;
    const fs::path& data = tmp.path();
    const std::int64_t now = utc_s(2026, 11, 20, 12, 0);
    const fs::path october = write_rollup(data, "2026-10-01_2026-10-31", {});
    const fs::path week = write_rollup(data, "2026-11-09_2026-11-15", {});
    const fs::path odd = write_rollup(data, "2026-11-09_notaday", {});
    const std::vector<std::string> expected = {removed_line(october, "day older than 10 days")};
    const Result res = prune(data, {"--keep-rollups", "10"}, now);
    EXPECT_EQ(res.rc, 0) << res.err;
    EXPECT_EQ(res.removals(), expected) << res.err;
    EXPECT_TRUE(fs::exists(week));
    EXPECT_TRUE(fs::exists(odd));  // not a name ipaudit writes: left alone
}

TEST(PruneRollups, YesterdaysRollupStaysUntilTwoHoursPastMidnight) {
    const ScopedTz tz("America/New_York");
    const TempDir tmp;
    const fs::path& data = tmp.path();
    const fs::path yesterday = write_rollup(data, "2026-11-19", {});
    Result r = prune(data, {"--keep-rollups", "0"}, utc_s(2026, 11, 20, 6, 0));  // 01:00 local on the 20th
    EXPECT_TRUE(r.removals().empty()) << r.err;
    EXPECT_TRUE(fs::exists(yesterday));
    r = prune(data, {"--keep-rollups", "0"}, utc_s(2026, 11, 20, 7, 0));  // 02:00 local
    EXPECT_EQ(r.removals().size(), 1U) << r.err;
    EXPECT_FALSE(fs::exists(yesterday));
}

TEST(PruneRollups, AJournalGoesWithItsRollup) {
    const ScopedTz tz("UTC");
    const TempDir tmp;
    const fs::path& data = tmp.path();
    const fs::path rollup = write_rollup(data, "2026-11-01", {});
    write_text(data / "rollups/2026-11-01.db-journal", "hot journal");
    write_text(data / "rollups/2026-11-02.db-journal", "no rollup of its own");
    const std::vector<std::string> expected = {
        removed_line(rollup, "day older than 5 days"),
        removed_line(data / "rollups/2026-11-01.db-journal", "journal of the rollup removed")};
    const Result r = prune(data, {"--keep-rollups", "5"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.removals(), expected) << r.err;
    EXPECT_FALSE(fs::exists(data / "rollups/2026-11-01.db-journal"));
    EXPECT_TRUE(fs::exists(data / "rollups/2026-11-02.db-journal"));
    EXPECT_TRUE(fs::exists(data / "rollups"));
}

// Three days of two merged files each, one file of the first day not merged, and their rollups.
struct BudgetData {
    std::vector<fs::path> merged;  // oldest first
    fs::path not_merged;
    std::vector<fs::path> rollups;  // oldest first
};

BudgetData make_budget_data(const fs::path& data) {
    BudgetData d;
    for (unsigned day = 1; day <= 3; ++day) {
        std::vector<std::string> listed;
        for (const int minute : {0, 30}) {
            d.merged.push_back(write_interval(data, utc_s(2026, 11, day, 9, minute)));
            listed.push_back(rel(data, d.merged.back()));
        }
        if (day == 1) d.not_merged = write_interval(data, utc_s(2026, 11, 1, 8, 0));
        d.rollups.push_back(write_rollup(data, "2026-11-0" + std::to_string(day), listed));
    }
    return d;
}

TEST(PruneBudget, OldestMergedIntervalsGoFirstUntilItFits) {
    const ScopedTz tz("UTC");
    const TempDir tmp;
    const fs::path& data = tmp.path();
    const BudgetData d = make_budget_data(data);
    const std::uint64_t total = used_bytes(data);
    const std::uint64_t budget = total - fs::file_size(d.merged[0]) - 1;  // one file is not enough
    const std::string reason = "over the --max-size budget of " + std::to_string(budget) + " bytes";
    const std::vector<std::string> expected = {removed_line(d.merged[0], reason), removed_line(d.merged[1], reason)};
    const Result r = prune(data, {"--max-size", std::to_string(budget)});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.removals(), expected) << r.err;  // the older not-merged file is skipped
    EXPECT_TRUE(fs::exists(d.not_merged));
    EXPECT_TRUE(fs::exists(d.merged[2]));
    EXPECT_LE(used_bytes(data), budget);
    EXPECT_FALSE(r.says("still "));
}

TEST(PruneBudget, RollupsGoOnlyWhenNoMergedIntervalIsLeft) {
    const ScopedTz tz("UTC");
    const TempDir tmp;
    const fs::path& data = tmp.path();
    const BudgetData d = make_budget_data(data);
    const std::uint64_t budget = fs::file_size(d.not_merged) + fs::file_size(d.rollups[1]) + fs::file_size(d.rollups[2]);
    const std::string reason = "over the --max-size budget of " + std::to_string(budget) + " bytes";
    std::vector<std::string> expected;
    std::uint64_t freed = 0;
    for (const auto& f : d.merged) {
        expected.push_back(removed_line(f, reason));
        freed += fs::file_size(f);
    }
    expected.push_back(removed_line(d.rollups[0], reason));
    freed += fs::file_size(d.rollups[0]);
    const Result r = prune(data, {"--max-size", std::to_string(budget)});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.removals(), expected) << r.err;
    EXPECT_TRUE(fs::exists(d.not_merged));  // its rollup is gone now, but it was never merged
    EXPECT_TRUE(fs::exists(d.rollups[1]));
    EXPECT_EQ(used_bytes(data), budget);
    EXPECT_TRUE(r.says("ipaudit prune: removed 7 files, " + std::to_string(freed) + " bytes freed, " +
                       std::to_string(budget) + " bytes now used\n"))
        << r.err;
}

TEST(PruneBudget, SizeSuffixesAreBinary) {
    const ScopedTz tz("UTC");
    const TempDir tmp;
    const fs::path& data = tmp.path();
    make_budget_data(data);
    const Result r = prune(data, {"--max-size", "1k"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_TRUE(r.says("over the --max-size budget of 1024 bytes")) << r.err;
    EXPECT_TRUE(r.says("ipaudit prune: still ")) << r.err;  // the not-merged file stays
    EXPECT_EQ(prune(data, {"--max-size", "20G"}).removals().size(), 0U);
}

TEST(PruneDryRun, SaysTheSameAndRemovesNothing) {
    const ScopedTz tz("UTC");
    const TempDir tmp;
    const fs::path& data = tmp.path();
    const BudgetData d = make_budget_data(data);
    const fs::path old_day = write_interval(data, utc_s(2026, 10, 1, 9, 0));  // no rollup: goes by age
    const std::uint64_t before = used_bytes(data);
    const std::uint64_t budget = fs::file_size(d.not_merged) + fs::file_size(d.rollups[2]) + 1;
    const std::vector<std::string> args = {"--keep-intervals", "30", "--keep-rollups", "40", "--max-size",
                                           std::to_string(budget)};
    std::vector<std::string> args_dry = args;
    args_dry.push_back("--dry-run");
    const Result dry = prune(data, args_dry);
    EXPECT_EQ(dry.rc, 0) << dry.err;
    EXPECT_EQ(used_bytes(data), before);
    EXPECT_TRUE(fs::exists(old_day));
    for (const auto& f : d.merged) EXPECT_TRUE(fs::exists(f));
    for (const auto& f : d.rollups) EXPECT_TRUE(fs::exists(f));
    EXPECT_TRUE(dry.says("(dry run: nothing was removed)")) << dry.err;

    const Result real = prune(data, args);
    EXPECT_EQ(real.rc, 0) << real.err;
    std::vector<std::string> said = dry.removals();
    for (auto& line : said) line.replace(line.find("would remove "), 13, "removed ");
    EXPECT_EQ(said, real.removals());
    ASSERT_EQ(real.removals().size(), 9U) << real.err;  // 1 by age, 6 intervals and 2 rollups by size
    EXPECT_NE(real.removals()[0].find(old_day.string()), std::string::npos);
    EXPECT_NE(real.removals()[8].find(d.rollups[1].string()), std::string::npos);
    EXPECT_EQ(used_bytes(data), budget - 1);
}

TEST(PruneDirectories, EmptiedDayMonthAndYearDirectoriesGo) {
    const ScopedTz tz("UTC");
    const TempDir tmp;
    const fs::path& data = tmp.path();
    write_interval(data, utc_s(2025, 12, 31, 23, 30));
    write_interval(data, utc_s(2026, 1, 1, 0, 0));
    write_interval(data, utc_s(2026, 3, 5, 0, 0));
    write_text(data / "intervals/2026/03/05/.20260305-0030.db.123", "a writer's temporary file");
    fs::create_directories(data / "intervals/2026/02/01");  // empty before: not prune's doing
    const fs::path young = write_interval(data, utc_s(2026, 11, 19, 0, 0));
    const Result r = prune(data, {"--keep-intervals", "10"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.removals().size(), 3U) << r.err;
    EXPECT_FALSE(fs::exists(data / "intervals/2025"));
    EXPECT_FALSE(fs::exists(data / "intervals/2026/01"));
    EXPECT_TRUE(fs::exists(data / "intervals/2026/03/05/.20260305-0030.db.123"));
    EXPECT_TRUE(fs::exists(data / "intervals/2026/02/01"));
    EXPECT_TRUE(fs::exists(young));
    // intervals/ itself stays, even when emptied.
    EXPECT_EQ(prune(data, {"--keep-intervals", "0"}, kNow + 86400).removals().size(), 1U);
    EXPECT_FALSE(fs::exists(data / "intervals/2026/11"));
    EXPECT_TRUE(fs::is_directory(data / "intervals"));
}

TEST(PruneSafety, TemporaryForeignAndMisplacedFilesAreLeftAlone) {
    const ScopedTz tz("UTC");
    const TempDir tmp;
    const fs::path& data = tmp.path();
    const fs::path day = data / "intervals/2026/11/02";
    const std::vector<fs::path> untouchable = {
        day / ".20261102-0900.db",         day / ".20261102-0900.db.tmp-123", day / "20261102-0900.db.bak",
        day / "20261102-0900.db-journal",  day / "notes.txt",                day / "20261102-9900.db",
        data / "intervals/2026/11/20261102-0900.db", data / "intervals/20261102-0900.db",
        data / "20261102-0900.db",          data / "archive/2026/11/02/20261102-0900.db",
        data / "rollups/.2026-11-02.db.tmp", data / "rollups/2026-13-01.db", data / "rollups/README",
        data / "rollups/old/2026-11-02.db", data / "2026-11-02.db"};
    for (const auto& f : untouchable) write_text(f, "x");
    const Result r = prune(data, {"--keep-intervals", "0", "--keep-rollups", "0", "--max-size", "0"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_TRUE(r.removals().empty()) << r.err;
    for (const auto& f : untouchable) EXPECT_TRUE(fs::exists(f)) << f;
}

TEST(PruneSafety, SymlinksAreNeverFollowed) {
    const ScopedTz tz("UTC");
    const TempDir tmp;
    const fs::path data = tmp.path() / "data";
    const fs::path outside = tmp.path() / "outside";
    // Real interval files and rollups outside the data directory, linked in three ways.
    const fs::path far_file = write_interval(outside, utc_s(2026, 11, 2, 9, 0));
    const fs::path far_day_file = write_interval(outside, utc_s(2026, 11, 3, 9, 0));
    const fs::path far_rollup = write_rollup(outside, "2026-11-01", {});
    fs::create_directories(data / "intervals/2026/11/02");
    fs::create_directories(data / "rollups");
    fs::create_symlink(far_file, data / "intervals/2026/11/02" / far_file.filename());
    fs::create_directory_symlink(far_day_file.parent_path(), data / "intervals/2026/11/03");
    fs::create_symlink(far_rollup, data / "rollups/2026-11-01.db");
    write_rollup(data, "2026-11-02", {"intervals/2026/11/02/20261102-0900.db"});
    write_rollup(data, "2026-11-03", {"intervals/2026/11/03/20261103-0900.db"});
    Result r = prune(data, {"--keep-intervals", "1", "--max-size", "0"});
    EXPECT_TRUE(r.says("ipaudit prune: not following the symlink " + (data / "intervals/2026/11/03").string())) << r.err;
    EXPECT_TRUE(r.says("ipaudit prune: not following the symlink " + (data / "rollups/2026-11-01.db").string())) << r.err;
    for (const auto& line : r.removals()) EXPECT_EQ(line.find("/intervals/"), std::string::npos) << line;
    EXPECT_TRUE(fs::exists(far_file));
    EXPECT_TRUE(fs::exists(far_day_file));
    EXPECT_TRUE(fs::exists(far_rollup));
    EXPECT_TRUE(fs::is_symlink(data / "intervals/2026/11/02" / far_file.filename()));
    EXPECT_TRUE(fs::is_symlink(data / "intervals/2026/11/03"));
    EXPECT_TRUE(fs::is_symlink(data / "rollups/2026-11-01.db"));

    // intervals/ itself a symlink: not walked either.
    const TempDir tmp2;
    const fs::path data2 = tmp2.path();
    fs::create_directory_symlink(outside / "intervals", data2 / "intervals");
    r = prune(data2, {"--keep-intervals", "1"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_TRUE(r.removals().empty()) << r.err;
    EXPECT_TRUE(fs::exists(far_file));
    EXPECT_TRUE(r.says("not following the symlink " + (data2 / "intervals").string())) << r.err;
}

TEST(PruneFailures, AFileThatCannotBeRemovedIsSaidAndTheRestIsDone) {
    if (::geteuid() == 0) GTEST_SKIP() << "root may remove files from a read-only directory";
    const ScopedTz tz("UTC");
    const TempDir tmp;
    const fs::path& data = tmp.path();
    const fs::path stuck = write_interval(data, utc_s(2026, 11, 2, 9, 0));
    const fs::path other = write_interval(data, utc_s(2026, 11, 3, 9, 0));
    fs::permissions(stuck.parent_path(), fs::perms::owner_read | fs::perms::owner_exec);
    const Result r = prune(data, {"--keep-intervals", "10"});
    fs::permissions(stuck.parent_path(), fs::perms::owner_all);
    EXPECT_EQ(r.rc, 1) << r.err;
    EXPECT_TRUE(r.says("ipaudit prune: cannot remove " + stuck.string() + ": Permission denied")) << r.err;
    EXPECT_TRUE(fs::exists(stuck));
    EXPECT_FALSE(fs::exists(other));
    EXPECT_TRUE(r.says("ipaudit prune: removed 1 files,")) << r.err;
}

// The real binary: dispatch, exit codes, help.
struct BinaryRun {
    int status = -1;
    std::string out;
    std::string err;
};

BinaryRun run_ipaudit(const std::vector<std::string>& args) {
    const TempDir tmp;
    std::vector<std::string> argv = {IPAUDIT_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    const fs::path out = tmp.path() / "out", err = tmp.path() / "err";
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (o < 0 || e < 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0) ::_exit(127);
        ::execv(raw[0], raw.data());
        ::_exit(127);
    }
    int ws = 0;
    ::waitpid(pid, &ws, 0);
    BinaryRun r;
    r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
    std::ostringstream o, e;
    o << std::ifstream(out).rdbuf();
    e << std::ifstream(err).rdbuf();
    r.out = o.str();
    r.err = e.str();
    return r;
}

TEST(PruneCommandLine, TheIpauditBinary) {
    const ScopedTz tz("UTC");
    const TempDir tmp;
    BinaryRun r = run_ipaudit({"prune", "-d", tmp.path().string()});
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find("ipaudit prune: nothing to do"), std::string::npos) << r.err;
    r = run_ipaudit({"prune", "--help"});
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("--keep-rollups DAYS"), std::string::npos);
    r = run_ipaudit({"--help"});
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("ipaudit prune [-d DATA_DIR]"), std::string::npos);
    EXPECT_NE(r.out.find("    prune   "), std::string::npos);
    const fs::path old = write_interval(tmp.path(), utc_s(2020, 1, 1, 0, 0));
    r = run_ipaudit({"prune", "-d", tmp.path().string(), "--keep-intervals", "35", "--dry-run"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("ipaudit prune: would remove " + old.string()), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(old));
    r = run_ipaudit({"prune", "-d", tmp.path().string(), "--keep-intervals", "35"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_FALSE(fs::exists(old));
    EXPECT_TRUE(r.out.empty());
}

}  // namespace
}  // namespace ipaudit
