// Builds packet bytes (link, IP, transport) and writes pcap/pcapng files for tests and tools.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ipaudit::testing {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// ---------------------------------------------------------------------------------------------
// Byte writers. Network formats are big-endian; capture file headers are written little-endian
// so that generated files are byte-identical on every host.

void put_u8(Bytes& out, std::uint8_t v);
void put_be16(Bytes& out, std::uint16_t v);
void put_be32(Bytes& out, std::uint32_t v);
void put_le16(Bytes& out, std::uint16_t v);
void put_le32(Bytes& out, std::uint32_t v);
void put_bytes(Bytes& out, ByteView bytes);
void put_zeros(Bytes& out, std::size_t n);
// Overwrites two bytes at `offset` (which must already exist; throws std::out_of_range).
void set_be16(Bytes& out, std::size_t offset, std::uint16_t v);
// Bytes of a string, without a terminator (payload text such as "GET / HTTP/1.1\r\n").
Bytes text_bytes(std::string_view s);

// ---------------------------------------------------------------------------------------------
// Addresses. The parsers throw std::invalid_argument with the offending text in the message.

using Ipv4Addr = std::array<std::uint8_t, 4>;
using Ipv6Addr = std::array<std::uint8_t, 16>;
using MacAddr = std::array<std::uint8_t, 6>;

Ipv4Addr ipv4_addr(std::string_view text);     // "10.0.0.1"
Ipv4Addr ipv4_addr(std::uint32_t host_order);  // 0x0a000001 -> 10.0.0.1
Ipv6Addr ipv6_addr(std::string_view text);     // "2001:db8::1"
MacAddr mac_addr(std::string_view text);       // "02:00:00:00:00:01"
std::string to_string(const Ipv4Addr& a);
std::string to_string(const Ipv6Addr& a);

// Either family, for code that builds the same traffic over v4 and v6.
struct IpAddr {
    Ipv6Addr bytes{};  // a v4 address uses the first 4 bytes
    bool v6 = false;
    Ipv4Addr v4_bytes() const;
};
IpAddr ip_addr(std::string_view text);  // detects the family by the presence of ':'
IpAddr ip_addr(const Ipv4Addr& a);
IpAddr ip_addr(const Ipv6Addr& a);
std::string to_string(const IpAddr& a);

// ---------------------------------------------------------------------------------------------
// Constants.

namespace dlt {  // pcap LINKTYPE_* values (https://www.tcpdump.org/linktypes.html)
inline constexpr std::uint16_t null_bsd = 0;  // 4-byte address family in the writer's byte order
inline constexpr std::uint16_t ethernet = 1;
inline constexpr std::uint16_t raw = 101;   // bare IPv4/IPv6, version nibble tells which
inline constexpr std::uint16_t loop = 108;  // OpenBSD loopback: family in network byte order
inline constexpr std::uint16_t linux_sll = 113;
inline constexpr std::uint16_t linux_sll2 = 276;
}  // namespace dlt

namespace ethertype {
inline constexpr std::uint16_t ipv4 = 0x0800;
inline constexpr std::uint16_t arp = 0x0806;
inline constexpr std::uint16_t vlan = 0x8100;  // 802.1Q C-tag
inline constexpr std::uint16_t qinq = 0x88a8;  // 802.1ad S-tag
inline constexpr std::uint16_t ipv6 = 0x86dd;
inline constexpr std::uint16_t pppoe_discovery = 0x8863;
inline constexpr std::uint16_t pppoe_session = 0x8864;
}  // namespace ethertype

namespace ppp_protocol {
inline constexpr std::uint16_t ipv4 = 0x0021;
inline constexpr std::uint16_t ipv6 = 0x0057;
inline constexpr std::uint16_t lcp = 0xc021;
}  // namespace ppp_protocol

namespace ip_proto {
inline constexpr std::uint8_t hop_by_hop = 0;
inline constexpr std::uint8_t icmp = 1;
inline constexpr std::uint8_t tcp = 6;
inline constexpr std::uint8_t udp = 17;
inline constexpr std::uint8_t routing = 43;
inline constexpr std::uint8_t fragment = 44;
inline constexpr std::uint8_t icmpv6 = 58;
inline constexpr std::uint8_t no_next = 59;
inline constexpr std::uint8_t dest_opts = 60;
}  // namespace ip_proto

