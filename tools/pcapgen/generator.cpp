// Building blocks shared by the pcapgen scenarios (see generator.hpp).
#include "tools/pcapgen/generator.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>

namespace ipaudit::pcapgen {

std::uint64_t Rng::next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Modulo bias is at most n / 2^64: irrelevant for traffic shapes.
std::uint64_t Rng::below(std::uint64_t n) { return next() % n; }

std::int64_t Rng::between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
}

double Rng::unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

bool Rng::chance(double p) { return unit() < p; }

std::uint16_t ephemeral_port(Rng& rng) {
    // Ports in the range that Wireshark 4.0 binds a dissector to (`tshark -G decodes`).
    static constexpr std::uint16_t kClaimed[] = {
        34962, 34980, 37008, 41170, 44321, 44322, 44818, 45564, 47000, 47808, 48049, 48898,
        49999, 54328, 56000, 56001, 56500, 56501, 57000, 57001, 57032, 57033, 57500, 57501,
        57532, 57533, 59000, 59001, 59032, 59033, 59500, 59501, 59532, 59533, 60001};
    for (;;) {
        const auto port = static_cast<std::uint16_t>(rng.between(32768, 60999));
        if (!std::binary_search(std::begin(kClaimed), std::end(kClaimed), port)) return port;
    }
}

bool is_local(const pb::IpAddr& a) {
    static constexpr std::uint8_t kPrefix6[] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01};  // /48
    if (a.v6) return std::equal(std::begin(kPrefix6), std::end(kPrefix6), a.bytes.begin());
    return a.bytes[0] == 10 && a.bytes[1] == 1;
}

// =============================================================================================

void Trace::add(std::int64_t ts_us, pb::Bytes frame) {
    records_.push_back(Record{ts_us, std::move(frame), std::nullopt, std::nullopt});
}

void Trace::add_truncated(std::int64_t ts_us, pb::Bytes captured, std::uint32_t orig_len) {
    records_.push_back(Record{ts_us, std::move(captured), orig_len, std::nullopt});
}

void Trace::add_block(std::int64_t ts_us, std::uint32_t block_type, pb::Bytes body) {
    records_.push_back(Record{ts_us, std::move(body), std::nullopt, block_type});
}

void Trace::write(pb::CaptureWriter& writer) {
    std::stable_sort(records_.begin(), records_.end(),
                     [](const Record& a, const Record& b) { return a.ts_us < b.ts_us; });
    for (const auto& r : records_) {
        if (r.block_type) {
            auto* ng = dynamic_cast<pb::PcapngWriter*>(&writer);
            if (ng == nullptr) throw std::runtime_error("this scenario needs --format pcapng");
            ng->write_block(*r.block_type, r.bytes);
        } else if (r.orig_len) {
            writer.write(r.ts_us, r.bytes, *r.orig_len);
        } else {
            writer.write(r.ts_us, r.bytes);
        }
    }
}

// =============================================================================================

pb::MacAddr router_mac() { return {0x02, 0x00, 0x0a, 0x01, 0x00, 0x01}; }

pb::MacAddr mac_of(const pb::IpAddr& a) {
    const std::size_t low = a.v6 ? 12 : 0;
    return {0x02, 0x00, a.bytes[low], a.bytes[low + 1], a.bytes[low + 2], a.bytes[low + 3]};
}

