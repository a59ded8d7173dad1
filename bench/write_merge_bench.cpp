// Interval writing at scale: one interval of N sessions written to its SQLite file (the writer
// thread's IntervalStore::write) and merged into its day's rollup (RollupWriter::merge, what the
// live daemon does after each write), first into an empty day, then interval after interval
// into a day that already holds the earlier ones. Also times the capture thread's own pause at
// the boundary (carrying the talkers of every session into the next interval), which is all the
// capture thread does for a finished interval: the write and the merge run on the writer thread.
//   write_merge_bench DATA_DIR [SESSIONS (1000000)] [INTERVALS (4)]
// Prints one line per interval: "interval I sessions N day_sessions_before D write_ms W merge_ms M"
// and "carry_ms C". Run with TZ=UTC (the day of the intervals is 2026-11-02, UTC).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "core/interval_data.hpp"
#include "core/memory_budget.hpp"
#include "core/talker_carry.hpp"
#include "report/port_labels.hpp"
#include "report/rollup.hpp"
#include "store/interval_store.hpp"

namespace {

using namespace ipaudit;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

std::uint64_t mix64(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

// N sessions like the pcapgen bench mix: a local host of 10.1.0.0/16 talking to a remote host,
// most sessions their own pair (the rollup's worst case, as on the bench data).
std::unique_ptr<IntervalData> make_interval(MemoryBudget& budget, std::shared_ptr<const LocalNetworks> networks,
                                            std::uint32_t sessions, std::uint32_t seed, std::int64_t start_s) {
    auto iv = std::make_unique<IntervalData>(budget);
    iv->start_s = start_s;
    iv->end_s = start_s + 1800;
    iv->covered_from_us = start_s * 1'000'000;
    iv->covered_to_us = iv->end_s * 1'000'000;
    iv->networks = std::move(networks);
    iv->run = std::make_shared<RunInfo>(RunInfo{"bench", "write_merge_bench", "bench"});
    for (std::uint32_t n = 0; n < sessions; ++n) {
        const std::uint64_t h = mix64((std::uint64_t{seed} << 32) | n);
        SessionKey key{IpAddress::from_v4(0x0A010000u | static_cast<std::uint32_t>(h & 0xFFFFu)),
                       IpAddress::from_v4(0xC6000000u | static_cast<std::uint32_t>((h >> 16) & 0xFFFFFFu)),
                       static_cast<std::uint16_t>(1024 + ((h >> 40) % 60000)),
                       static_cast<std::uint16_t>((h >> 56) % 4 == 0 ? 53 : 443), static_cast<std::uint8_t>((h >> 56) % 4 == 0 ? 17 : 6)};
        bool created = false;
        Session* s = iv->sessions.find_or_insert(key, created);
        if (s == nullptr) {
            std::fprintf(stderr, "session budget full\n");
            std::exit(1);
        }
        s->packets_ab += 3;
        s->packets_ba += 2;
        s->bytes_ab += 300 + (h & 0xFFF);
        s->bytes_ba += 1200 + ((h >> 12) & 0xFFFF);
        s->flags_ab = 0x12;
        s->first_us = iv->covered_from_us + static_cast<std::int64_t>(h % 1'000'000'000);
        s->last_us = s->first_us + 1000;
        iv->packets += 5;
        iv->wire_bytes += s->bytes_ab + s->bytes_ba;
        iv->ip_bytes += s->bytes_ab + s->bytes_ba;
        iv->outcomes[static_cast<std::size_t>(DecodeOutcome::kIp)] += 5;
    }
    iv->packets_with_time = iv->packets;
    iv->first_packet_us = iv->covered_from_us;
    iv->last_packet_us = iv->covered_to_us - 1;
    return iv;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: write_merge_bench DATA_DIR [SESSIONS] [INTERVALS]\n");
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    const auto sessions = static_cast<std::uint32_t>(argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1000000);
    const int intervals = argc > 3 ? std::atoi(argv[3]) : 4;
    std::filesystem::remove_all(dir);
    MemoryBudget budget(std::size_t{16} << 30);
    auto networks = std::make_shared<const LocalNetworks>(NetworkList::parse("10.1.0.0/16"), LocalNetworks::default_other());
    store::IntervalStore store(dir, store::IntervalStore::Existing::kKeep);
    report::RollupWriter rollups(dir, report::PortLabels::defaults());
    const std::int64_t day0 = 1793577600;  // 2026-11-02 00:00 UTC
    std::uint64_t day_sessions = 0;
    for (int i = 0; i < intervals; ++i) {
        auto iv = make_interval(budget, networks, sessions, static_cast<std::uint32_t>(i), day0 + i * 1800);
        if (i == 0) {
            TalkerCarry carry;
            const auto t0 = Clock::now();
            carry.rebuild(iv->sessions, 0);
            std::printf("carry_ms %.0f\n", ms_since(t0));
        }
        auto t0 = Clock::now();
        const auto path = store.write(*iv);
        const double write_ms = ms_since(t0);
        t0 = Clock::now();
        rollups.merge(path);
        const double merge_ms = ms_since(t0);
        std::printf("interval %d sessions %zu day_sessions_before %llu write_ms %.0f merge_ms %.0f\n", i, iv->sessions.size(),
                    static_cast<unsigned long long>(day_sessions), write_ms, merge_ms);
        std::fflush(stdout);
        day_sessions += iv->sessions.size();
    }
    return 0;
}
