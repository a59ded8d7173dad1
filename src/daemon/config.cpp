// Option definitions, config file reading with line numbers, validation.
#include "daemon/config.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace ipaudit {

namespace po = boost::program_options;

namespace {

// Options valid both on the command line and in the config file (same long names).
po::options_description shared_options() {
    po::options_description d("Options (command line, or 'name = value' lines in the config file)");
    d.add_options()
        ("interface,i", po::value<std::vector<std::string>>()->value_name("IFACE"),
         "Capture live on IFACE; repeat for several interfaces.")
        ("read,r", po::value<std::vector<std::string>>()->value_name("FILE"),
         "Import a pcap or pcapng FILE instead of capturing; repeat to import several in order. "
         "Intervals follow the packets' timestamps.")
        ("data-dir,d", po::value<std::string>()->value_name("DIR"),
         "Write interval files under DIR/intervals/ (default /var/lib/ipaudit).")
        ("local,l", po::value<std::vector<std::string>>()->value_name("NETS"),
         "Local networks: CIDR (10.0.0.0/8, 2001:db8::/32), ranges (10.0.0.1-10.0.0.9), IPAudit "
         "partial IPs (137.99.11), '!' to exclude; comma separated, repeatable.")
        ("other", po::value<std::vector<std::string>>()->value_name("NETS"),
         "Networks that are neither local nor remote (default 224.0.0.0/4, 255.255.255.255, ff00::/8).")
        ("interval", po::value<std::int64_t>()->value_name("SECS"),
         "Interval length in seconds, 60..86400, dividing a day (default 1800). Intervals are "
         "aligned to wall-clock multiples (UTC).")
        ("filter,f", po::value<std::string>()->value_name("BPF"), "Capture only packets matching this BPF expression.")
        ("snaplen,s", po::value<int>()->value_name("BYTES"),
         "Bytes captured per packet, 64..262144 (default 256: headers only; IP lengths come from headers).")
        ("no-promisc", po::bool_switch(), "Do not put interfaces into promiscuous mode.")
        ("buffer-size", po::value<int>()->value_name("MIB"), "Kernel capture buffer per interface in MiB, 1..2047 (default 32).")
        ("on-interface-loss", po::value<std::string>()->value_name("wait|exit"),
         "When an interface vanishes or its capture fails: write the interval so far at once, then "
         "'wait' (default): keep running, capture on the other interfaces, and try to reopen it every "
         "2 s, capture resuming into new intervals when it is back; 'exit': exit with status 1 (for "
         "a service manager to restart ipauditd). Reopening needs capture privileges: after --user "
         "there are none, so then ipauditd logs that it cannot reopen without them and exits 1 as "
         "with 'exit'.")
        ("foreground", po::bool_switch(), "Stay in the foreground and log to stderr (the default).")
        ("daemon", po::bool_switch(),
         "Detach from the terminal and log to syslog. Relative paths (-c, -d, -r, --pidfile) are taken "
         "from the directory ipauditd was started in.")
        ("pidfile", po::value<std::string>()->value_name("FILE"), "Write the process id to FILE (locked while running).")
        ("user,u", po::value<std::string>()->value_name("USER"),
         "After opening the capture, drop root privileges to USER (who must be able to write the data directory).")
        ("sensor", po::value<std::string>()->value_name("NAME"), "Sensor name recorded in every file (default: host name).")
        ("max-memory", po::value<std::string>()->value_name("SIZE"),
         "Memory for session tables, including intervals waiting to be written (default 1G). When "
         "spent, packets of new sessions are counted as overflow (overflow_packets/bytes of the "
         "interval file; known sessions go on counting), never silently lost; this is logged when "
         "it happens and again when the interval is written.")
        ("carry-window", po::value<std::int64_t>()->value_name("SECS"),
         "Sessions active this close to an interval's end keep their first talker in the next (default 300).")
        ("retry-interval", po::value<std::int64_t>()->value_name("SECS"),
         "Seconds between attempts to write an interval after a write error (default 10).")
        ("log", po::value<std::string>()->value_name("WHERE"), "stderr, syslog or auto (auto: syslog with --daemon).")
        ("quiet,q", po::bool_switch(), "Log only warnings and errors; no progress line or summary when importing.")
        ("ports", po::value<std::string>()->value_name("FILE"),
         "Port labels the daily rollups group traffic and servers by (default /etc/ipaudit/ports.conf when it exists, else built in).")
        ("no-rollups", po::bool_switch(),
         "Write interval files only, no daily rollups under DATA_DIR/rollups ('ipaudit rollup' can build them later).")
        ("min-targets", po::value<std::string>()->value_name("N"),
         "Reports only (ipauditd accepts and ignores it, so one ipaudit.conf serves both): unanswered "
         "targets for a host to be listed as a scanner (default 50).")
        ("expected-servers", po::value<std::string>()->value_name("HOST:PORT,.."),
         "Reports only (accepted and ignored here): servers the servers report does not flag, e.g. "
         "10.1.1.25:25,[2001:db8::1]:443.")
        ("sensor-dir", po::value<std::vector<std::string>>()->value_name("NAME=DIR"),
         "Reports only (accepted and ignored here): on a report host, one line per sensor whose "
         "data directory the reports read together, with a sensor column.");
    return d;
}

po::options_description command_line_only() {
    po::options_description d("Command line only");
    d.add_options()
        ("config,c", po::value<std::string>()->value_name("FILE"), "Read options from FILE (command line wins).")
        ("help,h", "Show this manual and exit.")
        ("version,V", "Show the version and exit.");
    return d;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

// Semantic checks that Program_options cannot do; throw ConfigError without location.
void check_networks(const std::string& option, const std::vector<std::string>& values) {
    for (const auto& v : values) {
        try {
            (void)NetworkList::parse(v);
        } catch (const NetworkSpecError& e) {
            throw ConfigError("--" + option + ": " + e.what());
        }
    }
}

// Adds the items of one option value ("10.0.0.0/8, !10.9.0.0/16") to `list`.
void add_items(NetworkList& list, const std::string& value) {
    std::size_t pos = 0;
    while (pos < value.size()) {
        const auto end = value.find_first_of(", \t", pos);
        const auto item = value.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        if (!item.empty()) list.add(item);
        if (end == std::string::npos) break;
        pos = end + 1;
    }
}

// The message of a Boost.Program_options error about `text` (one config line, or the command
// line). Boost fills the option name and the value into its message template and repeats each
// replacement until the placeholder is gone, so a name or value that itself holds one
// ("snaplen = %value%") makes what() loop forever. Text with a '%' therefore gets a message
// that names the option without quoting it.
std::string po_message(const po::error& e, bool text_has_percent) {
    if (!text_has_percent) return e.what();
    if (const auto* named = dynamic_cast<const po::error_with_option_name*>(&e))
        return "option '" + named->get_option_name() + "': unknown option or invalid value";
    return "unknown option or invalid value";
}

bool any_percent(const std::vector<std::string>& args) {
    return std::any_of(args.begin(), args.end(), [](const std::string& a) { return a.find('%') != std::string::npos; });
}

template <typename T>
T get_or(const po::variables_map& vm, const char* name, T fallback) {
    return vm.count(name) ? vm[name].as<T>() : fallback;
}

// `path` made absolute against `working_dir`: --daemon changes to "/" and a SIGHUP re-reads the
// command line there, so a relative path would later name another file.
std::filesystem::path absolute_from(const std::filesystem::path& working_dir, const std::string& path) {
    return path.empty() ? std::filesystem::path{} : working_dir / path;  // `/` keeps an absolute path as is
}

Config build_config(const po::variables_map& vm, const std::set<std::string>& from_command_line,
                    const std::filesystem::path& working_dir) {
    Config c;
    if (vm.count("config")) c.config_file = absolute_from(working_dir, vm["config"].as<std::string>());
    for (const auto& i : get_or<std::vector<std::string>>(vm, "interface", {})) c.interfaces.push_back(i);
    for (const auto& r : get_or<std::vector<std::string>>(vm, "read", {})) c.read_files.push_back(absolute_from(working_dir, r));
    if (!c.interfaces.empty() && !c.read_files.empty())
        throw ConfigError("--interface and --read cannot be combined: capture live or import files");
    const std::string data_dir = get_or<std::string>(vm, "data-dir", c.data_dir.string());
    if (data_dir.empty()) throw ConfigError("--data-dir: must not be empty");
    c.data_dir = absolute_from(working_dir, data_dir);

    const auto local = get_or<std::vector<std::string>>(vm, "local", {});
    const auto other = get_or<std::vector<std::string>>(vm, "other", {});
    check_networks("local", local);
    check_networks("other", other);
    NetworkList local_list;
    for (const auto& v : local) add_items(local_list, v);
    NetworkList other_list = other.empty() ? LocalNetworks::default_other() : NetworkList{};
    for (const auto& v : other) add_items(other_list, v);
    c.networks = LocalNetworks(std::move(local_list), std::move(other_list));

    c.interval_s = get_or<std::int64_t>(vm, "interval", c.interval_s);
    if (c.interval_s < 60 || c.interval_s > 86400 || 86400 % c.interval_s != 0)
        throw ConfigError("--interval: " + std::to_string(c.interval_s) +
                          " seconds does not divide a day into whole intervals of 60..86400 seconds (try 300, 900, 1800, 3600)");
    c.filter = get_or<std::string>(vm, "filter", "");
    c.snaplen = get_or<int>(vm, "snaplen", c.snaplen);
    if (c.snaplen < 64 || c.snaplen > 262144) throw ConfigError("--snaplen: must be 64..262144, not " + std::to_string(c.snaplen));
    c.promiscuous = !get_or<bool>(vm, "no-promisc", false);
    c.buffer_mib = get_or<int>(vm, "buffer-size", c.buffer_mib);
    // libpcap takes the size in bytes as an int: 2048 MiB would overflow it.
    if (c.buffer_mib < 1 || c.buffer_mib > 2047) throw ConfigError("--buffer-size: must be 1..2047 MiB");
    const std::string loss = get_or<std::string>(vm, "on-interface-loss", "wait");
    if (loss == "wait") c.on_interface_loss = InterfaceLoss::kWait;
    else if (loss == "exit") c.on_interface_loss = InterfaceLoss::kExit;
    else throw ConfigError("--on-interface-loss: must be wait or exit, not '" + loss + "'");
    const bool fg = get_or<bool>(vm, "foreground", false);
    c.daemonize = get_or<bool>(vm, "daemon", false);
    if (fg && c.daemonize) {
        // The command line wins over the config file here too; only one source saying both is wrong.
        const bool fg_cli = from_command_line.contains("foreground");
        const bool daemon_cli = from_command_line.contains("daemon");
        if (fg_cli == daemon_cli) throw ConfigError("--foreground and --daemon contradict each other");
        c.daemonize = daemon_cli;
    }
    c.pidfile = absolute_from(working_dir, get_or<std::string>(vm, "pidfile", ""));
    c.user = get_or<std::string>(vm, "user", "");
    c.sensor = get_or<std::string>(vm, "sensor", "");
    if (c.sensor.empty()) {
        char host[256] = {};
        if (gethostname(host, sizeof host - 1) == 0) c.sensor = host;
    }
    if (vm.count("max-memory")) {
        try {
            c.max_memory = parse_size(vm["max-memory"].as<std::string>());
        } catch (const ConfigError& e) {
            throw ConfigError(std::string("--max-memory: ") + e.what());
        }
    }
    if (c.max_memory < (std::uint64_t{16} << 20)) throw ConfigError("--max-memory: at least 16M is needed");
    // The default window (300 s) shrinks to fit a shorter interval; only an explicit value can be wrong.
    c.carry_window_s = get_or<std::int64_t>(vm, "carry-window", std::min(c.carry_window_s, c.interval_s));
    if (c.carry_window_s < 0 || c.carry_window_s > c.interval_s) throw ConfigError("--carry-window: must be 0..interval seconds");
    c.retry_s = get_or<std::int64_t>(vm, "retry-interval", c.retry_s);
    if (c.retry_s < 1 || c.retry_s > 3600) throw ConfigError("--retry-interval: must be 1..3600 seconds");
    const std::string log = get_or<std::string>(vm, "log", "auto");
    if (log == "auto") c.log = LogTarget::kAuto;
    else if (log == "stderr") c.log = LogTarget::kStderr;
    else if (log == "syslog") c.log = LogTarget::kSyslog;
    else throw ConfigError("--log: must be stderr, syslog or auto, not '" + log + "'");
    c.quiet = get_or<bool>(vm, "quiet", false);
    if (vm.count("ports")) c.ports_file = absolute_from(working_dir, vm["ports"].as<std::string>());
    c.rollups = !get_or<bool>(vm, "no-rollups", false);
    if (c.rollups) {
        try {
            c.rollup_labels = report::PortLabels::configured(c.ports_file);
        } catch (const report::PortLabelsError& e) {
            throw ConfigError(std::string("--ports: ") + e.what());
        }
    }
    return c;
}

// Where each option of a config file was set ("FILE:LINE: "), for errors found after merging.
using Origins = std::map<std::string, std::string>;

// Options that take one value per occurrence and accumulate (a vector), as opposed to options
// that may be set once.
bool is_list_option(const std::string& name) {
    return name == "local" || name == "other" || name == "interface" || name == "read" || name == "sensor-dir";
}

// Reads `text` line by line so every error can name its line; each line is parsed and checked
// alone, then all are stored together after the command line (which therefore wins).
po::parsed_options parse_config_text(const std::string& text, const std::string& name,
                                     const po::options_description& desc, Origins& origins) {
    po::parsed_options all(&desc);
    std::map<std::string, int> single_seen;  // option -> line, for options given once
    std::istringstream in(text);
    std::string raw;
    int line_no = 0;
    while (std::getline(in, raw)) {
        ++line_no;
        std::string line = raw;
        if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        line = trim(line);
        if (line.empty()) continue;
        const std::string where = name + ":" + std::to_string(line_no) + ": ";
        if (line.find('=') == std::string::npos)
            throw ConfigError(where + "expected 'name = value', got '" + trim(raw) + "'");
        try {
            std::istringstream one(line);
            po::parsed_options parsed = po::parse_config_file(one, desc, false);
            po::variables_map scratch;
            po::store(parsed, scratch);  // type checks of this line's value
            for (const auto& opt : parsed.options) {
                const bool repeatable = is_list_option(opt.string_key);
                if (opt.string_key == "local" || opt.string_key == "other")
                    for (const auto& v : opt.value) (void)NetworkList::parse(v);
                if (!repeatable) {
                    const auto [it, fresh] = single_seen.emplace(opt.string_key, line_no);
                    if (!fresh)
                        throw ConfigError("'" + opt.string_key + "' is already set on line " + std::to_string(it->second));
                }
                origins.emplace(opt.string_key, where);
                all.options.push_back(opt);
            }
        } catch (const po::error& e) {
            throw ConfigError(where + po_message(e, line.find('%') != std::string::npos));
        } catch (const NetworkSpecError& e) {
            throw ConfigError(where + e.what());
        } catch (const ConfigError& e) {
            throw ConfigError(where + e.what());
        }
    }
    return all;
}

po::options_description all_options() {
    po::options_description all;
    all.add(shared_options()).add(command_line_only());
    return all;
}

// Options the command line gave (a config file cannot override these).
std::set<std::string> given(const po::variables_map& vm) {
    std::set<std::string> names;
    for (const auto& [name, value] : vm)
        if (!value.defaulted()) names.insert(name);
    return names;
}

// Builds the Config; a value check that fails on an option taken from the config file names the
// file and line, like the checks made while reading it.
Config finish(po::variables_map& vm, const Origins& origins, const std::set<std::string>& from_command_line,
              const std::filesystem::path& working_dir) {
    try {
        po::notify(vm);
        return build_config(vm, from_command_line, working_dir);
    } catch (const po::error& e) {
        throw ConfigError(e.what());
    } catch (const NetworkSpecError& e) {
        throw ConfigError(e.what());
    } catch (const ConfigError& e) {
        const std::string message = e.what();
        const auto colon = message.find(':');
        if (message.rfind("--", 0) == 0 && colon != std::string::npos) {
            const std::string option = message.substr(2, colon - 2);
            const auto it = origins.find(option);
            if (it != origins.end() && !from_command_line.contains(option)) throw ConfigError(it->second + message);
        }
        throw;
    }
}

}  // namespace

std::uint64_t parse_size(const std::string& text) {
    const std::string t = trim(text);
    // std::stoull would accept a sign (and wrap "-1" around); a size starts with a digit.
    if (t.empty() || !std::isdigit(static_cast<unsigned char>(t.front())))
        throw ConfigError("'" + text + "' is not a size (like 512M or 2G)");
    std::size_t used = 0;
    unsigned long long value = 0;
    try {
        value = std::stoull(t, &used);
    } catch (const std::exception&) {
        throw ConfigError("'" + text + "' is not a size (like 512M or 2G)");
    }
    const std::string suffix = t.substr(used);
    unsigned shift = 0;
    if (suffix.empty() || suffix == "b" || suffix == "B") shift = 0;
    else if (suffix == "k" || suffix == "K") shift = 10;
    else if (suffix == "m" || suffix == "M") shift = 20;
    else if (suffix == "g" || suffix == "G") shift = 30;
    else if (suffix == "t" || suffix == "T") shift = 40;
    else throw ConfigError("'" + text + "': unknown size suffix '" + suffix + "' (use k, M, G or T)");
    if (shift > 0 && value > (~0ULL >> shift)) throw ConfigError("'" + text + "' is too large");
    return std::uint64_t{value} << shift;
}

Config parse_config(const std::vector<std::string>& base_args, const std::string& file_text, const std::string& name) {
    const auto desc = all_options();
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(base_args).options(desc).run(), vm);
    } catch (const po::error& e) {
        throw ConfigError(po_message(e, any_percent(base_args)));
    }
    const auto from_command_line = given(vm);
    Origins origins;
    po::store(parse_config_text(file_text, name, shared_options(), origins), vm);
    return finish(vm, origins, from_command_line, std::filesystem::current_path());
}

