// The catalog: which files a period reads, in what order, and foreign/corrupt/temp files.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "report/interval_catalog.hpp"
#include "report/search.hpp"
#include "store/sqlite.hpp"
#include "tests/report/report_test_helpers.hpp"

namespace ipaudit::report {
namespace {

namespace fs = std::filesystem;
using report_test::ScopedTz;
using report_test::TempDir;

constexpr std::int64_t kSec = 1'000'000;

constexpr std::int64_t utc_us(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
    using namespace std::chrono;
    return (sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss}).time_since_epoch().count() * kSec;
}

const Period kSampleDay{utc_us(2026, 11, 2), utc_us(2026, 11, 3)};

// The sample (2026-11-02 09:00-11:00 UTC, four 30-minute intervals) imported into `dir`.
fs::path sample_day_dir(const fs::path& dir) {
    report_test::import_scenario(dir, "sample", {}, report_test::kSampleLocalNets);
    return dir / "intervals" / "2026" / "11" / "02";
}

std::vector<std::string> file_names(const std::vector<IntervalFile>& files) {
    std::vector<std::string> out;
    for (const auto& f : files) out.push_back(f.path.filename().string());
    return out;
}

std::vector<SearchRow> search_all(const IntervalCatalog& catalog, Notes* notes = nullptr) {
    SearchFilter f;
    f.period = kSampleDay;
    f.limit = kMaxLimit;
    std::vector<SearchRow> rows;
    const SearchSummary s = run_search(catalog, f, [&rows](const SearchRow& r) { rows.push_back(r); });
    if (notes) *notes = s.notes;
    return rows;
}

void write_foreign_db(const fs::path& path) {
    sqlite::Database db(path, sqlite::Database::Mode::kCreate);
    db.exec("PRAGMA application_id = 42; CREATE TABLE interval (x); CREATE TABLE session (ip_a, ip_b);");
}

bool has_note(const Notes& notes, std::string_view a, std::string_view b) {
    return std::any_of(notes.begin(), notes.end(), [&](const std::string& n) {
        return n.rfind("skipped ", 0) == 0 && n.find(a) != std::string::npos && n.find(b) != std::string::npos;
    });
}

TEST(IntervalCatalog, EmptyOrMissingDataDirectory) {
    const TempDir tmp;
    const IntervalCatalog missing(tmp.path() / "nothing-here");
    Notes notes;
    EXPECT_TRUE(missing.files(kSampleDay, notes).empty());
    EXPECT_TRUE(notes.empty());
    EXPECT_FALSE(missing.data_span());
    fs::create_directories(tmp.path() / "intervals" / "2026" / "11" / "02");
    const IntervalCatalog empty(tmp.path());
    EXPECT_TRUE(empty.files(kSampleDay, notes).empty());
    EXPECT_TRUE(notes.empty());
    EXPECT_FALSE(empty.data_span());
    EXPECT_TRUE(search_all(empty).empty());
}

TEST(IntervalCatalog, FilesOfAPeriodInCoverageOrder) {
    const TempDir tmp;
    const fs::path day = sample_day_dir(tmp.path());
    const IntervalCatalog catalog(tmp.path());
    Notes notes;
    const auto all = catalog.files(kSampleDay, notes);
    ASSERT_EQ(all.size(), 4u);
    EXPECT_TRUE(notes.empty());
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(all[i].path.parent_path(), day);
        EXPECT_EQ(all[i].info.start_time, 1793610000 + 1800 * static_cast<std::int64_t>(i));
        if (i > 0) {
            EXPECT_LT(all[i - 1].info.covered_from_us, all[i].info.covered_from_us);
        }
    }
    // Only files with a packet in the period: 09:40-10:10 UTC touches the second and third.
    const auto some = catalog.files({utc_us(2026, 11, 2, 9, 40), utc_us(2026, 11, 2, 10, 10)}, notes);
    EXPECT_EQ(file_names(some), (std::vector<std::string>{all[1].path.filename().string(), all[2].path.filename().string()}));
    // A period ending where the first file's coverage starts reads nothing.
    EXPECT_TRUE(catalog.files({utc_us(2026, 11, 1), all[0].info.first_packet_us.value()}, notes).empty());
    EXPECT_EQ(catalog.files({utc_us(2026, 11, 1), all[0].info.first_packet_us.value() + 1}, notes).size(), 1u);
    EXPECT_TRUE(catalog.files({utc_us(2026, 11, 3), utc_us(2026, 12, 3)}, notes).empty());
    EXPECT_TRUE(catalog.files({utc_us(2025, 11, 3), utc_us(2026, 11, 2, 9)}, notes).empty());
    EXPECT_EQ(catalog.files({0, utc_us(2100, 1, 1)}, notes).size(), 4u);
    EXPECT_TRUE(notes.empty());

    const auto span = catalog.data_span();
    ASSERT_TRUE(span);
    EXPECT_EQ(span->first_start_us, all.front().info.covered_from_us);
    EXPECT_EQ(span->last_start_us, all.back().info.covered_from_us);
    EXPECT_EQ(span->last_start_us, utc_us(2026, 11, 2, 10, 30));
}

