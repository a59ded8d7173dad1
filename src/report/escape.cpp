// CSV, JSON and HTML escaping; human units.
#include "report/escape.hpp"

#include <cstdio>
#include <span>

namespace ipaudit::report {

std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF).
std::size_t utf8_length(std::string_view s, std::size_t i) noexcept {
    const auto byte = [&s](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
    const std::uint8_t c = byte(i);
    std::size_t n = 0;
    std::uint8_t lo = 0x80;
    std::uint8_t hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    return n;
}

// Appends the UTF-8 sequence starting at text[i] (a byte of 0x80 or above) to OUT, or U+FFFD
// in REPLACEMENT's spelling when it is not a valid one; returns the bytes it read.
std::size_t append_utf8(std::string& out, std::string_view text, std::size_t i, std::string_view replacement) {
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
        out += replacement;
        return 1;
    }
    out.append(text.substr(i, n));
    return n;
}

// N in the largest of UNITS (each BASE times the one before, as far as there are units) that
// keeps it below BASE, with three significant digits; in the first unit, N exactly.
std::string in_units(std::int64_t n, double base, std::span<const char* const> units) {
    double v = static_cast<double>(n);
    std::size_t u = 0;
    while ((v >= base || v <= -base) && u + 1 < units.size()) {
        v /= base;
        ++u;
    }
    char buf[32];
    if (u == 0)
        std::snprintf(buf, sizeof buf, "%lld %s", static_cast<long long>(n), units[0]);
    else
        std::snprintf(buf, sizeof buf, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
    return buf;
}

}  // namespace

std::string json_string(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<std::uint8_t>(text[i]);
        if (c >= 0x80) {
            i += append_utf8(out, text, i, "\\ufffd");
            continue;
        }
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 0xF];
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++i;
    }
    out += '"';
    return out;
}

std::string html_escape(std::string_view text) {
    static constexpr std::string_view kSpecial = "&<>\"'";
    static constexpr std::string_view kEntities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
    std::string out;
    out.reserve(text.size() + 8);
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (static_cast<std::uint8_t>(c) >= 0x80) {
            i += append_utf8(out, text, i, "\xEF\xBF\xBD");
            continue;
        }
        if (const std::size_t k = kSpecial.find(c); k != std::string_view::npos)
            out += kEntities[k];
        else
            out += c;
        ++i;
    }
    return out;
}

std::string human_bytes(std::int64_t bytes) {
    static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    return in_units(bytes, 1024.0, kUnits);
}

std::string human_count(std::int64_t n) {
    if (n < 10'000 && n > -10'000) return std::to_string(n);
    static constexpr const char* kUnits[] = {"", "k", "M", "G", "T", "P"};
    return in_units(n, 1000.0, kUnits);
}

}  // namespace ipaudit::report
