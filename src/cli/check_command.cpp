// `ipaudit check`: each check prints one line (ok, WARNING or FAIL) and, when something is
// wrong, the command that fixes it. Permissions are worked out for the daemon's and the web
// server's users from the modes, owners and groups (ACLs are not read), so the check says what
// those users can do without becoming them.
#include "cli/check_command.hpp"
#include "cli/option_values.hpp"

#include <boost/program_options.hpp>
#include <pcap/pcap.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "daemon/config.hpp"
#include "report/report_settings.hpp"

namespace ipaudit::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

const char* const kCheckHelp = R"(    check   ipaudit check [options]: verifies an installation and says what to fix: the config
            file parses (as ipauditd and the reports read it), the data directory exists, the
            daemon's user can write it and the web server's user read it, nothing in it is
            world-writable, the interfaces exist and can be opened (when run as root), the
            disk has room, and the last interval file is recent. Each check prints ok,
            WARNING or FAIL, with the command that fixes a FAIL. Exit status 0 when nothing
            failed (warnings allowed), 1 otherwise.

            -c, --config FILE       the config file (default /etc/ipaudit/ipaudit.conf)
            -d, --data-dir DIR      the data directory (default: the config file's)
            --user USER             the daemon's user (default: the config's 'user', else
                                    ipaudit when that user exists)
            --web-user USER         the web server's user (default www-data when it exists)
)";

namespace {

// The identity a permission is worked out for.
struct Account {
    std::string name;
    uid_t uid = 0;
    std::vector<gid_t> groups;  // primary first
};

std::optional<Account> account(const std::string& name) {
    const passwd* pw = getpwnam(name.c_str());
    if (pw == nullptr) return std::nullopt;
    Account a{name, pw->pw_uid, {}};
    int n = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(n));
    if (getgrouplist(name.c_str(), pw->pw_gid, groups.data(), &n) < 0) {
        groups.resize(static_cast<std::size_t>(n));
        getgrouplist(name.c_str(), pw->pw_gid, groups.data(), &n);
    }
    groups.resize(static_cast<std::size_t>(std::max(n, 0)));
    a.groups.push_back(pw->pw_gid);
    a.groups.insert(a.groups.end(), groups.begin(), groups.end());
    return a;
}

// Whether `a` has every bit of `want` (4 read, 2 write, 1 search/execute) on `path` itself.
bool permits(const Account& a, const struct stat& st, unsigned want) {
    if (a.uid == 0) return (want & 1) == 0 || S_ISDIR(st.st_mode) || (st.st_mode & 0111) != 0;
    unsigned bits = st.st_mode & 07;
    if (st.st_uid == a.uid) bits = (st.st_mode >> 6) & 07;
    else if (std::find(a.groups.begin(), a.groups.end(), st.st_gid) != a.groups.end()) bits = (st.st_mode >> 3) & 07;
    return (bits & want) == want;
}

// "" when `a` can reach `path` (search every directory above it) and has `want` on it; else
// the first path that stops it.
std::string access_problem(const Account& a, const fs::path& path, unsigned want) {
    const fs::path absolute = fs::absolute(path).lexically_normal();
    fs::path walked = absolute.root_path();
    for (const fs::path& component : absolute.relative_path()) {
        struct stat st {};
        if (stat(walked.c_str(), &st) != 0) return walked.string() + " cannot be read";
        if (!permits(a, st, 1)) return walked.string() + " (no search permission)";
        walked /= component;
    }
    struct stat st {};
    if (stat(absolute.c_str(), &st) != 0) return absolute.string() + " does not exist";
    if (!permits(a, st, want)) return absolute.string();
    return {};
}

class Checker {
public:
    explicit Checker(std::ostream& out) : out_(&out) {}
    void ok(const std::string& what) { *out_ << "ok       " << what << '\n'; }
    void warn(const std::string& what, const std::string& fix = {}) {
        ++warnings_;
        *out_ << "WARNING  " << what << '\n';
        if (!fix.empty()) *out_ << "         fix: " << fix << '\n';
    }
    void fail(const std::string& what, const std::string& fix) {
        ++failures_;
        *out_ << "FAIL     " << what << '\n';
        if (!fix.empty()) *out_ << "         fix: " << fix << '\n';
    }
    [[nodiscard]] int failures() const { return failures_; }
    [[nodiscard]] int warnings() const { return warnings_; }

private:
    std::ostream* out_;
    int failures_ = 0;
    int warnings_ = 0;
};

std::string age_text(std::int64_t seconds) {
    if (seconds < 120) return std::to_string(seconds) + " s";
    if (seconds < 7200) return std::to_string(seconds / 60) + " min";
    if (seconds < 172800) return std::to_string(seconds / 3600) + " h";
    return std::to_string(seconds / 86400) + " days";
}

