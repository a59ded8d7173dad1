// TalkerCarry: a sorted array searched by key hash.
#include "core/talker_carry.hpp"

#include <algorithm>

namespace ipaudit {

void TalkerCarry::rebuild(const SessionTable& table, std::int64_t since_us) {
    entries_.clear();
    table.for_each([&](const Session& s) {
        if (s.last_us >= since_us) entries_.push_back({hash_key(s.key), {s.first_talker, s.first_evidence}});
    });
    std::sort(entries_.begin(), entries_.end(), [](const Entry& x, const Entry& y) { return x.hash < y.hash; });
    entries_.shrink_to_fit();
}

std::optional<TalkerCarry::Talker> TalkerCarry::find(const SessionKey& key) const noexcept {
    if (entries_.empty()) return std::nullopt;
    const std::uint64_t h = hash_key(key);
    const auto it = std::lower_bound(entries_.begin(), entries_.end(), h,
                                     [](const Entry& e, std::uint64_t v) { return e.hash < v; });
    if (it == entries_.end() || it->hash != h) return std::nullopt;
    return it->talker;
}

}  // namespace ipaudit
