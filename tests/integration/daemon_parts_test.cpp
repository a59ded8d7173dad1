// Daemon parts tested alone: the shared capture callback (impossible timestamps, exceptions
// stopped before libpcap), the writer's retry rounds (one unwritable interval holds back no
// other), libpcap's wrapping counters, and the log's status line.
#include <gtest/gtest.h>
#include <pcap/dlt.h>
#include <pcap/pcap.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <fstream>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "core/collector.hpp"
#include "core/memory_budget.hpp"
#include "daemon/capture_callback.hpp"
#include "daemon/capture_counters.hpp"
#include "daemon/interval_writer.hpp"
#include "daemon/log.hpp"
#include "tests/support/pcap_builder.hpp"
#include "tests/unit/unit_helpers.hpp"

namespace ipaudit {
namespace {

namespace t = ipaudit::testing;

constexpr std::int64_t kSec = 1'000'000;
constexpr std::size_t kGiB = std::size_t{1} << 30;
constexpr std::int64_t kT = 1709985600;  // 2024-03-09 12:00:00 UTC, a multiple of 1800 s

t::Bytes udp_packet() {
    return t::ip_packet(t::ip_addr("10.0.0.1"), t::ip_addr("10.0.0.2"), t::Udp{.src_port = 1000, .dst_port = 53, .payload = 8});
}

pcap_pkthdr header_of(std::int64_t sec, std::int64_t usec, const t::Bytes& frame) {
    pcap_pkthdr h{};
    h.ts.tv_sec = static_cast<decltype(h.ts.tv_sec)>(sec);
    h.ts.tv_usec = static_cast<decltype(h.ts.tv_usec)>(usec);
    h.caplen = h.len = static_cast<std::uint32_t>(frame.size());
    return h;
}

std::uint64_t bad_timestamps(const IntervalData& iv) {
    return iv.outcomes[static_cast<std::size_t>(DecodeOutcome::kBadTimestamp)];
}

class CaptureCallbackTest : public ::testing::Test {
protected:
    MemoryBudget budget{kGiB};
    std::vector<std::unique_ptr<IntervalData>> done;
    bool sink_throws = false;
    Collector collector{{1800, 300}, budget, std::make_shared<const RunInfo>(), std::make_shared<const LocalNetworks>(),
                        [this](std::unique_ptr<IntervalData> iv) {
                            if (sink_throws) throw std::bad_alloc();
                            done.push_back(std::move(iv));
                        }};
    CaptureTarget target{collector};

