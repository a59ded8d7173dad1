// Building blocks shared by the pcapgen scenarios: PRNG, trace buffer, framing, TCP and DNS.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/pcap_builder.hpp"

namespace ipaudit::pcapgen {

namespace pb = ipaudit::testing;

// splitmix64: tiny, fast, and its output is fixed by its definition, unlike std distributions,
// whose results differ across standard libraries (the captures must be reproducible).
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next();
    std::uint64_t below(std::uint64_t n);                    // uniform in [0, n); n > 0
    std::int64_t between(std::int64_t lo, std::int64_t hi);  // uniform in [lo, hi]
    bool chance(double p);                                   // true with probability p
    double unit();                                           // uniform in [0, 1)

private:
    std::uint64_t state_;
};

// A client port from Linux's default ephemeral range (32768-60999), skipping the few that
// Wireshark hands to a dissector (EtherNet/IP 44818, ...), which would call filler payloads
// malformed.
std::uint16_t ephemeral_port(Rng& rng);

struct Options {
    std::string output{};
    std::uint64_t seed = 1;
    std::int64_t start_s = 1'793'610'000;  // 2026-11-02 09:00:00 UTC, a Monday
    std::optional<std::uint64_t> packets{};
    std::optional<std::uint64_t> sessions{};
    std::optional<pb::CaptureFormat> format{};

    std::int64_t start_us() const { return start_s * 1'000'000; }
};

constexpr std::int64_t kMs = 1'000;
constexpr std::int64_t kSec = 1'000'000;

// The local networks every scenario is built around (the ground truth assumes them):
// 10.1.0.0/16 and 2001:db8:1::/48. Hand-made scenarios put remote hosts in the documentation
// ranges (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8:ffff::/48) or 198.18/16.
bool is_local(const pb::IpAddr& a);

// Frames captured out of order (interleaved conversations), written sorted by time; frames
// with equal times keep the order they were added in.
class Trace {
public:
    void add(std::int64_t ts_us, pb::Bytes frame);
    void add_truncated(std::int64_t ts_us, pb::Bytes captured, std::uint32_t orig_len);
    void add_block(std::int64_t ts_us, std::uint32_t block_type, pb::Bytes body);  // pcapng only
    void write(pb::CaptureWriter& writer);
    std::size_t size() const { return records_.size(); }

private:
    struct Record {
        std::int64_t ts_us = 0;
        pb::Bytes bytes;
        std::optional<std::uint32_t> orig_len;  // unset: the whole frame, cut at snaplen
        std::optional<std::uint32_t> block_type;
    };
    std::vector<Record> records_;
};

// How IP packets are framed: the capture's link type plus, for Ethernet, VLAN tags and PPPoE.
struct LinkConfig {
    std::uint16_t linktype = pb::dlt::ethernet;
    std::vector<pb::VlanTag> vlans{};
    std::optional<std::uint16_t> pppoe_session{};
    std::uint32_t null_af_inet6 = pb::bsd_af::inet6_bsd;
};

pb::MacAddr router_mac();
pb::MacAddr mac_of(const pb::IpAddr& a);  // a local host's MAC (02:00 + low 32 bits)

// Turns IP packets into frames in a trace: MACs from the addresses (remote hosts are behind
// the router), IP ids counting up, TTL by direction.
class Net {
public:
    Net(Trace& trace, LinkConfig link) : trace_(trace), link_(std::move(link)) {}

    // Builds and records one IP packet. Returns its IP bytes (for ICMP error quotes).
    pb::Bytes send(std::int64_t ts_us, const pb::IpAddr& src, const pb::IpAddr& dst,
                   const pb::Transport& l4);
    // Records an already built IP packet (crafted headers), framed for the link.
    void send_ip(std::int64_t ts_us, const pb::IpAddr& src, const pb::IpAddr& dst,
                 pb::ByteView ip_packet);
    pb::Bytes frame_ip(const pb::IpAddr& src, const pb::IpAddr& dst, pb::ByteView ip_packet) const;

    LinkConfig& link() { return link_; }
    // Applied to every IPv4 header this Net builds (e.g. to add options); empty = none.
    std::function<void(pb::Ipv4&)> tweak_ipv4;
    std::function<void(pb::Ipv6&)> tweak_ipv6;
    Trace& trace() { return trace_; }
    std::uint16_t next_ip_id() { return ip_id_++; }

private:
    Trace& trace_;
    LinkConfig link_;
    std::uint16_t ip_id_ = 0x1000;
};

