// Property test: search results equal a brute-force filter over `ipaudit dump` of the same files,
// for hundreds of random filter combinations (library API and the ipaudit binary's CSV).
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <memory>
#include <random>
#include <iostream>
#include <set>
#include <sstream>

#include "report/search.hpp"
#include "store/sqlite.hpp"
#include "tests/report/report_test_helpers.hpp"

namespace ipaudit::report {
namespace {

namespace fs = std::filesystem;
using report_test::ScopedTz;
using report_test::TempDir;

constexpr std::int64_t kSec = 1'000'000;
constexpr std::int64_t kHour = 3600 * kSec;

// ---------------------------------------------------------------------------------------------
// The brute force: sessions read from `ipaudit dump --meta`, filtered and ordered in plain C++.

struct DumpSession {
    std::int64_t file_start_us = 0;  // covered_from_us of its file
    std::string file_base;           // between files of equal coverage start: NAME.db before
    int file_copy = 1;               // NAME-2.db (file_base NAME, file_copy 2)
    IpAddress a, b;
    int proto = 0, port_a = 0, port_b = 0;
    std::int64_t pkts_ab = 0, pkts_ba = 0, bytes_ab = 0, bytes_ba = 0, first_us = 0, last_us = 0;
    char first_talker = 'a', last_talker = 'a';
    char class_a = 'R', class_b = 'R';

    [[nodiscard]] bool b_is_local_side() const { return class_a != 'L' && class_b == 'L'; }
};

IpAddress must_ip(const std::string& text) {
    const auto a = IpAddress::parse(text);
    if (!a) throw std::runtime_error("dump has a bad IP: " + text);
    return *a;
}

std::vector<std::string> split(const std::string& line, char sep) {
    std::vector<std::string> out;
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, sep)) out.push_back(cell);
    return out;
}

// "DIR/20261102-1000-2.db" -> {"DIR/20261102-1000", 2}; "DIR/20261102-1000.db" -> {.., 1}.
std::pair<std::string, int> base_and_copy(const fs::path& file) {
    std::string stem = (file.parent_path() / file.stem()).string();
    const std::string name = file.stem().string();
    if (std::count(name.begin(), name.end(), '-') == 2) {
        const std::size_t dash = stem.rfind('-');
        return {stem.substr(0, dash), std::stoi(stem.substr(dash + 1))};
    }
    return {stem, 1};
}

std::vector<DumpSession> load_dump(const fs::path& data_dir) {
    std::vector<DumpSession> out;
    for (const fs::path& file : report_test::all_db_files(data_dir)) {
        const auto r = report_test::run({IPAUDIT_BIN, "dump", "--meta", file.string()});
        if (r.status != 0) throw std::runtime_error("dump failed: " + r.err);
        std::istringstream in(r.out);
        std::string line;
        std::int64_t covered_from = -1;
        while (std::getline(in, line)) {
            if (line.rfind("# covered_from_us=", 0) == 0) covered_from = std::stoll(line.substr(18));
            if (line.empty() || line[0] == '#' || line.rfind("ip_a\t", 0) == 0) continue;
            const auto c = split(line, '\t');
            if (c.size() < 18) throw std::runtime_error("short dump line: " + line);
            DumpSession s;
            s.file_start_us = covered_from;
            std::tie(s.file_base, s.file_copy) = base_and_copy(file);
            s.a = must_ip(c[0]);
            s.b = must_ip(c[1]);
            s.proto = std::stoi(c[2]);
            s.port_a = std::stoi(c[3]);
            s.port_b = std::stoi(c[4]);
            s.pkts_ab = std::stoll(c[5]);
            s.pkts_ba = std::stoll(c[6]);
            s.bytes_ab = std::stoll(c[7]);
            s.bytes_ba = std::stoll(c[8]);
            s.first_us = std::stoll(c[9]);
            s.last_us = std::stoll(c[10]);
            s.first_talker = c[11].at(0);
            s.last_talker = c[12].at(0);
            s.class_a = c[16].at(0);
            s.class_b = c[17].at(0);
            out.push_back(s);
        }
    }
    return out;
}

