// `ipaudit report {pairs|scanners|servers|traffic}`: the reports of DESIGN.md from the shell.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace ipaudit::cli {

// The reports and their options, for `ipaudit --help` and `ipaudit report --help`.
extern const char* const kReportHelp;

// Runs `ipaudit report NAME ARGS...` with the report on `out` and messages on `err`; `now_us`
// is the time relative times and the default period (the last 24 hours) count from. Returns 0
// done (also with nothing found or skipped files), 1 the data directory or ports file cannot
// be read, 2 a bad report name, option or value (one line on `err` naming the option).
int report_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, std::int64_t now_us);

}  // namespace ipaudit::cli
