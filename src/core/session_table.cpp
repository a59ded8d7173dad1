// SessionTable: probing, growth and budget accounting.
#include "core/session_table.hpp"

namespace ipaudit {

namespace {

constexpr std::size_t kInitialSlots = std::size_t{1} << 16;

constexpr std::uint64_t make_slot(std::uint32_t tag, std::size_t index) noexcept {
    return (std::uint64_t{tag} << 32) | (index + 1);
}
constexpr std::uint32_t slot_tag(std::uint64_t slot) noexcept { return static_cast<std::uint32_t>(slot >> 32); }
constexpr std::size_t slot_index(std::uint64_t slot) noexcept { return static_cast<std::size_t>(slot & 0xFFFF'FFFFu) - 1; }

}  // namespace

SessionTable::SessionTable(MemoryBudget& budget) : budget_(&budget) {}

std::size_t SessionTable::memory_bytes() const noexcept {  // what is charged to the budget
    return slots_.size() * sizeof(std::uint64_t) + chunks_.size() * kChunkSize * sizeof(Session);
}

const Session* SessionTable::find(const SessionKey& key) const noexcept {
    if (slots_.empty()) return nullptr;
    const std::uint64_t h = hash_key(key);
    const auto tag = static_cast<std::uint32_t>(h);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t pos = tag & mask;; pos = (pos + 1) & mask) {
        const std::uint64_t slot = slots_[pos];
        if (slot == 0) return nullptr;
        if (slot_tag(slot) == tag && at(slot_index(slot)).key == key) return &at(slot_index(slot));
    }
}

Session* SessionTable::find_or_insert(const SessionKey& key, bool& created) noexcept {
    created = false;
    if (slots_.empty() && !grow_index()) return nullptr;
    const std::uint64_t h = hash_key(key);
    const auto tag = static_cast<std::uint32_t>(h);
    std::size_t mask = slots_.size() - 1;
    std::size_t pos = tag & mask;
    for (;; pos = (pos + 1) & mask) {
        const std::uint64_t slot = slots_[pos];
        if (slot == 0) break;
        if (slot_tag(slot) == tag) {
            Session& s = entry(slot_index(slot));
            if (s.key == key) return &s;
        }
    }
    // A new session: make room first (entry storage, then index), and only then insert.
    if (size_ >= kMaxSessions) return nullptr;
    if ((size_ >> kChunkBits) >= chunks_.size() && !add_chunk()) return nullptr;
    if ((size_ + 1) * 2 > slots_.size()) {
        if (!grow_index()) return nullptr;
        mask = slots_.size() - 1;
        for (pos = tag & mask; slots_[pos] != 0; pos = (pos + 1) & mask) {
        }
    }
    Session& s = entry(size_);
    s = Session{};
    s.key = key;
    slots_[pos] = make_slot(tag, size_);
    ++size_;
    created = true;
    return &s;
}

bool SessionTable::add_chunk() noexcept {
    BudgetCharge charge(*budget_, kChunkSize * sizeof(Session));
    if (!charge) return false;
    try {  // the budget allowed it, the system may not: then it is overflow, like the budget
        chunks_.push_back(Chunk{std::make_unique_for_overwrite<Session[]>(kChunkSize), std::move(charge)});
    } catch (const std::bad_alloc&) {
        return false;
    }
    return true;
}

bool SessionTable::grow_index() noexcept {
    const std::size_t new_size = slots_.empty() ? kInitialSlots : slots_.size() * 2;
    // The old index lives until the new one is filled, so both are charged meanwhile.
    BudgetCharge charge(*budget_, new_size * sizeof(std::uint64_t));
    if (!charge) return false;
    std::vector<std::uint64_t> grown;
    try {
        grown.assign(new_size, 0);
    } catch (const std::bad_alloc&) {
        return false;
    }
    const std::size_t mask = new_size - 1;
    for (const std::uint64_t slot : slots_) {
        if (slot == 0) continue;
        std::size_t pos = slot_tag(slot) & mask;
        while (grown[pos] != 0) pos = (pos + 1) & mask;
        grown[pos] = slot;
    }
    slots_ = std::move(grown);
    slots_charge_ = std::move(charge);
    return true;
}

}  // namespace ipaudit
