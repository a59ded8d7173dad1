// Interval files: name and place, atomic appearance and replacement, validation on open, and
// the `ipaudit dump` text that scripts and golden tests rely on.
#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/dump_command.hpp"
#include "core/collector.hpp"
#include "store/interval_file.hpp"
#include "store/interval_reader.hpp"
#include "store/sqlite.hpp"
#include "tests/support/pcap_builder.hpp"
#include "tests/support/test_env.hpp"
#include "tests/unit/unit_helpers.hpp"

namespace ipaudit {
namespace {

namespace fs = std::filesystem;
namespace t = ipaudit::testing;
using unit::ip;

constexpr std::int64_t kSec = 1'000'000;
constexpr std::size_t kGiB = std::size_t{1} << 30;

constexpr std::int64_t epoch_s(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
    using namespace std::chrono;
    return (sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss}).time_since_epoch().count();
}

// 2024-03-09 13:30:00 UTC, an interval start for 1800-second intervals.
constexpr std::int64_t kT = epoch_s(2024, 3, 9, 13, 30, 0);
static_assert(kT % 1800 == 0);

using ipaudit::testing::ScopedTz;

Session& add(IntervalData& iv, const SessionKey& key) {
    bool created = false;
    Session* s = iv.sessions.find_or_insert(key, created);
    if (s == nullptr || !created) throw std::logic_error("test session not created");
    return *s;
}

// An interval with five sessions, inserted out of key order.
std::unique_ptr<IntervalData> sample_interval(MemoryBudget& budget, std::int64_t covered_from_us = kT * kSec) {
    auto iv = std::make_unique<IntervalData>(budget);
    iv->start_s = kT;
    iv->end_s = kT + 1800;
    iv->covered_from_us = covered_from_us;
    iv->covered_to_us = (kT + 1800) * kSec;
    iv->run = std::make_shared<const RunInfo>(RunInfo{"sensor-1", "eth0,eth1", "ipaudit 0.0.0-test"});
    iv->networks = std::make_shared<const LocalNetworks>(NetworkList::parse("10.0.0.0/8,2001:db8::/32"), LocalNetworks::default_other());

    Session& v6 = add(*iv, {ip("2001:db8::5"), ip("2001:4860::8888"), 0, 128 * 256, 58});
    v6.packets_ab = 1;
    v6.bytes_ab = 104;
    v6.first_us = v6.last_us = kT * kSec + 9;
    v6.first_talker = v6.last_talker = Side::kA;

    Session& web = add(*iv, {ip("10.0.0.5"), ip("192.0.2.1"), 40000, 80, 6});
    web.packets_ab = 3;
    web.packets_ba = 2;
    web.bytes_ab = 120;
    web.bytes_ba = 1080;
    web.flags_ab = tcp_flag::kSyn | tcp_flag::kAck | tcp_flag::kFin;
    web.flags_ba = tcp_flag::kSyn | tcp_flag::kAck | tcp_flag::kPsh;
    web.first_us = kT * kSec + 1;
    web.last_us = kT * kSec + 5;
    web.first_talker = Side::kA;
    web.first_evidence = TalkerEvidence::kSyn;
    web.last_talker = Side::kA;

    Session& dns = add(*iv, {ip("10.0.0.5"), ip("192.0.2.1"), 5000, 53, 17});
    dns.packets_ab = 1;
    dns.packets_ba = 1;
    dns.bytes_ab = 60;
    dns.bytes_ba = 200;
    dns.first_us = kT * kSec + 2;
    dns.last_us = kT * kSec + 3;
    dns.first_talker = Side::kB;
    dns.last_talker = Side::kA;

    Session& https = add(*iv, {ip("10.0.0.5"), ip("192.0.2.1"), 39999, 443, 6});
    https.packets_ba = 1;
    https.bytes_ba = 40;
    https.flags_ba = 0xFF;
    https.first_us = https.last_us = kT * kSec + 4;
    https.first_talker = https.last_talker = Side::kB;

    Session& mdns = add(*iv, {ip("10.0.0.2"), ip("224.0.0.251"), 5353, 5353, 17});
    mdns.packets_ab = 7;
    mdns.bytes_ab = 700;
    mdns.first_us = kT * kSec + 6;
    mdns.last_us = kT * kSec + 8;

    iv->packets = 13;
    iv->wire_bytes = 2500;
    iv->ip_bytes = 2304;
    iv->outcomes[static_cast<std::size_t>(DecodeOutcome::kIp)] = 13;
    iv->first_packet_us = kT * kSec + 1;
    iv->last_packet_us = kT * kSec + 9;
    return iv;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep)) out.push_back(cur);
    if (!s.empty() && s.back() == sep && sep == '\t') out.emplace_back();
    return out;
}

