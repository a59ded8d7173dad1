// Collector: interval rotation on packet time and wall clock, outcome counting, talker carry,
// partial intervals, and local networks changing only at a boundary.
#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/collector.hpp"
#include "core/interval_clock.hpp"
#include "tests/support/pcap_builder.hpp"
#include "tests/unit/unit_helpers.hpp"

namespace ipaudit {
namespace {

namespace t = ipaudit::testing;
using t::Bytes;
using unit::ip;

constexpr std::int64_t kSec = 1'000'000;
constexpr std::size_t kGiB = std::size_t{1} << 30;

// 2024-03-09 12:00:00 UTC: a multiple of 1800 s since the epoch (days are 48 intervals).
constexpr std::int64_t kT = std::chrono::sys_seconds{std::chrono::sys_days{std::chrono::year{2024} / 3 / 9} + std::chrono::hours{12}}
                                .time_since_epoch()
                                .count();
static_assert(kT % 1800 == 0);

Bytes udp(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport, std::size_t payload = 0) {
    return t::ip_packet(t::ip_addr(src), t::ip_addr(dst), t::Udp{.src_port = sport, .dst_port = dport, .payload = payload});
}

Bytes tcp(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport, std::uint8_t flags) {
    return t::ip_packet(t::ip_addr(src), t::ip_addr(dst), t::Tcp{.src_port = sport, .dst_port = dport, .flags = flags});
}

TEST(IntervalClock, AlignsToMultiplesAndFloorsBefore1970) {
    EXPECT_EQ(interval_start_s(0, 1800), 0);
    EXPECT_EQ(interval_start_s(1800 * kSec - 1, 1800), 0);
    EXPECT_EQ(interval_start_s(1800 * kSec, 1800), 1800);
    EXPECT_EQ(interval_start_s(kT * kSec + 1, 1800), kT);
    EXPECT_EQ(interval_start_s(kT * kSec + 1, 86400), kT - 12 * 3600);
    EXPECT_EQ(interval_start_s(-1, 1800), -1800);
    EXPECT_EQ(interval_start_s(-1800 * kSec, 1800), -1800);
    EXPECT_EQ(interval_start_s(-1800 * kSec - 1, 1800), -3600);
}

class CollectorTest : public ::testing::Test {
protected:
    std::unique_ptr<Collector> make(std::int64_t interval_s = 1800, std::int64_t carry_s = 300) {
        auto c = std::make_unique<Collector>(Collector::Options{interval_s, carry_s}, budget, run, nets,
                                             [this](std::unique_ptr<IntervalData> iv) { done.push_back(std::move(iv)); });
        c->set_link_type(DLT_RAW);
        return c;
    }
    static void feed(Collector& c, std::int64_t ts_us, const Bytes& frame) {
        c.on_frame(ts_us, frame, static_cast<std::uint32_t>(frame.size()));
    }
    static const Session* find(const IntervalData& iv, const char* a, std::uint16_t port_a, const char* b, std::uint16_t port_b,
                               std::uint8_t proto) {
        return iv.sessions.find(SessionKey{ip(a), ip(b), port_a, port_b, proto});
    }

