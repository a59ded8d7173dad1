// Report periods: the time forms users type (dates, minutes, -2d, yesterday) in local time.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ipaudit::report {

// A half-open span of time [from_us, to_us), epoch microseconds UTC.
struct Period {
    std::int64_t from_us = 0;
    std::int64_t to_us = 0;
    friend bool operator==(const Period&, const Period&) = default;
};

// Thrown for a time the parser does not accept; what() quotes the text and lists the accepted forms.
class TimeSpecError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// Whether a time names the start of a period or its end. A whole day (`YYYY-MM-DD`, `today`,
// `yesterday`) starts at its local midnight and ends at the next one, so `--from D --to D` is
// the day D; every other form names an instant and is the same either way.
enum class Bound { kFrom, kTo };

// Accepted, in local time (TZ honoured):
//   YYYY-MM-DD                    a whole day, midnight to midnight (23 or 25 hours on DST days)
//   YYYY-MM-DD HH:MM[:SS]         an instant ('T' may replace the space)
//   -Nd  -Nh  -Nm                 N days (same clock time, calendar days), hours or minutes before now
//   today  yesterday              whole days
//   now
// A wall time that does not exist (the hour skipped when clocks go forward) is an error; one
// that happens twice (clocks go back) means the earlier. Throws TimeSpecError.
[[nodiscard]] std::int64_t parse_time(std::string_view text, Bound bound, std::int64_t now_us);

// The period of optional --from/--to texts: default to = now, from = to - 24 h. Throws
// TimeSpecError (naming the option) for bad text or when from is not before to.
[[nodiscard]] Period parse_period(const std::optional<std::string>& from, const std::optional<std::string>& to,
                                  std::int64_t now_us);

// Local midnight starting the day that holds `us` (the first instant of that day if midnight was skipped).
[[nodiscard]] std::int64_t local_day_start_us(std::int64_t us);

// `YYYY-MM-DD HH:MM:SS` in local time (seconds truncated toward the past).
[[nodiscard]] std::string format_local_time(std::int64_t us);
// `YYYY-MM-DD HH:MM` in local time, with `:SS` only when the time is not on a whole minute.
[[nodiscard]] std::string format_local_minute(std::int64_t us);

// Text from a user, made safe to quote in a one-line message: control characters become '?',
// and long text is cut with "...".
[[nodiscard]] std::string quote_input(std::string_view text);

}  // namespace ipaudit::report