std::vector<fs::path> regular_files_under(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (!e.is_directory()) out.push_back(e.path());
    return out;
}

std::int64_t query_int(sqlite::Database& db, const std::string& sql) {
    sqlite::Statement st(db, sql);
    if (!st.step()) throw std::logic_error("no row: " + sql);
    return st.column_int(0);
}

std::string query_text(sqlite::Database& db, const std::string& sql) {
    sqlite::Statement st(db, sql);
    if (!st.step()) throw std::logic_error("no row: " + sql);
    return std::string(st.column_text(0));
}

TEST(IntervalPath, UtcDateDirectoriesAndMinuteOrSecondNames) {
    const ScopedTz tz("America/New_York");  // 5 hours behind UTC in March
    MemoryBudget budget(kGiB);
    IntervalData iv(budget);
    iv.covered_from_us = kT * kSec;
    EXPECT_EQ(store::interval_relative_path(iv), fs::path("intervals/2024/03/09/20240309-1330.db"));
    iv.covered_from_us = (kT + 60) * kSec;  // a later whole minute
    EXPECT_EQ(store::interval_relative_path(iv), fs::path("intervals/2024/03/09/20240309-1331.db"));
    iv.covered_from_us = (kT + 90) * kSec + 500'000;  // mid-minute (live start, SIGUSR1)
    EXPECT_EQ(store::interval_relative_path(iv), fs::path("intervals/2024/03/09/20240309-133130.db"));
    iv.covered_from_us = (kT + 60) * kSec + 1;  // one microsecond past the minute
    EXPECT_EQ(store::interval_relative_path(iv), fs::path("intervals/2024/03/09/20240309-133100.db"));
    iv.covered_from_us = epoch_s(2023, 12, 31, 23, 59, 30) * kSec;  // the date is UTC's
    EXPECT_EQ(store::interval_relative_path(iv), fs::path("intervals/2023/12/31/20231231-235930.db"));
    iv.covered_from_us = epoch_s(2024, 1, 1, 0, 0, 0) * kSec;
    EXPECT_EQ(store::interval_relative_path(iv), fs::path("intervals/2024/01/01/20240101-0000.db"));
}

TEST(IntervalFile, AppearsUnderItsNameWithNoTemporaryLeft) {
    unit::TempDir data;
    MemoryBudget budget(kGiB);
    const auto iv = sample_interval(budget);
    const fs::path written = store::write_interval_file(*iv, data.path());
    EXPECT_EQ(written, data.path() / "intervals/2024/03/09/20240309-1330.db");
    EXPECT_TRUE(fs::is_regular_file(written));
    EXPECT_EQ(regular_files_under(data.path()), std::vector<fs::path>{written});
}