    MemoryBudget budget{kGiB};
    std::shared_ptr<const RunInfo> run = std::make_shared<const RunInfo>(RunInfo{"sensor-1", "eth0", "ipaudit test"});
    std::shared_ptr<const LocalNetworks> nets =
        std::make_shared<const LocalNetworks>(NetworkList::parse("10.0.0.0/8"), LocalNetworks::default_other());
    std::vector<std::unique_ptr<IntervalData>> done;
};

TEST_F(CollectorTest, RotatesOnPacketTimeWithTheBoundaryPacketInTheNextInterval) {
    auto c = make();
    const Bytes p = udp("10.0.0.1", 1000, "192.0.2.1", 53, 10);
    feed(*c, kT * kSec + 5 * kSec, p);
    feed(*c, (kT + 1800) * kSec - 1, p);  // t + 1799.999999 s
    EXPECT_TRUE(done.empty());
    feed(*c, (kT + 1800) * kSec, p);  // exactly on the boundary
    ASSERT_EQ(done.size(), 1u);

    const IntervalData& first = *done[0];
    EXPECT_EQ(first.start_s, kT);
    EXPECT_EQ(first.end_s, kT + 1800);
    // The first offline interval is covered from its first packet (so the next capture of the
    // same half hour gets a file of its own); later ones from their aligned start.
    EXPECT_EQ(first.covered_from_us, kT * kSec + 5 * kSec);
    EXPECT_EQ(first.covered_to_us, (kT + 1800) * kSec);
    EXPECT_FALSE(first.partial);
    EXPECT_EQ(first.packets, 2u);
    EXPECT_EQ(first.first_packet_us, kT * kSec + 5 * kSec);
    EXPECT_EQ(first.last_packet_us, (kT + 1800) * kSec - 1);
    EXPECT_EQ(first.run, run);
    EXPECT_EQ(first.networks, nets);
    const Session* s = find(first, "10.0.0.1", 1000, "192.0.2.1", 53, 17);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->packets_ab, 2u);

    ASSERT_NE(c->current(), nullptr);
    EXPECT_EQ(c->current()->start_s, kT + 1800);
    EXPECT_EQ(c->current()->packets, 1u);
    EXPECT_EQ(c->packets_total(), 3u);
    EXPECT_EQ(c->intervals_finished(), 1u);

    c->finish((kT + 1800) * kSec, false, false);
    ASSERT_EQ(done.size(), 2u);
    EXPECT_EQ(done[1]->start_s, kT + 1800);
    EXPECT_EQ(done[1]->packets, 1u);
    EXPECT_EQ(c->current(), nullptr);
}

TEST_F(CollectorTest, OfflineGapsSkipEmptyIntervals) {
    auto c = make();
    const Bytes p = udp("10.0.0.1", 1000, "192.0.2.1", 53);
    feed(*c, kT * kSec + 10 * kSec, p);
    feed(*c, (kT + 3 * 1800 + 10) * kSec, p);
    c->finish((kT + 3 * 1800 + 10) * kSec, false, false);
    ASSERT_EQ(done.size(), 2u);
    EXPECT_EQ(done[0]->start_s, kT);
    EXPECT_EQ(done[1]->start_s, kT + 3 * 1800);
    EXPECT_EQ(done[1]->end_s, kT + 4 * 1800);
    EXPECT_EQ(done[1]->covered_from_us, (kT + 3 * 1800) * kSec);
}

TEST_F(CollectorTest, OtherIntervalLengthsAlignToTheirOwnMultiples) {
    auto c = make(300, 60);
    const Bytes p = udp("10.0.0.1", 1000, "192.0.2.1", 53);
    feed(*c, (kT + 299) * kSec, p);
    feed(*c, (kT + 300) * kSec, p);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0]->start_s, kT);
    EXPECT_EQ(done[0]->end_s, kT + 300);
    EXPECT_EQ(c->current()->start_s, kT + 300);
}

TEST_F(CollectorTest, SlightlyLatePacketsAreCountedInTheCurrentInterval) {
    // Up to kLateToleranceUs (60 s) before the current interval: late delivery, counted in it.
    auto c = make();
    feed(*c, (kT + 10) * kSec, udp("10.0.0.1", 1000, "192.0.2.1", 53));
    feed(*c, (kT + 1805) * kSec, udp("10.0.0.1", 1000, "192.0.2.1", 53));
    feed(*c, (kT + 1790) * kSec, udp("10.0.0.2", 1000, "192.0.2.1", 53));  // 10 s late
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0]->packets, 1u);
    const IntervalData* cur = c->current();
    ASSERT_NE(cur, nullptr);
    EXPECT_EQ(cur->start_s, kT + 1800);
    EXPECT_EQ(cur->packets, 2u);
    EXPECT_EQ(cur->first_packet_us, (kT + 1790) * kSec);
    EXPECT_EQ(cur->last_packet_us, (kT + 1805) * kSec);
    const Session* late = find(*cur, "10.0.0.2", 1000, "192.0.2.1", 53, 17);
    ASSERT_NE(late, nullptr);
    EXPECT_EQ(late->first_us, (kT + 1790) * kSec);
}

