// Packet byte builders and pcap/pcapng writers for tests and tools (see pcap_builder.hpp).
#include "tests/support/pcap_builder.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace ipaudit::testing {

// =============================================================================================
// Byte writers

void put_u8(Bytes& out, std::uint8_t v) { out.push_back(v); }

void put_be16(Bytes& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

void put_be32(Bytes& out, std::uint32_t v) {
    put_be16(out, static_cast<std::uint16_t>(v >> 16));
    put_be16(out, static_cast<std::uint16_t>(v));
}

void put_le16(Bytes& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
}

void put_le32(Bytes& out, std::uint32_t v) {
    put_le16(out, static_cast<std::uint16_t>(v));
    put_le16(out, static_cast<std::uint16_t>(v >> 16));
}

void put_bytes(Bytes& out, ByteView bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }

void put_zeros(Bytes& out, std::size_t n) { out.resize(out.size() + n, 0); }

void set_be16(Bytes& out, std::size_t offset, std::uint16_t v) {
    if (offset + 2 > out.size()) {
        throw std::out_of_range("set_be16: offset " + std::to_string(offset) + " past end");
    }
    out[offset] = static_cast<std::uint8_t>(v >> 8);
    out[offset + 1] = static_cast<std::uint8_t>(v);
}

Bytes text_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

namespace {

// Filler content: 72-byte CRLF-terminated lines of letters, so dissectors of text protocols
// (SMTP, HTTP bodies) see plausible text. One shared 64 KiB pattern makes a payload a memcpy,
// never a per-byte loop.
ByteView filler_pattern() {
    static const Bytes pattern = [] {
        constexpr std::size_t kLine = 72;
        Bytes p(65536);
        for (std::size_t i = 0; i < p.size(); ++i) {
            const std::size_t col = i % kLine;
            if (col == kLine - 2) {
                p[i] = '\r';
            } else if (col == kLine - 1) {
                p[i] = '\n';
            } else {
                p[i] = static_cast<std::uint8_t>('a' + col % 26);
            }
        }
        return p;
    }();
    return pattern;
}

void put_filler(Bytes& out, std::size_t n) {
    const ByteView pattern = filler_pattern();
    while (n > 0) {
        const std::size_t chunk = std::min(n, pattern.size());
        put_bytes(out, pattern.first(chunk));
        n -= chunk;
    }
}

void pad_to_multiple(Bytes& out, std::size_t from, std::size_t multiple) {
    const std::size_t len = out.size() - from;
    put_zeros(out, (multiple - len % multiple) % multiple);
}

}  // namespace

// =============================================================================================
// Addresses

Ipv4Addr ipv4_addr(std::string_view text) {
    const std::string s(text);
    Ipv4Addr a{};
    if (inet_pton(AF_INET, s.c_str(), a.data()) != 1) {
        throw std::invalid_argument("not an IPv4 address: '" + s + "'");
    }
    return a;
}

Ipv4Addr ipv4_addr(std::uint32_t host_order) {
    return {static_cast<std::uint8_t>(host_order >> 24),
            static_cast<std::uint8_t>(host_order >> 16), static_cast<std::uint8_t>(host_order >> 8),
            static_cast<std::uint8_t>(host_order)};
}

Ipv6Addr ipv6_addr(std::string_view text) {
    const std::string s(text);
    Ipv6Addr a{};
    if (inet_pton(AF_INET6, s.c_str(), a.data()) != 1) {
        throw std::invalid_argument("not an IPv6 address: '" + s + "'");
    }
    return a;
}

MacAddr mac_addr(std::string_view text) {
    MacAddr m{};
    std::size_t pos = 0;
    for (std::size_t i = 0; i < m.size(); ++i) {
        const bool ok = pos + 2 <= text.size() &&
                        std::isxdigit(static_cast<unsigned char>(text[pos])) != 0 &&
                        std::isxdigit(static_cast<unsigned char>(text[pos + 1])) != 0 &&
                        (i + 1 == m.size() ? pos + 2 == text.size() : text[pos + 2] == ':');
        if (!ok) {
            throw std::invalid_argument("not a MAC address: '" + std::string(text) + "'");
        }
        m[i] = static_cast<std::uint8_t>(std::stoul(std::string(text.substr(pos, 2)), nullptr, 16));
        pos += 3;
    }
    return m;
}

std::string to_string(const Ipv4Addr& a) {
    char buf[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, a.data(), buf, sizeof buf);
    return buf;
}

std::string to_string(const Ipv6Addr& a) {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(AF_INET6, a.data(), buf, sizeof buf);
    return buf;
}

Ipv4Addr IpAddr::v4_bytes() const { return {bytes[0], bytes[1], bytes[2], bytes[3]}; }

IpAddr ip_addr(std::string_view text) {
    if (text.find(':') != std::string_view::npos) return ip_addr(ipv6_addr(text));
    return ip_addr(ipv4_addr(text));
}

IpAddr ip_addr(const Ipv4Addr& a) {
    IpAddr r;
    std::copy(a.begin(), a.end(), r.bytes.begin());
    return r;
}

IpAddr ip_addr(const Ipv6Addr& a) { return IpAddr{a, true}; }

std::string to_string(const IpAddr& a) {
    return a.v6 ? to_string(a.bytes) : to_string(a.v4_bytes());
}

// =============================================================================================
// Checksums

std::uint32_t checksum_add(std::uint32_t sum, ByteView data) {
    // 64-bit accumulator: no carry folding inside the loop, even for 64 KiB inputs.
    std::uint64_t acc = sum;
    std::size_t i = 0;
    for (; i + 1 < data.size(); i += 2) {
        acc += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
    }
    if (i < data.size()) acc += static_cast<std::uint32_t>(data[i] << 8);
    while (acc >> 32 != 0) acc = (acc & 0xffffffffU) + (acc >> 32);
    return static_cast<std::uint32_t>(acc);
}

std::uint16_t checksum_finish(std::uint32_t sum) {
    while (sum >> 16 != 0) sum = (sum & 0xffffU) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

std::uint16_t internet_checksum(ByteView data) { return checksum_finish(checksum_add(0, data)); }

// =============================================================================================
// Transport layer

namespace {

// What the transport checksum covers besides the segment itself (RFC 793 / RFC 8200 8.1).
std::uint32_t pseudo_header_sum(const IpAddr& src, const IpAddr& dst, std::uint8_t protocol,
                                std::size_t l4_len) {
    std::array<std::uint8_t, 40> ph{};  // on the stack: this runs for every generated packet
    const std::size_t alen = src.v6 ? 16 : 4;
    std::copy_n(src.bytes.begin(), alen, ph.begin());
    std::copy_n(dst.bytes.begin(), alen, ph.begin() + static_cast<std::ptrdiff_t>(alen));
    const std::size_t tail = 2 * alen;
    if (src.v6) {
        const auto len = static_cast<std::uint32_t>(l4_len);
        ph[tail] = static_cast<std::uint8_t>(len >> 24);
        ph[tail + 1] = static_cast<std::uint8_t>(len >> 16);
        ph[tail + 2] = static_cast<std::uint8_t>(len >> 8);
        ph[tail + 3] = static_cast<std::uint8_t>(len);
        ph[tail + 7] = protocol;
        return checksum_add(0, ByteView(ph).first(tail + 8));
    }
    ph[tail + 1] = protocol;
    ph[tail + 2] = static_cast<std::uint8_t>(l4_len >> 8);
    ph[tail + 3] = static_cast<std::uint8_t>(l4_len);
    return checksum_add(0, ByteView(ph).first(tail + 4));
}

struct Endpoints {
    const IpAddr& src;
    const IpAddr& dst;
};

void store_l4_checksum(Bytes& out, std::size_t start, std::size_t field, std::uint8_t protocol,
                       const Endpoints& ep, bool zero_means_none) {
    const ByteView segment = ByteView(out).subspan(start);
    std::uint32_t sum = pseudo_header_sum(ep.src, ep.dst, protocol, segment.size());
    std::uint16_t c = checksum_finish(checksum_add(sum, segment));
    // UDP transmits a computed 0 as 0xffff, since 0 means "no checksum" (RFC 768).
    if (zero_means_none && c == 0) c = 0xffff;
    set_be16(out, start + field, c);
}

void append_l4(Bytes& out, const Tcp& t, const Endpoints& ep) {
    const std::size_t start = out.size();
    put_be16(out, t.src_port);
    put_be16(out, t.dst_port);
    put_be32(out, t.seq);
    put_be32(out, t.ack);
    const std::size_t offset_field = out.size();
    put_u8(out, 0);
    put_u8(out, t.flags);
    put_be16(out, t.window);
    put_be16(out, 0);  // checksum
    put_be16(out, 0);  // urgent pointer
    put_bytes(out, t.options);
    pad_to_multiple(out, start, 4);
    const auto words = static_cast<std::uint8_t>((out.size() - start) / 4);
    out[offset_field] = static_cast<std::uint8_t>(t.data_offset.value_or(words) << 4);
    put_bytes(out, t.data);
    put_filler(out, t.payload);
    if (t.checksum) store_l4_checksum(out, start, 16, ip_proto::tcp, ep, false);
}

void append_l4(Bytes& out, const Udp& u, const Endpoints& ep) {
    const std::size_t start = out.size();
    const std::size_t len = 8 + u.data.size() + u.payload;
    put_be16(out, u.src_port);
    put_be16(out, u.dst_port);
    put_be16(out, u.length.value_or(static_cast<std::uint16_t>(len)));
    put_be16(out, 0);
    put_bytes(out, u.data);
    put_filler(out, u.payload);
    if (u.checksum || ep.src.v6) store_l4_checksum(out, start, 6, ip_proto::udp, ep, true);
}

void append_l4(Bytes& out, const Icmp& m, const Endpoints&) {
    const std::size_t start = out.size();
    put_u8(out, m.type);
    put_u8(out, m.code);
    put_be16(out, 0);
    put_be16(out, m.id);
    put_be16(out, m.seq);
    put_bytes(out, m.data);
    put_filler(out, m.payload);
    set_be16(out, start + 2, internet_checksum(ByteView(out).subspan(start)));
}

void append_l4(Bytes& out, const Icmpv6& m, const Endpoints& ep) {
    const std::size_t start = out.size();
    put_u8(out, m.type);
    put_u8(out, m.code);
    put_be16(out, 0);
    put_be16(out, m.id);
    put_be16(out, m.seq);
    put_bytes(out, m.data);
    put_filler(out, m.payload);
    store_l4_checksum(out, start, 2, ip_proto::icmpv6, ep, false);
}

void append_l4(Bytes& out, const RawTransport& r, const Endpoints&) { put_bytes(out, r.bytes); }

void append_transport(Bytes& out, const Transport& l4, const Endpoints& ep) {
    std::visit([&](const auto& m) { append_l4(out, m, ep); }, l4);
}

}  // namespace

std::uint8_t protocol_of(const Transport& l4) {
    struct Visitor {
        std::uint8_t operator()(const Tcp&) const { return ip_proto::tcp; }
        std::uint8_t operator()(const Udp&) const { return ip_proto::udp; }
        std::uint8_t operator()(const Icmp&) const { return ip_proto::icmp; }
        std::uint8_t operator()(const Icmpv6&) const { return ip_proto::icmpv6; }
        std::uint8_t operator()(const RawTransport& r) const { return r.protocol; }
    };
    return std::visit(Visitor{}, l4);
}

Bytes transport_bytes(const Transport& l4, const IpAddr& src, const IpAddr& dst) {
    Bytes out;
    append_transport(out, l4, Endpoints{src, dst});
    return out;
}

// =============================================================================================
// IPv4

void append_ipv4(Bytes& out, const Ipv4& ip, const Transport& l4) {
    const std::size_t start = out.size();
    put_u8(out, 0);  // version/IHL, known once the options are in
    put_u8(out, ip.tos);
    put_be16(out, 0);  // total length, known at the end
    put_be16(out, ip.id);
    const auto flags = static_cast<std::uint16_t>((ip.df ? 0x4000 : 0) | (ip.mf ? 0x2000 : 0));
    put_be16(out, static_cast<std::uint16_t>(flags | (ip.frag_offset & 0x1fff)));
    put_u8(out, ip.ttl);
    put_u8(out, ip.protocol.value_or(protocol_of(l4)));
    put_be16(out, 0);  // header checksum
    put_bytes(out, ByteView(ip.src));
    put_bytes(out, ByteView(ip.dst));
    put_bytes(out, ip.options);
    pad_to_multiple(out, start, 4);
    const std::size_t header_len = out.size() - start;
    const auto ihl = ip.ihl.value_or(static_cast<std::uint8_t>(header_len / 4));
    out[start] = static_cast<std::uint8_t>(ip.version.value_or(4) << 4 | (ihl & 0x0f));

    append_transport(out, l4, Endpoints{ip_addr(ip.src), ip_addr(ip.dst)});
    const auto total = static_cast<std::uint16_t>(out.size() - start);
    set_be16(out, start + 2, ip.total_length.value_or(total));
    // Over the header bytes as written, whatever a (possibly bogus) IHL claims.
    set_be16(out, start + 10, internet_checksum(ByteView(out).subspan(start, header_len)));
}

Bytes ipv4_packet(const Ipv4& ip, const Transport& l4) {
    Bytes out;
    append_ipv4(out, ip, l4);
    return out;
}

std::vector<Bytes> ipv4_fragments(const Ipv4& ip, std::uint8_t protocol, ByteView datagram,
                                  std::size_t max_chunk) {
    const std::size_t chunk = max_chunk / 8 * 8;
    if (chunk == 0) throw std::invalid_argument("ipv4_fragments: max_chunk must be >= 8");
    std::vector<Bytes> fragments;
    for (std::size_t off = 0; off < datagram.size(); off += chunk) {
        const std::size_t n = std::min(chunk, datagram.size() - off);
        Ipv4 frag = ip;
        frag.frag_offset = static_cast<std::uint16_t>(off / 8);
        frag.mf = off + n < datagram.size();
        const ByteView piece = datagram.subspan(off, n);
        fragments.push_back(
            ipv4_packet(frag, RawTransport{protocol, Bytes(piece.begin(), piece.end())}));
    }
    return fragments;
}

// =============================================================================================
// IPv6

namespace {

// Hop-by-hop and destination options share a layout: length byte, options, Pad1/PadN up to a
// multiple of 8 bytes (RFC 8200 4.2).
Ipv6Ext options_header(std::uint8_t type, Bytes options) {
    const std::size_t unpadded = 2 + options.size();
    const std::size_t total = std::max<std::size_t>(8, (unpadded + 7) / 8 * 8);
    const std::size_t pad = total - unpadded;
    Ipv6Ext ext{type, {}};
    put_u8(ext.body, static_cast<std::uint8_t>(total / 8 - 1));
    put_bytes(ext.body, options);
    if (pad == 1) {
        put_u8(ext.body, 0);  // Pad1
    } else if (pad >= 2) {
        put_u8(ext.body, 1);  // PadN
        put_u8(ext.body, static_cast<std::uint8_t>(pad - 2));
        put_zeros(ext.body, pad - 2);
    }
    return ext;
}

}  // namespace

Ipv6Ext hop_by_hop(Bytes options) {
    return options_header(ip_proto::hop_by_hop, std::move(options));
}

Ipv6Ext destination_options(Bytes options) {
    return options_header(ip_proto::dest_opts, std::move(options));
}

Ipv6Ext routing_header(std::uint8_t routing_type, std::uint8_t segments_left,
                       const std::vector<Ipv6Addr>& addresses) {
    Ipv6Ext ext{ip_proto::routing, {}};
    put_u8(ext.body, static_cast<std::uint8_t>(addresses.size() * 2));
    put_u8(ext.body, routing_type);
    put_u8(ext.body, segments_left);
    put_zeros(ext.body, 4);  // reserved (type 0/2 layout)
    for (const auto& a : addresses) put_bytes(ext.body, a);
    return ext;
}

Ipv6Ext fragment_header(std::uint16_t offset_units, bool more, std::uint32_t id) {
    Ipv6Ext ext{ip_proto::fragment, {}};
    put_u8(ext.body, 0);  // reserved
    put_be16(ext.body, static_cast<std::uint16_t>((offset_units & 0x1fff) << 3 | (more ? 1 : 0)));
    put_be32(ext.body, id);
    return ext;
}

void append_ipv6(Bytes& out, const Ipv6& ip, const Transport& l4) {
    const std::size_t start = out.size();
    put_be32(out, 6U << 28 | static_cast<std::uint32_t>(ip.traffic_class) << 20 |
                      (ip.flow_label & 0xfffff));
    put_be16(out, 0);  // payload length, known at the end
    const std::uint8_t last = ip.next_header.value_or(protocol_of(l4));
    put_u8(out, ip.ext.empty() ? last : ip.ext.front().type);
    put_u8(out, ip.hop_limit);
    put_bytes(out, ip.src);
    put_bytes(out, ip.dst);
    for (std::size_t i = 0; i < ip.ext.size(); ++i) {
        put_u8(out, i + 1 < ip.ext.size() ? ip.ext[i + 1].type : last);
        put_bytes(out, ip.ext[i].body);
    }
    append_transport(out, l4, Endpoints{ip_addr(ip.src), ip_addr(ip.dst)});
    const auto payload = static_cast<std::uint16_t>(out.size() - start - 40);
    set_be16(out, start + 4, ip.payload_length.value_or(payload));
}

Bytes ipv6_packet(const Ipv6& ip, const Transport& l4) {
    Bytes out;
    append_ipv6(out, ip, l4);
    return out;
}

std::vector<Bytes> ipv6_fragments(const Ipv6& ip, std::uint8_t protocol, ByteView datagram,
                                  std::size_t max_chunk, std::uint32_t id) {
    const std::size_t chunk = max_chunk / 8 * 8;
    if (chunk == 0) throw std::invalid_argument("ipv6_fragments: max_chunk must be >= 8");
    std::vector<Bytes> fragments;
    for (std::size_t off = 0; off < datagram.size(); off += chunk) {
        const std::size_t n = std::min(chunk, datagram.size() - off);
        Ipv6 frag = ip;
        frag.next_header.reset();
        frag.ext.push_back(
            fragment_header(static_cast<std::uint16_t>(off / 8), off + n < datagram.size(), id));
        const ByteView piece = datagram.subspan(off, n);
        fragments.push_back(
            ipv6_packet(frag, RawTransport{protocol, Bytes(piece.begin(), piece.end())}));
    }
    return fragments;
}

Bytes ip_packet(const IpAddr& src, const IpAddr& dst, const Transport& l4) {
    if (src.v6 != dst.v6) throw std::invalid_argument("ip_packet: mixed address families");
    if (src.v6) return ipv6_packet(Ipv6{.src = src.bytes, .dst = dst.bytes}, l4);
    return ipv4_packet(Ipv4{.src = src.v4_bytes(), .dst = dst.v4_bytes()}, l4);
}

Bytes icmp_error_quote(ByteView ip_packet) {
    std::size_t header = 40;
    if (!ip_packet.empty() && ip_packet[0] >> 4 == 4)
        header = static_cast<std::size_t>(ip_packet[0] & 0x0fU) * 4;
    const std::size_t n = std::min(ip_packet.size(), header + 8);
    return Bytes(ip_packet.begin(), ip_packet.begin() + static_cast<std::ptrdiff_t>(n));
}

// =============================================================================================
// Link layers

void append_ethernet_header(Bytes& out, const Ethernet& eth) {
    put_bytes(out, eth.dst);
    put_bytes(out, eth.src);
    for (const auto& tag : eth.vlans) {
        put_be16(out, tag.tpid);
        put_be16(out, static_cast<std::uint16_t>((tag.pcp & 7) << 13 | (tag.dei ? 1 : 0) << 12 |
                                                 (tag.vid & 0x0fff)));
    }
    put_be16(out, eth.type);
}

Bytes ethernet_frame(const Ethernet& eth, ByteView payload) {
    Bytes out;
    append_ethernet_header(out, eth);
    put_bytes(out, payload);
    return out;
}

Bytes arp_packet(std::uint16_t op, const MacAddr& sender_mac, const Ipv4Addr& sender_ip,
                 const MacAddr& target_mac, const Ipv4Addr& target_ip) {
    Bytes out;
    put_be16(out, 1);  // hardware: Ethernet
    put_be16(out, ethertype::ipv4);
    put_u8(out, 6);
    put_u8(out, 4);
    put_be16(out, op);
    put_bytes(out, sender_mac);
    put_bytes(out, sender_ip);
    put_bytes(out, target_mac);
    put_bytes(out, target_ip);
    return out;
}

Bytes pppoe_session_frame(const Ethernet& eth, std::uint16_t session_id, std::uint16_t ppp_proto,
                          ByteView payload) {
    Ethernet e = eth;
    e.type = ethertype::pppoe_session;
    Bytes out;
    append_ethernet_header(out, e);
    put_u8(out, 0x11);  // version 1, type 1
    put_u8(out, 0x00);  // code: session data
    put_be16(out, session_id);
    put_be16(out, static_cast<std::uint16_t>(2 + payload.size()));  // PPP protocol + payload
    put_be16(out, ppp_proto);
    put_bytes(out, payload);
    return out;
}

Bytes pppoe_discovery_frame(const Ethernet& eth, std::uint8_t code, std::uint16_t session_id,
                            ByteView tags) {
    Ethernet e = eth;
    e.type = ethertype::pppoe_discovery;
    Bytes out;
    append_ethernet_header(out, e);
    put_u8(out, 0x11);
    put_u8(out, code);
    put_be16(out, session_id);
    put_be16(out, static_cast<std::uint16_t>(tags.size()));
    put_bytes(out, tags);
    return out;
}

void append_sll_header(Bytes& out, const LinuxSll& h) {
    put_be16(out, h.packet_type);
    put_be16(out, h.hatype);
    put_be16(out, static_cast<std::uint16_t>(h.address.size()));
    put_bytes(out, h.address);
    put_zeros(out, 8 - h.address.size());
    put_be16(out, h.protocol);
}

void append_sll2_header(Bytes& out, const LinuxSll& h) {
    put_be16(out, h.protocol);
    put_be16(out, 0);  // reserved
    put_be32(out, h.ifindex);
    put_be16(out, h.hatype);
    put_u8(out, static_cast<std::uint8_t>(h.packet_type));
    put_u8(out, static_cast<std::uint8_t>(h.address.size()));
    put_bytes(out, h.address);
    put_zeros(out, 8 - h.address.size());
}

void append_null_header(Bytes& out, std::uint32_t family, bool big_endian) {
    if (big_endian) {
        put_be32(out, family);
    } else {
        put_le32(out, family);
    }
}

void append_loop_header(Bytes& out, std::uint32_t family) { put_be32(out, family); }

void append_link_header(Bytes& out, std::uint16_t link_type, int ip_version) {
    const bool v6 = ip_version == 6;
    const std::uint16_t type = v6 ? ethertype::ipv6 : ethertype::ipv4;
    const std::uint32_t family = v6 ? bsd_af::inet6_bsd : bsd_af::inet;
    switch (link_type) {
        case dlt::ethernet: append_ethernet_header(out, Ethernet{.type = type}); return;
        case dlt::linux_sll: append_sll_header(out, LinuxSll{.protocol = type}); return;
        case dlt::linux_sll2: append_sll2_header(out, LinuxSll{.protocol = type}); return;
        case dlt::null_bsd: append_null_header(out, family); return;
        case dlt::loop: append_loop_header(out, family); return;
        case dlt::raw: return;
        default: break;
    }
    throw std::invalid_argument("append_link_header: unsupported link type " +
                                std::to_string(link_type));
}

Bytes frame(std::uint16_t link_type, ByteView ip_packet) {
    const int version = !ip_packet.empty() && ip_packet[0] >> 4 == 6 ? 6 : 4;
    Bytes out;
    append_link_header(out, link_type, version);
    put_bytes(out, ip_packet);
    return out;
}

// =============================================================================================
// Capture files

namespace {

constexpr std::size_t kSinkBuffer = 1 << 20;

std::runtime_error io_error(const std::string& path, const char* what, int err) {
    return std::runtime_error(path + ": " + what + ": " + std::strerror(err));
}

void write_all(int fd, ByteView bytes, const std::string& path) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw io_error(path, "write failed", errno);
        }
        bytes = bytes.subspan(static_cast<std::size_t>(n));
    }
}

}  // namespace

