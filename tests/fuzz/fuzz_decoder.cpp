// Fuzz target: the capture path, from one captured frame to the session table.
//
// Input layout:
//   byte 0   link type: index into kLinkTypes (modulo its size)
//   byte 1   options (bits below)
//   rest     one frame, or with kMultiFrame a sequence of [length: 2 bytes, big endian][frame]
//            (the last frame takes what is left), so that fragments of one datagram meet the
//            fragment cache and several packets meet the same session.
//
// Every frame goes through decode_frame() on its own (the pure decoder) and through
// Collector::on_frame(), the path capture_callback() hands frames to: decode, orientation,
// fragment cache, session table, interval rotation and talker carry. Each finished interval is
// checked against the accounting invariants the interval files rely on.
#include <pcap/dlt.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

#include "core/collector.hpp"
#include "core/decoder.hpp"
#include "core/interval_clock.hpp"
#include "core/memory_budget.hpp"
#include "core/network_list.hpp"

namespace {

using namespace ipaudit;

// The link types ipauditd decodes (plus one it does not), as pcap_datalink() reports them.
constexpr std::array kLinkTypes{
    DLT_EN10MB, DLT_RAW,  DLT_NULL,       DLT_LOOP,   DLT_LINUX_SLL, DLT_LINUX_SLL2,
    DLT_PPP,    DLT_IPV4, DLT_IPV6,       DLT_C_HDLC, DLT_PPP_SERIAL, 147 /* DLT_USER0: unsupported */,
};

enum Option : std::uint8_t {
    kMultiFrame = 0x01,    // several frames, length prefixed
    kSnapTruncated = 0x02, // the wire length exceeds the captured bytes (snaplen cut)
    kLocalNets = 0x04,     // --local 10.0.0.0/8,192.168.0.0/16,2001:db8::/32 (else none)
    kTimeJumps = 0x08,     // frames 17 minutes apart with 5-minute intervals: rotation and carry
    kTimeBack = 0x10,      // every other frame 2 hours earlier: out of order intervals
    kTinyBudget = 0x20,    // a session budget of 64 KiB: the overflow path
    kUntimed = 0x40,       // every third frame has no usable timestamp
};

// 2024-03-09 12:00:00 UTC.
constexpr std::int64_t kStartUs = 1'709'985'600LL * kMicrosPerSecond;

[[noreturn]] void invariant_failed() { std::abort(); }

void check_interval(const IntervalData& iv, bool finished) {
    std::uint64_t outcomes = 0;
    for (const auto n : iv.outcomes) outcomes += n;
    if (outcomes != iv.packets) invariant_failed();  // exactly one outcome per packet
    std::uint64_t session_packets = 0;
    iv.sessions.for_each([&](const Session& s) {
        session_packets += s.packets_ab + s.packets_ba;
        if (s.packets_ab + s.packets_ba == 0) invariant_failed();
        if (s.first_us > s.last_us) invariant_failed();
    });
    // Every kIp packet is in a session or counted as overflow.
    if (session_packets + iv.overflow_packets != iv.outcomes[static_cast<std::size_t>(DecodeOutcome::kIp)])
        invariant_failed();
    if (finished && iv.covered_to_us < iv.covered_from_us) invariant_failed();
}

std::shared_ptr<const LocalNetworks> networks(bool local) {
    static const auto none = std::make_shared<const LocalNetworks>(NetworkList{}, LocalNetworks::default_other());
    static const auto some = std::make_shared<const LocalNetworks>(
        NetworkList::parse("10.0.0.0/8,192.168.0.0/16,2001:db8::/32"), LocalNetworks::default_other());
    return local ? some : none;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const int dlt = kLinkTypes[data[0] % kLinkTypes.size()];
    const std::uint8_t options = data[1];
    std::span<const std::uint8_t> rest(data + 2, size - 2);

    std::vector<std::span<const std::uint8_t>> frames;
    if (options & kMultiFrame) {
        while (rest.size() >= 2 && frames.size() < 64) {
            const std::size_t len = std::min<std::size_t>((std::size_t{rest[0]} << 8) | rest[1], rest.size() - 2);
            frames.push_back(rest.subspan(2, len));
            rest = rest.subspan(2 + len);
        }
    } else {
        frames.push_back(rest);
    }

    MemoryBudget budget((options & kTinyBudget) ? std::size_t{64} << 10 : std::size_t{256} << 20);
    const auto run = std::make_shared<const RunInfo>(RunInfo{"fuzz", "fuzz", "0"});
    const Collector::Options collector_options =
        (options & kTimeJumps) ? Collector::Options{300, 120} : Collector::Options{1800, 300};
    Collector collector(collector_options, budget, run, networks(options & kLocalNets),
                        [](std::unique_ptr<IntervalData> iv) { check_interval(*iv, true); });
    collector.set_link_type(dlt);
    const LinkDecoder decoder = link_decoder_for(dlt);

    std::int64_t ts = kStartUs;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const auto frame = frames[i];
        const auto wire = static_cast<std::uint32_t>(frame.size() + ((options & kSnapTruncated) ? 1200 : 0));

        PacketSummary a, b;
        const DecodeOutcome first = decode_frame(decoder, frame, wire, a);
        const DecodeOutcome second = decode_frame(decoder, frame, wire, b);
        if (first >= DecodeOutcome::kCount || first != second) invariant_failed();  // pure and in range

        ts += (options & kTimeJumps) ? 17 * 60 * kMicrosPerSecond : 1000;
        const std::int64_t frame_ts = ((options & kTimeBack) && i % 2 == 1) ? ts - 7200 * kMicrosPerSecond : ts;
        if ((options & kUntimed) && i % 3 == 2)
            collector.on_frame_without_time(frame, wire);
        else
            collector.on_frame(frame_ts, frame, wire);
    }
    if (const IntervalData* iv = collector.current()) check_interval(*iv, false);
    collector.finish(ts + kMicrosPerSecond, true, false);
    return 0;
}
