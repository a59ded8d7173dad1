// `ipaudit prune`: retention of interval files and daily rollups (DESIGN.md "The store").
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace ipaudit::cli {

// The rules and options, for `ipaudit --help` and `ipaudit prune --help`.
extern const char* const kPruneHelp;

// Runs `ipaudit prune ARGS...` against the clock `now_us` (epoch microseconds; local days by
// TZ). Every removal, every file kept against a rule and the closing summary are lines on
// `err`; `out` only gets --help. Returns 0 done (also when protected files keep the data over
// --max-size), 1 something could not be removed or a rollup could not be read (each said, the
// rest still done), 2 a bad option or value, or no limit given.
int prune_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, std::int64_t now_us);

}  // namespace ipaudit::cli