SearchRow expected_row(const DumpSession& s) {
    const bool swap = s.b_is_local_side();
    SearchRow r;
    r.interval_start_us = s.file_start_us;
    r.local_ip = swap ? s.b : s.a;
    r.remote_ip = swap ? s.a : s.b;
    r.proto = s.proto;
    r.local_port = swap ? s.port_b : s.port_a;
    r.remote_port = swap ? s.port_a : s.port_b;
    r.bytes_out = swap ? s.bytes_ba : s.bytes_ab;  // what the local side sent
    r.bytes_in = swap ? s.bytes_ab : s.bytes_ba;
    r.packets_out = swap ? s.pkts_ba : s.pkts_ab;
    r.packets_in = swap ? s.pkts_ab : s.pkts_ba;
    r.first_us = s.first_us;
    r.last_us = s.last_us;
    const char local_letter = swap ? 'b' : 'a';
    r.first_talker = s.first_talker == local_letter ? 'L' : 'R';
    const bool one_way = s.pkts_ab == 0 || s.pkts_ba == 0;
    r.last_talker = one_way ? '-' : (s.last_talker == local_letter ? 'L' : 'R');
    return r;
}

bool in_ports(int port, const std::vector<PortRange>& list) {
    return std::any_of(list.begin(), list.end(), [port](const PortRange& p) { return p.first <= port && port <= p.last; });
}

bool talker_matches(Talker want, char got) {
    return want == Talker::kAny || (want == Talker::kLocal && got == 'L') || (want == Talker::kRemote && got == 'R');
}

bool matches(const SearchFilter& f, const DumpSession& s) {
    if (!(s.last_us >= f.period.from_us && s.first_us < f.period.to_us)) return false;
    if (f.ip && f.ip2) {
        if (!((f.ip->contains(s.a) && f.ip2->contains(s.b)) || (f.ip2->contains(s.a) && f.ip->contains(s.b)))) return false;
    } else if (const auto& one = f.ip ? f.ip : f.ip2) {
        if (!one->contains(s.a) && !one->contains(s.b)) return false;
    }
    if (!f.protocols.empty() && std::find(f.protocols.begin(), f.protocols.end(), s.proto) == f.protocols.end()) return false;
    const std::uint64_t total = static_cast<std::uint64_t>(s.bytes_ab + s.bytes_ba);
    if (f.min_bytes && total < *f.min_bytes) return false;
    if (f.max_bytes && total > *f.max_bytes) return false;
    const SearchRow r = expected_row(s);
    if (!f.local_ports.empty() && !in_ports(r.local_port, f.local_ports)) return false;
    if (!f.remote_ports.empty() && !in_ports(r.remote_port, f.remote_ports)) return false;
    return talker_matches(f.first_talker, r.first_talker) && talker_matches(f.last_talker, r.last_talker);
}

struct Expected {
    std::vector<SearchRow> rows;
    bool limited = false;
    std::size_t matches = 0;
    std::size_t b_local_rows = 0;  // rows shown whose local side is side B
};

Expected brute_force(const std::vector<DumpSession>& all, const SearchFilter& f) {
    std::vector<const DumpSession*> hits;
    for (const auto& s : all)
        if (matches(f, s)) hits.push_back(&s);
    std::sort(hits.begin(), hits.end(), [](const DumpSession* x, const DumpSession* y) {
        return std::tie(x->file_start_us, x->file_base, x->file_copy, x->first_us, x->a, x->b, x->proto, x->port_a, x->port_b) <
               std::tie(y->file_start_us, y->file_base, y->file_copy, y->first_us, y->a, y->b, y->proto, y->port_a, y->port_b);
    });
    Expected e;
    e.matches = hits.size();
    const std::int64_t limit = std::min(f.limit, kMaxLimit);
    for (std::size_t i = 0; i < hits.size(); i += static_cast<std::size_t>(f.every)) {
        if (static_cast<std::int64_t>(e.rows.size()) == limit) {
            e.limited = true;
            break;
        }
        e.rows.push_back(expected_row(*hits[i]));
        e.b_local_rows += hits[i]->b_is_local_side();
    }
    return e;
}

// ---------------------------------------------------------------------------------------------
// The data: sample imports (report_test::build_search_data) plus one file rewritten so that
// side B is the local one, or neither side is, in a third of its rows each.

struct Data {
    TempDir dir;
    std::vector<DumpSession> sessions;
    std::int64_t first_us = 0, last_us = 0;
};

