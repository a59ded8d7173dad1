// Google Benchmark micro-benchmarks of the per-packet path: decoding and session accounting.
#include <benchmark/benchmark.h>
#include <pcap/dlt.h>

#include <vector>

#include "core/accountant.hpp"
#include "core/talker_carry.hpp"
#include "core/decoder.hpp"
#include "core/memory_budget.hpp"
#include "tests/support/pcap_builder.hpp"

namespace {

using namespace ipaudit;

std::vector<std::uint8_t> tcp_frame() {
    namespace pb = ipaudit::testing;
    pb::Ipv4 ip;
    ip.src = pb::ipv4_addr("10.1.2.3");
    ip.dst = pb::ipv4_addr("192.0.2.1");
    pb::Tcp tcp;
    tcp.src_port = 40000;
    tcp.dst_port = 443;
    tcp.flags = pb::tcp_flag::psh | pb::tcp_flag::ack;
    tcp.payload = 1200;
    return pb::frame(pb::dlt::ethernet, pb::ipv4_packet(ip, tcp));
}

void BM_DecodeEthernetTcp(benchmark::State& state) {
    const auto frame = tcp_frame();
    const LinkDecoder decoder = link_decoder_for(DLT_EN10MB);
    PacketSummary summary;
    for (auto _ : state) {
        benchmark::DoNotOptimize(decode_frame(decoder, frame, static_cast<std::uint32_t>(frame.size()), summary));
        benchmark::DoNotOptimize(summary);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeEthernetTcp);

// Accounting packets spread over N sessions: measures hash table probing at that size.
void BM_AccountPackets(benchmark::State& state) {
    const auto sessions = static_cast<std::uint32_t>(state.range(0));
    MemoryBudget budget(std::size_t{8} << 30);
    IntervalData interval(budget);
    const LocalNetworks networks(NetworkList::parse("10.0.0.0/8"), LocalNetworks::default_other());
    FragmentCache fragments;
    TalkerCarry carry;
    std::uint32_t i = 0;
    for (auto _ : state) {
        PacketSummary p;
        const std::uint32_t n = i++ % sessions;
        p.src = IpAddress::from_v4(0x0A000000u | (n & 0xFFFFu));
        p.dst = IpAddress::from_v4(0xC0000200u | (n >> 16));
        p.src_port = static_cast<std::uint16_t>(1024 + (n & 0x3FF));
        p.dst_port = 443;
        p.proto = 6;
        p.ip_bytes = 1500;
        account_packet(p, i, networks, fragments, carry, interval);
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["sessions"] = static_cast<double>(interval.sessions.size());
}
BENCHMARK(BM_AccountPackets)->Arg(1000)->Arg(100000)->Arg(1000000);

// The pause at each interval boundary on the capture thread: carrying the talkers of every
// session active in the carry window (here all of them) into the next interval.
void BM_TalkerCarryRebuild(benchmark::State& state) {
    const auto sessions = static_cast<std::uint32_t>(state.range(0));
    MemoryBudget budget(std::size_t{8} << 30);
    SessionTable table(budget);
    for (std::uint32_t n = 0; n < sessions; ++n) {
        bool created = false;
        Session* s = table.find_or_insert(
            SessionKey{IpAddress::from_v4(0x0A000000u | (n & 0xFFFFu)), IpAddress::from_v4(0xC0000200u | (n >> 16)),
                       static_cast<std::uint16_t>(1024 + (n & 0x3FF)), 443, 6},
            created);
        s->last_us = 1;
    }
    TalkerCarry carry;
    for (auto _ : state) carry.rebuild(table, 0);
    state.SetItemsProcessed(state.iterations() * sessions);
}
BENCHMARK(BM_TalkerCarryRebuild)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