FileSink::FileSink(std::string path) : path_(std::move(path)) {
    if (path_ == "-") {
        fd_ = STDOUT_FILENO;
        owns_fd_ = false;
    } else {
        fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd_ < 0) throw io_error(path_, "cannot create", errno);
    }
    buffer_.reserve(kSinkBuffer);
}

FileSink::~FileSink() {
    try {
        close();
    } catch (...) {  // NOLINT(bugprone-empty-catch): destructors must not throw; close() reports
    }
}

void FileSink::append(ByteView bytes) {
    if (fd_ < 0) throw std::runtime_error(path_ + ": write after close");
    if (buffer_.size() + bytes.size() > kSinkBuffer) flush();
    if (bytes.size() >= kSinkBuffer) {
        write_all(fd_, bytes, path_);
    } else {
        put_bytes(buffer_, bytes);
    }
}

void FileSink::flush() {
    write_all(fd_, buffer_, path_);
    buffer_.clear();
}

void FileSink::close() {
    if (fd_ < 0) return;
    const int fd = fd_;
    fd_ = -1;  // whatever happens below, the descriptor is finished with
    try {
        write_all(fd, buffer_, path_);
        buffer_.clear();
    } catch (...) {
        if (owns_fd_) ::close(fd);
        throw;
    }
    if (owns_fd_ && ::close(fd) != 0) throw io_error(path_, "close failed", errno);
}

