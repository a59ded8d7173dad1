// Parsing and lookup of NetworkList.
#include "core/network_list.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

namespace ipaudit {

namespace {

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

std::optional<unsigned> parse_uint(std::string_view s, unsigned max) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size() || value > max) return std::nullopt;
    return value;
}

// IPAudit's partial IPv4 form: 1 to 3 dotted decimal octets naming a /8, /16 or /24.
std::optional<NetworkList::Range> parse_partial_v4(std::string_view s) {
    std::uint32_t value = 0;
    unsigned octets = 0;
    while (!s.empty()) {
        const auto dot = s.find('.');
        const auto part = s.substr(0, dot);
        const auto octet = parse_uint(part, 255);
        if (!octet || part.empty() || part.size() > 3 || ++octets > 3) return std::nullopt;
        value = (value << 8) | *octet;
        if (dot == std::string_view::npos) break;
        s.remove_prefix(dot + 1);
        if (s.empty()) return std::nullopt;  // trailing dot
    }
    if (octets == 0) return std::nullopt;
    const unsigned bits = 8 * octets;
    const auto base = IpAddress::from_v4(value << (32 - bits));
    return NetworkList::Range{base, base.last_in_prefix(96 + bits)};
}

NetworkList::Range parse_range_item(std::string_view item) {
    if (const auto slash = item.find('/'); slash != std::string_view::npos) {
        const auto addr = IpAddress::parse(item.substr(0, slash));
        if (!addr) throw NetworkSpecError(quoted(item) + ": not an IP address before '/'");
        // The notation decides the prefix's unit: '::ffff:10.0.0.0/104' is IPv6 text (128 bits)
        // even though the address it names is held like an IPv4 one.
        const bool v4_text = item.substr(0, slash).find(':') == std::string_view::npos;
        const unsigned max_len = v4_text ? 32 : 128;
        const auto len = parse_uint(item.substr(slash + 1), max_len);
        if (!len) throw NetworkSpecError(quoted(item) + ": prefix length must be 0.." + std::to_string(max_len));
        const unsigned bits = v4_text ? 96 + *len : *len;
        return {addr->masked(bits), addr->last_in_prefix(bits)};
    }
    if (const auto dash = item.find('-'); dash != std::string_view::npos) {
        const auto first = IpAddress::parse(item.substr(0, dash));
        const auto last = IpAddress::parse(item.substr(dash + 1));
        if (!first || !last) throw NetworkSpecError(quoted(item) + ": a range needs two full IP addresses, like 10.0.0.1-10.0.0.9");
        if (first->is_v4() != last->is_v4()) throw NetworkSpecError(quoted(item) + ": range mixes IPv4 and IPv6");
        if (*last < *first) throw NetworkSpecError(quoted(item) + ": range ends before it starts");
        return {*first, *last};
    }
    if (const auto addr = IpAddress::parse(item)) return {*addr, *addr};
    if (const auto partial = parse_partial_v4(item)) return *partial;
    throw NetworkSpecError(quoted(item) + ": not a network (use CIDR like 10.0.0.0/8, a range a-b, an address, or a partial IP like 137.99.11)");
}

// Sorts and merges overlapping or adjacent ranges so lookup is one binary search.
void normalize(std::vector<NetworkList::Range>& ranges) {
    std::sort(ranges.begin(), ranges.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<NetworkList::Range> merged;
    for (const auto& r : ranges) {
        if (!merged.empty()) {
            auto& back = merged.back();
            const auto next = IpAddress{back.last.hi + (back.last.lo == ~0ULL ? 1 : 0), back.last.lo + 1};
            const bool touches = back.last == IpAddress{~0ULL, ~0ULL} || r.first <= next;
            if (touches) {
                back.last = std::max(back.last, r.last);
                continue;
            }
        }
        merged.push_back(r);
    }
    ranges = std::move(merged);
}

bool in_ranges(const std::vector<NetworkList::Range>& ranges, const IpAddress& ip) noexcept {
    // The last range starting at or before ip is the only candidate.
    auto it = std::upper_bound(ranges.begin(), ranges.end(), ip,
                               [](const IpAddress& value, const NetworkList::Range& r) { return value < r.first; });
    if (it == ranges.begin()) return false;
    --it;
    return ip <= it->last;
}

}  // namespace

