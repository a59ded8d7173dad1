// Chooses interval file names so that no write ever silently replaces data it should not.
#pragma once

#include <filesystem>
#include <set>

#include "core/interval_data.hpp"

namespace ipaudit::store {

// One per run of the daemon. Two intervals of one run can share a name (a capture whose clock
// jumps back and forth, two closes in one second): the later one gets NAME-2.db, NAME-3.db, ...
// Files from earlier runs are replaced only by an import (re-importing a capture is idempotent);
// live capture never replaces an existing file (a restart within the same second).
class IntervalStore {
public:
    enum class Existing { kReplaceEarlierRuns, kKeep };

    IntervalStore(std::filesystem::path data_dir, Existing existing)
        : data_dir_(std::move(data_dir)), existing_(existing) {}

    // Writes atomically (see write_interval_file) and returns the final path. Throws like it.
    std::filesystem::path write(const IntervalData& interval);

    // The relative path write() would use now (for tests and messages).
    [[nodiscard]] std::filesystem::path choose_name(const IntervalData& interval) const;

private:
    std::filesystem::path data_dir_;
    Existing existing_;
    std::set<std::filesystem::path> written_;  // relative paths written by this run
};

}  // namespace ipaudit::store