TEST_F(CollectorTest, TimeGoingBackFarOpensAnIntervalOfItsOwnTime) {
    // Files imported out of order, or a bogus timestamp that pushed the clock ahead: packets
    // far older than the current interval go to an interval of their own time, not this one.
    auto c = make();
    feed(*c, (kT + 86400 + 10) * kSec, udp("10.0.0.1", 1000, "192.0.2.1", 53));  // day 2
    feed(*c, (kT + 20) * kSec, udp("10.0.0.2", 1000, "192.0.2.1", 53));          // day 1
    feed(*c, (kT + 30) * kSec, udp("10.0.0.2", 1000, "192.0.2.1", 53));
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0]->start_s, kT + 86400);
    EXPECT_EQ(done[0]->packets, 1u);
    EXPECT_GE(done[0]->covered_to_us, done[0]->covered_from_us);
    const IntervalData* cur = c->current();
    ASSERT_NE(cur, nullptr);
    EXPECT_EQ(cur->start_s, kT);
    EXPECT_EQ(cur->covered_from_us, (kT + 20) * kSec);
    EXPECT_EQ(cur->packets, 2u);
    EXPECT_EQ(c->packets_total(), 3u);
}

TEST_F(CollectorTest, FramesWithoutUsableTimeAreCountedNotAccounted) {
    auto c = make();
    const Bytes p = udp("10.0.0.1", 1000, "192.0.2.1", 53);
    c->on_frame_without_time(p, static_cast<std::uint32_t>(p.size()));  // before any interval: held
    feed(*c, (kT + 10) * kSec, p);
    c->on_frame_without_time(p, static_cast<std::uint32_t>(p.size()));
    const IntervalData* cur = c->current();
    ASSERT_NE(cur, nullptr);
    EXPECT_EQ(cur->packets, 3u);
    EXPECT_EQ(cur->outcomes[static_cast<std::size_t>(DecodeOutcome::kBadTimestamp)], 2u);
    EXPECT_EQ(cur->sessions.size(), 1u);
    EXPECT_EQ(cur->first_packet_us, (kT + 10) * kSec);  // untimed frames do not move the times
    EXPECT_EQ(c->packets_total(), 3u);

    // A capture with nothing but untimed frames still records them.
    done.clear();
    auto only_bad = make();
    only_bad->on_frame_without_time(p, static_cast<std::uint32_t>(p.size()));
    only_bad->finish(0, false, false);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0]->packets, 1u);
    EXPECT_EQ(done[0]->outcomes[static_cast<std::size_t>(DecodeOutcome::kBadTimestamp)], 1u);
}

TEST_F(CollectorTest, FirstPacketAtTimeZeroIsKept) {
    // 0 is a timestamp like any other, not "unset".
    auto c = make();
    feed(*c, 5 * kSec, udp("10.0.0.1", 1000, "192.0.2.1", 53));
    feed(*c, 0, udp("10.0.0.1", 1000, "192.0.2.1", 53));
    ASSERT_NE(c->current(), nullptr);
    EXPECT_EQ(c->current()->first_packet_us, 0);
    EXPECT_EQ(c->current()->last_packet_us, 5 * kSec);
}

