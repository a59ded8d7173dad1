// Walks DATA/intervals/YYYY/MM/DD for the days a period touches; opens files read-only.
#include "report/interval_catalog.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <system_error>

#include "store/interval_reader.hpp"

namespace ipaudit::report {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kMicros = 1'000'000;
constexpr std::int64_t kDay = 86400;
// The longest interval ipauditd writes (--interval), so a file starting this much before a
// period can still hold part of it.
constexpr std::int64_t kMaxIntervalS = kDay;
// A packet that arrives late is counted in the interval being filled (core/collector.hpp), so
// a file can hold packets from before its coverage. Files starting up to this long after a
// period are still read; later ones are skipped by name, unopened.
constexpr std::int64_t kLateSlackS = 3600;
// The earliest and latest day numbers a directory name can have (years 0000..9999).
constexpr std::int64_t kFirstDay = -719528;
constexpr std::int64_t kLastDay = 2932896;

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    std::int64_t q = a / b;
    if (a % b != 0 && a < 0) --q;
    return q;
}

std::optional<int> digits_value(std::string_view s, std::size_t n) noexcept {
    if (s.size() != n) return std::nullopt;
    int v = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

// Days since 1970-01-01 of a valid civil date.
std::optional<std::int64_t> day_number(int y, int m, int d) {
    if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                           std::chrono::day{static_cast<unsigned>(d)}};
    if (!date.ok()) return std::nullopt;
    return std::chrono::sys_days{date}.time_since_epoch().count();
}

struct DayDir {
    std::int64_t day = 0;  // days since the epoch, UTC
    fs::path path;
};

void note_dir_error(Notes* notes, const fs::path& dir, const std::error_code& ec) {
    if (notes != nullptr) notes->push_back("cannot read directory " + dir.string() + ": " + ec.message());
}

// Subdirectories of `dir` whose names are `width` digits, with their values. A missing
// directory is empty; an unreadable one is a note.
std::vector<std::pair<int, fs::path>> numbered_dirs(const fs::path& dir, std::size_t width, Notes* notes) {
    std::vector<std::pair<int, fs::path>> out;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
        if (ec != std::errc::no_such_file_or_directory) note_dir_error(notes, dir, ec);
        return out;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        const auto value = digits_value(it->path().filename().string(), width);
        std::error_code type_ec;
        if (value && it->is_directory(type_ec)) out.emplace_back(*value, it->path());
    }
    if (ec) note_dir_error(notes, dir, ec);
    return out;
}

// The day directories in [first_day, last_day], sorted.
std::vector<DayDir> day_dirs(const fs::path& intervals, std::int64_t first_day, std::int64_t last_day, Notes* notes) {
    const auto civil = [](std::int64_t day) {
        return std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{day}}};
    };
    const auto lo = civil(first_day);
    const auto hi = civil(last_day);
    const auto month_index = [](int y, int m) { return y * 12 + m; };
    const int lo_ym = month_index(static_cast<int>(lo.year()), static_cast<int>(static_cast<unsigned>(lo.month())));
    const int hi_ym = month_index(static_cast<int>(hi.year()), static_cast<int>(static_cast<unsigned>(hi.month())));
    std::vector<DayDir> out;
    for (const auto& [y, ypath] : numbered_dirs(intervals, 4, notes)) {
        if (y < static_cast<int>(lo.year()) || y > static_cast<int>(hi.year())) continue;
        for (const auto& [m, mpath] : numbered_dirs(ypath, 2, notes)) {
            if (month_index(y, m) < lo_ym || month_index(y, m) > hi_ym) continue;
            for (const auto& [d, dpath] : numbered_dirs(mpath, 2, notes)) {
                const auto day = day_number(y, m, d);
                if (day && *day >= first_day && *day <= last_day) out.push_back({*day, dpath});
            }
        }
    }
    std::sort(out.begin(), out.end(), [](const DayDir& a, const DayDir& b) { return a.day < b.day; });
    return out;
}