// The group the data belongs to (the daemon user's primary group), for the fixes printed.
std::string group_name(const std::optional<Account>& a) {
    if (!a) return "GROUP-OF-THE-DATA";
    const group* g = getgrgid(a->groups.front());
    return g ? g->gr_name : std::to_string(a->groups.front());
}

std::string mib(std::uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// Opens the interface as ipauditd would (without capturing): only meaningful as root.
std::string try_open(const std::string& iface) {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    const std::unique_ptr<pcap_t, decltype(&pcap_close)> p(pcap_create(iface.c_str(), errbuf), &pcap_close);
    if (!p) return errbuf;
    const int rc = pcap_activate(p.get());
    if (rc < 0) return pcap_geterr(p.get());
    return {};
}

// False when the directory does not exist (the checks that need it are then skipped).
bool check_data_dir(Checker& c, const fs::path& dir, const std::optional<Account>& daemon_user,
                    const std::optional<Account>& web_user, bool writes) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        c.fail("data directory " + dir.string() + " does not exist",
               "install -d -m 0750 -o ipaudit -g ipaudit " + dir.string() + " (or run ipauditd once)");
        return false;
    }
    c.ok("data directory " + dir.string() + " exists");
    for (const char* sub : {"intervals", "rollups"}) {
        const fs::path p = dir / sub;
        if (!fs::is_directory(p, ec)) {
            if (writes) c.warn(p.string() + " does not exist yet (ipauditd creates it)");
            continue;
        }
        if (writes && daemon_user) {
            const std::string why = access_problem(*daemon_user, p, 2 | 1);
            if (why.empty()) c.ok(p.string() + " writable by " + daemon_user->name);
            else
                c.fail(p.string() + " not writable by " + daemon_user->name + ": " + why,
                       "chown -R " + daemon_user->name + ": " + dir.string());
        }
        if (web_user) {
            const std::string why = access_problem(*web_user, p, 4 | 1);
            if (why.empty()) c.ok(p.string() + " readable by " + web_user->name);
            else
                c.fail(p.string() + " not readable by " + web_user->name + " (the web pages): " + why,
                       "chmod -R g+rX " + dir.string() + " and adduser " + web_user->name + " " +
                           group_name(daemon_user));
        }
    }
    // Nothing in the data directory may be changed by everyone: the reports trust these files.
    std::vector<std::string> open_to_all;
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        struct stat st {};
        if (lstat(it->path().c_str(), &st) == 0 && !S_ISLNK(st.st_mode) && (st.st_mode & S_IWOTH))
            open_to_all.push_back(it->path().string());
    }
    struct stat top {};
    if (stat(dir.c_str(), &top) == 0 && (top.st_mode & S_IWOTH)) open_to_all.insert(open_to_all.begin(), dir.string());
    if (open_to_all.empty()) c.ok("nothing in " + dir.string() + " is world-writable");
    else
        c.fail(std::to_string(open_to_all.size()) + " world-writable path(s) in the data, first " + open_to_all.front(),
               "chmod -R o-w " + dir.string());
    return true;
}

void check_disk(Checker& c, const fs::path& dir) {
    struct statvfs vfs {};
    if (statvfs(dir.c_str(), &vfs) != 0) return;
    const std::uint64_t avail = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    const std::uint64_t total = static_cast<std::uint64_t>(vfs.f_blocks) * vfs.f_frsize;
    const std::string text = mib(avail) + " free of " + mib(total) + " on " + dir.string();
    if (avail < (std::uint64_t{100} << 20))
        c.fail(text, "free space, or ipaudit prune -d " + dir.string() + " --keep-intervals DAYS / --max-size SIZE");
    else if (avail < (std::uint64_t{1} << 30) || (total > 0 && avail * 20 < total))
        c.warn(text + " (low)", "ipaudit prune -d " + dir.string() + " --max-size SIZE (see conf/ipaudit.cron)");
    else c.ok(text);
}

void check_last_interval(Checker& c, const fs::path& dir, std::int64_t interval_s, std::int64_t now_s) {
    std::error_code ec;
    std::optional<fs::file_time_type> newest;
    std::string newest_name;
    for (fs::recursive_directory_iterator it(dir / "intervals", fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        if (it->path().extension() != ".db" || it->path().filename().string().starts_with(".")) continue;
        const auto t = it->last_write_time(ec);
        if (!ec && (!newest || t > *newest)) {
            newest = t;
            newest_name = it->path().filename().string();
        }
    }
    if (!newest) {
        c.warn("no interval file in " + (dir / "intervals").string() + " yet",
               "start ipauditd (systemctl enable --now ipauditd); the first file appears after one interval");
        return;
    }
    const auto written = std::chrono::file_clock::to_sys(*newest);
    const std::int64_t age = now_s - std::chrono::duration_cast<std::chrono::seconds>(written.time_since_epoch()).count();
    const std::string text = "last interval file " + newest_name + " written " + age_text(std::max<std::int64_t>(age, 0)) + " ago";
    if (age > 2 * interval_s + 300)
        c.warn(text + " (interval " + std::to_string(interval_s) + " s)",
               "is ipauditd running? systemctl status ipauditd; journalctl -t ipauditd");
    else c.ok(text);
}

}  // namespace