TEST_F(CollectorTest, DecodeOutcomesAddUpToPackets) {
    auto c = make();
    c->set_link_type(DLT_EN10MB);
    const Bytes good = t::frame(t::dlt::ethernet, udp("10.0.0.1", 1000, "192.0.2.1", 53, 20));
    const Bytes arp = t::ethernet_frame({.type = t::ethertype::arp},
                                        t::arp_packet(1, t::mac_addr("02:00:00:00:00:01"), t::ipv4_addr("10.0.0.1"),
                                                      t::mac_addr("00:00:00:00:00:00"), t::ipv4_addr("10.0.0.2")));
    const Bytes runt(10, 0xFF);
    const Bytes cut_ip(good.begin(), good.begin() + 14 + 10);
    const Bytes bad_ihl = t::frame(t::dlt::ethernet, t::ipv4_packet({.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("10.0.0.2"), .ihl = 3},
                                                                    t::Udp{.src_port = 1, .dst_port = 2}));
    const Bytes bad_len = t::frame(t::dlt::ethernet, t::ipv4_packet({.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("10.0.0.2"), .total_length = 1400},
                                                                    t::Udp{.src_port = 1, .dst_port = 2}));
    const Bytes bad_version = t::ethernet_frame({.type = t::ethertype::ipv6}, udp("10.0.0.1", 1000, "192.0.2.1", 53));

    const std::int64_t ts = (kT + 1) * kSec;
    std::uint64_t wire = 0;
    for (int i = 0; i < 3; ++i) {
        feed(*c, ts, good);
        wire += good.size();
    }
    for (const Bytes* f : {&arp, &runt, &bad_ihl, &bad_len, &bad_version}) {
        feed(*c, ts, *f);
        wire += f->size();
    }
    c->on_frame(ts, cut_ip, static_cast<std::uint32_t>(good.size()));  // snaplen-style cut: wire is the full frame
    wire += good.size();
    // A capture whose frames carry a snaplen-cut but valid packet.
    const Bytes headers(good.begin(), good.begin() + 14 + 20 + 4);
    c->on_frame(ts, headers, static_cast<std::uint32_t>(good.size()));
    wire += good.size();
    c->set_link_type(DLT_IEEE802_11);
    feed(*c, ts, good);
    wire += good.size();
    c->finish(ts, false, false);

    ASSERT_EQ(done.size(), 1u);
    const IntervalData& iv = *done[0];
    auto count = [&](DecodeOutcome o) { return iv.outcomes[static_cast<std::size_t>(o)]; };
    std::uint64_t sum = 0;
    for (const auto n : iv.outcomes) sum += n;
    EXPECT_EQ(iv.packets, 11u);
    EXPECT_EQ(sum, iv.packets);
    EXPECT_EQ(count(DecodeOutcome::kIp), 4u);
    EXPECT_EQ(count(DecodeOutcome::kNonIp), 1u);
    EXPECT_EQ(count(DecodeOutcome::kTruncatedLink), 1u);
    EXPECT_EQ(count(DecodeOutcome::kTruncatedIp), 1u);
    EXPECT_EQ(count(DecodeOutcome::kBadIpHeaderLength), 1u);
    EXPECT_EQ(count(DecodeOutcome::kBadIpTotalLength), 1u);
    EXPECT_EQ(count(DecodeOutcome::kBadIpVersion), 1u);
    EXPECT_EQ(count(DecodeOutcome::kUnsupportedLinkType), 1u);
    EXPECT_EQ(iv.wire_bytes, wire);
    EXPECT_EQ(iv.ip_bytes, 4u * (20u + 8u + 20u));
    EXPECT_EQ(iv.notes[static_cast<std::size_t>(DecodeNote::kSnaplenTruncated)], 1u);
    const Session* s = find(iv, "10.0.0.1", 1000, "192.0.2.1", 53, 17);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->packets_ab, 4u);
}