struct Endpoint {
    pb::IpAddr ip{};
    std::uint16_t port = 0;
};

enum class Side { client, server };

// One TCP connection with consistent sequence numbers, so dissectors see clean streams.
class TcpConversation {
public:
    TcpConversation(Net& net, Endpoint client, Endpoint server, std::uint32_t client_isn,
                    std::uint32_t server_isn);

    void segment(std::int64_t ts_us, Side from, std::uint8_t flags, pb::Bytes data = {},
                 std::size_t filler = 0);
    // Sequence space `from` used before the capture began (a SYN or data never seen).
    void unseen(Side from, std::uint32_t n);
    void syn(std::int64_t ts_us) { segment(ts_us, Side::client, pb::tcp_flag::syn); }
    void syn_ack(std::int64_t ts_us) {
        segment(ts_us, Side::server, pb::tcp_flag::syn | pb::tcp_flag::ack);
    }
    // SYN, SYN-ACK, ACK; returns the time after the handshake.
    std::int64_t handshake(std::int64_t ts_us, std::int64_t rtt_us);
    // One data segment (PSH|ACK) with explicit bytes and/or filler.
    void send(std::int64_t ts_us, Side from, pb::Bytes data, std::size_t filler = 0);
    void ack(std::int64_t ts_us, Side from) { segment(ts_us, from, pb::tcp_flag::ack); }
    // `bytes` in MSS-sized segments from `from` (the first starting with `prefix`, which must
    // fit in it), the peer acking every second segment. With `tls`, each segment is instead one
    // TLS application-data record, so dissectors see valid records. Returns the last time.
    std::int64_t transfer(std::int64_t ts_us, Side from, std::size_t bytes, std::int64_t gap_us,
                          pb::Bytes prefix = {}, bool tls = false);
    // FIN from `first`, FIN-ACK from the other side, final ACK; returns the last time.
    std::int64_t close(std::int64_t ts_us, Side first, std::int64_t rtt_us);

private:
    Net& net_;
    Endpoint client_;
    Endpoint server_;
    std::uint32_t next_seq_[2];  // indexed by Side; each side acks all the peer has sent
};

constexpr std::size_t kMss = 1460;

// DNS (RFC 1035) messages with one question, enough for dissectors to show real queries.
pb::Bytes dns_query(std::uint16_t id, std::string_view name, std::uint16_t qtype = 1);
pb::Bytes dns_answer(std::uint16_t id, std::string_view name, const pb::IpAddr& address);

// HTTP/1.1 text: a GET, and a response head whose Content-Length makes head + body = total.
pb::Bytes http_get(std::string_view host, std::string_view path);
pb::Bytes http_response_head(std::size_t total_bytes);

// A TLS 1.2 record of `type` (22 handshake, 23 application data) with `len` filler bytes.
pb::Bytes tls_record(std::uint8_t type, std::size_t len);

// SSH (RFC 4253) after the version strings: a curve25519 key exchange in cleartext, then
// "encrypted" packets of `len` bytes. Returns the time after the exchange.
std::int64_t ssh_key_exchange(TcpConversation& c, std::int64_t ts_us, std::int64_t rtt_us);
pb::Bytes ssh_encrypted(std::size_t len);

// An ARP request from `asker` for `target` (broadcast) and the reply from `target_mac`.
void arp_exchange(Trace& trace, std::int64_t ts_us, const pb::IpAddr& asker,
                  const pb::IpAddr& target, const pb::MacAddr& target_mac,
                  const std::vector<pb::VlanTag>& vlans = {});

// A UDP DNS query from `client` and the resolver's answer `rtt_us` later.
void dns_lookup(Net& net, std::int64_t ts_us, const Endpoint& client, const pb::IpAddr& resolver,
                std::uint16_t id, std::string_view name, const pb::IpAddr& answer,
                std::int64_t rtt_us);
// An ICMP (or ICMPv6) echo request and its reply `rtt_us` later; 56 bytes of data like ping.
void ping(Net& net, std::int64_t ts_us, const pb::IpAddr& from, const pb::IpAddr& to,
          std::uint16_t id, std::uint16_t seq, std::int64_t rtt_us);

}  // namespace ipaudit::pcapgen
