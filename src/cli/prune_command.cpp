// `ipaudit prune`: options validated, then the age rules and the disk budget applied to the
// interval files and daily rollups of a data directory, every removal said on stderr.
#include "cli/prune_command.hpp"
#include "cli/option_values.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "report/interval_catalog.hpp"
#include "report/search_filter.hpp"
#include "report/time_spec.hpp"
#include "store/sqlite.hpp"

namespace ipaudit::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;
namespace rp = ipaudit::report;

const char* const kPruneHelp = R"(    prune   ipaudit prune [-d DATA_DIR] [--keep-intervals DAYS] [--keep-rollups DAYS]
            [--max-size SIZE] [--dry-run]: retention; at least one limit is required. The
            age rules first, then the disk budget. Every file removed is a line on stderr,
            'ipaudit prune: removed PATH (N bytes, reason)', and a summary line ends the run
            (files, bytes freed, bytes now used by intervals/ and rollups/).

            -d, --data-dir DIR      data directory (default /var/lib/ipaudit)
            --keep-intervals DAYS   remove the interval files whose coverage started more
                                    than DAYS days ago (the UTC time in the file name)
            --keep-rollups DAYS     remove the rollups of the local days (TZ) more than DAYS
                                    days before today (0: all but today's)
            --max-size SIZE         then, while intervals/ and rollups/ together hold more
                                    than SIZE bytes (suffix k, m, g or t, powers of 1024:
                                    500m, 20g), remove the oldest interval file its rollup
                                    holds; when none is left, the oldest rollup
            --dry-run               say what would be removed ('would remove'), remove nothing

            Never removed: an interval file that its day's rollup does not list yet (not
            merged: the rollup still needs it; when that day has no rollup at all, the file
            goes once older than --keep-intervals, and the line says so); an interval file
            that started less than 2 hours ago, or the rollup of a local day that ended less
            than 2 hours ago; names starting with '.'; anything but YYYYMMDD-HHMM[SS][-N].db
            in intervals/YYYY/MM/DD/ and YYYY-MM-DD.db (and its journal) in rollups/;
            symlinks (never followed). Emptied day, month and year directories go too.
            Keep rollups at least as long as intervals: `ipaudit rollup` makes the rollup of
            any day that still has interval files. Exit 1 when a file could not be removed or
            a rollup could not be read (each said; the rest is still done).
)";