    void SetUp() override { collector.set_link_type(DLT_RAW); }
};

// A damaged pcapng can claim any 64-bit time; tv_sec * 1'000'000 would overflow (UB). Such frames
// are counted as bad_timestamp, never move the clock, and never end the import's last interval.
TEST_F(CaptureCallbackTest, ImpossibleTimestampsAreCountedNotAccounted) {
    const t::Bytes frame = udp_packet();
    deliver_frame(target, header_of(kT, 5, frame), frame.data());
    const std::uint64_t huge_us = 0xFFFFFFFFFFFFFFF0;  // as libpcap reads it from a pcapng EPB
    const auto huge_sec = static_cast<std::int64_t>(huge_us / 1'000'000);
    deliver_frame(target, header_of(huge_sec, static_cast<std::int64_t>(huge_us % 1'000'000), frame), frame.data());
    deliver_frame(target, header_of(std::int64_t{1} << 40, 0, frame), frame.data());
    deliver_frame(target, header_of(-1, 0, frame), frame.data());
    deliver_frame(target, header_of(kT, 1'000'000, frame), frame.data());
    deliver_frame(target, header_of(kT, -1, frame), frame.data());
    EXPECT_EQ(target.last_ts_us, kT * kSec + 5) << "only valid times count as the last one";
    deliver_frame(target, header_of(kT + 1, 7, frame), frame.data());
    EXPECT_EQ(target.last_ts_us, (kT + 1) * kSec + 7);
    EXPECT_FALSE(target.error);

    collector.finish(target.last_ts_us, false, false);
    ASSERT_EQ(done.size(), 1u) << "no impossible time opened an interval of its own";
    EXPECT_EQ(done[0]->packets, 7u);
    EXPECT_EQ(bad_timestamps(*done[0]), 5u);
    EXPECT_EQ(done[0]->sessions.size(), 1u);
    EXPECT_EQ(done[0]->start_s, kT);
}

// An exception (bad_alloc from the session table or the sink) must not unwind through libpcap's
// C frames: it is stored, the dispatch loop is broken, and later frames are not accounted.
TEST_F(CaptureCallbackTest, AnExceptionIsKeptAndBreaksTheLoop) {
    unit::TempDir dir;
    const auto path = (dir.path() / "three.pcap").string();
    const t::Bytes frame = udp_packet();
    {
        t::PcapWriter w(path, t::dlt::raw);
        w.write(kT * kSec, frame);
        w.write((kT + 1800) * kSec, frame);  // ends the first interval: the sink throws
        w.write((kT + 1800) * kSec + 1, frame);
    }
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    std::unique_ptr<pcap_t, void (*)(pcap_t*)> p(pcap_open_offline(path.c_str(), errbuf), pcap_close);
    ASSERT_NE(p, nullptr) << errbuf;
    target.handle = p.get();
    sink_throws = true;
    const int n = pcap_dispatch(p.get(), -1, capture_callback, reinterpret_cast<u_char*>(&target));
    ASSERT_TRUE(target.error);
    EXPECT_EQ(describe(target.error), "out of memory");
    EXPECT_LE(n, 2) << "the loop stopped at the failing frame";
    pcap_pkthdr* h = nullptr;
    const u_char* data = nullptr;
    int rc = pcap_next_ex(p.get(), &h, &data);
    if (rc == PCAP_ERROR_BREAK) rc = pcap_next_ex(p.get(), &h, &data);  // libpcap keeps the break for the next call
    ASSERT_EQ(rc, 1) << "the third frame was left unread";
    EXPECT_EQ(h->ts.tv_usec, 1);

    const std::uint64_t before = collector.packets_total();
    deliver_frame(target, *h, data);
    EXPECT_EQ(collector.packets_total(), before) << "after an error, frames are ignored";
    EXPECT_EQ(describe(nullptr), "");
}

TEST(WrappingCounter, ExtendsLibpcaps32BitCountersAcrossWraps) {
    WrappingCounter c;
    c.update(0xFFFFFFF0u);
    EXPECT_EQ(c.total(), 0xFFFFFFF0u);
    c.update(0x10u);  // wrapped: 0x20 more
    EXPECT_EQ(c.total(), 0x100000000u + 0x10u);
    c.update(0x10u);
    EXPECT_EQ(c.total(), 0x100000010u) << "no change, no step";
    for (int i = 0; i < 4; ++i) c.update(0x80000010u + (i % 2 == 0 ? 0u : 0x80000000u));  // 2^31 per step
    EXPECT_EQ(c.total(), 0x100000010u + std::uint64_t{4} * 0x80000000u);
}

std::unique_ptr<IntervalData> interval_at(MemoryBudget& budget, std::int64_t start_s) {
    auto iv = std::make_unique<IntervalData>(budget);
    iv->start_s = start_s;
    iv->end_s = start_s + 1800;
    iv->covered_from_us = start_s * kSec;
    iv->covered_to_us = (start_s + 1800) * kSec;
    iv->run = std::make_shared<const RunInfo>(RunInfo{"sensor", "eth0", "test"});
    iv->networks = std::make_shared<const LocalNetworks>();
    return iv;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// One interval that cannot be written (its day directory is blocked) must not keep later ones
// in memory: each retry tries every waiting interval, and each failure is logged once.
TEST(IntervalWriter, OneUnwritableIntervalHoldsBackNoOther) {
    unit::TempDir dir;
    const auto blocked_day = dir.path() / "intervals/2024/03/09";
    std::filesystem::create_directories(blocked_day.parent_path());
    std::ofstream(blocked_day) << "a file where the day directory should be\n";
    MemoryBudget budget(kGiB);
    Log log(Log::Sink::kStderr, "test");
    ::testing::internal::CaptureStderr();
    {
        IntervalWriter writer({dir.path(), std::chrono::seconds(1), 0, false, std::nullopt, false}, log);
        writer.submit(interval_at(budget, kT));              // 2024-03-09: blocked
        writer.submit(interval_at(budget, kT + 86400));      // 2024-03-10
        writer.submit(interval_at(budget, kT + 2 * 86400));  // 2024-03-11
        EXPECT_TRUE(wait_until([&] { return writer.written() == 2; }, std::chrono::seconds(5)));
        EXPECT_TRUE(std::filesystem::exists(dir.path() / "intervals/2024/03/10/20240310-1200.db"));
        EXPECT_TRUE(std::filesystem::exists(dir.path() / "intervals/2024/03/11/20240311-1200.db"));
        EXPECT_EQ(writer.pending(), 1u);
        EXPECT_FALSE(writer.last_error().empty());
        std::this_thread::sleep_for(std::chrono::milliseconds(2300));  // two more rounds
        EXPECT_EQ(writer.pending(), 1u);
        writer.submit(interval_at(budget, kT + 3 * 86400));  // written at the next round, despite the blocked one
        EXPECT_TRUE(wait_until([&] { return writer.written() == 3; }, std::chrono::seconds(3)));

        std::filesystem::remove(blocked_day);
        EXPECT_TRUE(wait_until([&] { return writer.written() == 4; }, std::chrono::seconds(3)));
        EXPECT_TRUE(std::filesystem::exists(dir.path() / "intervals/2024/03/09/20240309-1200.db"));
        EXPECT_TRUE(wait_until([&] { return writer.last_error().empty(); }, std::chrono::seconds(1)));
        EXPECT_EQ(writer.stop(std::chrono::seconds(0)), 0u);
    }
    const std::string text = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(count(text, "cannot write interval"), 1u) << "logged once, not once per retry:\n" << text;
    EXPECT_EQ(count(text, "writing works again"), 1u) << text;
    EXPECT_EQ(count(text, "wrote "), 0u) << "log_each_write is off:\n" << text;
}

// The same problem for several waiting intervals (a full disk: only the file names differ) is
// logged once while writing fails, not once per interval; a recovery line counts them.
TEST(IntervalWriter, SameProblemForSeveralIntervalsIsLoggedOnce) {
    unit::TempDir dir;
    for (const char* day : {"intervals/2024/03/09", "intervals/2024/03/10"}) {
        std::filesystem::create_directories((dir.path() / day).parent_path());
        std::ofstream(dir.path() / day) << "a file where the day directory should be\n";
    }
    MemoryBudget budget(kGiB);
    Log log(Log::Sink::kStderr, "test");
    ::testing::internal::CaptureStderr();
    {
        IntervalWriter writer({dir.path(), std::chrono::seconds(1), 0, false, std::nullopt, false}, log);
        writer.submit(interval_at(budget, kT));
        writer.submit(interval_at(budget, kT + 86400));
        std::this_thread::sleep_for(std::chrono::milliseconds(2300));  // three rounds
        EXPECT_EQ(writer.pending(), 2u);
        std::filesystem::remove(dir.path() / "intervals/2024/03/09");
        std::filesystem::remove(dir.path() / "intervals/2024/03/10");
        EXPECT_TRUE(wait_until([&] { return writer.written() == 2; }, std::chrono::seconds(3)));
        EXPECT_TRUE(wait_until([&] { return writer.last_error().empty(); }, std::chrono::seconds(1)));
        EXPECT_EQ(writer.stop(std::chrono::seconds(0)), 0u);
    }
    const std::string text = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(count(text, "cannot write interval"), 1u) << "logged once for both intervals:\n" << text;
    EXPECT_EQ(count(text, "writing works again"), 1u) << text;
    EXPECT_EQ(count(text, "2 waiting interval(s) written"), 1u) << text;
}

TEST(IntervalWriter, LogsEachWriteWhenAsked) {
    unit::TempDir dir;
    MemoryBudget budget(kGiB);
    Log log(Log::Sink::kStderr, "test");
    ::testing::internal::CaptureStderr();
    {
        IntervalWriter writer({dir.path(), std::chrono::seconds(1), 0, true, std::nullopt, false}, log);
        writer.submit(interval_at(budget, kT));
        EXPECT_EQ(writer.stop(std::chrono::seconds(5)), 0u);
    }
    const std::string text = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(count(text, "wrote "), 1u) << text;
}

// The import's progress line is erased before any message, so the two never share a line.
TEST(Log, MessagesEraseTheStatusLineFirst) {
    Log log(Log::Sink::kStderr, "test");
    ::testing::internal::CaptureStderr();
    log.status("a.pcap: 50%");
    log.warning("something");
    log.clear_status();  // nothing shown any more: writes nothing
    log.status("a.pcap: 60%");
    log.clear_status();
    const std::string text = ::testing::internal::GetCapturedStderr();
    const std::string erase = "\r\033[K";
    EXPECT_EQ(text.rfind(erase + "a.pcap: 50%" + erase, 0), 0u) << text;
    EXPECT_NE(text.find("warning: something\n" + erase + "a.pcap: 60%" + erase), std::string::npos) << text;
    EXPECT_EQ(count(text, erase), 4u) << text;
}

}  // namespace
}  // namespace ipaudit
