// Accountant: orientation, per-direction counters, talkers, fragments and overflow (DESIGN.md "Sessions").
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/accountant.hpp"
#include "tests/support/pcap_builder.hpp"
#include "tests/unit/unit_helpers.hpp"

namespace ipaudit {
namespace {

namespace t = ipaudit::testing;
using t::Bytes;
using unit::ip;

constexpr std::size_t kGiB = std::size_t{1} << 30;

PacketSummary summary(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport, std::uint8_t proto = 17) {
    PacketSummary p;
    p.src = ip(src);
    p.dst = ip(dst);
    p.src_port = sport;
    p.dst_port = dport;
    p.proto = proto;
    p.ip_bytes = 100;
    return p;
}

Bytes tcp(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport, std::uint8_t flags, std::size_t payload = 0) {
    return t::ip_packet(t::ip_addr(src), t::ip_addr(dst),
                        t::Tcp{.src_port = sport, .dst_port = dport, .flags = flags, .payload = payload});
}

Bytes udp(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport, std::size_t payload = 0) {
    return t::ip_packet(t::ip_addr(src), t::ip_addr(dst), t::Udp{.src_port = sport, .dst_port = dport, .payload = payload});
}

constexpr std::uint8_t kSyn = t::tcp_flag::syn, kAck = t::tcp_flag::ack, kFin = t::tcp_flag::fin, kPsh = t::tcp_flag::psh;

TEST(Orient, ExactlyOneLocalSideIsA) {
    const LocalNetworks nets(NetworkList::parse("10.0.0.0/8"), LocalNetworks::default_other());
    // The local side is A even though 1.1.1.1 < 10.0.0.5.
    const Orientation in = orient(summary("1.1.1.1", 53, "10.0.0.5", 4000), nets);
    EXPECT_EQ(in.key, (SessionKey{ip("10.0.0.5"), ip("1.1.1.1"), 4000, 53, 17}));
    EXPECT_EQ(in.sender, Side::kB);
    const Orientation out = orient(summary("10.0.0.5", 4000, "1.1.1.1", 53), nets);
    EXPECT_EQ(out.key, in.key);
    EXPECT_EQ(out.sender, Side::kA);
}

TEST(Orient, BothOrNeitherLocalTakesTheSmallerIpPort) {
    const LocalNetworks nets(NetworkList::parse("10.0.0.0/8"), LocalNetworks::default_other());
    const Orientation both = orient(summary("10.0.0.9", 1000, "10.0.0.2", 2000), nets);
    EXPECT_EQ(both.key, (SessionKey{ip("10.0.0.2"), ip("10.0.0.9"), 2000, 1000, 17}));
    EXPECT_EQ(both.sender, Side::kB);
    const Orientation neither = orient(summary("8.8.8.8", 53, "1.1.1.1", 999), nets);
    EXPECT_EQ(neither.key, (SessionKey{ip("1.1.1.1"), ip("8.8.8.8"), 999, 53, 17}));
    EXPECT_EQ(neither.sender, Side::kB);
    EXPECT_EQ(orient(summary("1.1.1.1", 999, "8.8.8.8", 53), nets).sender, Side::kA);
    // IPv6 compares the whole 128 bits, high half first.
    const Orientation v6 = orient(summary("2001:db8:1::", 1, "2001:db8::ffff", 2), nets);
    EXPECT_EQ(v6.key.a, ip("2001:db8::ffff"));
    EXPECT_EQ(v6.sender, Side::kB);
}

TEST(Orient, EqualIpsCompareThePorts) {
    const LocalNetworks nets;
    const Orientation o = orient(summary("10.0.0.1", 5000, "10.0.0.1", 80), nets);
    EXPECT_EQ(o.key, (SessionKey{ip("10.0.0.1"), ip("10.0.0.1"), 80, 5000, 17}));
    EXPECT_EQ(o.sender, Side::kB);
    const Orientation back = orient(summary("10.0.0.1", 80, "10.0.0.1", 5000), nets);
    EXPECT_EQ(back.key, o.key);
    EXPECT_EQ(back.sender, Side::kA);
}

TEST(Orient, OtherNetworksAreNotLocal) {
    // Everything is local except what "other" names: 224.0.0.251 is other, so only 250.1.1.1
    // is local and becomes A although it is the larger address.
    const LocalNetworks nets(NetworkList::parse("0.0.0.0/0"), LocalNetworks::default_other());
    const Orientation o = orient(summary("250.1.1.1", 5353, "224.0.0.251", 5353), nets);
    EXPECT_EQ(o.key.a, ip("250.1.1.1"));
    EXPECT_EQ(o.sender, Side::kA);
    // Other vs remote: neither is local, the smaller is A.
    const LocalNetworks ten(NetworkList::parse("10.0.0.0/8"), LocalNetworks::default_other());
    EXPECT_EQ(orient(summary("239.1.1.1", 1, "192.0.2.1", 2), ten).key.a, ip("192.0.2.1"));
    // An "other" address inside the local list is still not local.
    const LocalNetworks mcast_local(NetworkList::parse("224.0.0.0/4"), LocalNetworks::default_other());
    EXPECT_EQ(orient(summary("230.0.0.1", 1, "192.0.2.1", 2), mcast_local).key.a, ip("192.0.2.1"));
}

class AccountantTest : public ::testing::Test {
protected:
    void account(const Bytes& packet, std::int64_t ts_us) {
        PacketSummary p = unit::summary_of(packet);
        account_packet(p, ts_us, nets, fragments, carry, iv);
    }
    const Session* find(const char* a, std::uint16_t port_a, const char* b, std::uint16_t port_b, std::uint8_t proto) const {
        return iv.sessions.find(SessionKey{ip(a), ip(b), port_a, port_b, proto});
    }
    std::uint64_t note(DecodeNote n) const { return iv.notes[static_cast<std::size_t>(n)]; }

