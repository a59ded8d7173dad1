// Rollup days, paths and the labels fingerprint.
#include "report/rollup.hpp"

#include <chrono>
#include <cstdlib>
#include <ctime>

namespace ipaudit::report {

namespace {

constexpr std::int64_t kHourUs = 3'600'000'000LL;

std::string local_date(std::int64_t us) {
    std::int64_t s = us / 1'000'000;
    if (us % 1'000'000 < 0) --s;
    const auto t = static_cast<std::time_t>(s);
    std::tm tm{};
    char buf[16] = "";
    if (localtime_r(&t, &tm) == nullptr || std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm) != 10)
        throw TimeSpecError("time out of range: " + std::to_string(us));
    return buf;
}

}  // namespace

LocalDay local_day_of(std::int64_t us) {
    LocalDay day;
    day.from_us = local_day_start_us(us);
    // A local day lasts 23 to 25 hours: 36 hours on is always inside the next one.
    day.to_us = local_day_start_us(day.from_us + 36 * kHourUs);
    day.name = local_date(day.from_us);
    return day;
}

std::optional<LocalDay> local_day_named(std::string_view name) {
    if (name.size() != 10 || name[4] != '-' || name[7] != '-') return std::nullopt;
    try {
        const std::int64_t us = parse_time(name, Bound::kFrom, 0);
        LocalDay day = local_day_of(us);
        if (day.name != name) return std::nullopt;
        return day;
    } catch (const TimeSpecError&) {
        return std::nullopt;
    }
}

LocalDay span_of(const LocalDay& first, const LocalDay& last) {
    return {first.name + "_" + last.name, first.from_us, last.to_us};
}

std::filesystem::path rollup_path(const std::filesystem::path& data_dir, const LocalDay& day) {
    return data_dir / "rollups" / (day.name + ".db");
}

std::string labels_fingerprint(const PortLabels& labels) {
    std::string text = "labelled:";
    for (const PortLabel& e : labels.entries()) text += std::to_string(e.port) + "/" + std::to_string(e.proto) + ",";
    text += " watched:";
    for (const PortLabel& e : labels.watched()) text += std::to_string(e.port) + "/" + std::to_string(e.proto) + ",";
    // FNV-1a 64: short enough to compare, and any change of the port sets changes it.
    std::uint64_t h = 1469598103934665603ULL;
    for (const unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::string time_zone_name() {
    const char* tz = std::getenv("TZ");
    return tz != nullptr ? tz : "";
}

}  // namespace ipaudit::report
