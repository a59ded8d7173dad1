// Text for the outputs: CSV fields (RFC 4180), JSON strings (RFC 8259), HTML text, and figures
// in human units.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ipaudit::report {

// The field as is, or in double quotes with quotes doubled when it holds a comma, a double
// quote, CR or LF (RFC 4180 section 2).
[[nodiscard]] std::string csv_field(std::string_view text);

// A JSON string literal, quotes included. Control characters are escaped; bytes that are not
// valid UTF-8 become U+FFFD, so the output is always valid JSON.
[[nodiscard]] std::string json_string(std::string_view text);

// Text escaped for HTML content and attribute values (& < > " '); bytes that are not valid
// UTF-8 become U+FFFD.
[[nodiscard]] std::string html_escape(std::string_view text);

// Bytes in powers of 1024 with three significant digits: "1023 B", "1.50 KiB", "4.97 MiB".
[[nodiscard]] std::string human_bytes(std::int64_t bytes);

// A count as is up to 9999, then in powers of 1000 with three significant digits: "12.3 k",
// "4.56 M", "1.20 G".
[[nodiscard]] std::string human_count(std::int64_t n);

}  // namespace ipaudit::report
