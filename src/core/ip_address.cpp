// Parsing, formatting and masking of IpAddress.
#include "core/ip_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace ipaudit {

namespace {

std::uint64_t load_be64(const std::uint8_t* p) noexcept {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
    return v;
}

void store_be64(std::uint64_t v, std::uint8_t* p) noexcept {
    for (int i = 7; i >= 0; --i) {
        p[i] = static_cast<std::uint8_t>(v);
        v >>= 8;
    }
}

// Mask of the top `bits` bits of a 64-bit word (bits in 0..64).
constexpr std::uint64_t top_bits(unsigned bits) noexcept {
    return bits == 0 ? 0 : bits >= 64 ? ~0ULL : ~0ULL << (64 - bits);
}

}  // namespace

IpAddress IpAddress::from_v6_bytes(std::span<const std::uint8_t, 16> bytes) noexcept {
    return IpAddress{load_be64(bytes.data()), load_be64(bytes.data() + 8)};
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    // inet_pton needs a NUL-terminated string; 45 chars is the longest IPv6 text form.
    if (text.empty() || text.size() > 45) return std::nullopt;
    char buf[46];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    in_addr v4{};
    if (inet_pton(AF_INET, buf, &v4) == 1) return from_v4(ntohl(v4.s_addr));
    std::array<std::uint8_t, 16> v6{};
    if (inet_pton(AF_INET6, buf, v6.data()) == 1) return from_v6_bytes(v6);
    return std::nullopt;
}

std::array<std::uint8_t, 16> IpAddress::bytes() const noexcept {
    std::array<std::uint8_t, 16> out{};
    store_be64(hi, out.data());
    store_be64(lo, out.data() + 8);
    return out;
}

std::string IpAddress::to_string() const {
    char buf[INET6_ADDRSTRLEN] = {};
    if (is_v4()) {
        const in_addr a{htonl(v4())};
        inet_ntop(AF_INET, &a, buf, sizeof buf);
    } else {
        const auto b = bytes();
        inet_ntop(AF_INET6, b.data(), buf, sizeof buf);
    }
    return buf;
}

IpAddress IpAddress::masked(unsigned bits) const noexcept {
    if (bits > 128) bits = 128;
    return IpAddress{hi & top_bits(bits), lo & top_bits(bits > 64 ? bits - 64 : 0)};
}

IpAddress IpAddress::last_in_prefix(unsigned bits) const noexcept {
    if (bits > 128) bits = 128;
    return IpAddress{hi | ~top_bits(bits), lo | ~top_bits(bits > 64 ? bits - 64 : 0)};
}

}  // namespace ipaudit
