// The search form's fields as values, and the parsers that validate what users type into them.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "core/ip_address.hpp"
#include "report/time_spec.hpp"

namespace ipaudit::report {

// Thrown for a bad field value; what() quotes the text and says what is accepted (without the
// field's name, which the caller adds: "--ip: ...").
class FilterError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// An address or CIDR block as the inclusive range of 16-byte addresses it covers (IPv4 mapped).
struct IpRange {
    IpAddress first;
    IpAddress last;
    [[nodiscard]] bool contains(const IpAddress& ip) const noexcept { return first <= ip && ip <= last; }
    friend bool operator==(const IpRange&, const IpRange&) = default;
};

struct PortRange {
    std::uint16_t first = 0;
    std::uint16_t last = 0;
    friend bool operator==(const PortRange&, const PortRange&) = default;
};

enum class Talker : std::uint8_t { kAny, kLocal, kRemote };

inline constexpr std::int64_t kDefaultLimit = 100;
inline constexpr std::int64_t kMaxLimit = 100'000;  // larger limits are capped, with a note
inline constexpr std::int64_t kMaxEvery = 1'000'000;

// Every field is optional (empty = any). Local and remote are the sides as DESIGN.md defines
// them for the search: the side whose class is 'L'; where neither side is local, side A.
struct SearchFilter {
    Period period;
    std::optional<IpRange> ip;          // either side
    std::optional<IpRange> ip2;         // the other side of the same session
    std::vector<PortRange> local_ports;
    std::vector<PortRange> remote_ports;
    std::vector<std::uint8_t> protocols;  // IP protocol numbers, any of them
    std::optional<std::uint64_t> min_bytes;  // bytes both ways, inclusive
    std::optional<std::uint64_t> max_bytes;
    Talker first_talker = Talker::kAny;
    Talker last_talker = Talker::kAny;   // a one-way session has no last talker: matches neither
    std::int64_t limit = kDefaultLimit;  // rows shown at most
    std::int64_t every = 1;              // show the 1st, (N+1)th, (2N+1)th ... match
};

// 10.1.2.3, 10.1.0.0/16, 2001:db8::1, 2001:db8::/48 (host bits ignored). ::ffff:a.b.c.d is IPv4.
[[nodiscard]] IpRange parse_ip_range(std::string_view text);
// Comma separated ports or ranges: 80,443,8000-8099 (0..65535; ICMP rows hold type*256+code).
[[nodiscard]] std::vector<PortRange> parse_port_list(std::string_view text);
// any, tcp, udp, icmp (ICMP and ICMPv6), icmp6, or a number 0..255. Empty vector for any.
[[nodiscard]] std::vector<std::uint8_t> parse_protocol(std::string_view text);
// A byte count with an optional k, m, g or t suffix (either case), each 1024 times the one before.
[[nodiscard]] std::uint64_t parse_size(std::string_view text);
// any, local, remote.
[[nodiscard]] Talker parse_talker(std::string_view text);
// A whole number in [min, max].
[[nodiscard]] std::int64_t parse_count(std::string_view text, std::int64_t min, std::int64_t max);

}  // namespace ipaudit::report
