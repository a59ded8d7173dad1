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

    // Keeps the sessions of `table` whose last packet is at or after `since_us`: 8 bytes a
    // session (62 bits of key hash + 2 talker bits). A hash collision can at worst mislabel
    // one talker. On bad_alloc it keeps nothing (talkers are then guessed afresh).
    void rebuild(const SessionTable& table, std::int64_t since_us) noexcept;
    [[nodiscard]] std::optional<Talker> find(const SessionKey& key) const noexcept;
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

private:
    std::vector<std::uint64_t> entries_;  // sorted
};

}  // namespace ipaudit
