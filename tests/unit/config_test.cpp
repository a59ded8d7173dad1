// ipauditd configuration: every option from the file, the command line winning, repeated options,
// and errors that name FILE:LINE.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "daemon/config.hpp"
#include "tests/unit/unit_helpers.hpp"

namespace ipaudit {
namespace {

using unit::ip;

Config parse(const std::string& text, const std::vector<std::string>& args = {}) { return parse_config(args, text, "test.conf"); }

// The ConfigError message for `text`, or a failure when it parses.
std::string error_of(const std::string& text, const std::vector<std::string>& args = {}) {
    try {
        (void)parse(text, args);
    } catch (const ConfigError& e) {
        return e.what();
    }
    ADD_FAILURE() << "accepted:\n" << text;
    return {};
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

TEST(Config, Defaults) {
    const Config c = parse("");
    EXPECT_EQ(c.data_dir, "/var/lib/ipaudit");
    EXPECT_EQ(c.interval_s, 1800);
    EXPECT_EQ(c.snaplen, 256);
    EXPECT_TRUE(c.promiscuous);
    EXPECT_FALSE(c.daemonize);
    EXPECT_EQ(c.max_memory, std::uint64_t{1} << 30);
    EXPECT_EQ(c.carry_window_s, 300);
    EXPECT_EQ(c.log, LogTarget::kAuto);
    EXPECT_EQ(c.on_interface_loss, InterfaceLoss::kWait);
    EXPECT_TRUE(c.networks.local().empty());
    EXPECT_EQ(c.networks.classify(ip("224.0.0.251")), HostClass::kOther) << "multicast is 'other' by default";
    EXPECT_EQ(c.networks.classify(ip("255.255.255.255")), HostClass::kOther);
    EXPECT_FALSE(c.sensor.empty()) << "defaults to the host name";
}

TEST(Config, EveryOptionParsesFromTheFile) {
    const Config c = parse(
        "# ipaudit.conf\n"
        "data-dir = /srv/ipaudit\n"
        "local = 10.0.0.0/8, !10.9.0.0/16\n"
        "other = 239.0.0.0/8\n"
        "interval = 300\n"
        "filter = tcp port 80\n"
        "snaplen = 128\n"
        "no-promisc = true\n"
        "buffer-size = 64\n"
        "daemon = true\n"
        "pidfile = /run/ipauditd.pid\n"
        "user = nobody\n"
        "sensor = edge-1\n"
        "max-memory = 2G\n"
        "carry-window = 120\n"
        "retry-interval = 30\n"
        "on-interface-loss = exit\n"
        "log = syslog\n"
        "quiet = true\n"
        "read = monday.pcap\n");
    EXPECT_EQ(c.data_dir, "/srv/ipaudit");
    EXPECT_EQ(c.networks.classify(ip("10.1.2.3")), HostClass::kLocal);
    EXPECT_EQ(c.networks.classify(ip("10.9.2.3")), HostClass::kRemote);
    EXPECT_EQ(c.networks.classify(ip("239.1.1.1")), HostClass::kOther);
    EXPECT_EQ(c.networks.classify(ip("224.0.0.251")), HostClass::kRemote) << "an explicit 'other' replaces the default";
    EXPECT_EQ(c.interval_s, 300);
    EXPECT_EQ(c.filter, "tcp port 80");
    EXPECT_EQ(c.snaplen, 128);
    EXPECT_FALSE(c.promiscuous);
    EXPECT_EQ(c.buffer_mib, 64);
    EXPECT_TRUE(c.daemonize);
    EXPECT_EQ(c.pidfile, "/run/ipauditd.pid");
    EXPECT_EQ(c.user, "nobody");
    EXPECT_EQ(c.sensor, "edge-1");
    EXPECT_EQ(c.max_memory, std::uint64_t{2} << 30);
    EXPECT_EQ(c.carry_window_s, 120);
    EXPECT_EQ(c.retry_s, 30);
    EXPECT_EQ(c.on_interface_loss, InterfaceLoss::kExit);
    EXPECT_EQ(c.log, LogTarget::kSyslog);
    EXPECT_TRUE(c.quiet);
    EXPECT_EQ(c.read_files, std::vector<std::filesystem::path>{std::filesystem::current_path() / "monday.pcap"});

    const Config live = parse("interface = eth0\nlog = stderr\nforeground = true\n");
    EXPECT_EQ(live.interfaces, std::vector<std::string>{"eth0"});
    EXPECT_EQ(live.log, LogTarget::kStderr);
    EXPECT_FALSE(live.daemonize);
}

TEST(Config, CommentsBlankLinesAndSpacing) {
    const Config c = parse("\n   \n# a comment\ninterval=600   # ten minutes\n\tsensor   =   s1  \n");
    EXPECT_EQ(c.interval_s, 600);
    EXPECT_EQ(c.sensor, "s1");
}

TEST(Config, CommandLineWinsOverTheFile) {
    const Config c = parse("interval = 300\ndata-dir = /file\nsensor = from-file\nlocal = 10.0.0.0/8\n",
                           {"--interval", "600", "--data-dir", "/cli", "-l", "172.16.0.0/12"});
    EXPECT_EQ(c.interval_s, 600);
    EXPECT_EQ(c.data_dir, "/cli");
    EXPECT_EQ(c.sensor, "from-file") << "what the command line does not set comes from the file";
    EXPECT_EQ(c.networks.classify(ip("172.16.5.5")), HostClass::kLocal);
    EXPECT_EQ(c.networks.classify(ip("10.0.0.1")), HostClass::kRemote) << "the command line overrides the file's list";
}

TEST(Config, RepeatedLocalLinesAccumulate) {
    const Config c = parse("local = 10.0.0.0/8\nsensor = s\nlocal = 192.168.0.0/16, 2001:db8::/32\n");
    EXPECT_EQ(c.networks.classify(ip("10.1.1.1")), HostClass::kLocal);
    EXPECT_EQ(c.networks.classify(ip("192.168.1.1")), HostClass::kLocal);
    EXPECT_EQ(c.networks.classify(ip("2001:db8::1")), HostClass::kLocal);
    EXPECT_EQ(c.networks.classify(ip("172.16.0.1")), HostClass::kRemote);
}

TEST(Config, RepeatedListOptionsKeepTheirOrder) {
    const Config reads = parse("read = monday.pcap\nread = tuesday.pcapng\n");
    const auto cwd = std::filesystem::current_path();
    EXPECT_EQ(reads.read_files, (std::vector<std::filesystem::path>{cwd / "monday.pcap", cwd / "tuesday.pcapng"}));
    const Config ifaces = parse("interface = eth0\ninterface = eth1\n");
    EXPECT_EQ(ifaces.interfaces, (std::vector<std::string>{"eth0", "eth1"}));
    const Config other = parse("other = 224.0.0.0/4\nother = 255.255.255.255\n");
    EXPECT_EQ(other.networks.classify(ip("255.255.255.255")), HostClass::kOther);
    EXPECT_EQ(other.networks.classify(ip("224.0.0.1")), HostClass::kOther);
}

TEST(Config, RepeatedSingleOptionNamesBothLines) {
    const std::string e = error_of("interval = 300\nsensor = x\ninterval = 600\n");
    EXPECT_TRUE(starts_with(e, "test.conf:3: ")) << e;
    EXPECT_NE(e.find("interval"), std::string::npos) << e;
    EXPECT_NE(e.find("line 1"), std::string::npos) << e;
}

TEST(Config, FileErrorsStartWithNameAndLine) {
    struct Case {
        std::string text;
        std::string prefix;
        std::string mentions;
    };
    const std::vector<Case> cases = {
        {"# comment\n\nbogus = 1\n", "test.conf:3: ", "bogus"},
        {"sensor = s\nlocal 10.0.0.0/8\n", "test.conf:2: ", "local 10.0.0.0/8"},
        {"local = 10.0.0.0/40\n", "test.conf:1: ", "10.0.0.0/40"},
        {"interval = 300\nlocal = 10.0.0.0/8, foo\n", "test.conf:2: ", "foo"},
        {"other = 224.0.0.0/4\nother = 1.2.3.4-1.2.3\n", "test.conf:2: ", "1.2.3.4-1.2.3"},
        {"interval = abc\n", "test.conf:1: ", "interval"},
        {"sensor = s\nsnaplen = 12x\n", "test.conf:2: ", "snaplen"},
        {"buffer-size = 9999999999999\n", "test.conf:1: ", "buffer-size"},
        {"no-promisc = maybe\n", "test.conf:1: ", "no-promisc"},
        {"help = 1\n", "test.conf:1: ", "help"},  // command line only
        {"config = other.conf\n", "test.conf:1: ", "config"},
    };
    for (const Case& c : cases) {
        const std::string e = error_of(c.text);
        EXPECT_TRUE(starts_with(e, c.prefix)) << "'" << c.text << "' gave: " << e;
        EXPECT_NE(e.find(c.mentions), std::string::npos) << "'" << c.text << "' gave: " << e;
    }
}

// Boost.Program_options fills names and values into "%value%"-style placeholders until none is
// left: such text in a bad line or argument used to make the error message loop forever (found
// by tests/fuzz/fuzz_config; the input is in tests/fuzz/regressions/config/).
TEST(Config, PlaceholderTextInABadLineIsAnErrorNotAHang) {
    struct Case {
        std::string text;
        std::string mentions;
    };
    const std::vector<Case> cases = {
        {"snaplen = x%value%\n", "snaplen"},
        {"interval = 5%value%\n", "interval"},
        {"no-promisc = %value%\n", "no-promisc"},
        {"x%canonical_option% = 1\n", "x%canonical_option%"},
        {"sensor = s\n%option%%prefix%%original_token% = 1\n", "test.conf:2: "},
    };
    for (const Case& c : cases) {
        const std::string e = error_of(c.text);
        EXPECT_TRUE(starts_with(e, "test.conf:")) << "'" << c.text << "' gave: " << e;
        EXPECT_NE(e.find(c.mentions), std::string::npos) << "'" << c.text << "' gave: " << e;
    }
    // A value with '%' that is valid is still taken as written.
    EXPECT_EQ(parse("sensor = 100%value%\n").sensor, "100%value%");
    EXPECT_NE(error_of("", {"--snaplen=%value%"}).find("snaplen"), std::string::npos);
    const char* argv[] = {"ipauditd", "--snaplen", "1%value%"};
    try {
        (void)parse_command_line(3, argv);
        ADD_FAILURE();
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("snaplen"), std::string::npos) << e.what();
    }
}

TEST(Config, IntervalMustDivideADay) {
    for (const char* bad : {"interval = 7000\n", "interval = 59\n", "interval = 86401\n", "interval = 0\n", "interval = -1800\n",
                            "interval = 172800\n"})
        EXPECT_FALSE(error_of(bad).empty()) << bad;
    for (const std::int64_t good : {60, 300, 900, 1800, 3600, 86400}) {
        const Config c = parse("interval = " + std::to_string(good) + "\n");
        EXPECT_EQ(c.interval_s, good);
        EXPECT_LE(c.carry_window_s, good) << "the default carry window fits the interval";
    }
    EXPECT_FALSE(error_of("interval = 300\ncarry-window = 600\n").empty()) << "an explicit window longer than the interval";
    // A value check made after the merge still names the line the value came from...
    const std::string from_file = error_of("sensor = s\ninterval = 7000\n");
    EXPECT_TRUE(starts_with(from_file, "test.conf:2: ")) << from_file;
    EXPECT_NE(from_file.find("interval"), std::string::npos) << from_file;
    // ... and not the file when the command line gave it.
    const std::string from_cli = error_of("interval = 300\n", {"--interval", "7000"});
    EXPECT_FALSE(starts_with(from_cli, "test.conf")) << from_cli;
    EXPECT_NE(from_cli.find("interval"), std::string::npos) << from_cli;
}

TEST(Config, OtherRangeChecks) {
    EXPECT_TRUE(starts_with(error_of("sensor = s\nsnaplen = 63\n"), "test.conf:2: "));
    EXPECT_FALSE(error_of("snaplen = 262145\n").empty());
    EXPECT_FALSE(error_of("max-memory = 15M\n").empty());
    EXPECT_FALSE(error_of("log = journal\n").empty());
    EXPECT_TRUE(starts_with(error_of("on-interface-loss = retry\n"), "test.conf:1: --on-interface-loss: must be wait or exit"));
    EXPECT_FALSE(error_of("daemon = true\nforeground = true\n").empty());
    EXPECT_FALSE(error_of("interface = eth0\nread = x.pcap\n").empty()) << "live and import cannot be combined";
    EXPECT_FALSE(error_of("", {"--local", "10.0.0.0/33"}).empty());
    EXPECT_FALSE(error_of("", {"--no-such-option"}).empty());
}

// libpcap takes the buffer size in bytes as an int: 2048 MiB and more would overflow it.
TEST(Config, BufferSizeFitsLibpcapsInt) {
    EXPECT_EQ(parse("buffer-size = 2047\n").buffer_mib, 2047);
    EXPECT_EQ(parse("buffer-size = 1\n").buffer_mib, 1);
    for (const char* bad : {"buffer-size = 2048\n", "buffer-size = 4096\n", "buffer-size = 0\n"}) {
        const std::string e = error_of(bad);
        EXPECT_TRUE(starts_with(e, "test.conf:1: --buffer-size: must be 1..2047")) << bad << " gave: " << e;
    }
    EXPECT_NE(help_text().find("1..2047"), std::string::npos);
}

// Foreground and daemon from different places: the command line wins; from one place: an error.
TEST(Config, CommandLineForegroundOrDaemonWinsOverTheFile) {
    EXPECT_TRUE(parse("foreground = true\n", {"--daemon"}).daemonize);
    EXPECT_FALSE(parse("daemon = true\n", {"--foreground"}).daemonize);
    EXPECT_FALSE(error_of("", {"--daemon", "--foreground"}).empty());
    EXPECT_FALSE(error_of("daemon = true\nforeground = true\n").empty());
}

// --daemon changes to "/" and SIGHUP re-reads the command line there: paths must be absolute.
TEST(CommandLine, RelativePathsAreTakenFromTheWorkingDirectory) {
    unit::TempDir dir;
    {
        std::ofstream out(dir.path() / "ipaudit.conf");
        out << "pidfile = run/ipauditd.pid\nsensor = from-file\n";
    }
    const char* argv[] = {"ipauditd", "-c", "ipaudit.conf", "-d", "data", "-r", "a.pcap", "-r", "/abs/b.pcap"};
    const ParsedCommandLine p = parse_command_line(9, argv, dir.path());
    EXPECT_EQ(p.config.config_file, dir.path() / "ipaudit.conf");
    EXPECT_EQ(p.config.sensor, "from-file") << "the relative -c was read from the working directory";
    EXPECT_EQ(p.config.data_dir, dir.path() / "data");
    EXPECT_EQ(p.config.pidfile, dir.path() / "run/ipauditd.pid");
    EXPECT_EQ(p.config.read_files, (std::vector<std::filesystem::path>{dir.path() / "a.pcap", "/abs/b.pcap"}));
    const char* plain[] = {"ipauditd", "-i", "eth0"};
    const ParsedCommandLine q = parse_command_line(3, plain, dir.path());
    EXPECT_EQ(q.config.data_dir, "/var/lib/ipaudit") << "an absolute default stays as it is";
    EXPECT_TRUE(q.config.pidfile.empty()) << "no pid file stays none";
    EXPECT_TRUE(q.config.config_file.empty());
}

TEST(ParseSize, SuffixesAndErrors) {
    EXPECT_EQ(parse_size("1G"), std::uint64_t{1} << 30);
    EXPECT_EQ(parse_size("512m"), std::uint64_t{512} << 20);
    EXPECT_EQ(parse_size("512M"), std::uint64_t{512} << 20);
    EXPECT_EQ(parse_size("65536"), 65536u);
    EXPECT_EQ(parse_size("4k"), 4096u);
    EXPECT_EQ(parse_size("2T"), std::uint64_t{2} << 40);
    EXPECT_EQ(parse_size("100b"), 100u);
    for (const char* bad : {"12x", "", "G", "1.5G", "1GB", "99999999999T", "abc", "-1", "-1G"}) {
        try {
            const auto v = parse_size(bad);
            ADD_FAILURE() << "'" << bad << "' parsed as " << v;
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos) << e.what();
        }
    }
}

TEST(CommandLine, HelpVersionAndAMissingConfigFile) {
    const char* help[] = {"ipauditd", "--help"};
    EXPECT_EQ(parse_command_line(2, help).action, ParsedCommandLine::Action::kHelp);
    const char* version[] = {"ipauditd", "-V"};
    EXPECT_EQ(parse_command_line(2, version).action, ParsedCommandLine::Action::kVersion);
    const char* missing[] = {"ipauditd", "-c", "/nonexistent/ipaudit.conf"};
    try {
        (void)parse_command_line(3, missing);
        ADD_FAILURE();
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/ipaudit.conf"), std::string::npos) << e.what();
    }
    const char* run[] = {"ipauditd", "-r", "a.pcap", "-r", "b.pcap", "-l", "10.0.0.0/8", "--interval", "900"};
    const ParsedCommandLine p = parse_command_line(9, run);
    EXPECT_EQ(p.action, ParsedCommandLine::Action::kRun);
    const auto cwd = std::filesystem::current_path();
    EXPECT_EQ(p.config.read_files, (std::vector<std::filesystem::path>{cwd / "a.pcap", cwd / "b.pcap"}));
    EXPECT_EQ(p.config.interval_s, 900);
    EXPECT_EQ(p.config.networks.classify(ip("10.0.0.1")), HostClass::kLocal);
}

TEST(CommandLine, ConfigFileErrorsNameThePath) {
    unit::TempDir dir;
    const auto path = dir.path() / "ipaudit.conf";
    {
        std::ofstream out(path);
        out << "interval = 300\n\nlocal = 10.0.0.0/40\n";
    }
    const std::string arg = path.string();
    const char* argv[] = {"ipauditd", "-c", arg.c_str()};
    try {
        (void)parse_command_line(3, argv);
        ADD_FAILURE();
    } catch (const ConfigError& e) {
        EXPECT_TRUE(starts_with(e.what(), arg + ":3: ")) << e.what();
    }
}

}  // namespace
}  // namespace ipaudit