void CaptureWriter::write(std::int64_t ts_us, ByteView frame) {
    const std::size_t captured = std::min<std::size_t>(frame.size(), snaplen_);
    write(ts_us, frame.first(captured), static_cast<std::uint32_t>(frame.size()));
}

namespace {

void check_record(std::int64_t ts_us, ByteView captured, std::uint32_t orig_len,
                  const std::string& path) {
    if (ts_us < 0 || ts_us / 1'000'000 > 0xffffffffLL) {
        throw std::invalid_argument(path + ": timestamp out of range: " + std::to_string(ts_us));
    }
    if (orig_len < captured.size()) {
        throw std::invalid_argument(path + ": orig_len " + std::to_string(orig_len) +
                                    " < captured length " + std::to_string(captured.size()));
    }
}

}  // namespace

PcapWriter::PcapWriter(const std::string& path, std::uint16_t linktype, std::uint32_t snaplen)
    : CaptureWriter(linktype, snaplen), sink_(path) {
    Bytes header;
    put_le32(header, 0xa1b2c3d4);  // microsecond-resolution magic
    put_le16(header, 2);
    put_le16(header, 4);
    put_le32(header, 0);  // thiszone
    put_le32(header, 0);  // sigfigs
    put_le32(header, snaplen);
    put_le32(header, linktype);
    sink_.append(header);
}

