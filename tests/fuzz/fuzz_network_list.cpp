// Fuzz target: the --local / --other network lists and address text.
//
// Input: text "LOCAL|OTHER|PROBES" (missing parts are empty; no '|' at all: the whole input is
// LOCAL). LOCAL and OTHER are parsed as --local and --other lists ("10.0.0.0/8,!10.5.0.0/16",
// ranges, partial IPv4, ...); NetworkSpecError is their designed failure. PROBES are addresses
// separated by commas or blanks, parsed with IpAddress::parse. Then:
//   - the table LocalNetworks builds (one binary search) must classify every probe, every range
//     boundary and its neighbours exactly as the lists themselves do (other wins over local);
//   - each list's text() parses again to the same ranges;
//   - an address's to_string() parses back to the same address.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.hpp"
#include "core/network_list.hpp"

namespace {

using namespace ipaudit;

[[noreturn]] void invariant_failed() { std::abort(); }

HostClass by_lists(const NetworkList& local, const NetworkList& other, const IpAddress& ip) {
    if (other.contains(ip)) return HostClass::kOther;
    return local.contains(ip) ? HostClass::kLocal : HostClass::kRemote;
}

IpAddress next(const IpAddress& ip) { return IpAddress{ip.hi + (ip.lo == ~0ULL ? 1 : 0), ip.lo + 1}; }
IpAddress prev(const IpAddress& ip) { return IpAddress{ip.hi - (ip.lo == 0 ? 1 : 0), ip.lo - 1}; }

void round_trip(const IpAddress& ip) {
    const auto again = IpAddress::parse(ip.to_string());
    if (!again || !(*again == ip)) invariant_failed();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096) return 0;  // lists are short; longer inputs only slow the search down
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto bar1 = input.find('|');
    const std::string_view local_text = input.substr(0, bar1);
    std::string_view other_text, probe_text;
    if (bar1 != std::string_view::npos) {
        const auto bar2 = input.find('|', bar1 + 1);
        other_text = input.substr(bar1 + 1, bar2 == std::string_view::npos ? std::string_view::npos : bar2 - bar1 - 1);
        if (bar2 != std::string_view::npos) probe_text = input.substr(bar2 + 1);
    }

    std::vector<IpAddress> probes{IpAddress{0, 0}, IpAddress{~0ULL, ~0ULL}};
    std::size_t pos = 0;
    while (pos < probe_text.size()) {
        const auto end = probe_text.find_first_of(", \t\r\n", pos);
        const auto item = probe_text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        if (const auto ip = IpAddress::parse(item)) {
            round_trip(*ip);
            probes.push_back(*ip);
        }
        if (end == std::string_view::npos) break;
        pos = end + 1;
    }

    NetworkList local, other;
    try {
        local = NetworkList::parse(local_text);
    } catch (const NetworkSpecError&) {
        return 0;
    }
    try {
        other = other_text.empty() ? LocalNetworks::default_other() : NetworkList::parse(other_text);
    } catch (const NetworkSpecError&) {
        return 0;
    }

    // The text kept for the interval files names the same networks.
    for (const NetworkList* list : {&local, &other}) {
        const NetworkList again = NetworkList::parse(list->text());
        if (again.included() != list->included() || again.excluded() != list->excluded()) invariant_failed();
        for (const auto* ranges : {&list->included(), &list->excluded()}) {
            for (std::size_t i = 0; i < ranges->size(); ++i) {
                const auto& r = (*ranges)[i];
                if (r.last < r.first) invariant_failed();
                if (i > 0 && !((*ranges)[i - 1].last < r.first)) invariant_failed();  // sorted, disjoint
                for (const IpAddress& ip : {r.first, r.last}) {
                    round_trip(ip);
                    probes.push_back(ip);
                    probes.push_back(prev(ip));
                    probes.push_back(next(ip));
                }
            }
        }
    }

    const LocalNetworks nets(local, other);
    for (const IpAddress& ip : probes)
        if (nets.classify(ip) != by_lists(local, other, ip)) invariant_failed();
    return 0;
}