TEST(IntervalFile, StoresTheIntervalRowAndBlobAddresses) {
    unit::TempDir data;
    MemoryBudget budget(kGiB);
    auto iv = sample_interval(budget);
    iv->capture = CaptureCounters{true, 1000, 7, 2};
    const fs::path path = store::write_interval_file(*iv, data.path());

    sqlite::Database db = store::open_interval_file(path);
    EXPECT_EQ(query_int(db, "SELECT start_time FROM interval"), kT);
    EXPECT_EQ(query_int(db, "SELECT end_time FROM interval"), kT + 1800);
    EXPECT_EQ(query_int(db, "SELECT partial FROM interval"), 0);
    EXPECT_EQ(query_int(db, "SELECT packets FROM interval"), 13);
    EXPECT_EQ(query_int(db, "SELECT ip_packets FROM interval"), 13);
    EXPECT_EQ(query_int(db, "SELECT sessions FROM interval"), 5);
    EXPECT_EQ(query_int(db, "SELECT count(*) FROM session"), 5);
    EXPECT_EQ(query_int(db, "SELECT pcap_dropped FROM interval"), 7);
    EXPECT_EQ(query_text(db, "SELECT sensor FROM interval"), "sensor-1");
    EXPECT_EQ(query_text(db, "SELECT interfaces FROM interval"), "eth0,eth1");
    EXPECT_EQ(query_text(db, "SELECT local_networks FROM interval"), "10.0.0.0/8,2001:db8::/32");
    // IPv4 as v4-mapped 16-byte BLOBs in network order (sql/interval_schema.sql).
    EXPECT_EQ(query_text(db, "SELECT hex(ip_a) FROM session WHERE proto = 17 AND port_a = 5353"),
              "00000000000000000000FFFF0A000002");
    EXPECT_EQ(query_text(db, "SELECT hex(ip_a) FROM session WHERE proto = 58"), "20010DB8000000000000000000000005");
    EXPECT_EQ(query_text(db, "SELECT ip_b FROM session_text WHERE proto = 17 AND port_a = 5353"), "224.0.0.251");
    EXPECT_EQ(query_text(db, "SELECT ip_b FROM session_text WHERE proto = 58"), "2001:4860:0000:0000:0000:0000:0000:8888");
    EXPECT_EQ(query_text(db, "SELECT class_a || class_b FROM session WHERE port_a = 5353"), "LO");
    EXPECT_EQ(query_text(db, "SELECT class_a || class_b FROM session WHERE proto = 58"), "LR");
    // A CIDR search is a BLOB range on the index.
    EXPECT_EQ(query_int(db, "SELECT count(*) FROM session WHERE ip_b BETWEEN x'00000000000000000000FFFFC0000200'"
                            " AND x'00000000000000000000FFFFC00002FF'"),
              3);
}

TEST(IntervalFile, UnavailableCaptureCountersAreNull) {
    unit::TempDir data;
    MemoryBudget budget(kGiB);
    auto iv = sample_interval(budget);
    iv->packets = 0;  // nothing seen: no first/last packet time either
    const fs::path path = store::write_interval_file(*iv, data.path());
    sqlite::Database db = store::open_interval_file(path);
    EXPECT_EQ(query_int(db, "SELECT count(*) FROM interval WHERE pcap_received IS NULL AND pcap_dropped IS NULL"
                            " AND pcap_if_dropped IS NULL AND first_packet_us IS NULL"),
              1);
}

TEST(IntervalFile, OpenRejectsWhatIsNotAnIntervalFile) {
    unit::TempDir dir;
    const fs::path missing = dir.path() / "missing.db";
    const fs::path text = dir.path() / "notes.txt";
    const fs::path empty = dir.path() / "empty.db";
    const fs::path foreign = dir.path() / "foreign.db";
    const fs::path newer = dir.path() / "newer.db";
    std::ofstream(text) << "this is not a database, just some words long enough to fill a header\n";
    { std::ofstream create(empty); }
    {
        sqlite::Database db(foreign, sqlite::Database::Mode::kCreate);
        db.exec("CREATE TABLE session (x INTEGER); INSERT INTO session VALUES (1);");
    }
    {
        MemoryBudget budget(kGiB);
        const fs::path real = store::write_interval_file(*sample_interval(budget), dir.path());
        fs::copy_file(real, newer);
        sqlite::Database db(newer, sqlite::Database::Mode::kCreate);
        db.exec("PRAGMA user_version = 99");
        (void)store::open_interval_file(real);  // the original is accepted
    }
    for (const fs::path& p : {missing, text, empty, foreign, newer, dir.path()}) {
        try {
            (void)store::open_interval_file(p);
            ADD_FAILURE() << "accepted " << p;
        } catch (const store::NotAnIntervalFile& e) {
            EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
        }
    }
}

TEST(IntervalFile, RewritingReplacesTheFileAtomically) {
    unit::TempDir data;
    MemoryBudget budget(kGiB);
    const fs::path first = store::write_interval_file(*sample_interval(budget), data.path());

    // A reader that has the old file open keeps seeing the old, complete file.
    sqlite::Database reader = store::open_interval_file(first);
    ASSERT_EQ(query_int(reader, "SELECT count(*) FROM session"), 5);

    auto smaller = std::make_unique<IntervalData>(budget);
    smaller->start_s = kT;
    smaller->end_s = kT + 1800;
    smaller->covered_from_us = kT * kSec;
    smaller->covered_to_us = (kT + 1800) * kSec;
    add(*smaller, {ip("10.0.0.1"), ip("10.0.0.2"), 1, 2, 17}).packets_ab = 1;
    smaller->packets = 1;
    const fs::path second = store::write_interval_file(*smaller, data.path());
    EXPECT_EQ(second, first);
    EXPECT_EQ(regular_files_under(data.path()), std::vector<fs::path>{second});

    EXPECT_EQ(query_int(reader, "SELECT count(*) FROM session"), 5);
    sqlite::Database fresh = store::open_interval_file(second);
    EXPECT_EQ(query_int(fresh, "SELECT count(*) FROM session"), 1);
    EXPECT_EQ(query_int(fresh, "SELECT count(*) FROM interval"), 1);
}

