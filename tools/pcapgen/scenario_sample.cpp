// The `sample` scenario: two hours of a small office's traffic with known findings.
//
// Ground truth (start T = --start, default 2026-11-02 09:00:00 UTC; Ethernet, full frames):
//   Local networks 10.1.0.0/16 and 2001:db8:1::/48; gateway 10.1.0.1 (MAC 02:00:0a:01:00:01).
//   The server subnet 10.1.1.0/24 is on 802.1Q VLAN 10; everything else is untagged.
//   - ARP: 10.1.2.11-10.1.2.18 resolve the gateway in the first minute (8 requests + replies).
//   - DNS: before each web fetch the client queries the remote resolver 192.0.2.53:53/udp.
//   - Web fetches (local client -> remote server, full handshake, GET/data, FIN), 2-300 KB:
//       203.0.113.10:80 (www.example.com), 198.51.100.80:80 (news.example.net),
//       203.0.113.20:443 (portal.example.com), 192.0.2.80:443 (cdn.example.org);
//       70 fetches by the workstations 10.1.2.11-10.1.2.40, spread over the two hours.
//   - Busiest pair: 10.1.2.20 downloads 5,000,000 bytes from 203.0.113.100:443 at T+40 min.
//   - IPv6 HTTPS: 2001:db8:1::2:30 fetches 6 times from [2001:db8:ffff::443]:443 (AAAA
//     lookups by 10.1.2.30 first).
//   - SSH: 10.1.2.15 -> 198.51.100.22:22, T+10 min to T+100 min, interactive (outgoing);
//     203.0.113.5 -> 10.1.1.22:22 (VLAN 10), T+30 min to T+75 min (incoming admin session).
//   - SMTP: the workstation 10.1.2.50 answers port 25 for the remote clients 198.51.100.25,
//     203.0.113.77 and 192.0.2.150 (12 sessions; banner first, 2-40 KB messages): a
//     workstation acting as a mail server.
//   - ICMP: 10.1.2.12 pings 192.0.2.1 every 60 s (id 0x0101, 120 requests + 120 replies);
//     10.1.2.13 sends one NTP request (udp/123) to 192.0.2.123 at T+15 min, answered by an
//     ICMP port unreachable.
//   - Worm (outgoing scanner): 10.1.9.9 sends one TCP SYN from source port 4444 to port 445
//     of each of 2,000 distinct addresses in 198.18.0.0/16, T+75 min to T+80 min, no replies.
//   - Vertical scan (incoming scanner): 198.51.100.7:61000 sends SYNs to ports 1-1024 of
//     10.1.1.10 (VLAN 10) at T+20 min, 5 ms apart in shuffled order; every probe is answered
//     by RST/ACK (the host has no open ports).
// --seed changes times and sizes, not the hosts, ports or counts above.
#include <algorithm>
#include <numeric>
#include <string>

#include "tools/pcapgen/scenarios.hpp"