TEST(IntervalCatalog, ForeignCorruptNewerAndTemporaryFiles) {
    const TempDir tmp;
    const fs::path day = sample_day_dir(tmp.path());
    const IntervalCatalog catalog(tmp.path());
    const auto before = search_all(catalog);
    ASSERT_FALSE(before.empty());
    Notes notes;
    const auto valid = catalog.files(kSampleDay, notes);
    ASSERT_EQ(valid.size(), 4u);

    write_foreign_db(day / "20261102-1100.db");
    {
        std::ofstream junk(day / "junk.db", std::ios::binary);
        junk << std::string(5000, '\x5a');
    }
    fs::copy_file(valid[1].path, day / "newer.db");
    {
        sqlite::Database db(day / "newer.db", sqlite::Database::Mode::kCreate);
        db.exec("PRAGMA user_version = 99");
    }
    // Ignored without a note: a writer's temporary file, journals, other names, directories.
    fs::copy_file(valid[1].path, day / ".20261102-1100.db.tmp-12345");
    fs::copy_file(valid[1].path, day / "20261102-1100.db-journal");
    fs::copy_file(valid[1].path, day / ".hidden.db");
    std::ofstream(day / "README") << "not data\n";
    fs::create_directory(day / "subdir.db");
    fs::create_directories(tmp.path() / "intervals" / "2026" / "11" / "xx");
    fs::create_directories(tmp.path() / "intervals" / "2026" / "13" / "02");

    const auto files = catalog.files(kSampleDay, notes);
    EXPECT_EQ(file_names(files), file_names(valid));
    ASSERT_EQ(notes.size(), 3u) << ::testing::PrintToString(notes);
    EXPECT_TRUE(has_note(notes, "20261102-1100.db", "not an ipaudit interval file")) << ::testing::PrintToString(notes);
    EXPECT_TRUE(has_note(notes, "junk.db", "not an ipaudit interval file")) << ::testing::PrintToString(notes);
    EXPECT_TRUE(has_note(notes, "newer.db", "schema version 99")) << ::testing::PrintToString(notes);

    // The search shows the same rows as before, and the notes.
    Notes search_notes;
    EXPECT_EQ(search_all(catalog, &search_notes), before);
    EXPECT_EQ(search_notes, notes);
    // The span skips what is not readable.
    const auto span = catalog.data_span();
    ASSERT_TRUE(span);
    EXPECT_EQ(span->first_start_us, valid.front().info.covered_from_us);
    EXPECT_EQ(span->last_start_us, valid.back().info.covered_from_us);
}

TEST(IntervalCatalog, FileCorruptAfterItsHeaderIsSkippedWithANote) {
    const TempDir tmp;
    const fs::path day = sample_day_dir(tmp.path());
    const IntervalCatalog catalog(tmp.path());
    Notes notes;
    const auto valid = catalog.files(kSampleDay, notes);
    ASSERT_EQ(valid.size(), 4u);
    const auto before = search_all(catalog);
    // Cut the third file in half: its first pages (header, interval row) may still read.
    const fs::path victim = valid[2].path;
    fs::resize_file(victim, fs::file_size(victim) / 2);
    Notes after_notes;
    const auto after = search_all(catalog, &after_notes);
    ASSERT_EQ(after_notes.size(), 1u) << ::testing::PrintToString(after_notes);
    EXPECT_NE(after_notes[0].find(victim.filename().string()), std::string::npos) << after_notes[0];
    EXPECT_EQ(after_notes[0].rfind("skipped ", 0), 0u) << after_notes[0];
    // The other files' rows are all there.
    std::vector<SearchRow> expected;
    for (const auto& r : before)
        if (r.interval_start_us != valid[2].info.covered_from_us) expected.push_back(r);
    std::vector<SearchRow> got;
    for (const auto& r : after)
        if (r.interval_start_us != valid[2].info.covered_from_us) got.push_back(r);
    EXPECT_EQ(got, expected);
}

TEST(IntervalCatalog, SameCoverageOrdersByPath) {
    const TempDir tmp;
    const fs::path day = sample_day_dir(tmp.path());
    const IntervalCatalog catalog(tmp.path());
    Notes notes;
    const auto valid = catalog.files(kSampleDay, notes);
    ASSERT_EQ(valid.size(), 4u);
    // A second file of the same name in one run is NAME-2.db (sql/interval_schema.sql).
    const std::string stem = valid[1].path.stem().string();
    fs::copy_file(valid[1].path, day / (stem + "-2.db"));
    const auto files = catalog.files(kSampleDay, notes);
    ASSERT_EQ(files.size(), 5u);
    EXPECT_EQ(files[1].path.filename().string(), stem + ".db");
    EXPECT_EQ(files[2].path.filename().string(), stem + "-2.db");
    EXPECT_TRUE(notes.empty());
}

TEST(IntervalCatalog, UnreadableDirectoryIsANote) {
    if (::geteuid() == 0) GTEST_SKIP() << "root reads every directory";
    const TempDir tmp;
    const fs::path day = sample_day_dir(tmp.path());
    fs::permissions(day, fs::perms::none);
    const IntervalCatalog catalog(tmp.path());
    Notes notes;
    EXPECT_TRUE(catalog.files(kSampleDay, notes).empty());
    fs::permissions(day, fs::perms::owner_all);
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes[0].find("cannot read directory"), std::string::npos);
}

TEST(IntervalCatalog, FileNameHints) {
    EXPECT_EQ(parse_interval_file_name("20261102-0900.db"), 1793610000);
    EXPECT_EQ(parse_interval_file_name("20261102-090010.db"), 1793610010);
    EXPECT_EQ(parse_interval_file_name("20261102-0900-2.db"), 1793610000);
    EXPECT_EQ(parse_interval_file_name("20261102-090000-13.db"), 1793610000);
    EXPECT_EQ(parse_interval_file_name("19700101-0000.db"), 0);
    for (const char* bad : {"20261102-0960.db", "20261302-0900.db", "20260230-0900.db", "20261102-2400.db",
                            "20261102-0900.db.tmp-1", ".20261102-0900.db", "20261102-0900-.db", "20261102-0900-x.db",
                            "x20261102-0900.db", "20261102_0900.db", "20261102-09000.db", "20261102-0900", "junk.db"})
        EXPECT_FALSE(parse_interval_file_name(bad)) << bad;
}

}  // namespace
}  // namespace ipaudit::report