// The candidate files of a day directory: regular files named *.db, not starting with '.'.
std::vector<fs::path> day_files(const DayDir& dir, Notes* notes) {
    std::vector<fs::path> out;
    std::error_code ec;
    fs::directory_iterator it(dir.path, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.starts_with('.') || !name.ends_with(".db") || name.size() <= 3) continue;
        std::error_code type_ec;
        if (it->is_regular_file(type_ec)) out.push_back(it->path());
    }
    if (ec) note_dir_error(notes, dir.path, ec);
    std::sort(out.begin(), out.end());
    return out;
}

// Opens `path` and reads its interval row; a note and nothing when it is not a readable interval file.
std::optional<IntervalFile> probe(const fs::path& path, Notes* notes) {
    try {
        sqlite::Database db = store::open_interval_file(path);
        return IntervalFile{path, read_interval_info(db)};
    } catch (const store::NotAnIntervalFile& e) {
        if (notes != nullptr) notes->push_back(std::string("skipped ") + e.what());
    } catch (const sqlite::Error& e) {
        if (notes != nullptr) notes->push_back("skipped " + path.string() + ": " + e.what());
    }
    return std::nullopt;
}

// A name without its "-N" suffix, and N (1 without one): NAME.db comes before NAME-2.db, NAME-10.db.
std::pair<std::string, long> name_order(const fs::path& path) {
    const std::string stem = path.stem().string();
    const std::size_t dash = stem.rfind('-');
    if (dash != std::string::npos && dash > 8 && parse_interval_file_name(path.filename().string()))
        return {stem.substr(0, dash), std::stol(stem.substr(dash + 1))};
    return {stem, 1};
}

// Coverage start, then the order a daemon writes names in; the path settles the rest.
bool by_coverage(const IntervalFile& a, const IntervalFile& b) {
    if (a.info.covered_from_us != b.info.covered_from_us) return a.info.covered_from_us < b.info.covered_from_us;
    const auto ka = name_order(a.path);
    const auto kb = name_order(b.path);
    if (ka != kb) return ka < kb;
    return a.path < b.path;
}

}  // namespace