TEST(IntervalFile, UnwritableDirectoryThrowsNamingThePath) {
    // Root ignores permissions, so block the directory with a regular file instead.
    unit::TempDir dir;
    const fs::path blocker = dir.path() / "not-a-directory";
    std::ofstream(blocker) << "x";
    MemoryBudget budget(kGiB);
    const auto iv = sample_interval(budget);
    try {
        (void)store::write_interval_file(*iv, blocker / "data");
        ADD_FAILURE() << "wrote under a regular file";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find(blocker.string()), std::string::npos) << e.what();
    }
    EXPECT_EQ(regular_files_under(dir.path()), std::vector<fs::path>{blocker});
}

TEST(IntervalFile, AFailedWriteLeavesNoFileBehind) {
    unit::TempDir data;
    MemoryBudget budget(kGiB);
    auto iv = sample_interval(budget);
    iv->packets = ~std::uint64_t{0};  // beyond SQLite's INTEGER: the insert fails mid-file
    EXPECT_THROW((void)store::write_interval_file(*iv, data.path()), sqlite::Error);
    EXPECT_TRUE(regular_files_under(data.path()).empty());

    // An existing file of the same name survives a failed rewrite.
    iv->packets = 13;
    const fs::path good = store::write_interval_file(*iv, data.path());
    iv->packets = ~std::uint64_t{0};
    EXPECT_THROW((void)store::write_interval_file(*iv, data.path()), sqlite::Error);
    EXPECT_EQ(regular_files_under(data.path()), std::vector<fs::path>{good});
    sqlite::Database db = store::open_interval_file(good);
    EXPECT_EQ(query_int(db, "SELECT packets FROM interval"), 13);
}

TEST(IntervalFile, DecodeCountsAddUpToPackets) {
    // A real interval from the collector: every outcome and note name is present, zeros included.
    unit::TempDir data;
    MemoryBudget budget(kGiB);
    std::vector<std::unique_ptr<IntervalData>> done;
    Collector c({}, budget, nullptr, std::make_shared<const LocalNetworks>(), [&](std::unique_ptr<IntervalData> iv) {
        done.push_back(std::move(iv));
    });
    c.set_link_type(DLT_EN10MB);
    const auto good = t::frame(t::dlt::ethernet, t::ip_packet(t::ip_addr("10.0.0.1"), t::ip_addr("10.0.0.2"), t::Udp{.src_port = 1, .dst_port = 2}));
    const t::Bytes runt(5, 0);
    const auto arp = t::ethernet_frame({.type = t::ethertype::arp}, t::Bytes(28, 0));
    for (int i = 0; i < 4; ++i) c.on_frame(kT * kSec + i, good, static_cast<std::uint32_t>(good.size()));
    c.on_frame(kT * kSec + 10, runt, 5);
    c.on_frame(kT * kSec + 11, arp, static_cast<std::uint32_t>(arp.size()));
    c.finish(kT * kSec + 20, false, false);
    ASSERT_EQ(done.size(), 1u);
    const fs::path path = store::write_interval_file(*done[0], data.path());

    sqlite::Database db = store::open_interval_file(path);
    EXPECT_EQ(query_int(db, "SELECT count(*) FROM decode_count WHERE kind = 'outcome'"), static_cast<std::int64_t>(kOutcomeCount));
    EXPECT_EQ(query_int(db, "SELECT count(*) FROM decode_count WHERE kind = 'note'"), static_cast<std::int64_t>(kNoteCount));
    EXPECT_EQ(query_int(db, "SELECT sum(packets) FROM decode_count WHERE kind = 'outcome'"), query_int(db, "SELECT packets FROM interval"));
    EXPECT_EQ(query_int(db, "SELECT packets FROM interval"), 6);
    EXPECT_EQ(query_int(db, "SELECT packets FROM decode_count WHERE kind = 'outcome' AND name = 'ip'"),
              query_int(db, "SELECT ip_packets FROM interval"));
    EXPECT_EQ(query_int(db, "SELECT packets FROM decode_count WHERE kind = 'outcome' AND name = 'truncated_link'"), 1);
    EXPECT_EQ(query_int(db, "SELECT packets FROM decode_count WHERE kind = 'outcome' AND name = 'non_ip'"), 1);
    EXPECT_EQ(query_int(db, "SELECT sum(packets_ab + packets_ba) FROM session"), 4);
}