TEST_F(CollectorTest, TalkerIsCarriedAcrossABoundary) {
    auto c = make();
    constexpr std::uint8_t kSyn = t::tcp_flag::syn, kAck = t::tcp_flag::ack, kPsh = t::tcp_flag::psh;
    // Interval 1. Session X: opened by local 10.0.0.5 close to the boundary.
    feed(*c, (kT + 1700) * kSec, tcp("10.0.0.5", 40000, "192.0.2.1", 22, kSyn));
    feed(*c, (kT + 1700) * kSec + 1000, tcp("192.0.2.1", 22, "10.0.0.5", 40000, kSyn | kAck));
    // Session Y: opened by local 10.0.0.6 long before the carry window (300 s).
    feed(*c, (kT + 100) * kSec, tcp("10.0.0.6", 40001, "192.0.2.1", 22, kSyn));
    // Session Z: opened by local 10.0.0.7 near the boundary; reopened by the remote later.
    feed(*c, (kT + 1750) * kSec, tcp("10.0.0.7", 40002, "192.0.2.1", 22, kSyn));
    // Session W: a UDP flow whose first packet came from the remote side (a guess).
    feed(*c, (kT + 1790) * kSec, udp("192.0.2.1", 53, "10.0.0.8", 5000));

    // Interval 2: the responders speak first.
    feed(*c, (kT + 1810) * kSec, tcp("192.0.2.1", 22, "10.0.0.5", 40000, kPsh | kAck));
    feed(*c, (kT + 1811) * kSec, tcp("192.0.2.1", 22, "10.0.0.6", 40001, kPsh | kAck));
    feed(*c, (kT + 1812) * kSec, tcp("192.0.2.1", 22, "10.0.0.7", 40002, kSyn));
    feed(*c, (kT + 1813) * kSec, udp("10.0.0.8", 5000, "192.0.2.1", 53));
    ASSERT_EQ(done.size(), 1u);
    const IntervalData* cur = c->current();
    ASSERT_NE(cur, nullptr);

    const Session* x = find(*cur, "10.0.0.5", 40000, "192.0.2.1", 22, 6);
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(x->first_talker, Side::kA) << "the initiator from the previous interval";
    EXPECT_EQ(x->first_evidence, TalkerEvidence::kSyn);
    EXPECT_EQ(x->last_talker, Side::kB);

    const Session* y = find(*cur, "10.0.0.6", 40001, "192.0.2.1", 22, 6);
    ASSERT_NE(y, nullptr);
    EXPECT_EQ(y->first_talker, Side::kB) << "idle before the carry window: nothing carried";
    EXPECT_EQ(y->first_evidence, TalkerEvidence::kGuess);

    const Session* z = find(*cur, "10.0.0.7", 40002, "192.0.2.1", 22, 6);
    ASSERT_NE(z, nullptr);
    EXPECT_EQ(z->first_talker, Side::kB) << "a new pure SYN opens a new connection";
    EXPECT_EQ(z->first_evidence, TalkerEvidence::kSyn);

    const Session* w = find(*cur, "10.0.0.8", 5000, "192.0.2.1", 53, 17);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->first_talker, Side::kB) << "a guessed talker is carried as well";
    EXPECT_EQ(w->first_evidence, TalkerEvidence::kGuess);
    EXPECT_EQ(w->last_talker, Side::kA);
}

TEST_F(CollectorTest, LiveStartMidIntervalIsPartialAndTheClockRotates) {
    auto c = make();
    const std::int64_t start = (kT + 600) * kSec + 500'000;
    c->start_live(start);
    ASSERT_NE(c->current(), nullptr);
    EXPECT_EQ(c->current()->start_s, kT);
    EXPECT_EQ(c->current()->end_s, kT + 1800);
    EXPECT_EQ(c->current()->covered_from_us, start);
    EXPECT_TRUE(c->current()->partial);

    feed(*c, (kT + 700) * kSec, udp("10.0.0.1", 1, "192.0.2.1", 2));
    c->advance_clock((kT + 1800) * kSec - 1);
    EXPECT_TRUE(done.empty());
    c->advance_clock((kT + 1800) * kSec);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_TRUE(done[0]->partial);
    EXPECT_EQ(done[0]->covered_from_us, start);
    EXPECT_EQ(done[0]->covered_to_us, (kT + 1800) * kSec);
    EXPECT_EQ(done[0]->packets, 1u);

    const IntervalData* next = c->current();
    ASSERT_NE(next, nullptr);
    EXPECT_EQ(next->start_s, kT + 1800);
    EXPECT_EQ(next->covered_from_us, (kT + 1800) * kSec);
    EXPECT_FALSE(next->partial);
    EXPECT_EQ(next->packets, 0u);

    // A clock that jumps several intervals ahead (suspend) writes no empty files in between.
    c->advance_clock((kT + 1800 + 3 * 1800 + 5) * kSec);
    ASSERT_EQ(done.size(), 2u);
    EXPECT_EQ(done[1]->start_s, kT + 1800);
    EXPECT_EQ(c->current()->start_s, kT + 4 * 1800);
}

