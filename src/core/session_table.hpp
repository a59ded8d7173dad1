// Open-addressing hash table of the sessions of one interval, sized for millions of entries
// and bounded by a MemoryBudget.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/memory_budget.hpp"
#include "core/session.hpp"

namespace ipaudit {

// Sessions live in fixed-size chunks that never move (no copy on growth, RSS tracks use); the
// index is a power-of-two array of 64-bit slots (32-bit hash tag | entry number + 1), probed
// linearly and kept at most half full, so a miss rarely touches an entry.
class SessionTable {
public:
    explicit SessionTable(MemoryBudget& budget);
    SessionTable(const SessionTable&) = delete;
    SessionTable& operator=(const SessionTable&) = delete;
    SessionTable(SessionTable&&) noexcept = default;
    SessionTable& operator=(SessionTable&&) noexcept = default;
    ~SessionTable() = default;

    // The session for `key`, created zeroed (key set) when new; `created` says which. nullptr
    // when the budget (or the system: bad_alloc) does not allow a new session: the caller
    // counts the overflow. Never throws.
    [[nodiscard]] Session* find_or_insert(const SessionKey& key, bool& created) noexcept;
    [[nodiscard]] const Session* find(const SessionKey& key) const noexcept;

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] const Session& at(std::size_t i) const noexcept { return chunks_[i >> kChunkBits].sessions[i & kChunkMask]; }
    // Bytes this table holds against its budget.
    [[nodiscard]] std::size_t memory_bytes() const noexcept;

    template <typename F>
    void for_each(F&& f) const {
        for (std::size_t i = 0; i < size_; ++i) f(at(i));
    }

    static constexpr std::size_t kChunkBits = 14;  // 16384 sessions, 1.4 MB per chunk
    static constexpr std::size_t kChunkSize = std::size_t{1} << kChunkBits;
    static constexpr std::size_t kChunkMask = kChunkSize - 1;
    static constexpr std::size_t kMaxSessions = 0xFFFF'FFFEu;

private:
    [[nodiscard]] Session& entry(std::size_t i) noexcept { return chunks_[i >> kChunkBits].sessions[i & kChunkMask]; }
    [[nodiscard]] bool grow_index() noexcept;
    [[nodiscard]] bool add_chunk() noexcept;

    MemoryBudget* budget_;
    std::vector<std::uint64_t> slots_;
    BudgetCharge slots_charge_;
    struct Chunk {
        std::unique_ptr<Session[]> sessions;
        BudgetCharge charge;
    };
    std::vector<Chunk> chunks_;
    std::size_t size_ = 0;
};

}  // namespace ipaudit