// ---------------------------------------------------------------------------------------------
// The dump: the machine-readable contract of DESIGN.md ("ipaudit dump FILE.db").

TEST(Dump, HeaderThenRowsInKeyOrderWithTextIpsTalkersAndFlagLetters) {
    unit::TempDir data;
    MemoryBudget budget(kGiB);
    const fs::path path = store::write_interval_file(*sample_interval(budget), data.path());
    std::ostringstream out;
    cli::dump_interval_file(path, {}, out);
    const auto lines = split(out.str(), '\n');
    ASSERT_EQ(lines.size(), 6u) << out.str();

    const auto header = split(lines[0], '\t');
    const std::vector<std::string> required = {"ip_a", "ip_b", "proto", "port_a", "port_b", "pkts_ab", "pkts_ba",
                                               "bytes_ab", "bytes_ba", "first_us", "last_us", "first_talker", "last_talker"};
    ASSERT_GE(header.size(), required.size());
    for (std::size_t i = 0; i < required.size(); ++i) EXPECT_EQ(header[i], required[i]) << i;
    std::map<std::string, std::size_t> column;
    for (std::size_t i = 0; i < header.size(); ++i) column[header[i]] = i;

    auto us = [&](int plus) { return std::to_string(kT * kSec + plus); };
    // Key order: ip_a, ip_b, proto, port_a, port_b; IPv4 (v4-mapped) sorts before 2001:...
    const std::vector<std::vector<std::string>> expected = {
        {"10.0.0.2", "224.0.0.251", "17", "5353", "5353", "7", "0", "700", "0", us(6), us(8), "a", "a"},
        {"10.0.0.5", "192.0.2.1", "6", "39999", "443", "0", "1", "0", "40", us(4), us(4), "b", "b"},
        {"10.0.0.5", "192.0.2.1", "6", "40000", "80", "3", "2", "120", "1080", us(1), us(5), "a", "a"},
        {"10.0.0.5", "192.0.2.1", "17", "5000", "53", "1", "1", "60", "200", us(2), us(3), "b", "a"},
        {"2001:db8::5", "2001:4860::8888", "58", "0", "32768", "1", "0", "104", "0", us(9), us(9), "a", "a"},
    };
    for (std::size_t r = 0; r < expected.size(); ++r) {
        const auto fields = split(lines[r + 1], '\t');
        ASSERT_EQ(fields.size(), header.size()) << lines[r + 1];
        for (std::size_t i = 0; i < required.size(); ++i) EXPECT_EQ(fields[i], expected[r][i]) << "row " << r << " " << required[i];
    }
    // Extra columns, by name: flags as letters in bit order (F S R P A U E C), '-' for none.
    auto field = [&](std::size_t row, const char* name) {
        const auto it = column.find(name);
        if (it == column.end()) return std::string("<no column ") + name + ">";
        return split(lines[row + 1], '\t')[it->second];
    };
    EXPECT_EQ(field(2, "flags_ab"), "FSA");
    EXPECT_EQ(field(2, "flags_ba"), "SPA");
    EXPECT_EQ(field(1, "flags_ba"), "FSRPAUEC");
    EXPECT_EQ(field(0, "flags_ab"), "-");
    EXPECT_EQ(field(2, "first_by"), "syn");
    EXPECT_EQ(field(3, "first_by"), "guess");
    EXPECT_EQ(field(0, "class_a"), "L");
    EXPECT_EQ(field(0, "class_b"), "O");
    EXPECT_EQ(field(4, "class_b"), "R");
}