TEST_F(CollectorTest, LiveStartOnABoundaryIsNotPartial) {
    auto c = make();
    c->start_live(kT * kSec);
    ASSERT_NE(c->current(), nullptr);
    EXPECT_FALSE(c->current()->partial);
    EXPECT_EQ(c->current()->start_s, kT);
}

TEST_F(CollectorTest, FinishMarksPartialOnlyWhenStoppedBeforeTheEnd) {
    auto c = make();
    const Bytes p = udp("10.0.0.1", 1, "192.0.2.1", 2);
    feed(*c, (kT + 10) * kSec, p);
    c->finish((kT + 900) * kSec, true, false);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_TRUE(done[0]->partial);
    EXPECT_EQ(done[0]->covered_to_us, (kT + 900) * kSec);

    feed(*c, (kT + 1810) * kSec, p);
    c->finish((kT + 1900) * kSec, false, false);  // end of input, not an interruption
    ASSERT_EQ(done.size(), 2u);
    EXPECT_FALSE(done[1]->partial);

    feed(*c, (kT + 3610) * kSec, p);
    c->finish((kT + 5400) * kSec + 1, true, false);  // stopped after the interval's end
    ASSERT_EQ(done.size(), 3u);
    EXPECT_FALSE(done[2]->partial);
    EXPECT_EQ(done[2]->covered_to_us, (kT + 5400) * kSec) << "coverage ends at the interval's end";

    c->finish((kT + 6000) * kSec, true, false);  // nothing open: nothing written
    EXPECT_EQ(done.size(), 3u);
}

TEST_F(CollectorTest, FinishAndReopenContinuesInTheSameIntervalAsPartial) {
    auto c = make();
    c->start_live((kT + 10) * kSec);
    c->finish((kT + 900) * kSec, true, true);  // SIGUSR1
    ASSERT_EQ(done.size(), 1u);
    EXPECT_TRUE(done[0]->partial);
    EXPECT_EQ(done[0]->covered_from_us, (kT + 10) * kSec);
    EXPECT_EQ(done[0]->covered_to_us, (kT + 900) * kSec);
    ASSERT_NE(c->current(), nullptr);
    EXPECT_EQ(c->current()->start_s, kT);
    EXPECT_EQ(c->current()->covered_from_us, (kT + 900) * kSec);
    EXPECT_TRUE(c->current()->partial);
    c->advance_clock((kT + 1800) * kSec);
    ASSERT_EQ(done.size(), 2u);
    EXPECT_TRUE(done[1]->partial);
    EXPECT_EQ(done[1]->covered_from_us, (kT + 900) * kSec);
    EXPECT_EQ(done[1]->covered_to_us, (kT + 1800) * kSec);
}

TEST_F(CollectorTest, TalkerIsCarriedAcrossAnEarlyCloseToo) {
    // SIGUSR1 closes the interval at T+900 and goes on from there: a connection active just
    // before the cut is as much "across a boundary" as one active before the nominal end.
    auto c = make();
    c->start_live((kT + 10) * kSec);
    feed(*c, (kT + 800) * kSec, tcp("10.0.0.5", 40000, "192.0.2.1", 22, t::tcp_flag::syn));
    c->finish((kT + 900) * kSec, true, true);
    feed(*c, (kT + 950) * kSec, tcp("192.0.2.1", 22, "10.0.0.5", 40000, t::tcp_flag::psh | t::tcp_flag::ack));
    const Session* s = find(*c->current(), "10.0.0.5", 40000, "192.0.2.1", 22, 6);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->first_talker, Side::kA);
    EXPECT_EQ(s->first_evidence, TalkerEvidence::kSyn);
}