NetworkList NetworkList::parse(std::string_view spec) {
    NetworkList list;
    std::size_t pos = 0;
    while (pos < spec.size()) {
        const auto end = spec.find_first_of(", \t\r\n", pos);
        const auto item = spec.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        if (!item.empty()) list.add(item);
        if (end == std::string_view::npos) break;
        pos = end + 1;
    }
    return list;
}

void NetworkList::add(std::string_view item) {
    const bool exclude = !item.empty() && item.front() == '!';
    const auto body = exclude ? item.substr(1) : item;
    if (body.empty()) throw NetworkSpecError(quoted(item) + ": empty network");
    auto& target = exclude ? exclude_ : include_;
    target.push_back(parse_range_item(body));
    normalize(target);
    if (!text_.empty()) text_ += ',';
    text_ += item;
}

bool NetworkList::contains(const IpAddress& ip) const noexcept {
    return in_ranges(include_, ip) && !in_ranges(exclude_, ip);
}

namespace {

bool is_max(const IpAddress& ip) noexcept { return ip.hi == ~0ULL && ip.lo == ~0ULL; }
IpAddress next_address(const IpAddress& ip) noexcept {
    return IpAddress{ip.hi + (ip.lo == ~0ULL ? 1 : 0), ip.lo + 1};
}
IpAddress previous_address(const IpAddress& ip) noexcept {
    return IpAddress{ip.hi - (ip.lo == 0 ? 1 : 0), ip.lo - 1};
}

}  // namespace

LocalNetworks::LocalNetworks(NetworkList local, NetworkList other) : local_(std::move(local)), other_(std::move(other)) {
    // Every range boundary of both lists cuts the address space into elementary pieces whose
    // class is constant; classify each piece once by the lists, then merge equal neighbours.
    std::vector<IpAddress> cuts{IpAddress{0, 0}};
    for (const auto* ranges : {&local_.included(), &local_.excluded(), &other_.included(), &other_.excluded()}) {
        for (const auto& r : *ranges) {
            cuts.push_back(r.first);
            if (!is_max(r.last)) cuts.push_back(next_address(r.last));
        }
    }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    for (std::size_t i = 0; i < cuts.size(); ++i) {
        const IpAddress last = i + 1 < cuts.size() ? previous_address(cuts[i + 1]) : IpAddress{~0ULL, ~0ULL};
        const HostClass cls = classify_by_lists(cuts[i]);
        if (cls == HostClass::kRemote) continue;
        if (!segments_.empty() && segments_.back().cls == cls && next_address(segments_.back().last) == cuts[i]) {
            segments_.back().last = last;
        } else {
            segments_.push_back({cuts[i], last, cls});
        }
    }
}

HostClass LocalNetworks::classify_by_lists(const IpAddress& ip) const noexcept {
    if (other_.contains(ip)) return HostClass::kOther;
    return local_.contains(ip) ? HostClass::kLocal : HostClass::kRemote;
}

HostClass LocalNetworks::classify(const IpAddress& ip) const noexcept {
    const auto it = std::upper_bound(segments_.begin(), segments_.end(), ip,
                                     [](const IpAddress& value, const Segment& s) { return value < s.first; });
    if (it == segments_.begin()) return HostClass::kRemote;
    const Segment& s = *(it - 1);
    return ip <= s.last ? s.cls : HostClass::kRemote;
}

NetworkList LocalNetworks::default_other() {
    return NetworkList::parse("224.0.0.0/4,255.255.255.255,ff00::/8");
}

}  // namespace ipaudit
