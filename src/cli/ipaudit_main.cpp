// ipaudit: the command-line tool over interval files. Subcommands: dump, search, report.
#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "cli/check_command.hpp"
#include "cli/dump_command.hpp"
#include "cli/option_values.hpp"
#include "cli/prune_command.hpp"
#include "cli/report_command.hpp"
#include "cli/rollup_command.hpp"
#include "cli/search_command.hpp"
#include "store/interval_reader.hpp"
#include "store/sqlite.hpp"

namespace po = boost::program_options;

namespace {

constexpr int kExitOk = 0, kExitFailure = 1, kExitUsage = 2;

const char* const kUsage = R"(NAME
    ipaudit - read the interval files written by ipauditd

SYNOPSIS
    ipaudit dump [--meta] FILE.db...
    ipaudit search [-d DATA_DIR] [--from T] [--to T] [--ip IP[/LEN]] [--ip2 IP[/LEN]]
                   [--local-port P,..] [--remote-port P,..] [--proto P] [--min-bytes N]
                   [--max-bytes N] [--first-talker local|remote] [--last-talker local|remote]
                   [--limit N] [--every N] [--format text|csv|json]
    ipaudit report {pairs|scanners|servers|traffic|host|summary} [-d DATA_DIR] [--from T]
                   [--to T] [--top N] [--format text|csv|json|html] [--ports FILE]
                   [--min-targets N] [--expected HOST:PORT,..] [--ip IP]
                   [--period week|month] [--week-start monday|sunday]
    ipaudit rollup [-d DATA_DIR] [--day DAY]... [--rebuild DAY]... [--week DAY]... [--month DAY]...
                   [--ports FILE]
    ipaudit prune [-d DATA_DIR] [--keep-intervals DAYS] [--keep-rollups DAYS] [--max-size SIZE]
                  [--dry-run]
    ipaudit check [-c FILE] [-d DATA_DIR] [--user USER] [--web-user USER]
    ipaudit --help | --version

COMMANDS
)";

const char* const kDumpHelp = R"(    dump    Print an interval file as sorted, deterministic text: a header line, then one
            tab-separated line per session, ordered by (ip_a, ip_b, proto, port_a, port_b).
            Columns: ip_a ip_b proto port_a port_b pkts_ab pkts_ba bytes_ab bytes_ba first_us
            last_us first_talker last_talker first_by flags_ab flags_ba class_a class_b.
            Talkers are a or b; first_by is syn (a SYN named the initiator) or guess (first
            packet seen); flags are TCP flag letters FSRPAUEC; class is L(ocal), R(emote) or
            O(ther).

            --meta                  the interval row and the non-zero decode counters
                                    first, as '# ' lines
)";

const char* const kExitStatus = R"(
EXIT STATUS
    0 success; 1 a file could not be read (dump: not an interval file, corrupt; search: the
    data directory; report: the data directory or the ports file); 2 bad usage. A search skips foreign or corrupt files with a note.
)";

int dump(const std::vector<std::string>& args) {
    po::options_description desc("dump options");
    desc.add_options()("help,h", "this help")("meta", po::bool_switch(), "also print the interval row and decode counters")(
        "file", po::value<std::vector<std::string>>(), "interval files");
    po::positional_options_description pos;
    pos.add("file", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    } catch (const po::error& e) {
        std::cerr << "ipaudit dump: " << ipaudit::cli::usage_message(e, args) << '\n';
        return kExitUsage;
    }
    if (vm.count("help")) {
        std::cout << "usage: ipaudit dump [--meta] FILE.db...\n\n" << kDumpHelp;
        return kExitOk;
    }
    if (!vm.count("file")) {
        std::cerr << "ipaudit dump: which file? usage: ipaudit dump [--meta] FILE.db...\n";
        return kExitUsage;
    }
    ipaudit::cli::DumpOptions options;
    options.meta = vm["meta"].as<bool>();
    int rc = kExitOk;
    for (const auto& file : vm["file"].as<std::vector<std::string>>()) {
        try {
            ipaudit::cli::dump_interval_file(file, options, std::cout);
        } catch (const std::exception& e) {
            std::cerr << "ipaudit dump: " << e.what() << '\n';
            rc = kExitFailure;
        }
    }
    return rc;
}

// Runs one subcommand; returns its exit status.
int run(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << kUsage << kDumpHelp << '\n' << ipaudit::cli::kSearchHelp << '\n' << ipaudit::cli::kReportHelp << '\n'
                  << ipaudit::cli::kRollupHelp << '\n' << ipaudit::cli::kPruneHelp << '\n' << ipaudit::cli::kCheckHelp << kExitStatus;
        return args.empty() ? kExitUsage : kExitOk;
    }
    if (args[0] == "--version" || args[0] == "-V") {
        std::cout << "ipaudit " IPAUDIT_VERSION "\n";
        return kExitOk;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "dump") return dump(rest);
    if (args[0] == "search") {
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        return ipaudit::cli::search_command(rest, std::cout, std::cerr,
                                            std::chrono::duration_cast<std::chrono::microseconds>(now).count());
    }
    if (args[0] == "report") {
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        return ipaudit::cli::report_command(rest, std::cout, std::cerr,
                                            std::chrono::duration_cast<std::chrono::microseconds>(now).count());
    }
    if (args[0] == "rollup") return ipaudit::cli::rollup_command(rest, std::cout, std::cerr);
    if (args[0] == "prune") {
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        return ipaudit::cli::prune_command(rest, std::cout, std::cerr,
                                           std::chrono::duration_cast<std::chrono::microseconds>(now).count());
    }
    if (args[0] == "check") {
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        return ipaudit::cli::check_command(rest, std::cout, std::cerr,
                                           std::chrono::duration_cast<std::chrono::microseconds>(now).count());
    }
    std::cerr << "ipaudit: unknown command '" << args[0] << "' (see ipaudit --help)\n";
    return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
    const int rc = run(std::vector<std::string>(argv + (argc > 0 ? 1 : 0), argv + argc));
    // A report that did not reach its reader (disk full, closed pipe) is a failure, not a success.
    std::cout.flush();
    if (!std::cout) {
        std::cerr << "ipaudit: cannot write the output: " << std::strerror(errno) << '\n';
        return rc == kExitOk ? kExitFailure : rc;
    }
    return rc;
}