ParsedCommandLine parse_command_line(int argc, const char* const* argv, const std::filesystem::path& working_dir) {
    const auto desc = all_options();
    po::variables_map vm;
    try {
        po::positional_options_description none;
        po::store(po::command_line_parser(argc, argv).options(desc).positional(none).run(), vm);
    } catch (const po::error& e) {
        const bool percent = std::any_of(argv, argv + argc, [](const char* a) { return std::strchr(a, '%') != nullptr; });
        throw ConfigError(po_message(e, percent) + " (see ipauditd --help)");
    }
    ParsedCommandLine out;
    if (vm.count("help")) {
        out.action = ParsedCommandLine::Action::kHelp;
        return out;
    }
    if (vm.count("version")) {
        out.action = ParsedCommandLine::Action::kVersion;
        return out;
    }
    const auto from_command_line = given(vm);
    Origins origins;
    const std::filesystem::path base = working_dir.empty() ? std::filesystem::current_path() : working_dir;
    if (vm.count("config")) {
        const std::string path = vm["config"].as<std::string>();
        std::ifstream in(absolute_from(base, path));
        if (!in) throw ConfigError(path + ": cannot read the config file");
        std::stringstream text;
        text << in.rdbuf();
        po::store(parse_config_text(text.str(), path, shared_options(), origins), vm);
    }
    out.config = finish(vm, origins, from_command_line, base);
    return out;
}

