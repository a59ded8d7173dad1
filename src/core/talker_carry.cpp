// TalkerCarry: one sorted array of 64-bit words, hash in the high bits, talker in the low two.
#include "core/talker_carry.hpp"

#include <algorithm>

namespace ipaudit {

namespace {

constexpr std::uint64_t kTalkerBits = 0x3;

std::uint64_t pack(std::uint64_t hash, Side side, TalkerEvidence evidence) noexcept {
    return (hash & ~kTalkerBits) | (static_cast<std::uint64_t>(side) << 1) | static_cast<std::uint64_t>(evidence);
}

}  // namespace

void TalkerCarry::rebuild(const SessionTable& table, std::int64_t since_us) noexcept {
    entries_.clear();
    try {
        table.for_each([&](const Session& s) {
            if (s.last_us >= since_us) entries_.push_back(pack(hash_key(s.key), s.first_talker, s.first_evidence));
        });
    } catch (const std::bad_alloc&) {  // out of memory: talkers are guessed afresh, nothing is lost
        entries_.clear();
        return;
    }
    // Runs on the capture thread at every boundary: a plain integer sort keeps that pause short.
    std::sort(entries_.begin(), entries_.end());
}

std::optional<TalkerCarry::Talker> TalkerCarry::find(const SessionKey& key) const noexcept {
    if (entries_.empty()) return std::nullopt;
    const std::uint64_t wanted = hash_key(key) & ~kTalkerBits;
    const auto it = std::lower_bound(entries_.begin(), entries_.end(), wanted);
    if (it == entries_.end() || (*it & ~kTalkerBits) != wanted) return std::nullopt;
    return Talker{static_cast<Side>((*it >> 1) & 1u), static_cast<TalkerEvidence>(*it & 1u)};
}

}  // namespace ipaudit
