// `ipaudit check`: verifies an installation and says what to fix.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace ipaudit::cli {

extern const char* const kCheckHelp;

// Exit status: 0 nothing failed (warnings allowed), 1 something must be fixed, 2 bad usage.
[[nodiscard]] int check_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                                std::int64_t now_us);

}  // namespace ipaudit::cli