namespace tcp_flag {
inline constexpr std::uint8_t fin = 0x01;
inline constexpr std::uint8_t syn = 0x02;
inline constexpr std::uint8_t rst = 0x04;
inline constexpr std::uint8_t psh = 0x08;
inline constexpr std::uint8_t ack = 0x10;
inline constexpr std::uint8_t urg = 0x20;
inline constexpr std::uint8_t ece = 0x40;
inline constexpr std::uint8_t cwr = 0x80;
}  // namespace tcp_flag

// Address family values seen in DLT_NULL / DLT_LOOP headers; AF_INET6 differs per BSD.
namespace bsd_af {
inline constexpr std::uint32_t inet = 2;
inline constexpr std::uint32_t inet6_bsd = 24;  // NetBSD, OpenBSD
inline constexpr std::uint32_t inet6_freebsd = 28;
inline constexpr std::uint32_t inet6_darwin = 30;
}  // namespace bsd_af

// ---------------------------------------------------------------------------------------------
// Checksums (RFC 1071).

// Ones'-complement sum of `data` folded into `sum` (not yet complemented); chain calls, then
// pass the result to checksum_finish.
std::uint32_t checksum_add(std::uint32_t sum, ByteView data);
std::uint16_t checksum_finish(std::uint32_t sum);
std::uint16_t internet_checksum(ByteView data);

// ---------------------------------------------------------------------------------------------
// Transport layer. Each message carries `data` (explicit bytes, e.g. a DNS query) followed by
// `payload` filler bytes (a fixed pattern), so a 1460-byte segment costs no allocation.

struct Tcp {
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t flags = tcp_flag::ack;
    std::uint16_t window = 65535;
    Bytes options{};                            // padded with zeros (EOL) to a multiple of 4
    std::optional<std::uint8_t> data_offset{};  // in 32-bit words; overrides the computed value
    Bytes data{};
    std::size_t payload = 0;
    bool checksum = true;  // false leaves 0 (saves time when the bytes are truncated anyway)
};

struct Udp {
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::optional<std::uint16_t> length{};  // overrides the computed UDP length field
    Bytes data{};
    std::size_t payload = 0;
    bool checksum = true;  // over IPv4, false writes 0 ("no checksum")
};

// ICMPv4 (RFC 792). For echo/timestamp `id` and `seq` are the identifier and sequence number;
// for errors they are the unused/MTU word (leave them 0) and `data` holds the offending IP
// header plus 8 bytes (see icmp_error_quote).
struct Icmp {
    std::uint8_t type = 8;
    std::uint8_t code = 0;
    std::uint16_t id = 0;
    std::uint16_t seq = 0;
    Bytes data{};
    std::size_t payload = 0;
};

// ICMPv6 (RFC 4443). `id`/`seq` fill the 4-byte message body start (echo identifier/sequence,
// or the reserved word of neighbour discovery messages).
struct Icmpv6 {
    std::uint8_t type = 128;
    std::uint8_t code = 0;
    std::uint16_t id = 0;
    std::uint16_t seq = 0;
    Bytes data{};
    std::size_t payload = 0;
};

// Anything else, copied verbatim: another protocol, or a fragment of an already built datagram.
struct RawTransport {
    std::uint8_t protocol = 0;
    Bytes bytes{};
};

using Transport = std::variant<Tcp, Udp, Icmp, Icmpv6, RawTransport>;

std::uint8_t protocol_of(const Transport& l4);

// The transport bytes on their own, with the checksum over the given pseudo-header. Use this to
// build a datagram before cutting it into fragments.
Bytes transport_bytes(const Transport& l4, const IpAddr& src, const IpAddr& dst);

// ---------------------------------------------------------------------------------------------
// IPv4 (RFC 791). The overrides exist to craft malformed headers; the header checksum is always
// computed over the bytes as written.

struct Ipv4 {
    Ipv4Addr src{};
    Ipv4Addr dst{};
    std::optional<std::uint8_t> protocol{};  // default: that of the transport
    std::uint8_t tos = 0;
    std::uint16_t id = 0;
    std::uint8_t ttl = 64;
    bool df = false;
    bool mf = false;
    std::uint16_t frag_offset = 0;      // in 8-byte units
    Bytes options{};                    // padded with zeros (EOL) to a multiple of 4; IHL follows
    std::optional<std::uint8_t> ihl{};  // in 32-bit words, overrides the computed value
    std::optional<std::uint16_t> total_length{};
    std::optional<std::uint8_t> version{};  // default 4
};

// Appends header + transport to `out`; fills lengths and checksums in place (no temporaries).
void append_ipv4(Bytes& out, const Ipv4& ip, const Transport& l4);
Bytes ipv4_packet(const Ipv4& ip, const Transport& l4);