const Data& data() {
    static const std::unique_ptr<Data> d = [] {
        auto made = std::make_unique<Data>();  // one per test process, removed at exit
        report_test::build_search_data(made->dir.path());
        // The sample's third interval again, as a second file of the same name would be.
        std::vector<fs::path> day_files;
        for (const fs::path& f : report_test::all_db_files(made->dir.path()))
            if (f.parent_path() == made->dir.path() / "intervals" / "2026" / "11" / "02") day_files.push_back(f);
        if (day_files.size() != 4) throw std::runtime_error("the sample did not write 4 interval files");
        const fs::path source = day_files[2];
        const fs::path copy = source.parent_path() / (source.stem().string() + "-2.db");
        fs::copy_file(source, copy);
        {
            sqlite::Database db(copy, sqlite::Database::Mode::kCreate);
            db.exec("UPDATE session SET class_a = 'R', class_b = 'L' WHERE rowid % 4 = 0;"
                    "UPDATE session SET class_a = 'O', class_b = 'L' WHERE rowid % 4 = 1;"
                    "UPDATE session SET class_a = 'O', class_b = 'O' WHERE rowid % 4 = 2;");
        }
        made->sessions = load_dump(made->dir.path());
        made->first_us = made->sessions.front().first_us;
        made->last_us = made->sessions.front().last_us;
        for (const auto& s : made->sessions) {
            made->first_us = std::min(made->first_us, s.first_us);
            made->last_us = std::max(made->last_us, s.last_us);
        }
        return made;
    }();
    return *d;
}

// ---------------------------------------------------------------------------------------------
// Random filters drawn from the data, so most of them match something.

class Gen {
public:
    explicit Gen(std::uint64_t seed) : rng_(seed) {}
    std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : rng_() % n; }
    std::int64_t between(std::int64_t lo, std::int64_t hi) { return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1))); }
    bool chance(int percent) { return below(100) < static_cast<std::uint64_t>(percent); }
    template <typename T>
    const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

private:
    std::mt19937_64 rng_;
};

// A filter plus the text a user would type for it (for the CLI runs).
struct Case {
    SearchFilter filter;
    std::vector<std::string> args;
};

std::string prefix_text(const IpAddress& addr, unsigned bits) {
    return addr.to_string() + "/" + std::to_string(addr.is_v4() ? bits - 96 : bits);
}

IpRange prefix_range(const IpAddress& addr, unsigned bits) { return {addr.masked(bits), addr.last_in_prefix(bits)}; }

unsigned random_bits(Gen& g, const IpAddress& addr) {
    static const std::vector<unsigned> v4 = {32, 32, 32, 24, 16, 8};
    static const std::vector<unsigned> v6 = {128, 128, 64, 48, 32};
    if (addr.is_v4()) return 96 + (g.chance(80) ? g.pick(v4) : static_cast<unsigned>(g.between(0, 32)));
    return g.chance(80) ? g.pick(v6) : static_cast<unsigned>(g.between(0, 128));
}

std::string ports_text(const std::vector<PortRange>& list) {
    std::string s;
    for (const auto& p : list) {
        if (!s.empty()) s += ",";
        s += std::to_string(p.first);
        if (p.last != p.first) s += "-" + std::to_string(p.last);
    }
    return s;
}

std::vector<PortRange> random_ports(Gen& g, const std::vector<DumpSession>& all, bool local) {
    std::vector<PortRange> out;
    const auto n = g.between(1, 3);
    for (std::int64_t i = 0; i < n; ++i) {
        const SearchRow r = expected_row(g.pick(all));
        const int p = local ? r.local_port : r.remote_port;
        if (g.chance(75)) {
            out.push_back({static_cast<std::uint16_t>(p), static_cast<std::uint16_t>(p)});
        } else {
            const int lo = std::max(0, p - static_cast<int>(g.between(0, 2000)));
            const int hi = std::min(65535, p + static_cast<int>(g.between(0, 2000)));
            out.push_back({static_cast<std::uint16_t>(lo), static_cast<std::uint16_t>(hi)});
        }
    }
    return out;
}

