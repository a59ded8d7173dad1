// `ipaudit dump FILE.db`: an interval file as sorted, deterministic text (golden tests, humans).
#pragma once

#include <filesystem>
#include <ostream>

namespace ipaudit::cli {

struct DumpOptions {
    bool meta = false;  // also print the interval row and decode counts as '# ' lines first
};

// Writes the dump of `path` to `out`. Throws (naming the file) when it cannot be read.
void dump_interval_file(const std::filesystem::path& path, const DumpOptions& options, std::ostream& out);

// TCP flags as letters in bit order (F S R P A U E C), '-' for none.
[[nodiscard]] std::string tcp_flag_letters(unsigned flags);

}  // namespace ipaudit::cli
