// An IPv4 or IPv6 address held as 128 bits (IPv4 as v4-mapped ::ffff:a.b.c.d), ordered and hashable.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ipaudit {

// Two host-order 64-bit halves of the big-endian address bytes: comparisons, masks and range
// checks are plain integer operations, and the order equals the byte order of the stored BLOB.
struct IpAddress {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;

    static constexpr std::uint64_t kV4MappedPrefix = 0x0000'FFFF'0000'0000ULL;

    [[nodiscard]] static constexpr IpAddress from_v4(std::uint32_t host_order) noexcept {
        return IpAddress{0, kV4MappedPrefix | host_order};
    }
    // 16 network-order bytes.
    [[nodiscard]] static IpAddress from_v6_bytes(std::span<const std::uint8_t, 16> bytes) noexcept;
    // Text form: dotted IPv4 or any RFC 4291 IPv6 form. nullopt when not an address.
    [[nodiscard]] static std::optional<IpAddress> parse(std::string_view text);

    [[nodiscard]] constexpr bool is_v4() const noexcept {
        return hi == 0 && (lo & 0xFFFF'FFFF'0000'0000ULL) == kV4MappedPrefix;
    }
    [[nodiscard]] constexpr std::uint32_t v4() const noexcept { return static_cast<std::uint32_t>(lo); }

    [[nodiscard]] std::array<std::uint8_t, 16> bytes() const noexcept;
    // Dotted quad for IPv4, RFC 5952 compressed form for IPv6.
    [[nodiscard]] std::string to_string() const;

    // The address with only the first `bits` of the 128 kept (bits in 0..128).
    [[nodiscard]] IpAddress masked(unsigned bits) const noexcept;
    // The address with every bit after the first `bits` set: the last address of the prefix.
    [[nodiscard]] IpAddress last_in_prefix(unsigned bits) const noexcept;

    friend constexpr auto operator<=>(const IpAddress&, const IpAddress&) = default;
};

}  // namespace ipaudit
