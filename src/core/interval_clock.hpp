// Interval arithmetic: boundaries aligned to wall-clock multiples of the interval length.
#pragma once

#include <cstdint>

namespace ipaudit {

inline constexpr std::int64_t kMicrosPerSecond = 1'000'000;

// Start (epoch seconds) of the aligned interval holding `ts_us`; floors for times before 1970.
[[nodiscard]] constexpr std::int64_t interval_start_s(std::int64_t ts_us, std::int64_t interval_s) noexcept {
    const std::int64_t span_us = interval_s * kMicrosPerSecond;
    std::int64_t q = ts_us / span_us;
    if (ts_us % span_us != 0 && ts_us < 0) --q;
    return q * interval_s;
}

}  // namespace ipaudit
