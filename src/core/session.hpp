// A session: the unit of everything (DESIGN.md "Sessions"). Key, counters each way, talkers.
#pragma once

#include <cstdint>

#include "core/ip_address.hpp"

namespace ipaudit {

// Bidirectional key: side A is the local side when exactly one side is local, otherwise the
// smaller (ip, port).
struct SessionKey {
    IpAddress a;
    IpAddress b;
    std::uint16_t port_a = 0;
    std::uint16_t port_b = 0;
    std::uint8_t proto = 0;

    friend bool operator==(const SessionKey&, const SessionKey&) = default;
    friend auto operator<=>(const SessionKey& x, const SessionKey& y) noexcept {
        // The order of the dump and of interval files: a, b, proto, port_a, port_b.
        if (auto c = x.a <=> y.a; c != 0) return c;
        if (auto c = x.b <=> y.b; c != 0) return c;
        if (auto c = x.proto <=> y.proto; c != 0) return c;
        if (auto c = x.port_a <=> y.port_a; c != 0) return c;
        return x.port_b <=> y.port_b;
    }
};

enum class Side : std::uint8_t { kA = 0, kB = 1 };

// How the first talker was decided: kSyn when the handshake named the initiator (the sender of
// a SYN without ACK, or the receiver of a SYN-ACK), kGuess when it is the first packet seen.
enum class TalkerEvidence : std::uint8_t { kGuess = 0, kSyn = 1 };

// 88 bytes per session, the bulk of the daemon's memory. [[no_unique_address]] lets the flags
// and the talker bits live in the key's tail padding (Itanium C++ ABI: SessionKey is not POD
// for layout), and the three talker fields share one byte.
struct Session {
    [[no_unique_address]] SessionKey key;
    std::uint8_t flags_ab = 0;  // OR of TCP flags sent A->B
    std::uint8_t flags_ba = 0;
    Side first_talker : 1 = Side::kA;
    Side last_talker : 1 = Side::kA;
    TalkerEvidence first_evidence : 1 = TalkerEvidence::kGuess;
    // A SYN-ACK was seen but its receiver has sent nothing yet: the receiver becomes the
    // initiator only once it speaks (backscatter from spoofed SYNs never does).
    bool synack_pending : 1 = false;
    Side synack_receiver : 1 = Side::kA;
    std::uint64_t packets_ab = 0;
    std::uint64_t packets_ba = 0;
    std::uint64_t bytes_ab = 0;
    std::uint64_t bytes_ba = 0;
    std::int64_t first_us = 0;
    std::int64_t last_us = 0;
};
static_assert(sizeof(Session) == 88, "a new Session field costs memory for every session: pack it");

// A 64-bit hash of the key; mixes every field so that scans over one port or one host spread.
[[nodiscard]] inline std::uint64_t hash_key(const SessionKey& k) noexcept {
    auto mix = [](std::uint64_t h, std::uint64_t v) noexcept {
        h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
        return h;
    };
    std::uint64_t h = mix(k.a.hi * 0xBF58476D1CE4E5B9ULL, k.a.lo);
    h = mix(h, k.b.hi);
    h = mix(h, k.b.lo * 0x94D049BB133111EBULL);
    h = mix(h, (std::uint64_t{k.port_a} << 24) | (std::uint64_t{k.port_b} << 8) | k.proto);
    // splitmix64 finalizer: the low bits pick the slot, so they must depend on every input bit.
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBULL;
    h ^= h >> 31;
    return h;
}

}  // namespace ipaudit
