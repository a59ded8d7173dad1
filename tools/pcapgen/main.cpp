// ipaudit-pcapgen: writes deterministic synthetic captures (demo, benchmark, golden fixtures).
#include <charconv>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "tools/pcapgen/scenarios.hpp"

namespace {

namespace pg = ipaudit::pcapgen;
namespace pb = ipaudit::testing;

constexpr int kUsageError = 2;

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void print_help(std::ostream& os) {
    os << "usage: ipaudit-pcapgen SCENARIO -o FILE [--seed N] [--start EPOCH_SECONDS]\n"
          "                       [--packets N] [--sessions N] [--format pcap|pcapng]\n"
          "\n"
          "Writes a synthetic capture; the same arguments always give the same bytes.\n"
          "FILE may be - for standard output. --start defaults to 1793610000\n"
          "(2026-11-02 09:00:00 UTC); --packets/--sessions apply to bench only.\n"
          "Local networks in every scenario: 10.1.0.0/16 and 2001:db8:1::/48.\n"
          "\n"
          "scenarios:\n";
    for (const auto& s : pg::scenarios()) {
        std::string name(s.name);
        name.resize(std::max<std::size_t>(name.size() + 1, 22), ' ');
        os << "  " << name << s.summary << '\n';
    }
}

std::uint64_t parse_number(std::string_view option, std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        throw UsageError(std::string(option) + ": not a non-negative integer: '" +
                         std::string(text) + "'");
    }
    return value;
}

pb::CaptureFormat parse_format(std::string_view text) {
    if (text == "pcap") return pb::CaptureFormat::pcap;
    if (text == "pcapng") return pb::CaptureFormat::pcapng;
    throw UsageError("--format: expected pcap or pcapng, got '" + std::string(text) + "'");
}

const pg::Scenario& find_scenario(std::string_view name) {
    for (const auto& s : pg::scenarios()) {
        if (s.name == name) return s;
    }
    throw UsageError("unknown scenario '" + std::string(name) + "' (see --help)");
}

struct Command {
    const pg::Scenario* scenario = nullptr;
    pg::Options options;
    bool help = false;
};

Command parse_args(const std::vector<std::string_view>& args) {
    Command cmd;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (arg == "-h" || arg == "--help") {
            cmd.help = true;
            return cmd;
        }
        if (!arg.starts_with("-") || arg == "-") {
            if (cmd.scenario != nullptr) throw UsageError("more than one scenario given");
            cmd.scenario = &find_scenario(arg);
            continue;
        }
        if (i + 1 >= args.size()) throw UsageError(std::string(arg) + ": missing value");
        const std::string_view value = args[++i];
        if (arg == "-o" || arg == "--output") {
            cmd.options.output = std::string(value);
        } else if (arg == "--seed") {
            cmd.options.seed = parse_number(arg, value);
        } else if (arg == "--start") {
            const std::uint64_t start = parse_number(arg, value);
            // pcap stores seconds in 32 bits; later timestamps could not be written.
            if (start > 0xffffffffULL) throw UsageError("--start: after 2106-02-07");
            cmd.options.start_s = static_cast<std::int64_t>(start);
        } else if (arg == "--packets") {
            cmd.options.packets = parse_number(arg, value);
        } else if (arg == "--sessions") {
            cmd.options.sessions = parse_number(arg, value);
        } else if (arg == "--format") {
            cmd.options.format = parse_format(value);
        } else {
            throw UsageError("unknown option '" + std::string(arg) + "'");
        }
    }
    if (cmd.scenario == nullptr) throw UsageError("no scenario given (see --help)");
    if (cmd.options.output.empty()) throw UsageError("no output file given (-o FILE)");
    return cmd;
}

void generate(const Command& cmd) {
    const pg::Scenario& s = *cmd.scenario;
    if (s.forced_format && cmd.options.format && *cmd.options.format != *s.forced_format) {
        throw UsageError(std::string(s.name) + " always writes pcapng");
    }
    const pb::CaptureFormat format =
        s.forced_format.value_or(cmd.options.format.value_or(pb::CaptureFormat::pcap));
    auto writer = pb::open_capture(cmd.options.output, format, s.linktype, s.snaplen);
    try {
        s.run(cmd.options, *writer);
        writer->close();
    } catch (...) {
        // Leave no half-written capture behind for a test to pick up.
        writer.reset();
        if (cmd.options.output != "-") std::remove(cmd.options.output.c_str());
        throw;
    }
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const Command cmd = parse_args(std::vector<std::string_view>(argv + 1, argv + argc));
        if (cmd.help) {
            print_help(std::cout);
            return 0;
        }
        generate(cmd);
        return 0;
    } catch (const UsageError& e) {
        std::cerr << "ipaudit-pcapgen: " << e.what() << '\n';
        return kUsageError;
    } catch (const std::exception& e) {
        std::cerr << "ipaudit-pcapgen: " << e.what() << '\n';
        return 1;
    }
}
