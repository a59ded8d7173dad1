// Remembers the ports of first IP fragments so later fragments join their datagram's session.
#pragma once

#include <cstdint>
#include <vector>

#include "core/packet_summary.hpp"

namespace ipaudit {

// Direct-mapped and fixed in size: a flood of fragments can only evict entries, never grow
// memory. A later fragment whose entry was evicted or never seen keeps ports 0.
class FragmentCache {
public:
    static constexpr std::size_t kEntries = 4096;
    static constexpr std::int64_t kLifetimeUs = 60'000'000;  // Linux's ipfrag_time is 30 s

    FragmentCache() : entries_(kEntries) {}

    // Records the ports of a first fragment (offset 0, more to come).
    void remember(const PacketSummary& first, std::int64_t ts_us) noexcept;
    // Gives a later fragment its datagram's ports and upper-layer protocol (an IPv6 extension
    // header after the fragment header is only in the first); false when that is unknown.
    [[nodiscard]] bool resolve(PacketSummary& later, std::int64_t ts_us) const noexcept;

private:
    struct Entry {
        IpAddress src;
        IpAddress dst;
        std::int64_t ts_us = 0;
        std::uint32_t id = 0;
        std::uint16_t src_port = 0;
        std::uint16_t dst_port = 0;
        std::uint8_t frag_proto = 0;  // the key (see PacketSummary::frag_proto)
        std::uint8_t proto = 0;       // the upper layer found in the first fragment
        bool used = false;
    };
    [[nodiscard]] static std::size_t slot_of(const PacketSummary& p) noexcept;
    [[nodiscard]] static bool same_datagram(const Entry& e, const PacketSummary& p) noexcept {
        return e.used && e.id == p.frag_id && e.frag_proto == p.frag_proto && e.src == p.src && e.dst == p.dst;
    }

    std::vector<Entry> entries_;
};

}  // namespace ipaudit