void PcapWriter::write(std::int64_t ts_us, ByteView captured, std::uint32_t orig_len) {
    check_record(ts_us, captured, orig_len, sink_.path());
    record_.clear();
    put_le32(record_, static_cast<std::uint32_t>(ts_us / 1'000'000));
    put_le32(record_, static_cast<std::uint32_t>(ts_us % 1'000'000));
    put_le32(record_, static_cast<std::uint32_t>(captured.size()));
    put_le32(record_, orig_len);
    sink_.append(record_);
    sink_.append(captured);
}

void PcapWriter::close() { sink_.close(); }

namespace {

constexpr std::uint32_t kSectionHeaderBlock = 0x0a0d0d0a;
constexpr std::uint32_t kInterfaceDescriptionBlock = 1;
constexpr std::uint32_t kEnhancedPacketBlock = 6;

}  // namespace

PcapngWriter::PcapngWriter(const std::string& path, std::uint16_t linktype, std::uint32_t snaplen)
    : CaptureWriter(linktype, snaplen), sink_(path) {
    Bytes shb;
    put_le32(shb, 0x1a2b3c4d);  // byte-order magic
    put_le16(shb, 1);
    put_le16(shb, 0);
    put_le32(shb, 0xffffffff);  // section length: unspecified (-1)
    put_le32(shb, 0xffffffff);
    write_block(kSectionHeaderBlock, shb);

    Bytes idb;
    put_le16(idb, linktype);
    put_le16(idb, 0);
    put_le32(idb, snaplen);
    write_block(kInterfaceDescriptionBlock, idb);  // no if_tsresol option: microseconds
}

