// Strict parsers for the search fields: anything not in the accepted form is an error, never guessed.
#include "report/search_filter.hpp"

#include <charconv>
#include <limits>
#include <string>

namespace ipaudit::report {

namespace {

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<std::uint64_t> unsigned_value(std::string_view s) noexcept {
    if (s.empty() || s.front() < '0' || s.front() > '9') return std::nullopt;  // no sign, no space
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::uint16_t port_value(std::string_view item, std::string_view text) {
    const auto v = unsigned_value(trim(item));
    if (!v || *v > 65535)
        throw FilterError("bad port list " + quote_input(text) + ": " + quote_input(trim(item)) +
                          " is not a port 0..65535 (expected e.g. 80,443,8000-8099)");
    return static_cast<std::uint16_t>(*v);
}

}  // namespace

IpRange parse_ip_range(std::string_view text) {
    const std::string_view s = trim(text);
    const auto fail = [&text](std::string_view why) -> FilterError {
        return FilterError(quote_input(text) + " is not an IP address or CIDR block" +
                           (why.empty() ? std::string() : " (" + std::string(why) + ")") +
                           ": expected e.g. 10.1.2.3, 10.1.0.0/16, 2001:db8::1 or 2001:db8::/48");
    };
    const std::size_t slash = s.find('/');
    const std::string_view addr_text = s.substr(0, slash);
    const auto addr = IpAddress::parse(addr_text);
    if (!addr) throw fail("");
    const bool v6_text = addr_text.find(':') != std::string_view::npos;
    unsigned bits = 128;
    if (slash != std::string_view::npos) {
        const auto len = unsigned_value(s.substr(slash + 1));
        const unsigned max_len = v6_text ? 128 : 32;
        if (!len || *len > max_len) throw fail(v6_text ? "prefix length must be 0..128" : "prefix length must be 0..32");
        bits = static_cast<unsigned>(*len) + (v6_text ? 0 : 96);
    }
    return IpRange{addr->masked(bits), addr->last_in_prefix(bits)};
}

std::vector<PortRange> parse_port_list(std::string_view text) {
    std::vector<PortRange> out;
    std::string_view rest = text;
    if (trim(text).empty()) throw FilterError("empty port list: expected e.g. 80,443,8000-8099");
    while (true) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = trim(rest.substr(0, comma));
        const std::size_t dash = item.find('-');
        PortRange r;
        if (dash == std::string_view::npos) {
            r.first = r.last = port_value(item, text);
        } else {
            r.first = port_value(item.substr(0, dash), text);
            r.last = port_value(item.substr(dash + 1), text);
            if (r.first > r.last)
                throw FilterError("bad port list " + quote_input(text) + ": the range " + quote_input(item) +
                                  " goes backwards");
        }
        out.push_back(r);
        if (out.size() > 64) throw FilterError("bad port list " + quote_input(text) + ": more than 64 items");
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return out;
}

std::vector<std::uint8_t> parse_protocol(std::string_view text) {
    const std::string s = lower(trim(text));
    if (s == "any" || s.empty()) return {};
    if (s == "tcp") return {6};
    if (s == "udp") return {17};
    if (s == "icmp") return {1, 58};
    if (s == "icmp6" || s == "ipv6-icmp") return {58};
    if (const auto v = unsigned_value(s); v && *v <= 255) return {static_cast<std::uint8_t>(*v)};
    throw FilterError("bad protocol " + quote_input(text) + ": expected any, tcp, udp, icmp, icmp6 or a number 0..255");
}

std::uint64_t parse_size(std::string_view text) {
    std::string_view s = trim(text);
    unsigned shift = 0;
    if (!s.empty()) {
        switch (s.back()) {
            case 'k': case 'K': shift = 10; break;
            case 'm': case 'M': shift = 20; break;
            case 'g': case 'G': shift = 30; break;
            case 't': case 'T': shift = 40; break;
            default: break;
        }
        if (shift != 0) s.remove_suffix(1);
    }
    const auto v = unsigned_value(s);
    const auto fail = [&text](std::string_view why) {
        return FilterError("bad size " + quote_input(text) + std::string(why) +
                           ": expected a whole number of bytes with an optional k, m, g or t (x1024) suffix, e.g. 1500, 64k, 2m");
    };
    if (!v) throw fail("");
    constexpr std::uint64_t kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (*v > (kMax >> shift)) throw fail(" (too large)");
    return *v << shift;
}

Talker parse_talker(std::string_view text) {
    const std::string s = lower(trim(text));
    if (s == "any" || s.empty()) return Talker::kAny;
    if (s == "local") return Talker::kLocal;
    if (s == "remote") return Talker::kRemote;
    throw FilterError("bad talker " + quote_input(text) + ": expected any, local or remote");
}

std::int64_t parse_count(std::string_view text, std::int64_t min, std::int64_t max) {
    const auto v = unsigned_value(trim(text));
    if (min < 0) min = 0;
    if (!v || *v < static_cast<std::uint64_t>(min) || *v > static_cast<std::uint64_t>(max))
        throw FilterError("bad number " + quote_input(text) + ": expected a whole number " + std::to_string(min) +
                          ".." + std::to_string(max));
    return static_cast<std::int64_t>(*v);
}

}  // namespace ipaudit::report
