// Applies one decoded IP packet to its interval: orientation, fragments, counters, talkers.
#pragma once

#include <cstdint>

#include "core/fragment_cache.hpp"
#include "core/interval_data.hpp"
#include "core/network_list.hpp"
#include "core/talker_carry.hpp"

namespace ipaudit {

// Which way a packet goes relative to its session's sides.
struct Orientation {
    SessionKey key;
    Side sender;  // kA when the packet goes A->B
};

// Side A is the local side when exactly one side is local; otherwise the smaller (ip, port).
[[nodiscard]] Orientation orient(const PacketSummary& p, const LocalNetworks& networks) noexcept;

// Accounts a kIp packet `p` seen at `ts_us` into `into` (notes counted, overflow counted when
// the session budget is spent). Later fragments get their ports from `fragments` first.
void account_packet(PacketSummary& p, std::int64_t ts_us, const LocalNetworks& networks,
                    FragmentCache& fragments, const TalkerCarry& carry, IntervalData& into);

}  // namespace ipaudit