// Cuts a transport datagram (from transport_bytes) into IPv4 fragments carrying at most
// `max_chunk` bytes each (rounded down to a multiple of 8), first fragment first. `ip.id`
// should be set; `ip.frag_offset`/`ip.mf` are overwritten.
std::vector<Bytes> ipv4_fragments(const Ipv4& ip, std::uint8_t protocol, ByteView datagram,
                                  std::size_t max_chunk);

// ---------------------------------------------------------------------------------------------
// IPv6 (RFC 8200). Extension headers are chained in order; their "next header" bytes are
// filled in by the chain, the last one pointing at the transport.

struct Ipv6Ext {
    std::uint8_t type = ip_proto::dest_opts;
    Bytes body{};  // everything after the next-header byte, already sized to a multiple of 8 - 1
};

Ipv6Ext hop_by_hop(Bytes options = {});  // options padded with PadN; empty = one PadN
Ipv6Ext destination_options(Bytes options = {});
Ipv6Ext routing_header(std::uint8_t routing_type, std::uint8_t segments_left,
                       const std::vector<Ipv6Addr>& addresses);
Ipv6Ext fragment_header(std::uint16_t offset_units, bool more, std::uint32_t id);

struct Ipv6 {
    Ipv6Addr src{};
    Ipv6Addr dst{};
    std::optional<std::uint8_t> next_header{};  // after the chain; default: the transport's
    std::uint8_t hop_limit = 64;
    std::uint8_t traffic_class = 0;
    std::uint32_t flow_label = 0;
    std::vector<Ipv6Ext> ext{};
    std::optional<std::uint16_t> payload_length{};
};

void append_ipv6(Bytes& out, const Ipv6& ip, const Transport& l4);
Bytes ipv6_packet(const Ipv6& ip, const Transport& l4);

// Cuts a transport datagram into IPv6 fragments: `ip.ext` is the unfragmentable part, a fragment
// header with `id` is appended to it in each fragment.
std::vector<Bytes> ipv6_fragments(const Ipv6& ip, std::uint8_t protocol, ByteView datagram,
                                  std::size_t max_chunk, std::uint32_t id);

// Either family with default header fields, for quick tests.
Bytes ip_packet(const IpAddr& src, const IpAddr& dst, const Transport& l4);

// The offending packet as quoted by an ICMP error: its IP header plus 8 bytes of payload.
Bytes icmp_error_quote(ByteView ip_packet);

// ---------------------------------------------------------------------------------------------
// Link layers. The append_* functions write a header that the caller follows with the payload;
// the others return a whole frame.

struct VlanTag {
    std::uint16_t tpid = ethertype::vlan;  // 0x88a8 for an 802.1ad outer tag
    std::uint16_t vid = 0;
    std::uint8_t pcp = 0;
    bool dei = false;
};

struct Ethernet {
    MacAddr dst{0x02, 0, 0, 0, 0, 0x02};
    MacAddr src{0x02, 0, 0, 0, 0, 0x01};
    std::vector<VlanTag> vlans{};          // outermost first
    std::uint16_t type = ethertype::ipv4;  // of the payload, after the tags
};

void append_ethernet_header(Bytes& out, const Ethernet& eth);
Bytes ethernet_frame(const Ethernet& eth, ByteView payload);

// ARP for IPv4 over Ethernet (RFC 826); op 1 = request, 2 = reply.
Bytes arp_packet(std::uint16_t op, const MacAddr& sender_mac, const Ipv4Addr& sender_ip,
                 const MacAddr& target_mac, const Ipv4Addr& target_ip);

// PPPoE (RFC 2516). The session frame's payload is the PPP payload for `ppp_proto`.
Bytes pppoe_session_frame(const Ethernet& eth, std::uint16_t session_id, std::uint16_t ppp_proto,
                          ByteView payload);
Bytes pppoe_discovery_frame(const Ethernet& eth, std::uint8_t code, std::uint16_t session_id,
                            ByteView tags);

namespace sll_type {  // packet type field of Linux cooked headers
inline constexpr std::uint16_t host = 0;
inline constexpr std::uint16_t broadcast = 1;
inline constexpr std::uint16_t multicast = 2;
inline constexpr std::uint16_t other_host = 3;
inline constexpr std::uint16_t outgoing = 4;
}  // namespace sll_type