namespace ipaudit::pcapgen {

namespace {

constexpr std::int64_t kMin = 60 * kSec;

pb::IpAddr ip(std::string_view text) { return pb::ip_addr(text); }

// Roughly log-uniform in [lo, hi) -- many small pages, a few large ones: a random power-of-two
// band, then uniform within it (integer arithmetic, so identical on every platform).
std::size_t log_uniform(Rng& rng, std::size_t lo, std::size_t hi) {
    std::size_t bands = 0;
    while ((lo << bands) < hi) ++bands;
    const std::size_t band_lo = lo << rng.below(bands);
    const std::size_t band_hi = std::min(hi, 2 * band_lo);
    return band_lo + rng.below(band_hi - band_lo);
}

struct Site {
    const char* name;
    pb::IpAddr address;
    std::uint16_t port;
};

// A remote web fetch with its DNS lookup. Returns the time of its last packet.
std::int64_t web_fetch(Net& net, Rng& rng, std::int64_t t, const pb::IpAddr& client,
                       const pb::IpAddr& dns_client, const Site& site, std::size_t bytes,
                       std::int64_t gap_us) {
    const std::int64_t rtt = rng.between(15, 80) * kMs;
    dns_lookup(net, t, {dns_client, ephemeral_port(rng)}, ip("192.0.2.53"),
               static_cast<std::uint16_t>(rng.next()), site.name, site.address,
               rng.between(5, 30) * kMs);
    t += 40 * kMs;
    TcpConversation c(net, {client, ephemeral_port(rng)}, {site.address, site.port},
                      static_cast<std::uint32_t>(rng.next()),
                      static_cast<std::uint32_t>(rng.next()));
    t = c.handshake(t, rtt);
    if (site.port == 80) {
        c.send(t + 200, Side::client, http_get(site.name, "/"));
        t = c.transfer(t + rtt, Side::server, bytes, gap_us, http_response_head(bytes));
    } else {
        c.send(t + 200, Side::client, tls_record(23, 512));
        t = c.transfer(t + rtt, Side::server, bytes, gap_us, {}, true);
    }
    return c.close(t + rng.between(1, 200) * kMs, Side::client, rtt);
}

void arp_burst(Trace& trace, std::int64_t t) {
    for (int host = 11; host <= 18; ++host) {
        arp_exchange(trace, t + host * (3 * kSec), ip("10.1.2." + std::to_string(host)),
                     ip("10.1.0.1"), router_mac());
    }
}

void web_traffic(Net& net, Rng& rng, std::int64_t t0) {
    const std::vector<Site> sites{{"www.example.com", ip("203.0.113.10"), 80},
                                  {"news.example.net", ip("198.51.100.80"), 80},
                                  {"portal.example.com", ip("203.0.113.20"), 443},
                                  {"cdn.example.org", ip("192.0.2.80"), 443}};
    for (int i = 0; i < 70; ++i) {
        const pb::IpAddr client = ip("10.1.2." + std::to_string(rng.between(11, 40)));
        const std::size_t bytes = log_uniform(rng, 2000, 300'000);
        const std::int64_t t = t0 + rng.between(1, 7080) * kSec;
        web_fetch(net, rng, t, client, client, sites[rng.below(sites.size())], bytes, 1 * kMs);
    }
    const Site v6_site{"www6.example.com", ip("2001:db8:ffff::443"), 443};
    for (int i = 0; i < 6; ++i) {
        const std::int64_t t = t0 + (5 + i * 19) * kMin + rng.between(0, 60) * kSec;
        web_fetch(net, rng, t, ip("2001:db8:1::2:30"), ip("10.1.2.30"), v6_site,
                  static_cast<std::size_t>(rng.between(20'000, 120'000)), 1 * kMs);
    }
    const Site big{"dl.example.com", ip("203.0.113.100"), 443};
    web_fetch(net, rng, t0 + 40 * kMin, ip("10.1.2.20"), ip("10.1.2.20"), big, 5'000'000, 500);
}

// Keystrokes and echoes: the client's small packet, the server's echo, the client's ACK.
void ssh_session(Net& net, Rng& rng, const Endpoint& client, const Endpoint& server,
                 std::int64_t from, std::int64_t to) {
    const std::int64_t rtt = rng.between(10, 60) * kMs;
    TcpConversation c(net, client, server, static_cast<std::uint32_t>(rng.next()),
                      static_cast<std::uint32_t>(rng.next()));
    std::int64_t t = c.handshake(from, rtt);
    c.send(t + 5 * kMs, Side::server, pb::text_bytes("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"));
    c.send(t + 6 * kMs, Side::client, pb::text_bytes("SSH-2.0-OpenSSH_9.2p1\r\n"));
    t = ssh_key_exchange(c, t + 10 * kMs, rtt);
    while (t < to) {
        t += rng.between(2, 40) * kSec;
        const std::size_t len = 36 + 16 * rng.below(3);
        c.send(t, Side::client, ssh_encrypted(len));
        c.send(t + rtt, Side::server, ssh_encrypted(len + 16 * rng.below(20)));
        c.ack(t + rtt + 40 * kMs, Side::client);
    }
    c.close(t + 1 * kSec, Side::client, rtt);
}

void smtp_session(Net& net, Rng& rng, std::int64_t t, const pb::IpAddr& client) {
    const std::int64_t rtt = rng.between(20, 90) * kMs;
    TcpConversation c(net, {client, ephemeral_port(rng)}, {ip("10.1.2.50"), 25},
                      static_cast<std::uint32_t>(rng.next()),
                      static_cast<std::uint32_t>(rng.next()));
    t = c.handshake(t, rtt);
    const auto say = [&](Side who, std::string_view text) {
        t += who == Side::server ? 2 * kMs : rtt;
        c.send(t, who, pb::text_bytes(text));
    };
    say(Side::server, "220 ws50.office.example ESMTP Postfix\r\n");
    say(Side::client, "EHLO mx.client.example\r\n");
    say(Side::server, "250-ws50.office.example\r\n250 SIZE 10240000\r\n");
    say(Side::client, "MAIL FROM:<news@client.example>\r\n");
    say(Side::server, "250 2.1.0 Ok\r\n");
    say(Side::client, "RCPT TO:<user@office.example>\r\n");
    say(Side::server, "250 2.1.5 Ok\r\n");
    say(Side::client, "DATA\r\n");
    say(Side::server, "354 End data with <CR><LF>.<CR><LF>\r\n");
    const auto body = static_cast<std::size_t>(rng.between(2000, 40000));
    t = c.transfer(t + rtt, Side::client, body, 2 * kMs,
                   pb::text_bytes("Subject: offer\r\nFrom: news@client.example\r\n\r\n"));
    say(Side::client, "\r\n.\r\n");
    say(Side::server, "250 2.0.0 Ok: queued\r\n");
    say(Side::client, "QUIT\r\n");
    say(Side::server, "221 2.0.0 Bye\r\n");
    c.close(t + rtt, Side::client, rtt);
}

void mail_and_ssh(Net& net, Rng& rng, std::int64_t t0) {
    ssh_session(net, rng, {ip("10.1.2.15"), ephemeral_port(rng)}, {ip("198.51.100.22"), 22},
                t0 + 10 * kMin, t0 + 100 * kMin);
    net.link().vlans = {pb::VlanTag{.vid = 10}};
    ssh_session(net, rng, {ip("203.0.113.5"), ephemeral_port(rng)}, {ip("10.1.1.22"), 22},
                t0 + 30 * kMin, t0 + 75 * kMin);
    net.link().vlans.clear();
    const std::vector<pb::IpAddr> senders{ip("198.51.100.25"), ip("203.0.113.77"),
                                          ip("192.0.2.150")};
    for (int i = 0; i < 12; ++i) {
        smtp_session(net, rng, t0 + rng.between(60, 7000) * kSec, senders[i % 3]);
    }
}

void icmp_traffic(Net& net, Rng& rng, std::int64_t t0) {
    for (std::uint16_t seq = 1; seq <= 120; ++seq) {
        ping(net, t0 + (seq - 1) * kMin + rng.between(0, 999) * kMs, ip("10.1.2.12"),
             ip("192.0.2.1"), 0x0101, seq, rng.between(8, 30) * kMs);
    }
    pb::Bytes ntp(48, 0);
    ntp[0] = 0x23;  // NTPv4 client request
    const pb::Bytes probe = net.send(t0 + 15 * kMin, ip("10.1.2.13"), ip("192.0.2.123"),
                                     pb::Udp{.src_port = 51123, .dst_port = 123, .data = ntp});
    net.send(t0 + 15 * kMin + 25 * kMs, ip("192.0.2.123"), ip("10.1.2.13"),
             pb::Icmp{.type = 3, .code = 3, .data = pb::icmp_error_quote(probe)});
}

void worm(Net& net, Rng& rng, std::int64_t t0) {
    // 2,000 distinct hosts of the /16: a random permutation's first 2,000 entries.
    std::vector<std::uint16_t> hosts(65536);
    std::iota(hosts.begin(), hosts.end(), std::uint16_t{0});
    for (std::size_t i = 0; i < 2000; ++i) {
        std::swap(hosts[i], hosts[i + rng.below(hosts.size() - i)]);
    }
    const pb::IpAddr infected = ip("10.1.9.9");
    std::int64_t t = t0 + 75 * kMin;
    for (std::size_t i = 0; i < 2000; ++i) {
        const pb::IpAddr target = pb::ip_addr(pb::ipv4_addr(0xc6120000U | hosts[i]));  // 198.18/16
        net.send(t, infected, target,
                 pb::Tcp{.src_port = 4444,
                         .dst_port = 445,
                         .seq = static_cast<std::uint32_t>(rng.next()),
                         .flags = pb::tcp_flag::syn,
                         .options = {2, 4, 0x05, 0xb4}});
        t += 150 * kMs;
    }
}

void vertical_scan(Net& net, Rng& rng, std::int64_t t0) {
    std::vector<std::uint16_t> ports(1024);
    std::iota(ports.begin(), ports.end(), std::uint16_t{1});
    for (std::size_t i = ports.size() - 1; i > 0; --i) std::swap(ports[i], ports[rng.below(i + 1)]);
    const pb::IpAddr scanner = ip("198.51.100.7");
    const pb::IpAddr target = ip("10.1.1.10");
    net.link().vlans = {pb::VlanTag{.vid = 10}};
    std::int64_t t = t0 + 20 * kMin;
    for (const std::uint16_t port : ports) {
        const auto seq = static_cast<std::uint32_t>(rng.next());
        net.send(t, scanner, target,
                 pb::Tcp{.src_port = 61000,
                         .dst_port = port,
                         .seq = seq,
                         .flags = pb::tcp_flag::syn,
                         .window = 1024,
                         .options = {2, 4, 0x05, 0xb4}});
        net.send(t + 200, target, scanner,
                 pb::Tcp{.src_port = port,
                         .dst_port = 61000,
                         .ack = seq + 1,
                         .flags = pb::tcp_flag::rst | pb::tcp_flag::ack,
                         .window = 0});
        t += 5 * kMs;
    }
    net.link().vlans.clear();
}

}  // namespace

void run_sample(const Options& opt, pb::CaptureWriter& out) {
    Trace trace;
    Net net(trace, LinkConfig{});
    Rng rng(opt.seed);
    const std::int64_t t0 = opt.start_us();
    arp_burst(trace, t0);
    web_traffic(net, rng, t0);
    mail_and_ssh(net, rng, t0);
    icmp_traffic(net, rng, t0);
    worm(net, rng, t0);
    vertical_scan(net, rng, t0);
    trace.write(out);
}

}  // namespace ipaudit::pcapgen