std::string help_text() {
    std::ostringstream out;
    out << R"(NAME
    ipauditd - record every IP conversation into rolling SQLite interval files

SYNOPSIS
    ipauditd [-c FILE] -i IFACE [-i IFACE]... [-d DIR] [-l NETS] [options]
    ipauditd [-c FILE] -r FILE [-r FILE]... [-d DIR] [-l NETS] [options]

DESCRIPTION
    ipauditd listens on network interfaces with libpcap (or imports pcap/pcapng files) and
    aggregates every conversation by host pair, protocol and ports: packets and IP bytes each
    way, first and last time, first and last talker, TCP flags each way. Every interval
    (default 30 minutes, aligned to the clock) it writes one SQLite file,
    DIR/intervals/YYYY/MM/DD/YYYYMMDD-HHMM.db (UTC), atomically: readers never see a partial
    file. Packets that cannot be accounted (not IP, truncated, malformed) are counted by reason
    in each file, so packet totals always add up.

    Live capture opens the interfaces as root, then drops to --user. Files are written by a
    separate thread: a slow or full disk never stops capture; finished intervals wait in memory
    (within --max-memory) and are written when the disk recovers. A write problem is logged once
    when it starts (not per waiting interval or retry), and once more when writing works again.

)";
    out << shared_options() << '\n' << command_line_only() << '\n';
    out << R"(CONFIG FILE
    The same long names, one per line: 'data-dir = /var/lib/ipaudit', 'local = 10.0.0.0/8',
    'interval = 1800'. '#' starts a comment. Options given on the command line win. A bad
    line stops the daemon with FILE:LINE and the problem.

SIGNALS
    SIGTERM, SIGINT  write the current (partial) interval and exit 0
    SIGHUP           re-read the config file; local/other networks apply from the next
                     interval (interfaces, filter and user need a restart)
    SIGUSR1          close the current interval now and start a new one

EXIT STATUS
    0 success; 1 runtime failure (capture or data directory unusable, some input file could
    not be read or was read only up to damage); 2 bad command line or config file.

EXAMPLES
    ipauditd -i eth0 -l 192.168.0.0/16 -d /var/lib/ipaudit --daemon --user ipaudit
    ipauditd -r monday.pcap -r tuesday.pcapng -l 10.0.0.0/8 -d /tmp/audit
    ipaudit dump /tmp/audit/intervals/2026/11/02/20261102-0900.db

SEE ALSO
    ipaudit(1), ipaudit.conf(5), pcap-filter(7)
)";
    return out.str();
}

}  // namespace ipaudit
