// Writing an interval to its SQLite file, atomically: temp name, one transaction, fsync, rename.
#pragma once

#include <filesystem>

#include "core/interval_data.hpp"

namespace ipaudit::store {

// intervals/YYYY/MM/DD/YYYYMMDD-HHMM.db (UTC) named after the start of the interval's coverage;
// HHMMSS when coverage does not start on a whole minute (live start, SIGUSR1).
[[nodiscard]] std::filesystem::path interval_relative_path(const IntervalData& interval);

// Writes `interval` under `data_dir` and returns the final path. Readers never see a partial
// file: the data goes to a hidden temporary file that is renamed only once complete and synced.
// An existing file of the same name (a re-import) is replaced atomically. Throws sqlite::Error
// or std::filesystem::filesystem_error naming the path and the reason (disk full, permission).
std::filesystem::path write_interval_file(const IntervalData& interval, const std::filesystem::path& data_dir);
// The same, at `relative_path` under `data_dir` (see IntervalStore for how names are chosen).
std::filesystem::path write_interval_file(const IntervalData& interval, const std::filesystem::path& data_dir,
                                          const std::filesystem::path& relative_path);

}  // namespace ipaudit::store