    MemoryBudget budget{kGiB};
    LocalNetworks nets{NetworkList::parse("10.0.0.0/8,2001:db8::/32"), LocalNetworks::default_other()};
    FragmentCache fragments;
    TalkerCarry carry;
    IntervalData iv{budget};
};

TEST_F(AccountantTest, CountsEachDirectionSeparately) {
    // A TCP exchange between local 10.0.0.5:40000 (A) and remote 192.0.2.1:80 (B).
    account(tcp("10.0.0.5", 40000, "192.0.2.1", 80, kSyn), 1'000);
    account(tcp("192.0.2.1", 80, "10.0.0.5", 40000, kSyn | kAck), 2'000);
    account(tcp("10.0.0.5", 40000, "192.0.2.1", 80, kAck), 3'000);
    account(tcp("192.0.2.1", 80, "10.0.0.5", 40000, kPsh | kAck, 1000), 4'000);
    account(tcp("10.0.0.5", 40000, "192.0.2.1", 80, kFin | kAck), 5'000);

    ASSERT_EQ(iv.sessions.size(), 1u);
    const Session* s = find("10.0.0.5", 40000, "192.0.2.1", 80, 6);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->packets_ab, 3u);
    EXPECT_EQ(s->packets_ba, 2u);
    EXPECT_EQ(s->bytes_ab, 3u * 40u);
    EXPECT_EQ(s->bytes_ba, 40u + 1040u);
    EXPECT_EQ(s->flags_ab, kSyn | kAck | kFin);
    EXPECT_EQ(s->flags_ba, kSyn | kAck | kPsh);
    EXPECT_EQ(s->first_us, 1'000);
    EXPECT_EQ(s->last_us, 5'000);
    EXPECT_EQ(s->first_talker, Side::kA);
    EXPECT_EQ(s->first_evidence, TalkerEvidence::kSyn);
    EXPECT_EQ(s->last_talker, Side::kA);
    EXPECT_EQ(iv.ip_bytes, 3u * 40u + 40u + 1040u);
}

TEST_F(AccountantTest, FirstTalkerIsTheFirstSenderAsAGuess) {
    account(udp("192.0.2.1", 53, "10.0.0.5", 5000, 10), 1'000);  // remote speaks first
    account(udp("10.0.0.5", 5000, "192.0.2.1", 53, 10), 2'000);
    const Session* s = find("10.0.0.5", 5000, "192.0.2.1", 53, 17);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->first_talker, Side::kB);
    EXPECT_EQ(s->first_evidence, TalkerEvidence::kGuess);
    EXPECT_EQ(s->last_talker, Side::kA);
}

TEST_F(AccountantTest, PureSynOverridesAGuessedFirstTalker) {
    // Capture started mid-connection: the server's ACK is seen first, then the client opens anew.
    account(tcp("192.0.2.1", 80, "10.0.0.5", 40000, kAck), 1'000);
    const Session* s = find("10.0.0.5", 40000, "192.0.2.1", 80, 6);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->first_talker, Side::kB);
    EXPECT_EQ(s->first_evidence, TalkerEvidence::kGuess);
    account(tcp("10.0.0.5", 40000, "192.0.2.1", 80, kSyn), 2'000);
    EXPECT_EQ(s->first_talker, Side::kA);
    EXPECT_EQ(s->first_evidence, TalkerEvidence::kSyn);
    // A retransmitted or later SYN does not move a talker known for certain.
    account(tcp("192.0.2.1", 80, "10.0.0.5", 40000, kSyn), 3'000);
    EXPECT_EQ(s->first_talker, Side::kA);
    EXPECT_EQ(s->first_evidence, TalkerEvidence::kSyn);
}

TEST_F(AccountantTest, SynWithEcnBitsIsStillAPureSyn) {
    // RFC 3168: an ECN-setup SYN carries ECE and CWR but no ACK.
    account(tcp("10.0.0.5", 40000, "192.0.2.1", 443, kAck), 1'000);
    account(tcp("192.0.2.1", 443, "10.0.0.5", 40000, kSyn | t::tcp_flag::ece | t::tcp_flag::cwr), 2'000);
    const Session* s = find("10.0.0.5", 40000, "192.0.2.1", 443, 6);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->first_talker, Side::kB);
    EXPECT_EQ(s->first_evidence, TalkerEvidence::kSyn);
}

TEST_F(AccountantTest, BackscatterSynAcksNeverMakeTheSilentReceiverTheInitiator) {
    // Spoofed SYNs elsewhere make a remote server send SYN-ACKs to a local host that never
    // sent anything: that host did not initiate anything.
    account(tcp("192.0.2.50", 80, "10.0.0.9", 41000, kSyn | kAck), 1'000);
    account(tcp("192.0.2.50", 80, "10.0.0.9", 41000, kSyn | kAck), 4'000'000);  // retransmitted
    const Session* s = find("10.0.0.9", 41000, "192.0.2.50", 80, 6);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->packets_ab, 0u);
    EXPECT_EQ(s->first_talker, Side::kB);
    EXPECT_EQ(s->first_evidence, TalkerEvidence::kGuess);
}

TEST_F(AccountantTest, SynAckNeverMakesItsSenderTheInitiator) {
    // A SYN-ACK is the responder's answer: it names its receiver as the initiator (session.hpp:
    // "the receiver of a SYN-ACK"), never its sender.
    account(tcp("10.0.0.5", 40000, "192.0.2.1", 80, kAck), 1'000);
    account(tcp("192.0.2.1", 80, "10.0.0.5", 40000, kSyn | kAck), 2'000);
    const Session* s = find("10.0.0.5", 40000, "192.0.2.1", 80, 6);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->first_talker, Side::kA);

    // A session that starts with a SYN-ACK (the SYN was missed): its receiver initiated, which
    // is certain once the receiver speaks (its ACK).
    account(tcp("192.0.2.9", 80, "10.0.0.6", 40001, kSyn | kAck), 3'000);
    const Session* s2 = find("10.0.0.6", 40001, "192.0.2.9", 80, 6);
    ASSERT_NE(s2, nullptr);
    EXPECT_EQ(s2->first_talker, Side::kB);  // until then, the first packet's sender (a guess)
    EXPECT_EQ(s2->first_evidence, TalkerEvidence::kGuess);
    account(tcp("10.0.0.6", 40001, "192.0.2.9", 80, kAck), 3'500);
    EXPECT_EQ(s2->first_talker, Side::kA);
    EXPECT_EQ(s2->first_evidence, TalkerEvidence::kSyn);
    EXPECT_EQ(s2->last_talker, Side::kA);

    // A guessed talker that turns out to be the responder is corrected by its SYN-ACK.
    account(tcp("10.0.0.7", 22, "192.0.2.3", 50000, kAck), 4'000);        // local server, seen first
    account(tcp("10.0.0.7", 22, "192.0.2.3", 50000, kSyn | kAck), 5'000);  // ... answers a handshake
    account(tcp("192.0.2.3", 50000, "10.0.0.7", 22, kAck), 5'500);          // ... whose client speaks
    const Session* s3 = find("10.0.0.7", 22, "192.0.2.3", 50000, 6);
    ASSERT_NE(s3, nullptr);
    EXPECT_EQ(s3->first_talker, Side::kB);
    EXPECT_EQ(s3->first_evidence, TalkerEvidence::kSyn);

    // After a SYN, the SYN-ACK agrees and changes nothing.
    account(tcp("10.0.0.8", 40002, "192.0.2.4", 443, kSyn), 6'000);
    account(tcp("192.0.2.4", 443, "10.0.0.8", 40002, kSyn | kAck), 7'000);
    const Session* s4 = find("10.0.0.8", 40002, "192.0.2.4", 443, 6);
    ASSERT_NE(s4, nullptr);
    EXPECT_EQ(s4->first_talker, Side::kA);
    EXPECT_EQ(s4->first_evidence, TalkerEvidence::kSyn);

    // The first handshake packet decides: a later SYN-ACK the other way does not flip it.
    account(tcp("10.0.0.8", 40002, "192.0.2.4", 443, kSyn | kAck), 8'000);
    EXPECT_EQ(s4->first_talker, Side::kA);
}

TEST_F(AccountantTest, UdpNeverClaimsSynEvidence) {
    // Byte 13 of a UDP payload may look like a SYN flag; only TCP has flags.
    account(udp("192.0.2.1", 53, "10.0.0.5", 5000, 20), 1'000);
    account(udp("10.0.0.5", 5000, "192.0.2.1", 53, 20), 2'000);
    const Session* s = find("10.0.0.5", 5000, "192.0.2.1", 53, 17);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->flags_ab, 0);
    EXPECT_EQ(s->flags_ba, 0);
    EXPECT_EQ(s->first_evidence, TalkerEvidence::kGuess);
}

TEST_F(AccountantTest, LastTalkerFollowsTheLatestTimestamp) {
    account(udp("10.0.0.5", 5000, "192.0.2.1", 53), 100);
    account(udp("192.0.2.1", 53, "10.0.0.5", 5000), 300);
    account(udp("10.0.0.5", 5000, "192.0.2.1", 53), 200);  // arrives late
    const Session* s = find("10.0.0.5", 5000, "192.0.2.1", 53, 17);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->last_talker, Side::kB);
    EXPECT_EQ(s->last_us, 300);
    EXPECT_EQ(s->first_us, 100);
    account(udp("10.0.0.5", 5000, "192.0.2.1", 53), 50);  // older than everything
    EXPECT_EQ(s->first_us, 50);
    EXPECT_EQ(s->last_us, 300);
    EXPECT_EQ(s->last_talker, Side::kB);
    EXPECT_EQ(s->packets_ab, 3u);
    EXPECT_EQ(s->packets_ba, 1u);
}

TEST_F(AccountantTest, IcmpRequestAndReplyShareOneSession) {
    account(t::ip_packet(t::ip_addr("10.0.0.5"), t::ip_addr("8.8.8.8"), t::Icmp{.type = 8, .id = 1, .seq = 1, .payload = 56}), 1'000);
    account(t::ip_packet(t::ip_addr("8.8.8.8"), t::ip_addr("10.0.0.5"), t::Icmp{.type = 0, .id = 1, .seq = 1, .payload = 56}), 2'000);
    ASSERT_EQ(iv.sessions.size(), 1u);
    const Session* s = find("10.0.0.5", 0, "8.8.8.8", 8 * 256, 1);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->packets_ab, 1u);
    EXPECT_EQ(s->packets_ba, 1u);
    EXPECT_EQ(s->first_talker, Side::kA);
    EXPECT_EQ(s->last_talker, Side::kB);

    // ICMPv6 neighbour solicitation and advertisement, neither side local: A is fe80::1.
    account(t::ip_packet(t::ip_addr("fe80::1"), t::ip_addr("fe80::2"), t::Icmpv6{.type = 135, .payload = 20}), 3'000);
    account(t::ip_packet(t::ip_addr("fe80::2"), t::ip_addr("fe80::1"), t::Icmpv6{.type = 136, .payload = 20}), 4'000);
    const Session* nd = find("fe80::1", 0, "fe80::2", 135 * 256, 58);
    ASSERT_NE(nd, nullptr);
    EXPECT_EQ(nd->packets_ab, 1u);
    EXPECT_EQ(nd->packets_ba, 1u);
    EXPECT_EQ(iv.sessions.size(), 2u);

    // Pinging oneself: equal addresses, ports 0 and 8*256 still meet.
    account(t::ip_packet(t::ip_addr("10.0.0.7"), t::ip_addr("10.0.0.7"), t::Icmp{.type = 8}), 5'000);
    account(t::ip_packet(t::ip_addr("10.0.0.7"), t::ip_addr("10.0.0.7"), t::Icmp{.type = 0}), 6'000);
    const Session* self = find("10.0.0.7", 0, "10.0.0.7", 8 * 256, 1);
    ASSERT_NE(self, nullptr);
    EXPECT_EQ(self->packets_ab + self->packets_ba, 2u);
    EXPECT_EQ(iv.sessions.size(), 3u);
}

// Fragments of one UDP datagram 10.0.0.5:1111 -> 192.0.2.1:2222, 24 data bytes per fragment.
std::vector<Bytes> udp_fragments(std::uint16_t id) {
    const t::Ipv4 h{.src = t::ipv4_addr("10.0.0.5"), .dst = t::ipv4_addr("192.0.2.1"), .id = id};
    const Bytes datagram =
        t::transport_bytes(t::Udp{.src_port = 1111, .dst_port = 2222, .data = Bytes(64, 0x66)}, t::ip_addr(h.src), t::ip_addr(h.dst));
    return t::ipv4_fragments(h, 17, datagram, 24);
}

TEST_F(AccountantTest, LaterFragmentsInheritTheFirstFragmentsPorts) {
    const auto frags = udp_fragments(0x1234);
    ASSERT_EQ(frags.size(), 3u);
    for (std::size_t i = 0; i < frags.size(); ++i) account(frags[i], 1'000 + static_cast<std::int64_t>(i));
    ASSERT_EQ(iv.sessions.size(), 1u);
    const Session* s = find("10.0.0.5", 1111, "192.0.2.1", 2222, 17);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->packets_ab, 3u);
    EXPECT_EQ(s->bytes_ab, 3u * 20u + 72u);  // three headers, the 72-byte datagram
    EXPECT_EQ(note(DecodeNote::kFragment), 2u);
    EXPECT_EQ(note(DecodeNote::kFragmentUnmatched), 0u);
}

TEST_F(AccountantTest, Ipv6LaterFragmentsInheritPortsToo) {
    const t::Ipv6 h{.src = t::ipv6_addr("2001:db8::5"), .dst = t::ipv6_addr("2001:4860::1")};
    const Bytes datagram =
        t::transport_bytes(t::Udp{.src_port = 443, .dst_port = 50000, .payload = 40}, t::ip_addr(h.src), t::ip_addr(h.dst));
    const auto frags = t::ipv6_fragments(h, 17, datagram, 16, 99);
    ASSERT_EQ(frags.size(), 3u);
    for (const auto& f : frags) account(f, 5'000);
    ASSERT_EQ(iv.sessions.size(), 1u);
    const Session* s = find("2001:db8::5", 443, "2001:4860::1", 50000, 17);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->packets_ab, 3u);
}

TEST_F(AccountantTest, UnmatchedLaterFragmentGoesToPortsZero) {
    const auto frags = udp_fragments(0x2222);
    account(frags[1], 1'000);  // its first fragment was never seen
    ASSERT_EQ(iv.sessions.size(), 1u);
    const Session* zero = find("10.0.0.5", 0, "192.0.2.1", 0, 17);
    ASSERT_NE(zero, nullptr);
    EXPECT_EQ(zero->packets_ab, 1u);
    EXPECT_EQ(note(DecodeNote::kFragmentUnmatched), 1u);
    EXPECT_EQ(note(DecodeNote::kFragment), 1u);

    // Out of order: the first fragment after a later one; the one after it matches.
    account(frags[0], 1'001);
    account(frags[2], 1'002);
    const Session* ports = find("10.0.0.5", 1111, "192.0.2.1", 2222, 17);
    ASSERT_NE(ports, nullptr);
    EXPECT_EQ(ports->packets_ab, 2u);
    EXPECT_EQ(zero->packets_ab, 1u);
    EXPECT_EQ(note(DecodeNote::kFragmentUnmatched), 1u);
}

TEST_F(AccountantTest, FragmentsOfAnotherDatagramDoNotMatch) {
    const auto a = udp_fragments(1);
    const auto b = udp_fragments(2);
    account(a[0], 1'000);
    account(b[1], 1'001);  // same hosts and protocol, other identification
    EXPECT_EQ(note(DecodeNote::kFragmentUnmatched), 1u);
    EXPECT_NE(find("10.0.0.5", 0, "192.0.2.1", 0, 17), nullptr);
}

TEST_F(AccountantTest, FragmentCacheForgetsOldDatagrams) {
    const auto frags = udp_fragments(0x3333);
    account(frags[0], 0);
    account(frags[1], FragmentCache::kLifetimeUs + 1);
    EXPECT_EQ(note(DecodeNote::kFragmentUnmatched), 1u);
    account(frags[2], FragmentCache::kLifetimeUs);  // still within the lifetime of the first
    EXPECT_EQ(note(DecodeNote::kFragmentUnmatched), 1u);
}

TEST_F(AccountantTest, NotesAreCounted) {
    // IPv4 options and a truncated transport header.
    account(t::ipv4_packet({.src = t::ipv4_addr("10.0.0.1"), .dst = t::ipv4_addr("192.0.2.1"), .options = Bytes(4, 1)},
                           t::RawTransport{.protocol = 6, .bytes = {0, 80}}),
            1);
    EXPECT_EQ(note(DecodeNote::kIpOptions), 1u);
    EXPECT_EQ(note(DecodeNote::kTransportTruncated), 1u);
    EXPECT_NE(find("10.0.0.1", 0, "192.0.2.1", 0, 6), nullptr);
}

TEST_F(AccountantTest, CarriedTalkerSurvivesAnIntervalBoundary) {
    // Previous interval: local 10.0.0.5 opened a connection to 192.0.2.1:22 with a SYN.
    MemoryBudget prev_budget(kGiB);
    IntervalData prev(prev_budget);
    PacketSummary syn = unit::summary_of(tcp("10.0.0.5", 40000, "192.0.2.1", 22, kSyn));
    account_packet(syn, 1'000, nets, fragments, carry, prev);
    carry.rebuild(prev.sessions, 0);
    ASSERT_EQ(carry.size(), 1u);

    // This interval: the server speaks first; the carried initiator stays.
    account(tcp("192.0.2.1", 22, "10.0.0.5", 40000, kPsh | kAck, 100), 2'000);
    const Session* s = find("10.0.0.5", 40000, "192.0.2.1", 22, 6);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->first_talker, Side::kA);
    EXPECT_EQ(s->first_evidence, TalkerEvidence::kSyn);
    EXPECT_EQ(s->last_talker, Side::kB);

    // A pure SYN opening a new connection on the same ports is not overridden by the carry.
    IntervalData next(budget);
    PacketSummary fresh = unit::summary_of(tcp("192.0.2.1", 22, "10.0.0.5", 40000, kSyn));
    account_packet(fresh, 3'000, nets, fragments, carry, next);
    const Session* n = next.sessions.find(SessionKey{ip("10.0.0.5"), ip("192.0.2.1"), 40000, 22, 6});
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->first_talker, Side::kB);
    EXPECT_EQ(n->first_evidence, TalkerEvidence::kSyn);

    // Sessions idle before the carry window are not carried.
    carry.rebuild(prev.sessions, 1'001);
    EXPECT_EQ(carry.size(), 0u);
}

TEST(AccountantOverflow, SpentBudgetCountsOverflowNotSessions) {
    MemoryBudget none(0);
    IntervalData iv(none);
    const LocalNetworks nets(NetworkList::parse("10.0.0.0/8"), LocalNetworks::default_other());
    FragmentCache fragments;
    TalkerCarry carry;
    std::uint64_t bytes = 0;
    for (std::uint16_t port = 1; port <= 3; ++port) {
        PacketSummary p = unit::summary_of(udp("10.0.0.1", port, "192.0.2.1", 53, port));
        bytes += p.ip_bytes;
        account_packet(p, port, nets, fragments, carry, iv);
    }
    EXPECT_EQ(iv.sessions.size(), 0u);
    EXPECT_EQ(iv.overflow_packets, 3u);
    EXPECT_EQ(iv.overflow_bytes, bytes);
    EXPECT_EQ(iv.ip_bytes, bytes) << "overflow packets are still IP bytes of the interval";
}

TEST(AccountantOverflow, ExistingSessionsKeepCountingWhenTheBudgetIsSpent) {
    const std::size_t index_bytes = (std::size_t{1} << 16) * sizeof(std::uint64_t);
    MemoryBudget budget(index_bytes + SessionTable::kChunkSize * sizeof(Session));
    IntervalData iv(budget);
    const LocalNetworks nets(NetworkList::parse("10.0.0.0/8"), LocalNetworks::default_other());
    FragmentCache fragments;
    TalkerCarry carry;
    // Fill the table with distinct sessions until one is refused.
    std::uint32_t i = 0;
    while (iv.overflow_packets == 0) {
        PacketSummary p = summary("10.0.0.1", static_cast<std::uint16_t>(i & 0xFFFF), "192.0.2.1", 53);
        p.src = IpAddress::from_v4(0x0A000001u + (i >> 16));
        account_packet(p, 1, nets, fragments, carry, iv);
        ++i;
        ASSERT_LT(i, 1'000'000u);
    }
    const std::size_t stored = iv.sessions.size();
    EXPECT_EQ(stored + 1, i);
    EXPECT_EQ(iv.overflow_bytes, 100u);

    PacketSummary again = summary("10.0.0.1", 0, "192.0.2.1", 53);  // the very first session
    account_packet(again, 2, nets, fragments, carry, iv);
    EXPECT_EQ(iv.overflow_packets, 1u);
    EXPECT_EQ(iv.sessions.size(), stored);
    const Session* s = iv.sessions.find(SessionKey{ip("10.0.0.1"), ip("192.0.2.1"), 0, 53, 17});
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->packets_ab, 2u);
    EXPECT_EQ(s->last_us, 2);
}

}  // namespace
}  // namespace ipaudit

namespace ipaudit {
namespace {

TEST_F(AccountantTest, Ipv6FragmentsMeetWhenAnExtensionHeaderFollowsTheFragmentHeader) {
    // RFC 8200 4.5: headers after the Fragment header are in the first fragment only, so later
    // fragments name the next header (60, destination options), not UDP. They must still join
    // the datagram's UDP session.
    const auto src = t::ipv6_addr("2001:db8::1");
    const auto dst = t::ipv6_addr("2001:db8::2");
    constexpr std::uint32_t kId = 0xBEEF;
    Bytes datagram = t::destination_options().body;  // the unfragmentable part ends at the fragment header
    datagram.insert(datagram.begin(), 17);            // dest-opts next header: UDP
    const Bytes udp_bytes = t::transport_bytes(t::Udp{.src_port = 5353, .dst_port = 9999, .payload = 1200},
                                               t::ip_addr(src), t::ip_addr(dst));
    datagram.insert(datagram.end(), udp_bytes.begin(), udp_bytes.end());
    const auto pieces = t::ipv6_fragments(t::Ipv6{.src = src, .dst = dst}, 60, datagram, 512, kId);
    ASSERT_GE(pieces.size(), 2u);
    std::int64_t ts = 1'000;
    for (const Bytes& f : pieces) account(f, ts += 10);

    const Session* s = find("2001:db8::1", 5353, "2001:db8::2", 9999, 17);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->packets_ab, pieces.size());
    EXPECT_EQ(iv.sessions.size(), 1u);  // no stray proto-60, ports-0 session
    EXPECT_EQ(note(DecodeNote::kFragmentUnmatched), 0u);
}

}  // namespace
}  // namespace ipaudit
