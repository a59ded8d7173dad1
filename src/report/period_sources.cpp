// plan_period: whole days from rollups when they are complete, everything else raw.
#include "report/period_sources.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <set>
#include <system_error>

#include "store/schema.hpp"

namespace ipaudit::report {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kMicros = 1'000'000;
constexpr std::int64_t kDayS = 86400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    std::int64_t q = a / b;
    if (a % b != 0 && a < 0) --q;
    return q;
}

// intervals/YYYY/MM/DD for a UTC day number.
fs::path utc_day_dir(std::int64_t day) {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
    char buf[32];
    std::snprintf(buf, sizeof buf, "intervals/%04d/%02u/%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

// The interval files the directories list for `day` (by the start their names state), as
// paths relative to the data directory. Only names are read: no file is opened.
std::vector<std::string> listed_files(const fs::path& data_dir, const LocalDay& day) {
    std::vector<std::string> out;
    const std::int64_t from_s = floor_div(day.from_us, kMicros);
    const std::int64_t to_s = floor_div(day.to_us, kMicros);
    for (std::int64_t d = floor_div(from_s, kDayS); d <= floor_div(to_s - 1, kDayS); ++d) {
        const fs::path rel_dir = utc_day_dir(d);
        std::error_code ec;
        for (fs::directory_iterator it(data_dir / rel_dir, ec), end; !ec && it != end; it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (name.starts_with('.')) continue;
            const auto start = parse_interval_file_name(name);
            if (start && *start >= from_s && *start < to_s) out.push_back((rel_dir / name).generic_string());
        }
    }
    return out;
}

// Why the rollup cannot stand in for the day's files; empty when it can. The files listed for
// the day that it does not hold go to `missing`.
std::string unusable_because(RollupDay& r, const LocalDay& day, const std::string& labels,
                             const std::vector<std::string>& listed, std::vector<std::string>& missing) {
    sqlite::Statement row(r.db, "SELECT day, from_us, to_us, labels FROM rollup");
    if (!row.step()) return "it has no rollup row";
    if (row.column_text(0) != day.name || row.column_int(1) != day.from_us || row.column_int(2) != day.to_us)
        return "it was built for another time zone";
    if (!labels.empty() && row.column_text(3) != labels)
        return "it was built with other port labels (ipaudit rollup --rebuild " + day.name + ")";
    std::set<std::string> held;
    sqlite::Statement files(r.db, "SELECT file FROM interval");
    while (files.step()) held.emplace(files.column_text(0));
    for (const std::string& f : listed)
        if (!held.contains(f)) missing.push_back(f);
    return {};
}

void add_raw(std::vector<Period>& raw, const Period& p) {
    if (p.to_us <= p.from_us) return;
    if (!raw.empty() && raw.back().to_us == p.from_us) {
        raw.back().to_us = p.to_us;
    } else {
        raw.push_back(p);
    }
}

}  // namespace

sqlite::Database open_rollup(const fs::path& path) {
    try {
        sqlite::Database db(path, sqlite::Database::Mode::kReadOnly);
        sqlite::Statement app(db, "PRAGMA application_id");
        sqlite::Statement ver(db, "PRAGMA user_version");
        if (!app.step() || !ver.step() || app.column_int(0) != store::kRollupApplicationId)
            throw RollupError(path.string() + ": not an ipaudit rollup");
        if (ver.column_int(0) != store::kRollupSchemaVersion)
            throw RollupError(path.string() + ": rollup schema version " + std::to_string(ver.column_int(0)) +
                              ", this ipaudit reads " + std::to_string(store::kRollupSchemaVersion));
        return db;
    } catch (const sqlite::Error& e) {
        throw RollupError(e.what());
    }
}

void for_each_raw_interval(const IntervalCatalog& catalog, const PeriodSources& sources, Notes& notes,
                           const std::function<void(OpenInterval&, const Period&)>& fn) {
    for (const Period& part : sources.raw)
        catalog.for_each_interval(part, notes, [&](OpenInterval& iv) {
            fn(iv, part);
            return true;
        });
    for (const RollupTail& tail : sources.tails) {
        const std::set<std::string> wanted(tail.files.begin(), tail.files.end());
        const fs::path base = catalog.data_dir().lexically_normal();
        catalog.for_each_interval(tail.day, notes, [&](OpenInterval& iv) {
            if (wanted.contains(iv.file.path.lexically_normal().lexically_relative(base).generic_string())) fn(iv, tail.day);
            return true;
        });
    }
}

namespace {

// The rollup of exactly `period` (DATA/rollups/FIRST_LAST.db, see RollupWriter::build_span)
// when the period is two or more whole local days and that rollup holds every interval file
// the days' directories list; none otherwise (the days are then read one by one).
std::optional<RollupDay> span_rollup(const IntervalCatalog& catalog, const Period& period, const std::string& labels) {
    const LocalDay first = local_day_of(period.from_us);
    if (first.from_us != period.from_us || first.to_us >= period.to_us) return std::nullopt;
    const LocalDay last = local_day_of(period.to_us - 1);
    if (last.to_us != period.to_us) return std::nullopt;
    const LocalDay span = span_of(first, last);
    const fs::path path = rollup_path(catalog.data_dir(), span);
    std::error_code ec;
    if (!fs::exists(path, ec)) return std::nullopt;
    try {
        RollupDay r{span, open_rollup(path)};
        std::vector<std::string> listed;
        for (std::int64_t at = first.from_us; at < last.to_us;) {
            const LocalDay day = local_day_of(at);
            at = day.to_us;
            for (std::string& f : listed_files(catalog.data_dir(), day)) listed.push_back(std::move(f));
        }
        std::vector<std::string> missing;
        if (!unusable_because(r, span, labels, listed, missing).empty() || !missing.empty()) return std::nullopt;
        return r;
    } catch (const RollupError&) {
    } catch (const sqlite::Error&) {
    }
    return std::nullopt;
}

}  // namespace

PeriodSources plan_period(const IntervalCatalog& catalog, const Period& period, const std::string& labels_fingerprint,
                          Notes& notes, bool spans) {
    PeriodSources out;
    if (period.to_us <= period.from_us) return out;
    if (auto span = spans ? span_rollup(catalog, period, labels_fingerprint) : std::nullopt) {
        out.rollups.push_back(std::move(*span));
        return out;
    }
    std::int64_t at = period.from_us;
    while (at < period.to_us) {
        const LocalDay day = local_day_of(at);
        if (day.to_us <= at) break;  // cannot happen; guards the loop
        if (day.from_us < period.from_us || day.to_us > period.to_us) {  // a partial day
            add_raw(out.raw, {at, std::min(day.to_us, period.to_us)});
            at = day.to_us;
            continue;
        }
        at = day.to_us;
        const auto listed = listed_files(catalog.data_dir(), day);
        const fs::path path = rollup_path(catalog.data_dir(), day);
        std::error_code ec;
        if (!fs::exists(path, ec)) {
            if (!listed.empty()) {
                notes.push_back("no daily rollup for " + day.name + ": read " + std::to_string(listed.size()) +
                                " interval file(s) instead (ipaudit rollup builds it)");
                add_raw(out.raw, {day.from_us, day.to_us});
            }
            continue;
        }
        try {
            RollupDay r{day, open_rollup(path)};
            std::vector<std::string> missing;
            if (const std::string why = unusable_because(r, day, labels_fingerprint, listed, missing); !why.empty()) {
                notes.push_back("daily rollup " + path.string() + " not used: " + why + "; read the interval files");
                add_raw(out.raw, {day.from_us, day.to_us});
                continue;
            }
            out.rollups.push_back(std::move(r));
            if (!missing.empty()) out.tails.push_back({{day.from_us, day.to_us}, std::move(missing)});
        } catch (const RollupError& e) {
            notes.push_back(std::string("daily rollup not used: ") + e.what() + "; read the interval files");
            add_raw(out.raw, {day.from_us, day.to_us});
        } catch (const sqlite::Error& e) {
            notes.push_back("daily rollup " + path.string() + " not used: " + e.what() + "; read the interval files");
            add_raw(out.raw, {day.from_us, day.to_us});
        }
    }
    return out;
}

}  // namespace ipaudit::report