TEST(Dump, MetaLinesComeFirstAndNameTheCounters) {
    unit::TempDir data;
    MemoryBudget budget(kGiB);
    const fs::path path = store::write_interval_file(*sample_interval(budget), data.path());
    std::ostringstream out;
    cli::dump_interval_file(path, {.meta = true}, out);
    const auto lines = split(out.str(), '\n');
    std::size_t i = 0;
    std::map<std::string, std::string> meta;
    for (; i < lines.size() && lines[i].rfind("# ", 0) == 0; ++i) {
        const auto eq = lines[i].find('=');
        ASSERT_NE(eq, std::string::npos) << lines[i];
        meta[lines[i].substr(2, eq - 2)] = lines[i].substr(eq + 1);
    }
    ASSERT_LT(i, lines.size());
    EXPECT_EQ(lines[i].rfind("ip_a\tip_b\t", 0), 0u) << "the header follows the meta lines";
    EXPECT_EQ(lines.size() - i - 1, 5u);
    EXPECT_EQ(meta["start_time"], std::to_string(kT));
    EXPECT_EQ(meta["partial"], "0");
    EXPECT_EQ(meta["sensor"], "sensor-1");
    EXPECT_EQ(meta["packets"], "13");
    EXPECT_EQ(meta["sessions"], "5");
    EXPECT_EQ(meta["pcap_received"], "NULL");
    EXPECT_EQ(meta["outcome ip"], "13");
    // The outcome lines printed (zeros may be left out) add up to the packets.
    std::uint64_t outcomes = 0;
    for (const auto& [key, value] : meta)
        if (key.rfind("outcome ", 0) == 0) outcomes += std::stoull(value);
    EXPECT_EQ(outcomes, 13u);
    EXPECT_EQ(meta.count("software"), 0u) << "a version bump must not rewrite every golden file";
}

TEST(Dump, ForeignFileThrowsNamingIt) {
    unit::TempDir dir;
    const fs::path foreign = dir.path() / "other.db";
    {
        sqlite::Database db(foreign, sqlite::Database::Mode::kCreate);
        db.exec("CREATE TABLE t (x)");
    }
    std::ostringstream out;
    try {
        cli::dump_interval_file(foreign, {}, out);
        ADD_FAILURE();
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find(foreign.string()), std::string::npos) << e.what();
    }
    EXPECT_TRUE(out.str().empty()) << "nothing printed before the check";
}

TEST(Dump, TcpFlagLetters) {
    EXPECT_EQ(cli::tcp_flag_letters(0), "-");
    EXPECT_EQ(cli::tcp_flag_letters(tcp_flag::kFin), "F");
    EXPECT_EQ(cli::tcp_flag_letters(tcp_flag::kSyn | tcp_flag::kAck), "SA");
    EXPECT_EQ(cli::tcp_flag_letters(tcp_flag::kRst | tcp_flag::kAck), "RA");
    EXPECT_EQ(cli::tcp_flag_letters(tcp_flag::kUrg | tcp_flag::kEce | tcp_flag::kCwr), "UEC");
    EXPECT_EQ(cli::tcp_flag_letters(0xFF), "FSRPAUEC");
}

}  // namespace
}  // namespace ipaudit

#include "store/interval_store.hpp"

namespace ipaudit {
namespace {

TEST(IntervalStore, TwoIntervalsOfOneNameInOneRunBothSurvive) {
    unit::TempDir data;
    MemoryBudget budget(std::size_t{1} << 30);
    store::IntervalStore writer(data.path(), store::IntervalStore::Existing::kReplaceEarlierRuns);
    const fs::path first = writer.write(*sample_interval(budget));
    const fs::path second = writer.write(*sample_interval(budget));
    EXPECT_NE(first, second);
    EXPECT_TRUE(fs::exists(first));
    EXPECT_TRUE(fs::exists(second));
    EXPECT_EQ(second.filename().string(), first.stem().string() + "-2.db");
}

TEST(IntervalStore, AnImportReplacesAnEarlierRunsFileButLiveCaptureKeepsIt) {
    unit::TempDir data;
    MemoryBudget budget(std::size_t{1} << 30);
    const fs::path earlier =
        store::IntervalStore(data.path(), store::IntervalStore::Existing::kKeep).write(*sample_interval(budget));

    // Re-importing the same capture: the same name, replaced (imports are idempotent).
    store::IntervalStore import(data.path(), store::IntervalStore::Existing::kReplaceEarlierRuns);
    EXPECT_EQ(import.write(*sample_interval(budget)), earlier);

    // A live daemon restarted within the same second never replaces what is there.
    store::IntervalStore live(data.path(), store::IntervalStore::Existing::kKeep);
    const fs::path kept = live.write(*sample_interval(budget));
    EXPECT_NE(kept, earlier);
    EXPECT_TRUE(fs::exists(earlier));
}

}  // namespace
}  // namespace ipaudit
