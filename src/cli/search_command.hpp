// `ipaudit search`: the session search of DESIGN.md from the shell (text, CSV or JSON).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace ipaudit::cli {

// The options and their forms, for `ipaudit --help` and `ipaudit search --help`.
extern const char* const kSearchHelp;

// Runs `ipaudit search ARGS...` with results on `out` and messages on `err`; `now_us` is the
// time that relative times and the default period (the last 24 hours) count from. Returns the
// exit status: 0 done (also with no match or skipped files), 1 the data directory cannot be
// read, 2 a bad option or value (one line on `err` naming the option).
int search_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, std::int64_t now_us);

}  // namespace ipaudit::cli