std::optional<std::int64_t> parse_interval_file_name(std::string_view name) {
    if (!name.ends_with(".db")) return std::nullopt;
    name.remove_suffix(3);
    // A second interval of the same name in one run: NAME-2.db, NAME-3.db, ...
    if (const std::size_t dash = name.rfind('-'); dash != std::string_view::npos && dash > 8) {
        const std::string_view n = name.substr(dash + 1);
        if (n.empty() || n.size() > 6 || n.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
        name = name.substr(0, dash);
    }
    if ((name.size() != 13 && name.size() != 15) || name[8] != '-') return std::nullopt;
    const auto y = digits_value(name.substr(0, 4), 4);
    const auto mo = digits_value(name.substr(4, 2), 2);
    const auto d = digits_value(name.substr(6, 2), 2);
    const auto h = digits_value(name.substr(9, 2), 2);
    const auto mi = digits_value(name.substr(11, 2), 2);
    const auto s = name.size() == 15 ? digits_value(name.substr(13, 2), 2) : std::optional<int>(0);
    if (!y || !mo || !d || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;
    const auto day = day_number(*y, *mo, *d);
    if (!day) return std::nullopt;
    return *day * kDay + *h * 3600 + *mi * 60 + *s;
}

IntervalCatalog::IntervalCatalog(fs::path data_dir) : data_dir_(std::move(data_dir)) {}

std::vector<IntervalFile> IntervalCatalog::files(const Period& period, Notes& notes) const {
    std::vector<IntervalFile> out;
    if (period.to_us <= period.from_us) return out;
    const std::int64_t first_s = floor_div(period.from_us, kMicros) - kMaxIntervalS - 1;
    const std::int64_t last_s = floor_div(period.to_us - 1, kMicros) + kLateSlackS;
    for (const DayDir& dir : day_dirs(data_dir_ / "intervals", floor_div(first_s, kDay), floor_div(last_s, kDay), &notes)) {
        for (const fs::path& path : day_files(dir, &notes)) {
            // A name states its coverage start to the second: files far outside are not opened.
            if (const auto start = parse_interval_file_name(path.filename().string());
                start && (*start < first_s || *start > last_s))
                continue;
            auto file = probe(path, &notes);
            if (!file) continue;
            // Every session lies between the interval's first and last packet.
            const IntervalInfo& info = file->info;
            if (!info.first_packet_us || !info.last_packet_us) continue;
            if (*info.last_packet_us < period.from_us || *info.first_packet_us >= period.to_us) continue;
            out.push_back(std::move(*file));
        }
    }
    std::sort(out.begin(), out.end(), by_coverage);
    return out;
}

std::optional<DataSpan> IntervalCatalog::data_span() const {
    const auto days = day_dirs(data_dir_ / "intervals", kFirstDay, kLastDay, nullptr);
    // The coverage start of the first (or last) readable file of one day directory, in the
    // order of the names' start times: the names of ipauditd's files state them, so this opens
    // one file per end instead of a day's worth. Names without a time come last.
    const auto extreme = [](const DayDir& dir, bool earliest) -> std::optional<std::int64_t> {
        auto files = day_files(dir, nullptr);
        const auto key = [](const fs::path& p) {
            const auto hint = parse_interval_file_name(p.filename().string());
            return std::make_pair(hint.value_or(std::numeric_limits<std::int64_t>::max()), name_order(p));
        };
        std::stable_sort(files.begin(), files.end(), [&key](const fs::path& a, const fs::path& b) { return key(a) < key(b); });
        if (!earliest) std::reverse(files.begin(), files.end());
        for (const fs::path& path : files)
            if (const auto file = probe(path, nullptr)) return file->info.covered_from_us;
        return std::nullopt;
    };
    std::optional<DataSpan> span;
    for (const DayDir& dir : days) {
        if (const auto t = extreme(dir, true)) {
            span = DataSpan{*t, *t};
            break;
        }
    }
    if (!span) return std::nullopt;
    for (auto it = days.rbegin(); it != days.rend(); ++it) {
        if (const auto t = extreme(*it, false)) {
            span->last_start_us = *t;
            break;
        }
    }
    return span;
}

IntervalInfo read_interval_info(sqlite::Database& db) {
    sqlite::Statement st(db,
                         "SELECT start_time, end_time, covered_from_us, covered_to_us, first_packet_us, last_packet_us"
                         " FROM interval");
    IntervalInfo info;
    int rows = 0;
    while (st.step()) {
        ++rows;
        info.start_time = st.column_int(0);
        info.end_time = st.column_int(1);
        info.covered_from_us = st.column_int(2);
        info.covered_to_us = st.column_int(3);
        if (!st.column_is_null(4)) info.first_packet_us = st.column_int(4);
        if (!st.column_is_null(5)) info.last_packet_us = st.column_int(5);
    }
    if (rows != 1)
        throw store::NotAnIntervalFile(db.path().string() + ": corrupt: the interval table has " + std::to_string(rows) +
                                       " rows, not 1");
    return info;
}

void IntervalCatalog::for_each_interval(const Period& period, Notes& notes,
                                        const std::function<bool(OpenInterval&)>& fn) const {
    for (const IntervalFile& file : files(period, notes)) {
        try {
            sqlite::Database db = store::open_interval_file(file.path);
            OpenInterval open{file, db};
            if (!fn(open)) return;
        } catch (const store::NotAnIntervalFile& e) {
            notes.push_back(std::string("skipped the rest of ") + e.what());
        } catch (const sqlite::Error& e) {
            notes.push_back("skipped the rest of " + file.path.string() + ": " + e.what());
        }
    }
}

}  // namespace ipaudit::report
