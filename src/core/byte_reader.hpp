// Bounds-checked, big-endian cursor over captured packet bytes: the only way decoders read a packet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace ipaudit {

// Every read compares the requested length with what remains; nothing is ever read past the
// captured length. Reads return std::nullopt (or false) when the bytes are not there.
class ByteReader {
public:
    constexpr explicit ByteReader(std::span<const std::uint8_t> bytes) noexcept : bytes_(bytes) {}

    [[nodiscard]] constexpr std::size_t remaining() const noexcept { return bytes_.size() - pos_; }
    [[nodiscard]] constexpr std::size_t offset() const noexcept { return pos_; }
    [[nodiscard]] constexpr bool has(std::size_t n) const noexcept { return n <= remaining(); }

    // The unread bytes, starting at the cursor.
    [[nodiscard]] constexpr std::span<const std::uint8_t> rest() const noexcept {
        return bytes_.subspan(pos_);
    }

    [[nodiscard]] constexpr bool skip(std::size_t n) noexcept {
        if (!has(n)) return false;
        pos_ += n;
        return true;
    }

    [[nodiscard]] constexpr std::optional<std::uint8_t> u8_at(std::size_t at) const noexcept {
        if (!has(at + 1)) return std::nullopt;
        return bytes_[pos_ + at];
    }
    [[nodiscard]] constexpr std::optional<std::uint16_t> u16_at(std::size_t at) const noexcept {
        if (!has(at + 2)) return std::nullopt;
        return static_cast<std::uint16_t>((bytes_[pos_ + at] << 8) | bytes_[pos_ + at + 1]);
    }
    [[nodiscard]] constexpr std::optional<std::uint32_t> u32_at(std::size_t at) const noexcept {
        if (!has(at + 4)) return std::nullopt;
        return (std::uint32_t{bytes_[pos_ + at]} << 24) | (std::uint32_t{bytes_[pos_ + at + 1]} << 16) |
               (std::uint32_t{bytes_[pos_ + at + 2]} << 8) | std::uint32_t{bytes_[pos_ + at + 3]};
    }
    // Little-endian 32-bit read, for BSD loopback headers written in the capturing host's order.
    [[nodiscard]] constexpr std::optional<std::uint32_t> u32le_at(std::size_t at) const noexcept {
        if (!has(at + 4)) return std::nullopt;
        return (std::uint32_t{bytes_[pos_ + at + 3]} << 24) | (std::uint32_t{bytes_[pos_ + at + 2]} << 16) |
               (std::uint32_t{bytes_[pos_ + at + 1]} << 8) | std::uint32_t{bytes_[pos_ + at]};
    }

    // A view of n bytes at the cursor, or an empty optional when fewer remain.
    [[nodiscard]] constexpr std::optional<std::span<const std::uint8_t>> bytes_at(std::size_t at,
                                                                                 std::size_t n) const noexcept {
        if (at > remaining() || n > remaining() - at) return std::nullopt;
        return bytes_.subspan(pos_ + at, n);
    }

private:
    std::span<const std::uint8_t> bytes_;
    std::size_t pos_ = 0;
};

}  // namespace ipaudit
