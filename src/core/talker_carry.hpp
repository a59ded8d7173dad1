// Carries the first talker of recently active sessions into the next interval, so a connection
// that spans a boundary keeps its initiator (DESIGN.md "Sessions").
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/session_table.hpp"

namespace ipaudit {

class TalkerCarry {
public:
    struct Talker {
        Side side;
        TalkerEvidence evidence;
    };

    // Keeps the sessions of `table` whose last packet is at or after `since_us`. 9 bytes a
    // session (key hash + talker): a 64-bit hash collision can at worst mislabel one talker.
    void rebuild(const SessionTable& table, std::int64_t since_us);
    [[nodiscard]] std::optional<Talker> find(const SessionKey& key) const noexcept;
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

private:
    struct Entry {
        std::uint64_t hash;
        Talker talker;
    };
    std::vector<Entry> entries_;  // sorted by hash
};

}  // namespace ipaudit