int check_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, std::int64_t now_us) {
    po::options_description desc("check options");
    auto text = [] { return po::value<std::string>(); };
    desc.add_options()("help,h", "this help")("config,c", text())("data-dir,d", text())("user", text())(
        "web-user", text());
    po::variables_map vm;
    try {
        const po::positional_options_description none;
        po::store(po::command_line_parser(args).options(desc).positional(none).run(), vm);
    } catch (const po::error& e) {
        err << "ipaudit check: " << usage_message(e, args) << " (see ipaudit check --help)\n";
        return kExitUsage;
    }
    if (vm.count("help")) {
        out << "usage: ipaudit check [options]\n\n" << kCheckHelp;
        return kExitOk;
    }
    Checker c(out);
    const fs::path config_file = get(vm, "config").value_or(report::kDefaultConfigFile);
    Config daemon;
    report::ReportSettings settings;
    std::error_code ec;
    if (!vm.count("config") && !fs::exists(config_file, ec)) {
        c.warn("no config file " + config_file.string() + ": ipauditd and the reports use their defaults",
               "cp /usr/share/doc/ipaudit/examples/ipaudit.conf /etc/ipaudit/ (or give -c FILE)");
    } else {
        try {
            const std::string cfg = config_file.string();
            const char* argv[] = {"ipauditd", "-c", cfg.c_str()};
            daemon = parse_command_line(3, argv).config;
            settings = report::load_report_settings(config_file);
            c.ok("config file " + config_file.string() + " parses (as ipauditd and the reports read it)");
        } catch (const std::exception& e) {  // ConfigError, SettingsError: FILE:LINE and the problem
            c.fail(std::string("config: ") + e.what(), "edit " + config_file.string() + " (see ipaudit.conf(5))");
        }
    }
    const fs::path data_dir = get(vm, "data-dir").value_or(daemon.data_dir.string());

    std::optional<Account> daemon_user, web_user;
    const std::string daemon_name = get(vm, "user").value_or(daemon.user.empty() ? "ipaudit" : daemon.user);
    daemon_user = account(daemon_name);
    if (!daemon_user) {
        if (vm.count("user") || !daemon.user.empty())
            c.fail("daemon user " + daemon_name + " does not exist", "adduser --system --group " + daemon_name);
        else c.warn("no user 'ipaudit' and no 'user' in the config: ipauditd keeps running as root",
                    "adduser --system --group ipaudit and set 'user = ipaudit'");
    } else {
        c.ok("daemon user " + daemon_name + " exists (uid " + std::to_string(daemon_user->uid) + ")");
    }
    const std::string web_name = get(vm, "web-user").value_or("www-data");
    web_user = account(web_name);
    if (!web_user) {
        if (vm.count("web-user")) c.fail("web user " + web_name + " does not exist", "give the web server's user");
        else c.warn("no user www-data: the web pages' access is not checked", "give --web-user USER");
    }

    const bool have_data = check_data_dir(c, data_dir, daemon_user, web_user, true);
    for (const report::Sensor& s : settings.sensors) {
        out << "sensor " << s.name << ":\n";
        check_data_dir(c, s.data_dir, std::nullopt, web_user, false);
    }

    if (daemon.interfaces.empty()) {
        c.warn("no interface in the config ('interface = eth0'): ipauditd will only import files (-r)");
    }
    for (const std::string& iface : daemon.interfaces) {
        if (!fs::exists(fs::path("/sys/class/net") / iface, ec) && iface != "any") {
            c.fail("interface " + iface + " does not exist", "ip link (names of this machine's interfaces)");
            continue;
        }
        if (geteuid() != 0) {
            c.warn("interface " + iface + " exists; opening it was not tried (run ipaudit check as root)");
            continue;
        }
        if (const std::string why = try_open(iface); why.empty()) c.ok("interface " + iface + " can be opened for capture");
        else c.fail("interface " + iface + " cannot be opened: " + why, "start ipauditd as root (it drops to --user)");
    }

    if (have_data) {
        check_disk(c, data_dir);
        check_last_interval(c, data_dir, daemon.interval_s, now_us / 1'000'000);
    }

    out << (c.failures() == 0 ? "ipaudit check: ok" : "ipaudit check: " + std::to_string(c.failures()) + " problem(s) to fix")
        << (c.warnings() ? ", " + std::to_string(c.warnings()) + " warning(s)" : std::string()) << '\n';
    return c.failures() == 0 ? kExitOk : kExitFailure;
}

}  // namespace ipaudit::cli
