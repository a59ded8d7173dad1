// The `bench` scenario: millions of packets of realistic mixed traffic, streamed to the file.
//
// Shape: --sessions conversations (default 500,000) carrying --packets packets in total
// (default 5,000,000; both exact when packets >= 3 * sessions). ~90% IPv4 / ~10% IPv6.
// Sessions: 15% DNS (udp/53, 2 packets), 10% other UDP, 5% ICMP echo (2-8 packets), 70% TCP
// (5% of those a lone SYN or a SYN answered by RST, the rest handshake, data, FIN) with a heavy
// tailed packet count. 10% of TCP sessions are incoming (remote client, local server).
// Local hosts: 20,000 in 10.1.0.0/16 and 2001:db8:1::/48; remote: 200,000 hosts with skewed
// popularity. Up to 1,000 sessions are open at once, their packets interleaved; timestamps
// increase strictly and span about 2 hours from --start. Ethernet, snaplen 96: each record keeps
// 96 bytes and the real length. TCP/UDP checksums are left 0 (unverifiable once truncated).
#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>

#include "tools/pcapgen/scenarios.hpp"

namespace ipaudit::pcapgen {

namespace {

constexpr std::int64_t kSpanUs = 7200 * kSec;
constexpr std::size_t kOpenSessions = 1000;
constexpr std::uint32_t kLocalHosts = 20'000;
constexpr std::uint32_t kRemoteHosts = 200'000;

enum class Kind : std::uint8_t { dns, udp, icmp, tcp_syn, tcp_rst, tcp };

struct Plan {
    Kind kind = Kind::tcp;
    std::uint32_t packets = 0;
};

// A heavy-tailed weight: most conversations short, a few very long. Integer bands rather than
// a Pareto formula, because libm results may differ between systems and the output must not.
double heavy_tail(Rng& rng) {
    struct Band {
        double cumulative;
        std::int64_t lo, hi;
    };
    static constexpr Band kBands[] = {
        {0.50, 1, 3}, {0.80, 4, 10}, {0.95, 11, 60}, {0.99, 61, 400}, {1.00, 401, 2000}};
    const double u = rng.unit();
    for (const Band& b : kBands) {
        if (u < b.cumulative) return static_cast<double>(rng.between(b.lo, b.hi));
    }
    return 2000.0;
}

Plan draw_plan(Rng& rng) {
    const double u = rng.unit();
    if (u < 0.15) return {Kind::dns, 2};
    if (u < 0.25) return {Kind::udp, 0};
    if (u < 0.30) return {Kind::icmp, static_cast<std::uint32_t>(2 * rng.between(1, 4))};
    if (u < 0.3175) return {Kind::tcp_syn, 1};
    if (u < 0.335) return {Kind::tcp_rst, 2};
    return {Kind::tcp, 0};
}

bool scalable(const Plan& p) { return p.kind == Kind::udp || p.kind == Kind::tcp; }
std::uint32_t minimum(const Plan& p) {
    return p.kind == Kind::tcp ? 3 : (p.kind == Kind::udp ? 1 : p.packets);
}

// Packet counts for every session, summing to `packets` when that is possible.
std::vector<Plan> plan_sessions(Rng& rng, std::uint64_t sessions, std::uint64_t packets) {
    std::vector<Plan> plans(sessions);
    std::vector<double> weight(sessions, 0.0);
    double weight_sum = 0;
    std::uint64_t fixed = 0;
    for (std::size_t i = 0; i < plans.size(); ++i) {
        plans[i] = draw_plan(rng);
        if (scalable(plans[i])) {
            weight[i] = heavy_tail(rng);
            weight_sum += weight[i];
        } else {
            fixed += plans[i].packets;
        }
    }
    const double scale =
        packets > fixed && weight_sum > 0 ? static_cast<double>(packets - fixed) / weight_sum : 0.0;
    std::uint64_t total = fixed;
    for (std::size_t i = 0; i < plans.size(); ++i) {
        if (!scalable(plans[i])) continue;
        plans[i].packets = std::max(minimum(plans[i]),
                                    static_cast<std::uint32_t>(std::llround(weight[i] * scale)));
        total += plans[i].packets;
    }
    // Rounding and the minimums leave a small difference: settle it one packet at a time on
    // random scalable sessions.
    for (std::uint64_t guard = 0; total != packets && guard < 100 * sessions + packets; ++guard) {
        Plan& p = plans[rng.below(plans.size())];
        if (!scalable(p)) continue;
        if (total < packets) {
            ++p.packets;
            ++total;
        } else if (p.packets > minimum(p)) {
            --p.packets;
            --total;
        }
    }
    return plans;
}

std::uint64_t mix(std::uint64_t x) {
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

pb::IpAddr local_host(Rng& rng, bool v6) {
    const double u = rng.unit();
    const auto idx = static_cast<std::uint32_t>(kLocalHosts * u * u);  // busy hosts first
    pb::IpAddr a;
    a.v6 = v6;
    if (v6) {
        a.bytes = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, static_cast<std::uint8_t>(idx >> 8)};
        a.bytes[15] = static_cast<std::uint8_t>(idx);
        a.bytes[14] = 0x10;
    } else {
        a.bytes[0] = 10;
        a.bytes[1] = 1;
        a.bytes[2] = static_cast<std::uint8_t>(idx >> 8);
        a.bytes[3] = static_cast<std::uint8_t>(idx);
    }
    return a;
}

// Popular remote hosts come up far more often (cube of a uniform: a long tail of rare hosts).
pb::IpAddr remote_host(Rng& rng, bool v6) {
    const double u = rng.unit();
    const auto idx = static_cast<std::uint64_t>(kRemoteHosts * u * u * u);
    const std::uint64_t h = mix(idx + 0x5eed);
    pb::IpAddr a;
    a.v6 = v6;
    if (v6) {
        a.bytes = {0x20, 0x01, 0x0d, 0xb8, 0xff};
        for (std::size_t i = 8; i < 16; ++i) {
            a.bytes[i] = static_cast<std::uint8_t>(h >> (8 * (i - 8)));
        }
    } else {
        // Public-looking unicast: first octet 11..222, never 127.
        auto first = static_cast<std::uint8_t>(11 + h % 212);
        if (first == 127) first = 128;
        a.bytes[0] = first;
        a.bytes[1] = static_cast<std::uint8_t>(h >> 8);
        a.bytes[2] = static_cast<std::uint8_t>(h >> 16);
        a.bytes[3] = static_cast<std::uint8_t>(h >> 24);
    }
    return a;
}

std::uint16_t tcp_service(Rng& rng) {
    static constexpr std::uint16_t kPorts[] = {443, 443, 443, 443,  443,  443, 80,   80,
                                               993, 25,  993, 8080, 3389, 445, 5222, 8443};
    return kPorts[rng.below(std::size(kPorts))];
}

// Services whose payload dissectors accept filler bytes (QUIC, STUN, games, video calls), so
// that the capture stays free of "malformed" noise in Wireshark.
std::uint16_t udp_service(Rng& rng) {
    static constexpr std::uint16_t kPorts[] = {443, 443, 443, 443, 443, 3478, 8801, 27015};
    return kPorts[rng.below(std::size(kPorts))];
}

// Real DNS messages for a fixed set of names, built once: queries and answers (A for IPv4
// sessions, AAAA for IPv6 ones).
struct DnsMessages {
    std::vector<pb::Bytes> query[2];
    std::vector<pb::Bytes> answer[2];
};

DnsMessages make_dns_messages() {
    DnsMessages m;
    for (std::uint16_t i = 0; i < 64; ++i) {
        const std::string name = "www.site" + std::to_string(i) + ".example.com";
        const auto id = static_cast<std::uint16_t>(0x4000 + i);
        m.query[0].push_back(dns_query(id, name, 1));
        m.answer[0].push_back(dns_answer(id, name, pb::ip_addr(pb::ipv4_addr(0xcb007100U + i))));
        m.query[1].push_back(dns_query(id, name, 28));
        m.answer[1].push_back(
            dns_answer(id, name, pb::ip_addr("2001:db8:ff00::" + std::to_string(i + 1))));
    }
    return m;
}

// One open conversation. Side 0 is the client (initiator), side 1 the server.
struct Session {
    Plan plan;
    std::uint32_t sent = 0;
    pb::IpAddr addr[2];
    std::uint16_t port[2] = {0, 0};
    std::uint32_t seq[2] = {0, 0};
    std::uint8_t bulk_side = 1;  // which side sends the full-size segments
    std::uint16_t icmp_id = 0;
    std::uint8_t dns_name = 0;
};

Session open_session(Rng& rng, const Plan& plan) {
    Session s;
    s.plan = plan;
    const bool v6 = rng.chance(0.10);
    const bool incoming =
        (plan.kind == Kind::tcp || plan.kind == Kind::tcp_syn) && rng.chance(0.10);
    const pb::IpAddr local = local_host(rng, v6);
    const pb::IpAddr remote = remote_host(rng, v6);
    s.addr[0] = incoming ? remote : local;
    s.addr[1] = incoming ? local : remote;
    s.port[0] = ephemeral_port(rng);
    switch (plan.kind) {
        case Kind::dns:
            s.port[1] = 53;
            s.dns_name = static_cast<std::uint8_t>(rng.below(64));
            break;
        case Kind::udp: s.port[1] = udp_service(rng); break;
        case Kind::icmp: s.icmp_id = static_cast<std::uint16_t>(rng.next()); break;
        default:
            s.port[1] = incoming ? static_cast<std::uint16_t>(rng.chance(0.5) ? 443 : 25)
                                 : tcp_service(rng);
    }
    s.seq[0] = static_cast<std::uint32_t>(rng.next());
    s.seq[1] = static_cast<std::uint32_t>(rng.next());
    s.bulk_side = rng.chance(0.8) ? 1 : 0;  // mostly downloads
    return s;
}

struct Packet {
    int from = 0;
    pb::Transport l4;
};

pb::Tcp tcp_segment(Session& s, int from, std::uint8_t flags, std::size_t payload) {
    const int to = 1 - from;
    pb::Tcp t{.src_port = s.port[from],
              .dst_port = s.port[to],
              .seq = s.seq[from],
              .ack = (flags & pb::tcp_flag::ack) != 0 ? s.seq[to] : 0,
              .flags = flags,
              .window = 64240,
              .payload = payload,
              .checksum = false};
    s.seq[from] += static_cast<std::uint32_t>(payload);
    if ((flags & (pb::tcp_flag::syn | pb::tcp_flag::fin)) != 0) ++s.seq[from];
    return t;
}

// The k-th packet of a full TCP conversation of n packets: handshake, request, data with an
// ACK every third packet, FIN exchange.
Packet next_tcp(Session& s, Rng& rng, bool v6) {
    using namespace pb::tcp_flag;
    const std::uint32_t k = s.sent;
    const std::uint32_t n = s.plan.packets;
    const std::size_t mss = v6 ? 1440 : 1460;
    if (k == 0) return {0, tcp_segment(s, 0, syn, 0)};
    if (s.plan.kind == Kind::tcp_rst) return {1, tcp_segment(s, 1, rst | ack, 0)};
    if (k == 1) return {1, tcp_segment(s, 1, syn | ack, 0)};
    if (k == 2) return {0, tcp_segment(s, 0, ack, 0)};
    if (n >= 7 && k == n - 3) return {0, tcp_segment(s, 0, fin | ack, 0)};
    if (n >= 7 && k == n - 2) return {1, tcp_segment(s, 1, fin | ack, 0)};
    if (n >= 7 && k == n - 1) return {0, tcp_segment(s, 0, ack, 0)};
    if (k == 3) {
        const auto request = static_cast<std::size_t>(rng.between(80, 700));
        return {0, tcp_segment(s, 0, psh | ack, request)};
    }
    const int bulk = s.bulk_side;
    if (k % 3 == 2) return {1 - bulk, tcp_segment(s, 1 - bulk, ack, 0)};
    // Mostly full segments; the rest are the tails of application writes.
    const auto partial = static_cast<std::size_t>(rng.between(1, static_cast<std::int64_t>(mss)));
    const std::size_t len = rng.chance(0.7) ? mss : partial;
    return {bulk, tcp_segment(s, bulk, (len < mss ? psh : 0) | ack, len)};
}

Packet next_packet(Session& s, Rng& rng, const DnsMessages& dns) {
    const bool v6 = s.addr[0].v6;
    const int from = static_cast<int>(s.sent % 2);  // request/response protocols alternate
    switch (s.plan.kind) {
        case Kind::dns: {
            // Copying a prebuilt message is the one per-packet allocation left (15% of packets).
            const auto& table = from == 0 ? dns.query[v6 ? 1 : 0] : dns.answer[v6 ? 1 : 0];
            return {from, pb::Udp{.src_port = s.port[from],
                                  .dst_port = s.port[1 - from],
                                  .data = table[s.dns_name],
                                  .checksum = false}};
        }
        case Kind::udp:
            return {from, pb::Udp{.src_port = s.port[from],
                                  .dst_port = s.port[1 - from],
                                  .payload = static_cast<std::size_t>(rng.between(20, 1200)),
                                  .checksum = false}};
        case Kind::icmp: {
            const auto seq = static_cast<std::uint16_t>(s.sent / 2 + 1);
            if (v6) {
                return {from, pb::Icmpv6{.type = static_cast<std::uint8_t>(from == 0 ? 128 : 129),
                                         .id = s.icmp_id,
                                         .seq = seq,
                                         .payload = 56}};
            }
            return {from, pb::Icmp{.type = static_cast<std::uint8_t>(from == 0 ? 8 : 0),
                                   .id = s.icmp_id,
                                   .seq = seq,
                                   .payload = 56}};
        }
        default: return next_tcp(s, rng, v6);
    }
}

// Frames one packet into `frame` (reused: no allocation once it has grown).
void build_frame(pb::Bytes& frame, const Session& s, const Packet& p, std::uint16_t ip_id) {
    const pb::IpAddr& src = s.addr[p.from];
    const pb::IpAddr& dst = s.addr[1 - p.from];
    const bool src_local = is_local(src);
    frame.clear();
    pb::append_ethernet_header(
        frame, pb::Ethernet{.dst = src_local ? router_mac() : mac_of(dst),
                            .src = src_local ? mac_of(src) : router_mac(),
                            .type = src.v6 ? pb::ethertype::ipv6 : pb::ethertype::ipv4});
    const auto hops = static_cast<std::uint8_t>(src_local ? 64 : 50);
    if (src.v6) {
        pb::append_ipv6(frame, pb::Ipv6{.src = src.bytes, .dst = dst.bytes, .hop_limit = hops},
                        p.l4);
    } else {
        pb::append_ipv4(frame,
                        pb::Ipv4{.src = src.v4_bytes(),
                                 .dst = dst.v4_bytes(),
                                 .id = ip_id,
                                 .ttl = hops,
                                 .df = std::holds_alternative<pb::Tcp>(p.l4)},
                        p.l4);
    }
}

}  // namespace

void run_bench(const Options& opt, pb::CaptureWriter& out) {
    const std::uint64_t packets = opt.packets.value_or(5'000'000);
    const std::uint64_t sessions = std::max<std::uint64_t>(1, opt.sessions.value_or(500'000));
    Rng rng(opt.seed);
    const std::vector<Plan> plans = plan_sessions(rng, sessions, packets);
    const DnsMessages dns = make_dns_messages();

    std::vector<Session> open;
    open.reserve(kOpenSessions);
    std::size_t next_plan = 0;
    const auto refill = [&] {
        while (open.size() < kOpenSessions && next_plan < plans.size()) {
            open.push_back(open_session(rng, plans[next_plan++]));
        }
    };
    refill();

    std::uint64_t total = 0;
    for (const auto& p : plans) total += p.packets;
    const std::int64_t mean_gap = std::max<std::int64_t>(
        2, kSpanUs / static_cast<std::int64_t>(std::max<std::uint64_t>(1, total)));
    std::int64_t ts = opt.start_us();
    pb::Bytes frame;
    frame.reserve(2048);
    std::uint16_t ip_id = 0;
    while (!open.empty()) {
        const std::size_t slot = rng.below(open.size());
        Session& s = open[slot];
        const Packet p = next_packet(s, rng, dns);
        build_frame(frame, s, p, ip_id++);
        out.write(ts, frame);
        ts += rng.between(1, 2 * mean_gap - 1);
        if (++s.sent >= s.plan.packets) {
            s = open.back();
            open.pop_back();
            refill();
        }
    }
}

}  // namespace ipaudit::pcapgen