namespace {

// Multicast and broadcast destinations get their group MACs, as a real NIC would send them.
pb::MacAddr destination_mac(const pb::IpAddr& dst) {
    const auto& b = dst.bytes;
    if (dst.v6 && b[0] == 0xff) return {0x33, 0x33, b[12], b[13], b[14], b[15]};
    if (!dst.v6 && b[0] >= 224 && b[0] <= 239) {
        return {0x01, 0x00, 0x5e, static_cast<std::uint8_t>(b[1] & 0x7f), b[2], b[3]};
    }
    if (!dst.v6 && b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255) {
        return {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    }
    return is_local(dst) ? mac_of(dst) : router_mac();
}

}  // namespace

pb::Bytes Net::frame_ip(const pb::IpAddr& src, const pb::IpAddr& dst, pb::ByteView ip) const {
    const pb::MacAddr src_mac = is_local(src) ? mac_of(src) : router_mac();
    const std::uint16_t type = src.v6 ? pb::ethertype::ipv6 : pb::ethertype::ipv4;
    pb::Bytes out;
    switch (link_.linktype) {
        case pb::dlt::ethernet: {
            const pb::Ethernet eth{destination_mac(dst), src_mac, link_.vlans, type};
            if (link_.pppoe_session) {
                const std::uint16_t ppp = src.v6 ? pb::ppp_protocol::ipv6 : pb::ppp_protocol::ipv4;
                return pb::pppoe_session_frame(eth, *link_.pppoe_session, ppp, ip);
            }
            pb::append_ethernet_header(out, eth);
            break;
        }
        case pb::dlt::linux_sll:
        case pb::dlt::linux_sll2: {
            const pb::LinuxSll sll{
                .packet_type = is_local(src) ? pb::sll_type::outgoing : pb::sll_type::host,
                .protocol = type,
                .address = src_mac};
            if (link_.linktype == pb::dlt::linux_sll) {
                pb::append_sll_header(out, sll);
            } else {
                pb::append_sll2_header(out, sll);
            }
            break;
        }
        case pb::dlt::null_bsd:
            pb::append_null_header(out, src.v6 ? link_.null_af_inet6 : pb::bsd_af::inet);
            break;
        case pb::dlt::loop:
            pb::append_loop_header(out, src.v6 ? link_.null_af_inet6 : pb::bsd_af::inet);
            break;
        default: pb::append_link_header(out, link_.linktype, src.v6 ? 6 : 4); break;
    }
    pb::put_bytes(out, ip);
    return out;
}

pb::Bytes Net::send(std::int64_t ts_us, const pb::IpAddr& src, const pb::IpAddr& dst,
                    const pb::Transport& l4) {
    // Remote senders' packets arrive after a dozen router hops.
    const bool local = is_local(src);
    pb::Bytes ip;
    if (src.v6) {
        pb::Ipv6 v6{.src = src.bytes,
                    .dst = dst.bytes,
                    .hop_limit = static_cast<std::uint8_t>(local ? 64 : 52)};
        if (tweak_ipv6) tweak_ipv6(v6);
        ip = pb::ipv6_packet(v6, l4);
    } else {
        pb::Ipv4 v4{.src = src.v4_bytes(),
                    .dst = dst.v4_bytes(),
                    .id = next_ip_id(),
                    .ttl = static_cast<std::uint8_t>(local ? 64 : 52),
                    .df = std::holds_alternative<pb::Tcp>(l4)};
        if (tweak_ipv4) tweak_ipv4(v4);
        ip = pb::ipv4_packet(v4, l4);
    }
    send_ip(ts_us, src, dst, ip);
    return ip;
}

void Net::send_ip(std::int64_t ts_us, const pb::IpAddr& src, const pb::IpAddr& dst,
                  pb::ByteView ip_packet) {
    trace_.add(ts_us, frame_ip(src, dst, ip_packet));
}

// =============================================================================================

namespace {

std::size_t index_of(Side s) { return s == Side::client ? 0 : 1; }
Side other(Side s) { return s == Side::client ? Side::server : Side::client; }

}  // namespace

TcpConversation::TcpConversation(Net& net, Endpoint client, Endpoint server,
                                 std::uint32_t client_isn, std::uint32_t server_isn)
    : net_(net), client_(client), server_(server), next_seq_{client_isn, server_isn} {}

void TcpConversation::segment(std::int64_t ts_us, Side from, std::uint8_t flags, pb::Bytes data,
                              std::size_t filler) {
    const std::size_t me = index_of(from);
    const std::size_t peer = index_of(other(from));
    const Endpoint& src = from == Side::client ? client_ : server_;
    const Endpoint& dst = from == Side::client ? server_ : client_;
    pb::Tcp tcp{.src_port = src.port,
                .dst_port = dst.port,
                .seq = next_seq_[me],
                .ack = (flags & pb::tcp_flag::ack) != 0 ? next_seq_[peer] : 0,
                .flags = flags,
                .window = 64240};
    if ((flags & pb::tcp_flag::syn) != 0) tcp.options = {2, 4, 0x05, 0xb4};  // MSS 1460
    const std::size_t len = data.size() + filler;
    tcp.data = std::move(data);
    tcp.payload = filler;
    next_seq_[me] += static_cast<std::uint32_t>(len);
    if ((flags & (pb::tcp_flag::syn | pb::tcp_flag::fin)) != 0) ++next_seq_[me];
    net_.send(ts_us, src.ip, dst.ip, tcp);
}

void TcpConversation::unseen(Side from, std::uint32_t n) { next_seq_[index_of(from)] += n; }

std::int64_t TcpConversation::handshake(std::int64_t ts_us, std::int64_t rtt_us) {
    // The sensor sits at the local edge: the far side's answer comes one round trip later.
    const bool client_local = is_local(client_.ip);
    const std::int64_t t_synack = ts_us + (client_local ? rtt_us : 120);
    const std::int64_t t_ack = t_synack + (client_local ? 60 : rtt_us);
    syn(ts_us);
    syn_ack(t_synack);
    ack(t_ack, Side::client);
    return t_ack;
}

void TcpConversation::send(std::int64_t ts_us, Side from, pb::Bytes data, std::size_t filler) {
    segment(ts_us, from, pb::tcp_flag::psh | pb::tcp_flag::ack, std::move(data), filler);
}

std::int64_t TcpConversation::transfer(std::int64_t ts_us, Side from, std::size_t bytes,
                                       std::int64_t gap_us, pb::Bytes prefix, bool tls) {
    constexpr std::size_t kTlsHeader = 5;
    std::int64_t t = ts_us;
    std::size_t left = std::max(bytes, prefix.size());
    for (std::size_t i = 0; left > 0; ++i) {
        const std::size_t n = std::min(left, kMss);
        pb::Bytes head = std::exchange(prefix, {});  // the prefix goes in the first segment
        if (tls && n > kTlsHeader) head = tls_record(23, n - kTlsHeader);
        const std::size_t filler = n - std::min(n, head.size());
        segment(t, from, pb::tcp_flag::ack | (n == left ? pb::tcp_flag::psh : 0), std::move(head),
                filler);
        left -= n;
        if (i % 2 == 1 || left == 0) ack(t + gap_us / 2, other(from));
        if (left > 0) t += gap_us;
    }
    return t + gap_us / 2;
}

std::int64_t TcpConversation::close(std::int64_t ts_us, Side first, std::int64_t rtt_us) {
    segment(ts_us, first, pb::tcp_flag::fin | pb::tcp_flag::ack);
    segment(ts_us + rtt_us, other(first), pb::tcp_flag::fin | pb::tcp_flag::ack);
    ack(ts_us + rtt_us + 60, first);
    return ts_us + rtt_us + 60;
}

// =============================================================================================

namespace {

void put_dns_question(pb::Bytes& out, std::string_view name, std::uint16_t qtype) {
    while (!name.empty()) {
        const std::size_t dot = name.find('.');
        const std::string_view label = name.substr(0, dot);
        pb::put_u8(out, static_cast<std::uint8_t>(label.size()));
        pb::put_bytes(out, pb::text_bytes(label));
        name = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
    }
    pb::put_u8(out, 0);
    pb::put_be16(out, qtype);
    pb::put_be16(out, 1);  // class IN
}

void put_dns_header(pb::Bytes& out, std::uint16_t id, std::uint16_t flags, std::uint16_t answers) {
    pb::put_be16(out, id);
    pb::put_be16(out, flags);
    pb::put_be16(out, 1);  // questions
    pb::put_be16(out, answers);
    pb::put_be16(out, 0);
    pb::put_be16(out, 0);
}

}  // namespace

pb::Bytes dns_query(std::uint16_t id, std::string_view name, std::uint16_t qtype) {
    pb::Bytes out;
    put_dns_header(out, id, 0x0100, 0);  // recursion desired
    put_dns_question(out, name, qtype);
    return out;
}

pb::Bytes dns_answer(std::uint16_t id, std::string_view name, const pb::IpAddr& address) {
    const std::uint16_t qtype = address.v6 ? 28 : 1;  // AAAA or A
    pb::Bytes out;
    put_dns_header(out, id, 0x8180, 1);  // response, RD, RA
    put_dns_question(out, name, qtype);
    pb::put_be16(out, 0xc00c);  // name: pointer to the question
    pb::put_be16(out, qtype);
    pb::put_be16(out, 1);
    pb::put_be32(out, 300);  // TTL
    const std::size_t len = address.v6 ? 16 : 4;
    pb::put_be16(out, static_cast<std::uint16_t>(len));
    pb::put_bytes(out, pb::ByteView(address.bytes).first(len));
    return out;
}

pb::Bytes http_get(std::string_view host, std::string_view path) {
    std::string text = "GET ";
    text.append(path).append(" HTTP/1.1\r\nHost: ").append(host);
    text.append("\r\nUser-Agent: ipaudit-pcapgen\r\nAccept: */*\r\n\r\n");
    return pb::text_bytes(text);
}

pb::Bytes http_response_head(std::size_t total_bytes) {
    // The head's own length depends on the digits of Content-Length: iterate to a fixed point.
    std::string head;
    std::size_t body = total_bytes;
    for (int i = 0; i < 4; ++i) {
        head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
               std::to_string(body) + "\r\n\r\n";
        body = total_bytes > head.size() ? total_bytes - head.size() : 0;
    }
    return pb::text_bytes(head);
}

pb::Bytes tls_record(std::uint8_t type, std::size_t len) {
    pb::Bytes r{type, 0x03, 0x03};
    pb::put_be16(r, static_cast<std::uint16_t>(len));
    r.resize(r.size() + len, 0x5a);
    return r;
}

namespace {

void put_ssh_string(pb::Bytes& out, pb::ByteView bytes) {
    pb::put_be32(out, static_cast<std::uint32_t>(bytes.size()));
    pb::put_bytes(out, bytes);
}

void put_ssh_string(pb::Bytes& out, std::string_view text) {
    put_ssh_string(out, pb::ByteView(pb::text_bytes(text)));
}

// Binary packet framing (RFC 4253 6): length, padding length, payload, >= 4 bytes of padding
// up to a multiple of the 8-byte block size.
pb::Bytes ssh_packet(const pb::Bytes& payload) {
    std::size_t pad = 8 - (5 + payload.size()) % 8;
    if (pad < 4) pad += 8;
    pb::Bytes out;
    pb::put_be32(out, static_cast<std::uint32_t>(1 + payload.size() + pad));
    pb::put_u8(out, static_cast<std::uint8_t>(pad));
    pb::put_bytes(out, payload);
    pb::put_zeros(out, pad);
    return out;
}

pb::Bytes ssh_kexinit() {
    pb::Bytes p{20};                // SSH_MSG_KEXINIT
    p.resize(p.size() + 16, 0x11);  // cookie
    for (const char* list : {"curve25519-sha256", "ssh-ed25519", "chacha20-poly1305@openssh.com",
                             "chacha20-poly1305@openssh.com", "hmac-sha2-256", "hmac-sha2-256",
                             "none", "none", "", ""}) {
        put_ssh_string(p, std::string_view(list));
    }
    pb::put_u8(p, 0);  // first_kex_packet_follows
    pb::put_be32(p, 0);
    return ssh_packet(p);
}

pb::Bytes ssh_ecdh_init() {
    pb::Bytes p{30};  // SSH_MSG_KEX_ECDH_INIT (RFC 5656)
    put_ssh_string(p, pb::ByteView(pb::Bytes(32, 0x22)));
    return ssh_packet(p);
}

pb::Bytes ssh_ecdh_reply_and_newkeys() {
    pb::Bytes host_key;
    put_ssh_string(host_key, std::string_view("ssh-ed25519"));
    put_ssh_string(host_key, pb::ByteView(pb::Bytes(32, 0x33)));
    pb::Bytes signature;
    put_ssh_string(signature, std::string_view("ssh-ed25519"));
    put_ssh_string(signature, pb::ByteView(pb::Bytes(64, 0x44)));
    pb::Bytes p{31};  // SSH_MSG_KEX_ECDH_REPLY
    put_ssh_string(p, pb::ByteView(host_key));
    put_ssh_string(p, pb::ByteView(pb::Bytes(32, 0x55)));
    put_ssh_string(p, pb::ByteView(signature));
    pb::Bytes out = ssh_packet(p);
    pb::put_bytes(out, ssh_packet(pb::Bytes{21}));  // SSH_MSG_NEWKEYS
    return out;
}

}  // namespace

std::int64_t ssh_key_exchange(TcpConversation& c, std::int64_t ts_us, std::int64_t rtt_us) {
    c.send(ts_us, Side::client, ssh_kexinit());
    c.send(ts_us + 1 * kMs, Side::server, ssh_kexinit());
    c.send(ts_us + rtt_us, Side::client, ssh_ecdh_init());
    c.send(ts_us + 2 * rtt_us, Side::server, ssh_ecdh_reply_and_newkeys());
    c.send(ts_us + 2 * rtt_us + 1 * kMs, Side::client, ssh_packet(pb::Bytes{21}));
    return ts_us + 2 * rtt_us + 1 * kMs;
}

// Ciphertext is indistinguishable from noise; a fixed byte keeps the output reproducible.
pb::Bytes ssh_encrypted(std::size_t len) { return pb::Bytes(len, 0x5a); }

void arp_exchange(Trace& trace, std::int64_t ts_us, const pb::IpAddr& asker,
                  const pb::IpAddr& target, const pb::MacAddr& target_mac,
                  const std::vector<pb::VlanTag>& vlans) {
    const pb::MacAddr broadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    const pb::MacAddr asker_mac = mac_of(asker);
    const pb::Ethernet request{broadcast, asker_mac, vlans, pb::ethertype::arp};
    trace.add(ts_us, pb::ethernet_frame(request, pb::arp_packet(1, asker_mac, asker.v4_bytes(), {},
                                                                target.v4_bytes())));
    const pb::Ethernet reply{asker_mac, target_mac, vlans, pb::ethertype::arp};
    trace.add(ts_us + 300,
              pb::ethernet_frame(reply, pb::arp_packet(2, target_mac, target.v4_bytes(), asker_mac,
                                                       asker.v4_bytes())));
}

void dns_lookup(Net& net, std::int64_t ts_us, const Endpoint& client, const pb::IpAddr& resolver,
                std::uint16_t id, std::string_view name, const pb::IpAddr& answer,
                std::int64_t rtt_us) {
    const std::uint16_t qtype = answer.v6 ? 28 : 1;
    net.send(ts_us, client.ip, resolver,
             pb::Udp{.src_port = client.port, .dst_port = 53, .data = dns_query(id, name, qtype)});
    net.send(
        ts_us + rtt_us, resolver, client.ip,
        pb::Udp{.src_port = 53, .dst_port = client.port, .data = dns_answer(id, name, answer)});
}

void ping(Net& net, std::int64_t ts_us, const pb::IpAddr& from, const pb::IpAddr& to,
          std::uint16_t id, std::uint16_t seq, std::int64_t rtt_us) {
    constexpr std::size_t kPingData = 56;
    if (from.v6) {
        net.send(ts_us, from, to,
                 pb::Icmpv6{.type = 128, .id = id, .seq = seq, .payload = kPingData});
        net.send(ts_us + rtt_us, to, from,
                 pb::Icmpv6{.type = 129, .id = id, .seq = seq, .payload = kPingData});
        return;
    }
    net.send(ts_us, from, to, pb::Icmp{.type = 8, .id = id, .seq = seq, .payload = kPingData});
    net.send(ts_us + rtt_us, to, from,
             pb::Icmp{.type = 0, .id = id, .seq = seq, .payload = kPingData});
}

}  // namespace ipaudit::pcapgen
