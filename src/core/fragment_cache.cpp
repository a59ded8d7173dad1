// FragmentCache lookups.
#include "core/fragment_cache.hpp"

namespace ipaudit {

std::size_t FragmentCache::slot_of(const PacketSummary& p) noexcept {
    std::uint64_t h = p.src.lo * 0x9E3779B97F4A7C15ULL ^ p.dst.lo ^ (p.src.hi >> 7) ^ (p.dst.hi << 3);
    h ^= (std::uint64_t{p.frag_id} << 8) | p.frag_proto;
    h *= 0xBF58476D1CE4E5B9ULL;
    return static_cast<std::size_t>(h >> 52) & (kEntries - 1);
}

void FragmentCache::remember(const PacketSummary& first, std::int64_t ts_us) noexcept {
    Entry& e = entries_[slot_of(first)];
    e = Entry{first.src, first.dst, ts_us, first.frag_id, first.src_port, first.dst_port, first.frag_proto, first.proto, true};
}

bool FragmentCache::resolve(PacketSummary& later, std::int64_t ts_us) const noexcept {
    const Entry& e = entries_[slot_of(later)];
    if (!same_datagram(e, later) || ts_us - e.ts_us > kLifetimeUs || ts_us < e.ts_us - kLifetimeUs) return false;
    later.src_port = e.src_port;
    later.dst_port = e.dst_port;
    later.proto = e.proto;
    return true;
}

}  // namespace ipaudit
