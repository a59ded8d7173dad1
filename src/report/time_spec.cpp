// Parsing and formatting of local times with localtime_r/mktime, so TZ and DST rules apply.
#include "report/time_spec.hpp"

#include <chrono>
#include <ctime>

namespace ipaudit::report {

namespace {

constexpr std::int64_t kMicros = 1'000'000;
constexpr const char* kForms =
    "expected YYYY-MM-DD, 'YYYY-MM-DD HH:MM', 'YYYY-MM-DD HH:MM:SS', -Nd, -Nh, -Nm, today, yesterday or now";

struct Date {
    int year = 1970;
    int month = 1;
    int day = 1;
};

struct WallTime {
    Date date;
    int hour = 0;
    int minute = 0;
    int second = 0;
};

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    std::int64_t q = a / b;
    if (a % b != 0 && a < 0) --q;
    return q;
}

std::chrono::year_month_day ymd(const Date& d) {
    return std::chrono::year{d.year} / std::chrono::month{static_cast<unsigned>(d.month)} /
           std::chrono::day{static_cast<unsigned>(d.day)};
}

Date add_days(const Date& d, int days) {
    const std::chrono::year_month_day r{std::chrono::sys_days{ymd(d)} + std::chrono::days{days}};
    return {static_cast<int>(r.year()), static_cast<int>(static_cast<unsigned>(r.month())),
            static_cast<int>(static_cast<unsigned>(r.day()))};
}

std::tm to_tm(const WallTime& w, int isdst) {
    std::tm tm{};
    tm.tm_year = w.date.year - 1900;
    tm.tm_mon = w.date.month - 1;
    tm.tm_mday = w.date.day;
    tm.tm_hour = w.hour;
    tm.tm_min = w.minute;
    tm.tm_sec = w.second;
    tm.tm_isdst = isdst;
    return tm;
}

WallTime local_wall(std::int64_t seconds) {
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    if (localtime_r(&t, &tm) == nullptr) throw TimeSpecError("time out of range: " + std::to_string(seconds));
    return {{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday}, tm.tm_hour, tm.tm_min, tm.tm_sec};
}

bool same_wall(const WallTime& a, const WallTime& b) noexcept {
    return a.date.year == b.date.year && a.date.month == b.date.month && a.date.day == b.date.day &&
           a.hour == b.hour && a.minute == b.minute && a.second == b.second;
}

// The earliest instant (epoch seconds) whose local wall time is `w`; none when `w` falls in a
// DST gap. mktime is asked with both DST flags and each answer checked by converting it back,
// which also settles the ambiguous hour when clocks go back (both answers are valid).
std::optional<std::int64_t> exact_local(const WallTime& w) {
    std::optional<std::int64_t> best;
    for (const int isdst : {0, 1}) {
        std::tm tm = to_tm(w, isdst);
        const std::time_t t = std::mktime(&tm);
        std::tm back{};
        if (localtime_r(&t, &back) == nullptr) continue;
        const WallTime got{{back.tm_year + 1900, back.tm_mon + 1, back.tm_mday}, back.tm_hour, back.tm_min, back.tm_sec};
        if (same_wall(got, w) && (!best || t < *best)) best = static_cast<std::int64_t>(t);
    }
    return best;
}

// Like exact_local, but a wall time in a gap moves forward the way mktime normalizes it.
std::int64_t nearest_local(const WallTime& w) {
    if (const auto t = exact_local(w)) return *t;
    std::tm tm = to_tm(w, -1);
    return static_cast<std::int64_t>(std::mktime(&tm));
}

std::int64_t day_start_s(const Date& d) { return nearest_local(WallTime{d, 0, 0, 0}); }

bool all_digits(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (const char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

int number(std::string_view digits) noexcept {
    int v = 0;
    for (const char c : digits) v = v * 10 + (c - '0');
    return v;
}

[[noreturn]] void bad(std::string_view text, std::string_view why = {}) {
    std::string message = "bad time " + quote_input(text);
    if (!why.empty()) message += " (" + std::string(why) + ")";
    throw TimeSpecError(message + ": " + kForms);
}

std::optional<Date> parse_date(std::string_view s, std::string_view text) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) ||
        !all_digits(s.substr(8, 2)))
        return std::nullopt;
    const Date d{number(s.substr(0, 4)), number(s.substr(5, 2)), number(s.substr(8, 2))};
    if (!ymd(d).ok()) bad(text, "no such date");
    if (d.year < 1970) bad(text, "before 1970");
    return d;
}

