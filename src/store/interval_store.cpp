// IntervalStore: name choice.
#include "store/interval_store.hpp"

#include <string>

#include "store/interval_file.hpp"

namespace ipaudit::store {

namespace fs = std::filesystem;

fs::path IntervalStore::choose_name(const IntervalData& interval) const {
    const fs::path base = interval_relative_path(interval);
    const std::string stem = base.stem().string();
    for (int n = 1;; ++n) {
        const fs::path candidate = n == 1 ? base : base.parent_path() / (stem + "-" + std::to_string(n) + ".db");
        if (written_.contains(candidate)) continue;
        if (existing_ == Existing::kKeep && fs::exists(data_dir_ / candidate)) continue;
        return candidate;
    }
}

fs::path IntervalStore::write(const IntervalData& interval) {
    const fs::path relative = choose_name(interval);
    const fs::path path = write_interval_file(interval, data_dir_, relative);
    written_.insert(relative);
    return path;
}

}  // namespace ipaudit::store