std::string local_minute_text(std::int64_t us) {
    const std::time_t t = static_cast<std::time_t>(us / kSec);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

// A minute-aligned instant whose local wall time is not repeated (the hour clocks go back).
std::int64_t unambiguous_minute(std::int64_t us) {
    us -= ((us % (60 * kSec)) + 60 * kSec) % (60 * kSec);
    while (local_minute_text(us) == local_minute_text(us - kHour) || local_minute_text(us) == local_minute_text(us + kHour))
        us += kHour + 60 * kSec;
    return us;
}

// Most fields are drawn from one anchor session so that the filter matches it (and whatever
// resembles it); a fifth of the draws take a random value instead.
Case random_case(Gen& g, const Data& d, bool for_cli) {
    const auto& all = d.sessions;
    const DumpSession& s = g.pick(all);
    const SearchRow anchor = expected_row(s);
    const auto follow = [&g] { return g.chance(80); };
    Case c;
    SearchFilter& f = c.filter;
    // The period: the whole span, around the anchor (its edges included or just excluded), or anywhere.
    const int kind = static_cast<int>(g.below(10));
    if (kind < 2) {
        f.period = {d.first_us - kHour, d.last_us + kHour};
    } else if (kind < 8) {
        const int edge = static_cast<int>(g.below(10));
        f.period.from_us = edge == 0 ? s.last_us : edge == 1 ? s.last_us + 1 : s.first_us - g.between(0, 2 * kHour);
        f.period.to_us = edge == 2 ? s.first_us : edge == 3 ? s.first_us + 1 : s.last_us + g.between(1, 6 * kHour);
        if (f.period.to_us <= f.period.from_us) f.period.to_us = f.period.from_us + g.between(1, kHour);
    } else {
        f.period.from_us = g.between(d.first_us - kHour, d.last_us);
        f.period.to_us = f.period.from_us + g.between(60 * kSec, 72 * kHour);
    }
    if (for_cli) {
        f.period.from_us = unambiguous_minute(f.period.from_us);
        f.period.to_us = std::max(unambiguous_minute(f.period.to_us), f.period.from_us + 60 * kSec);
        f.period.to_us = unambiguous_minute(f.period.to_us);
        c.args.insert(c.args.end(), {"--from", local_minute_text(f.period.from_us), "--to", local_minute_text(f.period.to_us)});
    }
    if (g.chance(45)) {
        const bool a_side = g.chance(50);
        const IpAddress ip = follow() ? (a_side ? s.a : s.b) : g.pick(all).a;
        const unsigned bits = random_bits(g, ip);
        f.ip = prefix_range(ip, bits);
        c.args.insert(c.args.end(), {"--ip", prefix_text(ip, bits)});
        if (g.chance(40)) {
            const IpAddress other = follow() ? (a_side ? s.b : s.a) : g.pick(all).b;
            const unsigned bits2 = random_bits(g, other);
            f.ip2 = prefix_range(other, bits2);
            c.args.insert(c.args.end(), {"--ip2", prefix_text(other, bits2)});
        }
    } else if (g.chance(8)) {
        const IpAddress other = follow() ? s.b : g.pick(all).b;
        f.ip2 = prefix_range(other, 128);
        c.args.insert(c.args.end(), {"--ip2", prefix_text(other, 128)});
    }
    const auto ports = [&](bool local) {
        std::vector<PortRange> list = random_ports(g, all, local);
        if (follow()) {
            const auto p = static_cast<std::uint16_t>(local ? anchor.local_port : anchor.remote_port);
            list[g.below(list.size())] = g.chance(70) ? PortRange{p, p}
                                                        : PortRange{static_cast<std::uint16_t>(p - std::min<int>(p, 10)),
                                                                    static_cast<std::uint16_t>(std::min(65535, p + 10))};
        }
        return list;
    };
    if (g.chance(25)) {
        f.local_ports = ports(true);
        c.args.insert(c.args.end(), {"--local-port", ports_text(f.local_ports)});
    }
    if (g.chance(25)) {
        f.remote_ports = ports(false);
        c.args.insert(c.args.end(), {"--remote-port", ports_text(f.remote_ports)});
    }
    if (g.chance(30)) {
        static const std::vector<std::pair<std::string, std::vector<std::uint8_t>>> protos = {
            {"tcp", {6}}, {"udp", {17}}, {"icmp", {1, 58}}, {"icmp6", {58}}, {"6", {6}}, {"17", {17}}, {"1", {1}}, {"47", {47}}};
        std::pair<std::string, std::vector<std::uint8_t>> p = g.pick(protos);
        if (follow()) {
            p = s.proto == 6 ? protos[0] : s.proto == 17 ? protos[1] : s.proto == 1 || s.proto == 58 ? protos[2]
                                                                                                    : std::pair<std::string, std::vector<std::uint8_t>>{
                                                                                                          std::to_string(s.proto), {static_cast<std::uint8_t>(s.proto)}};
        }
        f.protocols = p.second;
        c.args.insert(c.args.end(), {"--proto", p.first});
    }
    const std::uint64_t total = static_cast<std::uint64_t>(s.bytes_ab + s.bytes_ba);
    const auto size_arg = [&](const char* option, std::optional<std::uint64_t>& field, bool is_min) {
        std::uint64_t v = static_cast<std::uint64_t>(g.pick(all).bytes_ab + g.pick(all).bytes_ba);
        if (follow()) v = is_min ? total - g.below(total + 1) / 2 : total + g.below(total + 1);
        if (g.chance(30)) {
            v = is_min ? v / 1024 : (v + 1023) / 1024;
            field = v * 1024;
            c.args.insert(c.args.end(), {option, std::to_string(v) + "k"});
        } else {
            field = v;
            c.args.insert(c.args.end(), {option, std::to_string(v)});
        }
    };
    if (g.chance(20)) size_arg("--min-bytes", f.min_bytes, true);
    if (g.chance(20)) size_arg("--max-bytes", f.max_bytes, false);
    if (for_cli && f.min_bytes && f.max_bytes && *f.min_bytes > *f.max_bytes) {
        // The CLI refuses min > max (tested elsewhere); swap them.
        std::swap(f.min_bytes, f.max_bytes);
        for (auto& a : c.args) {
            if (a == "--min-bytes") {
                a = "--max-bytes";
            } else if (a == "--max-bytes") {
                a = "--min-bytes";
            }
        }
    }
    const auto talker = [&](const char* option, Talker& field, char anchor_talker) {
        bool local = g.chance(50);
        if (follow() && anchor_talker != '-') local = anchor_talker == 'L';
        field = local ? Talker::kLocal : Talker::kRemote;
        c.args.insert(c.args.end(), {option, local ? "local" : "remote"});
    };
    if (g.chance(20)) talker("--first-talker", f.first_talker, anchor.first_talker);
    if (g.chance(20)) talker("--last-talker", f.last_talker, anchor.last_talker);
    static const std::vector<std::int64_t> limits = {1, 2, 5, 10, 100, 1000, 100000, 250000};
    f.limit = g.chance(30) ? kDefaultLimit : g.pick(limits);
    static const std::vector<std::int64_t> everies = {1, 1, 1, 1, 2, 3, 10, 97};
    f.every = g.pick(everies);
    c.args.insert(c.args.end(), {"--limit", std::to_string(f.limit), "--every", std::to_string(f.every)});
    return c;
}

std::string describe(const Case& c) {
    std::string s;
    for (const auto& a : c.args) s += " '" + a + "'";
    return s;
}

// ---------------------------------------------------------------------------------------------

TEST(SearchProperty, DataCoversEveryOrientation) {
    const ScopedTz tz("Europe/Berlin");
    const Data& d = data();
    std::set<std::string> seen;
    std::set<char> last_talkers;
    for (const auto& s : d.sessions) {
        seen.insert(std::string{s.class_a, s.class_b});
        last_talkers.insert(expected_row(s).last_talker);
    }
    for (const char* pair : {"LR", "LL", "RR", "LO", "RL", "OL", "OO"}) EXPECT_TRUE(seen.count(pair)) << pair;
    EXPECT_EQ(last_talkers, (std::set<char>{'-', 'L', 'R'}));
    EXPECT_GT(d.sessions.size(), 6000u);
}

TEST(SearchProperty, LibraryEqualsBruteForceOverDump) {
    const ScopedTz tz("Europe/Berlin");
    const Data& d = data();
    const IntervalCatalog catalog(d.dir.path());
    Gen g(20261102);
    int nonempty = 0, limited = 0, capped = 0, b_local = 0;
    constexpr int kCases = 400;
    for (int i = 0; i < kCases; ++i) {
        const Case c = random_case(g, d, false);
        const Expected want = brute_force(d.sessions, c.filter);
        std::vector<SearchRow> got;
        const SearchSummary s = run_search(catalog, c.filter, [&got](const SearchRow& r) { got.push_back(r); });
        ASSERT_EQ(got.size(), want.rows.size()) << "case " << i << ":" << describe(c) << " (" << want.matches << " matches)";
        for (std::size_t k = 0; k < got.size(); ++k)
            ASSERT_EQ(got[k], want.rows[k]) << "case " << i << " row " << k << ":" << describe(c);
        ASSERT_EQ(s.limited, want.limited) << "case " << i << ":" << describe(c);
        ASSERT_EQ(s.rows, static_cast<std::int64_t>(got.size()));
        const bool cap = c.filter.limit > kMaxLimit;
        ASSERT_EQ(s.notes.size(), cap ? 1u : 0u) << ::testing::PrintToString(s.notes);
        nonempty += !got.empty();
        limited += s.limited;
        capped += cap;
        b_local += want.b_local_rows > 0;
    }
    std::cout << kCases << " random filters: " << nonempty << " with rows, " << limited << " stopped by the limit, "
              << capped << " with a capped limit, " << b_local << " showing rows whose local side is B\n";
    // The draws must exercise the search, not just agree on empty results.
    EXPECT_GT(nonempty, kCases / 2);
    EXPECT_GT(limited, kCases / 10);
    EXPECT_GT(capped, 0);
    EXPECT_GT(b_local, kCases / 10);
}

TEST(SearchProperty, EveryFilterAloneMatchesSomething) {
    // Each field on its own, against the brute force, over the whole span with no limit.
    const ScopedTz tz("Europe/Berlin");
    const Data& d = data();
    const IntervalCatalog catalog(d.dir.path());
    SearchFilter base;
    base.period = {d.first_us, d.last_us + 1};
    base.limit = kMaxLimit;
    std::vector<SearchFilter> filters(9, base);
    filters[0].ip = IpRange{*IpAddress::parse("10.1.2.20"), *IpAddress::parse("10.1.2.20")};
    filters[1].ip2 = IpRange{*IpAddress::parse("198.18.0.0"), *IpAddress::parse("198.18.255.255")};
    filters[2].local_ports = {{445, 445}, {22, 25}};
    filters[3].remote_ports = {{445, 445}};
    filters[4].protocols = {1, 58};
    filters[5].min_bytes = 1'000'000;
    filters[6].max_bytes = 100;
    filters[7].first_talker = Talker::kRemote;
    filters[8].last_talker = Talker::kLocal;
    for (std::size_t i = 0; i < filters.size(); ++i) {
        const Expected want = brute_force(d.sessions, filters[i]);
        std::vector<SearchRow> got;
        (void)run_search(catalog, filters[i], [&got](const SearchRow& r) { got.push_back(r); });
        EXPECT_FALSE(want.rows.empty()) << "filter " << i;
        EXPECT_EQ(got, want.rows) << "filter " << i;
    }
}

// The same property through the ipaudit binary: options as text, CSV out.
std::string csv_time(std::int64_t us) {
    const std::time_t t = static_cast<std::time_t>(us >= 0 ? us / kSec : (us - kSec + 1) / kSec);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string csv_line(const SearchRow& r) {
    std::ostringstream s;
    s << csv_time(r.interval_start_us) << ',' << r.local_ip.to_string() << ',' << r.remote_ip.to_string() << ',' << r.proto
      << ',' << r.local_port << ',' << r.remote_port << ',' << r.bytes_in << ',' << r.bytes_out << ',' << r.packets_in
      << ',' << r.packets_out << ',' << csv_time(r.first_us) << ',' << csv_time(r.last_us) << ',' << r.first_talker << ','
      << r.last_talker;
    return s.str();
}

TEST(SearchProperty, CliCsvEqualsBruteForceOverDump) {
    const ScopedTz tz("Europe/Berlin");
    const Data& d = data();
    Gen g(7);
    int nonempty = 0;
    constexpr int kCases = 60;
    for (int i = 0; i < kCases; ++i) {
        const Case c = random_case(g, d, true);
        const Expected want = brute_force(d.sessions, c.filter);
        std::vector<std::string> argv = {IPAUDIT_BIN, "search", "-d", d.dir.path().string(), "--format", "csv"};
        argv.insert(argv.end(), c.args.begin(), c.args.end());
        const auto r = report_test::run(argv);
        ASSERT_EQ(r.status, 0) << describe(c) << "\n" << r.err;
        std::vector<std::string> lines = split(r.out, '\n');
        ASSERT_FALSE(lines.empty());
        EXPECT_EQ(lines.front(),
                  "interval_start,local_ip,remote_ip,proto,local_port,remote_port,bytes_in,bytes_out,packets_in,"
                  "packets_out,first_time,last_time,first_talker,last_talker");
        lines.erase(lines.begin());
        std::vector<std::string> want_lines;
        for (const auto& row : want.rows) want_lines.push_back(csv_line(row));
        ASSERT_EQ(lines, want_lines) << "case " << i << ":" << describe(c);
        EXPECT_EQ(r.err.find("line limit reached") != std::string::npos, want.limited) << describe(c) << r.err;
        nonempty += !want.rows.empty();
    }
    EXPECT_GT(nonempty, kCases / 2);
}

}  // namespace
}  // namespace ipaudit::report
