// Interval arithmetic: boundaries aligned to wall-clock multiples of the interval length.
#pragma once

#include <cstdint>
#include <optional>

namespace ipaudit {

inline constexpr std::int64_t kMicrosPerSecond = 1'000'000;

// Start (epoch seconds) of the aligned interval holding `ts_us`; floors for times before 1970.
[[nodiscard]] constexpr std::int64_t interval_start_s(std::int64_t ts_us, std::int64_t interval_s) noexcept {
    const std::int64_t span_us = interval_s * kMicrosPerSecond;
    std::int64_t q = ts_us / span_us;
    if (ts_us % span_us != 0 && ts_us < 0) --q;
    return q * interval_s;
}

// A capture timestamp in epoch microseconds, or nullopt when it cannot be one: before 1970 or
// past 2^40 s (year ~36800), as damaged or hostile pcapng files may claim. Checked before any
// multiplication so no input can overflow.
[[nodiscard]] constexpr std::optional<std::int64_t> timeval_to_us(std::int64_t sec, std::int64_t usec) noexcept {
    constexpr std::int64_t kMaxSeconds = std::int64_t{1} << 40;
    if (sec < 0 || sec >= kMaxSeconds || usec < 0 || usec >= kMicrosPerSecond) return std::nullopt;
    return sec * kMicrosPerSecond + usec;
}

}  // namespace ipaudit