TEST_F(CollectorTest, NewLocalNetworksApplyFromTheNextInterval) {
    auto c = make();
    feed(*c, (kT + 10) * kSec, udp("192.168.0.1", 1000, "10.0.0.1", 2000));
    c->set_local_networks(std::make_shared<const LocalNetworks>(NetworkList::parse("192.168.0.0/16"), LocalNetworks::default_other()));
    feed(*c, (kT + 20) * kSec, udp("10.0.0.2", 1000, "192.168.0.2", 2000));
    EXPECT_EQ(c->current()->networks, nets) << "one interval is never oriented two ways";
    feed(*c, (kT + 1810) * kSec, udp("10.0.0.3", 1000, "192.168.0.3", 2000));
    ASSERT_EQ(done.size(), 1u);
    // Old networks: 10/8 is local, so 10.x is side A.
    EXPECT_NE(find(*done[0], "10.0.0.1", 2000, "192.168.0.1", 1000, 17), nullptr);
    EXPECT_NE(find(*done[0], "10.0.0.2", 1000, "192.168.0.2", 2000, 17), nullptr);
    EXPECT_EQ(done[0]->networks, nets);
    // New networks: 192.168/16 is local.
    const IntervalData* cur = c->current();
    ASSERT_NE(cur, nullptr);
    EXPECT_EQ(cur->networks->local().text(), "192.168.0.0/16");
    EXPECT_NE(find(*cur, "192.168.0.3", 2000, "10.0.0.3", 1000, 17), nullptr);
}

TEST_F(CollectorTest, LiveRotationPicksUpNewLocalNetworks) {
    auto c = make();
    c->start_live((kT + 5) * kSec);
    c->set_local_networks(std::make_shared<const LocalNetworks>(NetworkList::parse("172.16.0.0/12"), LocalNetworks::default_other()));
    EXPECT_EQ(c->current()->networks, nets);
    c->advance_clock((kT + 1800) * kSec);
    ASSERT_NE(c->current(), nullptr);
    EXPECT_EQ(c->current()->networks->local().text(), "172.16.0.0/12");
}

TEST_F(CollectorTest, CaptureCountersAreTakenAtEachIntervalEnd) {
    auto c = make();
    int calls = 0;
    c->set_capture_probe([&calls] {
        ++calls;
        return CaptureCounters{true, 100u * static_cast<std::uint64_t>(calls), 5, 1};
    });
    c->start_live(kT * kSec);
    c->advance_clock((kT + 1800) * kSec);
    c->advance_clock((kT + 3600) * kSec);
    ASSERT_EQ(done.size(), 2u);
    EXPECT_TRUE(done[0]->capture.available);
    EXPECT_EQ(done[0]->capture.received, 100u);
    EXPECT_EQ(done[1]->capture.received, 200u);
    EXPECT_EQ(done[1]->capture.dropped, 5u);
    EXPECT_EQ(done[1]->capture.if_dropped, 1u);
}

TEST_F(CollectorTest, FinishedIntervalsGiveTheirMemoryBack) {
    {
        auto c = make();
        for (std::uint16_t port = 1; port < 200; ++port) feed(*c, (kT + 1) * kSec, udp("10.0.0.1", port, "192.0.2.1", 53));
        c->finish((kT + 2) * kSec, false, false);
        ASSERT_EQ(done.size(), 1u);
        EXPECT_EQ(done[0]->sessions.size(), 199u);
        EXPECT_GT(budget.used(), 0u);
    }
    done.clear();
    EXPECT_EQ(budget.used(), 0u);
}

}  // namespace
}  // namespace ipaudit
