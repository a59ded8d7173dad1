// Per-packet accounting: the rules of DESIGN.md "Sessions" in one place.
#include "core/accountant.hpp"

namespace ipaudit {

namespace {

constexpr std::uint8_t kProtoTcp = 6;

bool is_pure_syn(const PacketSummary& p) noexcept {
    return p.proto == kProtoTcp && (p.tcp_flags & tcp_flag::kSyn) && !(p.tcp_flags & tcp_flag::kAck);
}

bool is_syn_ack(const PacketSummary& p) noexcept {
    return p.proto == kProtoTcp && (p.tcp_flags & tcp_flag::kSyn) && (p.tcp_flags & tcp_flag::kAck);
}

Side other_side(Side s) noexcept { return s == Side::kA ? Side::kB : Side::kA; }

std::uint64_t packets_from(const Session& s, Side side) noexcept {
    return side == Side::kA ? s.packets_ab : s.packets_ba;
}

void name_initiator(Session& s, Side initiator) noexcept {
    s.first_talker = initiator;
    s.first_evidence = TalkerEvidence::kSyn;
    s.synack_pending = false;
}

void count_notes(const PacketSummary& p, IntervalData& into) noexcept {
    for (std::size_t n = 0; n < kNoteCount; ++n)
        if ((p.notes >> n) & 1u) ++into.notes[n];
}

}  // namespace

Orientation orient(const PacketSummary& p, const LocalNetworks& networks) noexcept {
    const bool src_local = networks.classify(p.src) == HostClass::kLocal;
    const bool dst_local = networks.classify(p.dst) == HostClass::kLocal;
    bool src_is_a;
    if (src_local != dst_local) {
        src_is_a = src_local;
    } else {
        src_is_a = p.src < p.dst || (p.src == p.dst && p.src_port <= p.dst_port);
    }
    if (src_is_a) return {{p.src, p.dst, p.src_port, p.dst_port, p.proto}, Side::kA};
    return {{p.dst, p.src, p.dst_port, p.src_port, p.proto}, Side::kB};
}

void account_packet(PacketSummary& p, std::int64_t ts_us, const LocalNetworks& networks,
                    FragmentCache& fragments, const TalkerCarry& carry, IntervalData& into) {
    if (p.later_fragment) {
        if (!fragments.resolve(p, ts_us)) p.note(DecodeNote::kFragmentUnmatched);
    } else if (p.fragment && !p.has(DecodeNote::kTransportTruncated)) {
        fragments.remember(p, ts_us);
    }
    count_notes(p, into);
    into.ip_bytes += p.ip_bytes;

    const Orientation o = orient(p, networks);
    bool created = false;
    Session* s = into.sessions.find_or_insert(o.key, created);
    if (s == nullptr) {
        ++into.overflow_packets;
        into.overflow_bytes += p.ip_bytes;
        return;
    }
    const bool pure_syn = is_pure_syn(p);
    if (created) {
        s->first_us = ts_us;
        s->last_us = ts_us;
        s->first_talker = o.sender;
        s->last_talker = o.sender;
        // A connection that began in an earlier interval keeps its initiator, unless this
        // packet opens a new connection on the same ports.
        if (!pure_syn) {
            if (const auto carried = carry.find(o.key)) {
                s->first_talker = carried->side;
                s->first_evidence = carried->evidence;
            }
        }
    }
    // The handshake names the initiator: the sender of a SYN, or the receiver of a SYN-ACK when
    // the capture missed the SYN, but only if that receiver has spoken (before or after).
    if (s->first_evidence != TalkerEvidence::kSyn) {
        if (pure_syn) {
            name_initiator(*s, o.sender);
        } else if (is_syn_ack(p)) {
            const Side receiver = other_side(o.sender);
            if (packets_from(*s, receiver) > 0) {
                name_initiator(*s, receiver);
            } else {
                s->synack_pending = true;
                s->synack_receiver = receiver;
            }
        } else if (s->synack_pending && o.sender == s->synack_receiver) {
            name_initiator(*s, o.sender);
        }
    }
    if (ts_us < s->first_us) s->first_us = ts_us;  // inputs merged out of order
    if (ts_us >= s->last_us) {
        s->last_us = ts_us;
        s->last_talker = o.sender;
    }
    if (o.sender == Side::kA) {
        ++s->packets_ab;
        s->bytes_ab += p.ip_bytes;
        s->flags_ab |= p.tcp_flags;
    } else {
        ++s->packets_ba;
        s->bytes_ba += p.ip_bytes;
        s->flags_ba |= p.tcp_flags;
    }
}

}  // namespace ipaudit
