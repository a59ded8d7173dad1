// Sets of addresses written the ways sysadmins write them: CIDR, ranges, IPAudit partial IPs, `!`.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.hpp"

namespace ipaudit {

// Thrown by NetworkList::parse/add; what() names the offending text and why it is wrong.
class NetworkSpecError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// Accepted items (separated by commas or white space):
//   10.0.0.0/8  2001:db8::/32      CIDR (host bits are ignored)
//   10.0.0.5    2001:db8::1        one address
//   10.0.0.1-10.0.0.50             an inclusive range of one family
//   137.99.11   137.99   10        IPAudit partial IPv4: /24, /16, /8
//   !10.0.5.0/24                   excluded even if an item above includes it
class NetworkList {
public:
    struct Range {
        IpAddress first;
        IpAddress last;
        friend bool operator==(const Range&, const Range&) = default;
    };

    [[nodiscard]] static NetworkList parse(std::string_view spec);
    void add(std::string_view item);

    [[nodiscard]] bool contains(const IpAddress& ip) const noexcept;
    [[nodiscard]] bool empty() const noexcept { return include_.empty(); }
    // The items as given, comma separated (stored in interval files for the record).
    [[nodiscard]] const std::string& text() const noexcept { return text_; }
    [[nodiscard]] const std::vector<Range>& included() const noexcept { return include_; }
    [[nodiscard]] const std::vector<Range>& excluded() const noexcept { return exclude_; }

private:
    std::vector<Range> include_;  // sorted by first, non-overlapping
    std::vector<Range> exclude_;
    std::string text_;
};

enum class HostClass : std::uint8_t { kRemote, kLocal, kOther };

// Which side of the network an address is on. "Other" networks (by default multicast and
// broadcast) are neither local nor remote, and win over local when both match.
class LocalNetworks {
public:
    LocalNetworks() = default;
    LocalNetworks(NetworkList local, NetworkList other);

    // Multicast (224.0.0.0/4, ff00::/8) and limited broadcast.
    [[nodiscard]] static NetworkList default_other();

    // One binary search over a precomputed table (called twice per packet).
    [[nodiscard]] HostClass classify(const IpAddress& ip) const noexcept;
    [[nodiscard]] const NetworkList& local() const noexcept { return local_; }
    [[nodiscard]] const NetworkList& other() const noexcept { return other_; }

private:
    // Disjoint, sorted segments that are not remote; everything between them is remote.
    struct Segment {
        IpAddress first;
        IpAddress last;
        HostClass cls;
    };
    [[nodiscard]] HostClass classify_by_lists(const IpAddress& ip) const noexcept;

    NetworkList local_;
    NetworkList other_;
    std::vector<Segment> segments_;
};

}  // namespace ipaudit
