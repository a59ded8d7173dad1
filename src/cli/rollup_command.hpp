// `ipaudit rollup`: brings the daily rollups up to date, or rebuilds days from interval files.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace ipaudit::cli {

extern const char* const kRollupHelp;

// Runs `ipaudit rollup ARGS...`; a line per day on `out`, problems on `err`. Returns 0 done,
// 1 a rollup could not be written (the others are still done), 2 bad usage.
int rollup_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace ipaudit::cli