std::optional<WallTime> parse_date_time(std::string_view s, std::string_view text) {
    if (s.size() != 16 && s.size() != 19) return std::nullopt;
    if (s[10] != ' ' && s[10] != 'T') return std::nullopt;
    const auto date = parse_date(s.substr(0, 10), text);
    if (!date) return std::nullopt;
    const std::string_view t = s.substr(11);
    if (t[2] != ':' || !all_digits(t.substr(0, 2)) || !all_digits(t.substr(3, 2))) return std::nullopt;
    WallTime w{*date, number(t.substr(0, 2)), number(t.substr(3, 2)), 0};
    if (t.size() == 8) {
        if (t[5] != ':' || !all_digits(t.substr(6, 2))) return std::nullopt;
        w.second = number(t.substr(6, 2));
    }
    if (w.hour > 23 || w.minute > 59 || w.second > 59) bad(text, "no such time of day");
    return w;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// -Nd, -Nh, -Nm: N in 1..100000.
std::optional<std::int64_t> parse_relative(std::string_view s, std::int64_t now_us, std::string_view text) {
    if (s.size() < 3 || s.front() != '-') return std::nullopt;
    const char unit = s.back();
    const std::string_view digits = s.substr(1, s.size() - 2);
    if ((unit != 'd' && unit != 'h' && unit != 'm') || !all_digits(digits)) return std::nullopt;
    if (digits.size() > 6 || number(digits) > 100000) bad(text, "at most 100000 units back");
    const int n = number(digits);
    if (unit == 'h') return now_us - std::int64_t{n} * 3600 * kMicros;
    if (unit == 'm') return now_us - std::int64_t{n} * 60 * kMicros;
    // Calendar days: the same clock time N days ago, so -1d across a DST change is 23 or 25 h.
    const std::int64_t now_s = floor_div(now_us, kMicros);
    WallTime w = local_wall(now_s);
    w.date = add_days(w.date, -n);
    return nearest_local(w) * kMicros + (now_us - now_s * kMicros);
}

}  // namespace

std::string quote_input(std::string_view text) {
    constexpr std::size_t kMax = 64;
    std::string out = "'";
    for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        out += (c < 0x20 || c == 0x7F) ? '?' : static_cast<char>(c);
    }
    out += text.size() > kMax ? "...'" : "'";
    return out;
}

std::int64_t parse_time(std::string_view text, Bound bound, std::int64_t now_us) {
    const std::string_view s = trim(text);
    if (s.empty()) bad(text, "empty");
    const std::int64_t now_s = floor_div(now_us, kMicros);
    const auto whole_day = [bound](const Date& d) {
        return (bound == Bound::kFrom ? day_start_s(d) : day_start_s(add_days(d, 1))) * kMicros;
    };
    if (s == "now") return now_us;
    if (s == "today") return whole_day(local_wall(now_s).date);
    if (s == "yesterday") return whole_day(add_days(local_wall(now_s).date, -1));
    if (const auto rel = parse_relative(s, now_us, text)) {
        if (*rel < 0) bad(text, "before 1970");
        return *rel;
    }
    if (s.size() == 10) {
        if (const auto d = parse_date(s, text)) return whole_day(*d);
    }
    if (const auto w = parse_date_time(s, text)) {
        const auto t = exact_local(*w);
        if (!t) bad(text, "that local time does not exist: the clocks skip it");
        return *t * kMicros;
    }
    bad(text);
}

Period parse_period(const std::optional<std::string>& from, const std::optional<std::string>& to, std::int64_t now_us) {
    const auto parse = [now_us](const std::string& text, Bound bound, const char* option) {
        try {
            return parse_time(text, bound, now_us);
        } catch (const TimeSpecError& e) {
            throw TimeSpecError(std::string(option) + ": " + e.what());
        }
    };
    Period p;
    p.to_us = to ? parse(*to, Bound::kTo, "--to") : now_us;
    p.from_us = from ? parse(*from, Bound::kFrom, "--from") : p.to_us - std::int64_t{86400} * kMicros;
    if (p.from_us >= p.to_us)
        throw TimeSpecError("empty period: --from " + format_local_time(p.from_us) + " is not before --to " +
                            format_local_time(p.to_us));
    return p;
}

std::int64_t local_day_start_us(std::int64_t us) {
    return day_start_s(local_wall(floor_div(us, kMicros)).date) * kMicros;
}

std::string format_local_time(std::int64_t us) {
    const std::time_t t = static_cast<std::time_t>(floor_div(us, kMicros));
    std::tm tm{};
    char buf[32] = "?";
    if (localtime_r(&t, &tm) != nullptr) std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string format_local_minute(std::int64_t us) {
    std::string s = format_local_time(us);
    if (s.size() == 19 && s.ends_with(":00") && us % kMicros == 0) s.resize(16);
    return s;
}

}  // namespace ipaudit::report