struct LinuxSll {
    std::uint16_t packet_type = sll_type::host;
    std::uint16_t protocol = ethertype::ipv4;
    std::uint16_t hatype = 1;  // ARPHRD_ETHER
    MacAddr address{0x02, 0, 0, 0, 0, 0x01};
    std::uint32_t ifindex = 2;  // SLL2 only
};

void append_sll_header(Bytes& out, const LinuxSll& h);   // DLT_LINUX_SLL, 16 bytes
void append_sll2_header(Bytes& out, const LinuxSll& h);  // DLT_LINUX_SLL2, 20 bytes
// DLT_NULL: family in host order of the capturing machine; we write little-endian unless told.
void append_null_header(Bytes& out, std::uint32_t family, bool big_endian = false);
void append_loop_header(Bytes& out, std::uint32_t family);  // DLT_LOOP: network order

// A default link header for an IP packet of `ip_version` (4 or 6) under `link_type`: plain
// Ethernet, SLL/SLL2 "to us", BSD families AF_INET/24, nothing for raw. Throws
// std::invalid_argument for a link type it does not know.
void append_link_header(Bytes& out, std::uint16_t link_type, int ip_version);
// The whole frame; the IP version is read from the packet's first nibble (6 -> IPv6, else v4).
Bytes frame(std::uint16_t link_type, ByteView ip_packet);

// ---------------------------------------------------------------------------------------------
// Capture files. Writers own their file (closed by the destructor, which never throws; call
// close() to see errors). All errors throw std::runtime_error naming the path. Path "-" means
// standard output. Timestamps are microseconds since the UTC epoch.

enum class CaptureFormat { pcap, pcapng };

class CaptureWriter {
public:
    virtual ~CaptureWriter() = default;
    CaptureWriter() = default;
    CaptureWriter(const CaptureWriter&) = delete;
    CaptureWriter& operator=(const CaptureWriter&) = delete;

    // Writes `captured` as the packet data and `orig_len` as its length on the wire, which may
    // be larger (snaplen truncation). Throws std::invalid_argument if orig_len < captured size.
    virtual void write(std::int64_t ts_us, ByteView captured, std::uint32_t orig_len) = 0;
    // Writes a whole frame, truncated to the writer's snaplen as libpcap would.
    void write(std::int64_t ts_us, ByteView frame);
    // Flushes and closes; later writes throw. Idempotent.
    virtual void close() = 0;

    std::uint16_t linktype() const { return linktype_; }
    std::uint32_t snaplen() const { return snaplen_; }

protected:
    CaptureWriter(std::uint16_t linktype, std::uint32_t snaplen)
        : linktype_(linktype), snaplen_(snaplen) {}

private:
    std::uint16_t linktype_ = dlt::ethernet;
    std::uint32_t snaplen_ = 65535;
};

// Buffered output file (1 MiB buffer, flushed when full and on close).
class FileSink {
public:
    explicit FileSink(std::string path);
    ~FileSink();
    FileSink(const FileSink&) = delete;
    FileSink& operator=(const FileSink&) = delete;

    void append(ByteView bytes);
    void close();
    const std::string& path() const { return path_; }

private:
    void flush();

    std::string path_;
    int fd_ = -1;
    bool owns_fd_ = true;
    Bytes buffer_;
};

// Classic libpcap format, microsecond timestamps, little-endian headers.
class PcapWriter final : public CaptureWriter {
public:
    PcapWriter(const std::string& path, std::uint16_t linktype, std::uint32_t snaplen = 65535);
    using CaptureWriter::write;
    void write(std::int64_t ts_us, ByteView captured, std::uint32_t orig_len) override;
    void close() override;

private:
    FileSink sink_;
    Bytes record_;  // reused for each record header
};

// pcapng: one section (SHB), one interface (IDB, default if_tsresol = microseconds), EPBs.
class PcapngWriter final : public CaptureWriter {
public:
    PcapngWriter(const std::string& path, std::uint16_t linktype, std::uint32_t snaplen = 65535);
    using CaptureWriter::write;
    void write(std::int64_t ts_us, ByteView captured, std::uint32_t orig_len) override;
    // Writes a block of any type (body padded to 4 bytes), e.g. an unknown type that readers
    // must skip.
    void write_block(std::uint32_t block_type, ByteView body);
    void close() override;

private:
    FileSink sink_;
    Bytes block_;  // reused for each block
};

std::unique_ptr<CaptureWriter> open_capture(const std::string& path, CaptureFormat format,
                                            std::uint16_t linktype, std::uint32_t snaplen = 65535);

}  // namespace ipaudit::testing