void PcapngWriter::write_block(std::uint32_t block_type, ByteView body) {
    const std::size_t padded = (body.size() + 3) / 4 * 4;
    const auto total = static_cast<std::uint32_t>(12 + padded);
    block_.clear();
    put_le32(block_, block_type);
    put_le32(block_, total);
    put_bytes(block_, body);
    put_zeros(block_, padded - body.size());
    put_le32(block_, total);
    sink_.append(block_);
}

void PcapngWriter::write(std::int64_t ts_us, ByteView captured, std::uint32_t orig_len) {
    check_record(ts_us, captured, orig_len, sink_.path());
    const std::size_t padded = (captured.size() + 3) / 4 * 4;
    const auto total = static_cast<std::uint32_t>(32 + padded);
    const auto ts = static_cast<std::uint64_t>(ts_us);
    // Built in place rather than via write_block to avoid copying the packet twice.
    block_.clear();
    put_le32(block_, kEnhancedPacketBlock);
    put_le32(block_, total);
    put_le32(block_, 0);  // interface id
    put_le32(block_, static_cast<std::uint32_t>(ts >> 32));
    put_le32(block_, static_cast<std::uint32_t>(ts));
    put_le32(block_, static_cast<std::uint32_t>(captured.size()));
    put_le32(block_, orig_len);
    put_bytes(block_, captured);
    put_zeros(block_, padded - captured.size());
    put_le32(block_, total);
    sink_.append(block_);
}

void PcapngWriter::close() { sink_.close(); }

std::unique_ptr<CaptureWriter> open_capture(const std::string& path, CaptureFormat format,
                                            std::uint16_t linktype, std::uint32_t snaplen) {
    if (format == CaptureFormat::pcapng) {
        return std::make_unique<PcapngWriter>(path, linktype, snaplen);
    }
    return std::make_unique<PcapWriter>(path, linktype, snaplen);
}

}  // namespace ipaudit::testing
