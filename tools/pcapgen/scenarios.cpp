// The pcapgen scenario table (see each scenario's source for its ground truth).
#include "tools/pcapgen/scenarios.hpp"

namespace ipaudit::pcapgen {

std::span<const Scenario> scenarios() {
    using pb::dlt::ethernet;
    static const Scenario table[] = {
        {"sample", "two hours of a small office: web, DNS, SSH, SMTP, pings, a worm, a scan",
         ethernet, 65535, std::nullopt, run_sample},
        {"bench", "mixed traffic over ~2 h: --packets (5M) in --sessions (500k), snaplen 96",
         ethernet, 96, std::nullopt, run_bench},
        {"eth-basic", "ARP, DNS, a TCP fetch, ICMP echo", ethernet, 65535, std::nullopt,
         run_eth_basic},
        {"vlan-qinq", "802.1Q and 802.1ad+802.1Q tagged frames", ethernet, 65535, std::nullopt,
         run_vlan_qinq},
        {"sll", "Linux cooked capture (DLT 113)", pb::dlt::linux_sll, 65535, std::nullopt, run_sll},
        {"sll2", "Linux cooked capture v2 (DLT 276)", pb::dlt::linux_sll2, 65535, std::nullopt,
         run_sll2},
        {"null", "BSD loopback (DLT 0), AF_INET6 as 24, 28 and 30", pb::dlt::null_bsd, 65535,
         std::nullopt, run_null},
        {"loop", "OpenBSD loopback (DLT 108)", pb::dlt::loop, 65535, std::nullopt, run_loop},
        {"raw", "raw IPv4/IPv6 (DLT 101)", pb::dlt::raw, 65535, std::nullopt, run_raw},
        {"pppoe", "PPPoE discovery and session frames carrying IPv4 and IPv6", ethernet, 65535,
         std::nullopt, run_pppoe},
        {"ipv4-options", "IPv4 headers with IHL 6..15", ethernet, 65535, std::nullopt,
         run_ipv4_options},
        {"fragments", "IPv4 and IPv6 fragmented UDP, an orphan fragment", ethernet, 65535,
         std::nullopt, run_fragments},
        {"ipv6-ext", "IPv6 extension header chains, ICMPv6 echo and neighbour discovery", ethernet,
         65535, std::nullopt, run_ipv6_ext},
        {"icmp", "echo, timestamp, port unreachable, time exceeded (v4 and v6)", ethernet, 65535,
         std::nullopt, run_icmp},
        {"talkers", "first/last talker cases: no SYN, mid-stream, one-way, unanswered SYN",
         ethernet, 65535, std::nullopt, run_talkers},
        {"rotation", "one TCP session across three 1800 s intervals, packets on the boundaries",
         ethernet, 65535, std::nullopt, run_rotation},
        {"malformed", "bad and truncated headers, empty and runt frames", ethernet, 65535,
         std::nullopt, run_malformed},
        {"pcapng-unknown-block", "pcapng with unknown and custom blocks between packets", ethernet,
         65535, pb::CaptureFormat::pcapng, run_pcapng_unknown_block},
    };
    return table;
}

}  // namespace ipaudit::pcapgen