namespace {

constexpr std::int64_t kDaySeconds = 86'400;
constexpr std::int64_t kRecentSeconds = 2 * 3600;  // the daemon may still be writing this
constexpr std::int64_t kMaxDays = 100'000;

struct Limits {
    std::optional<std::int64_t> keep_intervals;  // days
    std::optional<std::int64_t> keep_rollups;    // days
    std::optional<std::uint64_t> max_size;       // bytes
    bool dry_run = false;
};

po::options_description prune_options() {
    po::options_description desc("prune options");
    auto text = [] { return po::value<std::string>(); };
    desc.add_options()("help,h", "this help")("data-dir,d", text())("keep-intervals", text())("keep-rollups", text())(
        "max-size", text())("dry-run", po::bool_switch());
    return desc;
}

// A file descriptor, closed when it goes.
class Fd {
public:
    explicit Fd(int fd) noexcept : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    [[nodiscard]] int get() const noexcept { return fd_; }

private:
    int fd_;
};

// The directory DATA/parts[0]/.../parts[count-1], opened with no symlink followed below DATA
// (-d itself may be one: that is the administrator's choice). -1 with errno on failure.
int open_dir_below(const fs::path& data_dir, const std::vector<std::string>& parts, std::size_t count) {
    int fd = ::open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (std::size_t i = 0; i < count && fd >= 0; ++i) {
        const int next = ::openat(fd, parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        const int saved = errno;
        ::close(fd);
        fd = next;
        errno = saved;
    }
    return fd;
}

std::string errno_text(int error) {
    if (error == ELOOP || error == ENOTDIR) return "a directory on the way is a symlink or not a directory (not followed)";
    return std::strerror(error);
}

// Removes the regular file DATA/parts..., through no symlink. The error when it was not removed.
std::optional<std::string> remove_file_below(const fs::path& data_dir, const std::vector<std::string>& parts) {
    const Fd dir(open_dir_below(data_dir, parts, parts.size() - 1));
    if (dir.get() < 0) return errno_text(errno);
    struct stat st {};
    if (::fstatat(dir.get(), parts.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return errno_text(errno);
    if (!S_ISREG(st.st_mode)) return std::string("no longer a regular file");
    if (::unlinkat(dir.get(), parts.back().c_str(), 0) != 0) return errno_text(errno);
    return std::nullopt;
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += '/';
        out += p;
    }
    return out;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// The local calendar day (TZ) of epoch second `s`: its name and its number (days since
// 1970-01-01 of that date, so that days compare and subtract as a calendar does).
struct CivilDay {
    std::string name;
    std::int64_t number = 0;
};

std::optional<CivilDay> local_day(std::int64_t s) {
    const auto t = static_cast<std::time_t>(s);
    std::tm tm{};
    if (localtime_r(&t, &tm) == nullptr) return std::nullopt;
    char buf[32] = "";
    if (std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm) != 10) return std::nullopt;
    using namespace std::chrono;
    const year_month_day ymd{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                             day{static_cast<unsigned>(tm.tm_mday)}};
    return CivilDay{buf, sys_days{ymd}.time_since_epoch().count()};
}

// YYYY-MM-DD as a day number; none for other text or impossible dates.
std::optional<std::int64_t> day_number_of(std::string_view name) {
    if (name.size() != 10 || name[4] != '-' || name[7] != '-') return std::nullopt;
    int v[3] = {0, 0, 0};
    const std::size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
    for (int i = 0; i < 3; ++i) {
        for (std::size_t k = starts[i]; k < starts[i] + lengths[i]; ++k) {
            if (name[k] < '0' || name[k] > '9') return std::nullopt;
            v[i] = v[i] * 10 + (name[k] - '0');
        }
    }
    using namespace std::chrono;
    const year_month_day ymd{year{v[0]}, month{static_cast<unsigned>(v[1])}, day{static_cast<unsigned>(v[2])}};
    if (!ymd.ok()) return std::nullopt;
    return sys_days{ymd}.time_since_epoch().count();
}

std::string days_text(std::int64_t n) { return std::to_string(n) + (n == 1 ? " day" : " days"); }

struct IntervalEntry {
    std::vector<std::string> parts;  // "intervals", YYYY, MM, DD, NAME
    std::string relative;            // intervals/YYYY/MM/DD/NAME, as a rollup lists it
    std::int64_t start_s = 0;        // the UTC start the name states
    std::int64_t sequence = 1;       // NAME-2.db comes after NAME.db
    std::string day;                 // the local day of start_s: its rollup is rollups/DAY.db
    std::uint64_t size = 0;
    bool removed = false;
};

struct RollupEntry {
    std::string day;  // YYYY-MM-DD, or FIRST_LAST for a week or month rollup
    std::int64_t day_number = 0;  // of the (last) day
    std::uint64_t size = 0;
    std::vector<std::pair<std::string, std::uint64_t>> journals;  // DAY.db-journal, -wal, -shm
    bool removed = false;
};

enum class Merged { kListed, kNotListed, kNoRollup, kUnreadable };

class Pruner {
public:
    Pruner(fs::path data_dir, const Limits& limits, std::int64_t now_s, std::ostream& err)
        : data_dir_(std::move(data_dir)), limits_(limits), now_s_(now_s), err_(err) {}

    int run() {
        scan();
        if (limits_.keep_intervals) intervals_by_age(*limits_.keep_intervals);
        if (limits_.keep_rollups) rollups_by_age(*limits_.keep_rollups);
        if (limits_.max_size) to_budget(*limits_.max_size);
        if (!limits_.dry_run) remove_emptied_directories();
        if (limits_.dry_run) {
            say("would remove " + std::to_string(files_) + " files, freeing " + std::to_string(freed_) + " bytes; " +
                std::to_string(total_) + " bytes would be used (dry run: nothing was removed)");
        } else {
            say("removed " + std::to_string(files_) + " files, " + std::to_string(freed_) + " bytes freed, " +
                std::to_string(total_) + " bytes now used");
        }
        return rc_;
    }

private:
    void say(const std::string& line) { err_ << "ipaudit prune: " << line << '\n'; }

    [[nodiscard]] std::string shown(const std::vector<std::string>& parts) const { return (data_dir_ / join(parts)).string(); }

    // Sizes every regular file under DATA/intervals and DATA/rollups (no symlink followed) and
    // collects the interval files and rollups that prune may remove.
    void scan() {
        for (const char* top : {"intervals", "rollups"}) {
            const fs::path path = data_dir_ / top;
            std::error_code ec;
            const fs::file_status st = fs::symlink_status(path, ec);
            if (ec || !fs::exists(st)) continue;
            if (fs::is_symlink(st)) {
                say("not following the symlink " + path.string() + " (prune never leaves the data directory)");
                continue;
            }
            if (!fs::is_directory(st)) {
                say(path.string() + " is not a directory: left alone");
                continue;
            }
            std::vector<std::string> parts{top};
            walk(path, parts);
        }
        std::sort(intervals_.begin(), intervals_.end(), [](const IntervalEntry& a, const IntervalEntry& b) {
            return std::tie(a.start_s, a.sequence, a.relative) < std::tie(b.start_s, b.sequence, b.relative);
        });
        for (auto& [name, size] : journals_) {
            const auto dot = name.rfind(".db-");
            if (const auto it = rollup_index_.find(name.substr(0, dot)); it != rollup_index_.end())
                rollups_[it->second].journals.emplace_back(name, size);
        }
        std::sort(rollups_.begin(), rollups_.end(),
                  [](const RollupEntry& a, const RollupEntry& b) { return a.day_number < b.day_number; });
        for (std::size_t i = 0; i < rollups_.size(); ++i) rollup_index_[rollups_[i].day] = i;
    }

    void walk(const fs::path& dir, std::vector<std::string>& parts) {
        std::error_code ec;
        fs::directory_iterator it(dir, ec);
        if (ec) {
            say("cannot read " + dir.string() + ": " + ec.message());
            rc_ = 1;
            return;
        }
        for (const fs::directory_iterator end; it != end; it.increment(ec)) {
            const fs::directory_entry& entry = *it;
            const std::string name = entry.path().filename().string();
            std::error_code sec;
            const fs::file_status st = entry.symlink_status(sec);
            if (sec) continue;  // gone meanwhile
            if (fs::is_symlink(st)) {
                say("not following the symlink " + entry.path().string() + " (prune never leaves the data directory)");
            } else if (fs::is_directory(st)) {
                parts.push_back(name);
                walk(entry.path(), parts);
                parts.pop_back();
            } else if (fs::is_regular_file(st)) {
                const std::uintmax_t size = entry.file_size(sec);
                if (sec) continue;
                total_ += size;
                if (name.empty() || name[0] == '.') continue;  // a writer's temporary file
                if (parts[0] == "intervals" && parts.size() == 4) {
                    add_interval(parts, name, size);
                } else if (parts[0] == "rollups" && parts.size() == 1) {
                    add_rollup(name, size);
                }
            }
        }
        if (ec) {
            say("cannot read " + dir.string() + ": " + ec.message());
            rc_ = 1;
        }
    }

    void add_interval(const std::vector<std::string>& parts, const std::string& name, std::uint64_t size) {
        const auto start = rp::parse_interval_file_name(name);
        if (!start) return;
        IntervalEntry e;
        e.parts = parts;
        e.parts.push_back(name);
        e.relative = join(e.parts);
        e.start_s = *start;
        if (const auto dash = name.rfind('-'); dash != std::string::npos && dash > 8)
            e.sequence = std::stoll(name.substr(dash + 1, name.size() - 3 - dash - 1));
        const auto day = local_day(*start);
        if (!day) return;
        e.day = day->name;
        e.size = size;
        intervals_.push_back(std::move(e));
    }

    void add_rollup(const std::string& name, std::uint64_t size) {
        for (const char* suffix : {".db-journal", ".db-wal", ".db-shm"}) {
            if (name.ends_with(suffix) && day_number_of(std::string_view(name).substr(0, name.size() - std::strlen(suffix)))) {
                journals_.emplace_back(name, size);
                return;
            }
        }
        if (!name.ends_with(".db")) return;
        const std::string day = name.substr(0, name.size() - 3);
        // A week or month rollup, FIRST_LAST.db, ages with its last day.
        const std::size_t sep = day.find('_');
        const auto number = sep == std::string::npos
                                ? day_number_of(day)
                                : (day_number_of(day.substr(0, sep)) ? day_number_of(day.substr(sep + 1)) : std::nullopt);
        if (!number) return;
        rollup_index_[day] = rollups_.size();
        rollups_.push_back(RollupEntry{day, *number, size, {}, false});
    }

    [[nodiscard]] bool recent(const IntervalEntry& e) const { return e.start_s > now_s_ - kRecentSeconds; }

    // A rollup of a local day that ended less than 2 hours ago (today's, or yesterday's early
    // in the morning) may still be merged into.
    [[nodiscard]] bool recent(const RollupEntry& r) const {
        const auto day = local_day(now_s_ - kRecentSeconds);
        return !day || r.day_number >= day->number;
    }

    // Whether the rollup of the interval file's local day lists it (reading each rollup once).
    Merged merged(const IntervalEntry& e) {
        const auto it = rollup_index_.find(e.day);
        if (it == rollup_index_.end() || rollups_[it->second].removed) return Merged::kNoRollup;
        auto cached = listings_.find(e.day);
        if (cached == listings_.end()) cached = listings_.emplace(e.day, read_listing(e.day)).first;
        if (!cached->second) return Merged::kUnreadable;
        return cached->second->count(e.relative) ? Merged::kListed : Merged::kNotListed;
    }

    std::optional<std::unordered_set<std::string>> read_listing(const std::string& day) {
        const fs::path path = data_dir_ / "rollups" / (day + ".db");
        try {
            sqlite::Database db(path, sqlite::Database::Mode::kReadOnly);
            sqlite3_busy_timeout(db.get(), 30'000);  // a merge in progress holds the lock briefly
            sqlite::Statement st(db, "SELECT file FROM interval");
            std::unordered_set<std::string> files;
            while (st.step()) files.emplace(st.column_text(0));
            return files;
        } catch (const sqlite::Error& e) {
            say(std::string("cannot read the rollup's list of merged files: ") + e.what() + "; the interval files of " +
                day + " are kept");
            rc_ = 1;
            return std::nullopt;
        }
    }

    bool remove(const std::vector<std::string>& parts, std::uint64_t size, const std::string& reason) {
        if (!limits_.dry_run) {
            if (const auto error = remove_file_below(data_dir_, parts)) {
                say("cannot remove " + shown(parts) + ": " + *error);
                rc_ = 1;
                return false;
            }
        }
        say(std::string(limits_.dry_run ? "would remove " : "removed ") + shown(parts) + " (" + std::to_string(size) +
            " bytes, " + reason + ")");
        ++files_;
        freed_ += size;
        total_ -= std::min(total_, size);
        return true;
    }

    void remove(IntervalEntry& e, const std::string& reason) {
        if (!remove(e.parts, e.size, reason)) return;
        e.removed = true;
        emptied_.insert(std::vector<std::string>(e.parts.begin(), e.parts.end() - 1));
    }

    void remove(RollupEntry& r, const std::string& reason) {
        if (!remove({"rollups", r.day + ".db"}, r.size, reason)) return;
        r.removed = true;
        for (const auto& [name, size] : r.journals) remove({"rollups", name}, size, "journal of the rollup removed");
    }

    void intervals_by_age(std::int64_t days) {
        const std::int64_t cutoff = now_s_ - days * kDaySeconds;
        const std::string age = "older than " + days_text(days);
        std::map<std::string, std::size_t> unmerged;  // per day: files kept, not merged yet
        for (IntervalEntry& e : intervals_) {
            if (e.start_s >= cutoff || recent(e)) continue;
            switch (merged(e)) {
                case Merged::kListed:
                    remove(e, age);
                    break;
                case Merged::kNoRollup:
                    remove(e, age + "; never merged: there is no rollup rollups/" + e.day + ".db");
                    break;
                case Merged::kNotListed:
                    ++unmerged[e.day];
                    break;
                case Merged::kUnreadable:
                    break;  // said when the rollup was read
            }
        }
        for (const auto& [day, n] : unmerged) {
            say("kept " + std::to_string(n) + " interval file" + (n == 1 ? "" : "s") + " of " + day + " " + age +
                ": not merged into rollups/" + day + ".db yet (`ipaudit rollup` merges them)");
        }
    }

    void rollups_by_age(std::int64_t days) {
        const auto today = local_day(now_s_);
        if (!today) return;
        if (limits_.keep_intervals && days < *limits_.keep_intervals)
            say("note: --keep-rollups is shorter than --keep-intervals: `ipaudit rollup` makes the rollup of any day that "
                "still has interval files again");
        for (RollupEntry& r : rollups_) {
            if (r.day_number >= today->number - days || recent(r)) continue;
            remove(r, "day older than " + days_text(days));
        }
    }

    void to_budget(std::uint64_t max_size) {
        const std::string reason = "over the --max-size budget of " + std::to_string(max_size) + " bytes";
        for (IntervalEntry& e : intervals_) {
            if (total_ <= max_size) return;
            if (!e.removed && !recent(e) && merged(e) == Merged::kListed) remove(e, reason);
        }
        for (RollupEntry& r : rollups_) {
            if (total_ <= max_size) return;
            if (!r.removed && !recent(r)) remove(r, reason);
        }
        if (total_ > max_size)
            say("still " + std::to_string(total_) + " bytes used, over the --max-size budget of " +
                std::to_string(max_size) + " bytes: what is left is recent (under 2 hours), not merged into a rollup "
                "yet, or not prune's to remove");
    }

    // Day, then month, then year directories that the removals left empty (never intervals/).
    void remove_emptied_directories() {
        for (auto it = emptied_.rbegin(); it != emptied_.rend(); ++it) {
            std::vector<std::string> parts = *it;
            while (parts.size() > 1) {
                const Fd parent(open_dir_below(data_dir_, parts, parts.size() - 1));
                if (parent.get() < 0) break;
                if (::unlinkat(parent.get(), parts.back().c_str(), AT_REMOVEDIR) != 0) {
                    if (errno != ENOTEMPTY && errno != EEXIST && errno != ENOENT) {
                        say("cannot remove the emptied directory " + shown(parts) + ": " + errno_text(errno));
                        rc_ = 1;
                    }
                    if (errno != ENOENT) break;
                }
                parts.pop_back();
            }
        }
    }

    fs::path data_dir_;
    Limits limits_;
    std::int64_t now_s_;
    std::ostream& err_;
    int rc_ = kExitOk;

    std::vector<IntervalEntry> intervals_;  // oldest first
    std::vector<RollupEntry> rollups_;      // oldest first
    std::map<std::string, std::size_t> rollup_index_;
    std::vector<std::pair<std::string, std::uint64_t>> journals_;
    std::map<std::string, std::optional<std::unordered_set<std::string>>> listings_;
    std::set<std::vector<std::string>> emptied_;

    std::uint64_t total_ = 0;  // bytes under intervals/ and rollups/ (after the removals so far)
    std::uint64_t freed_ = 0;
    std::uint64_t files_ = 0;
};

}  // namespace

int prune_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, std::int64_t now_us) {
    const char* const prefix = "ipaudit prune: ";
    fs::path data_dir = "/var/lib/ipaudit";
    Limits limits;
    try {
        po::variables_map vm;
        const po::positional_options_description none;
        po::store(po::command_line_parser(args).options(prune_options()).positional(none).run(), vm);
        if (vm.count("help")) {
            out << "usage: ipaudit prune [options]\n\n" << kPruneHelp;
            return kExitOk;
        }
        if (const auto dir = get(vm, "data-dir")) {
            if (dir->empty()) throw UsageError("--data-dir: empty");
            data_dir = *dir;
        }
        with_option(vm, "keep-intervals", [&](const std::string& v) { limits.keep_intervals = rp::parse_count(v, 0, kMaxDays); });
        with_option(vm, "keep-rollups", [&](const std::string& v) { limits.keep_rollups = rp::parse_count(v, 0, kMaxDays); });
        with_option(vm, "max-size", [&](const std::string& v) { limits.max_size = rp::parse_size(v); });
        limits.dry_run = vm["dry-run"].as<bool>();
        if (!limits.keep_intervals && !limits.keep_rollups && !limits.max_size)
            throw UsageError("nothing to do: give --keep-intervals DAYS, --keep-rollups DAYS or --max-size SIZE (see ipaudit prune --help)");
    } catch (const po::error& e) {
        err << prefix << usage_message(e, args) << " (see ipaudit prune --help)\n";
        return kExitUsage;
    } catch (const UsageError& e) {
        err << prefix << e.what() << '\n';
        return kExitUsage;
    }

    std::error_code ec;
    if (!fs::is_directory(data_dir, ec)) {
        err << prefix << "data directory " << data_dir.string() << ": "
            << (ec ? ec.message() : std::string("no such directory")) << '\n';
        return kExitFailure;
    }
    ::tzset();
    Pruner pruner(data_dir, limits, floor_div(now_us, 1'000'000), err);
    return pruner.run();
}

}  // namespace ipaudit::cli
