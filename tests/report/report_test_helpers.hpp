// Helpers for the report tests: temp dirs, a fixed TZ, running the real binaries, sample data,
// reading the reports' CSV.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/test_env.hpp"

#ifndef IPAUDIT_BIN
#error "IPAUDIT_BIN, IPAUDITD_BIN and PCAPGEN_BIN come from tests/report/CMakeLists.txt"
#endif

namespace ipaudit::report_test {

namespace fs = std::filesystem;

using ipaudit::testing::TempDir;

using ipaudit::testing::ScopedTz;

struct RunResult {
    int status = -1;  // exit status, or -1 when killed by a signal
    std::string out;
    std::string err;
};

inline std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs `argv` (no shell, so arguments arrive byte for byte) with stdout and stderr captured.
inline RunResult run(const std::vector<std::string>& argv) {
    const TempDir tmp;
    const fs::path out_path = tmp.path() / "out";
    const fs::path err_path = tmp.path() / "err";
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out < 0 || err < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(127);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    int wstatus = 0;
    while (::waitpid(pid, &wstatus, 0) < 0) {
        if (errno != EINTR) throw std::runtime_error("waitpid failed");
    }
    RunResult r;
    r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    r.out = read_file(out_path);
    r.err = read_file(err_path);
    return r;
}

inline void run_or_throw(const std::vector<std::string>& argv) {
    const RunResult r = run(argv);
    if (r.status != 0) throw std::runtime_error("command failed: " + argv.front() + ": " + r.err);
}

// Imports `ipaudit-pcapgen SCENARIO [extra...]` into `data_dir` with `local_nets`.
inline void import_scenario(const fs::path& data_dir, const std::string& scenario, const std::vector<std::string>& gen_args,
                            const std::string& local_nets) {
    const TempDir tmp;
    const std::string pcap = (tmp.path() / (scenario + ".pcap")).string();
    std::vector<std::string> gen = {PCAPGEN_BIN, scenario, "-o", pcap};
    gen.insert(gen.end(), gen_args.begin(), gen_args.end());
    run_or_throw(gen);
    run_or_throw({IPAUDITD_BIN, "-q", "-r", pcap, "-d", data_dir.string(), "-l", local_nets, "--sensor", "report-test"});
}

inline const char* const kSampleLocalNets = "10.1.0.0/16,2001:db8:1::/48";

// The sample scenario as the brief and DESIGN.md give it (local 10.1.0.0/16, 2001:db8:1::/48),
// plus, to reach every orientation: the sample again across a UTC midnight and Berlin's DST
// end (2026-10-24 23:30 UTC) with other local networks (both sides local, neither local, B
// local by address order), and the ipv6-ext and talkers scenarios on 2026-11-03.
inline void build_search_data(const fs::path& data_dir) {
    import_scenario(data_dir, "sample", {}, kSampleLocalNets);
    import_scenario(data_dir, "sample", {"--start", "1792884600", "--seed", "7"}, "10.1.2.0/24,198.51.100.0/24");
    import_scenario(data_dir, "ipv6-ext", {"--start", "1793707200"}, kSampleLocalNets);
    import_scenario(data_dir, "talkers", {"--start", "1793710800"}, kSampleLocalNets);
}

// Every interval file (*.db under DATA_DIR/intervals), sorted (independent of the report
// library's catalog; rollups are not interval files).
inline std::vector<fs::path> all_db_files(const fs::path& data_dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(data_dir / "intervals"))
        if (e.is_regular_file() && e.path().extension() == ".db" && !e.path().filename().string().starts_with('.'))
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

// One session line of `ipaudit dump` (the columns DESIGN.md fixes plus ours).
struct DumpRow {
    std::string ip_a, ip_b;
    int proto = 0, port_a = 0, port_b = 0;
    std::int64_t pkts_ab = 0, pkts_ba = 0, bytes_ab = 0, bytes_ba = 0;
    std::string first_talker, flags_ab, flags_ba, class_a, class_b;
};

// Every session line of `ipaudit dump` (binary `ipaudit`) over `files`: an independent view of
// the store for checking reports against.
inline std::vector<DumpRow> dump_rows_of(const std::string& ipaudit, const std::vector<fs::path>& files) {
    std::vector<DumpRow> out;
    for (const fs::path& f : files) {
        const RunResult r = run({ipaudit, "dump", f.string()});
        if (r.status != 0) throw std::runtime_error("dump failed: " + r.err);
        std::istringstream in(r.out);
        std::string line;
        std::getline(in, line);  // header
        while (std::getline(in, line)) {
            std::vector<std::string> c;
            std::istringstream ls(line);
            std::string cell;
            while (std::getline(ls, cell, '\t')) c.push_back(cell);
            if (c.size() < 18) throw std::runtime_error("short dump line: " + line);
            DumpRow d;
            d.ip_a = c[0];
            d.ip_b = c[1];
            d.proto = std::stoi(c[2]);
            d.port_a = std::stoi(c[3]);
            d.port_b = std::stoi(c[4]);
            d.pkts_ab = std::stoll(c[5]);
            d.pkts_ba = std::stoll(c[6]);
            d.bytes_ab = std::stoll(c[7]);
            d.bytes_ba = std::stoll(c[8]);
            d.first_talker = c[11];
            d.flags_ab = c[14];
            d.flags_ba = c[15];
            d.class_a = c[16];
            d.class_b = c[17];
            out.push_back(d);
        }
    }
    return out;
}

// One CSV record per row, as maps from the header's names.
using Record = std::map<std::string, std::string>;

// The rows of a CSV text, each a list of fields (RFC 4180 quoting; CR outside quotes dropped).
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
        } else if (c == '\n') {
            row.push_back(std::move(field));
            field.clear();
            rows.push_back(std::move(row));
            row.clear();
        } else if (c != '\r') {
            field += c;
        }
    }
    return rows;
}

// The records of a CSV text below its header line; a row of another width than the header
// fails the test.
inline std::vector<Record> csv_records(const std::string& text) {
    const auto rows = parse_csv(text);
    std::vector<Record> out;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        EXPECT_EQ(rows[r].size(), rows[0].size()) << "row " << r;
        Record rec;
        for (std::size_t i = 0; i < rows[0].size() && i < rows[r].size(); ++i) rec[rows[0][i]] = rows[r][i];
        out.push_back(std::move(rec));
    }
    return out;
}

// The records whose `section` column is NAME (the sectioned CSV of the host and summary reports).
inline std::vector<Record> section(const std::vector<Record>& all, const std::string& name) {
    std::vector<Record> out;
    for (const auto& r : all)
        if (r.at("section") == name) out.push_back(r);
    return out;
}

}  // namespace ipaudit::report_test
