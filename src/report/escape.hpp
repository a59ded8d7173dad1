// Escaping text for the machine-readable outputs: CSV fields (RFC 4180) and JSON strings (RFC 8259).
#pragma once

#include <string>
#include <string_view>

namespace ipaudit::report {

// The field as is, or in double quotes with quotes doubled when it holds a comma, a double
// quote, CR or LF (RFC 4180 section 2).
[[nodiscard]] std::string csv_field(std::string_view text);

// A JSON string literal, quotes included. Control characters are escaped; bytes that are not
// valid UTF-8 become U+FFFD, so the output is always valid JSON.
[[nodiscard]] std::string json_string(std::string_view text);

}  // namespace ipaudit::report
