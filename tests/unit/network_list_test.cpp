// NetworkList and LocalNetworks: the ways sysadmins write networks, and which side wins.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/network_list.hpp"
#include "tests/unit/unit_helpers.hpp"

namespace ipaudit {
namespace {

using unit::ip;

NetworkList::Range range(const char* first, const char* last) { return {ip(first), ip(last)}; }

TEST(NetworkList, Ipv4CidrBoundaries) {
    const auto list = NetworkList::parse("10.0.0.0/8");
    EXPECT_TRUE(list.contains(ip("10.0.0.0")));
    EXPECT_TRUE(list.contains(ip("10.255.255.255")));
    EXPECT_TRUE(list.contains(ip("10.128.7.1")));
    EXPECT_FALSE(list.contains(ip("9.255.255.255")));
    EXPECT_FALSE(list.contains(ip("11.0.0.0")));
    EXPECT_EQ(list.included(), (std::vector{range("10.0.0.0", "10.255.255.255")}));
}

TEST(NetworkList, HostBitsAreIgnored) {
    EXPECT_EQ(NetworkList::parse("10.1.2.3/8").included(), NetworkList::parse("10.0.0.0/8").included());
    EXPECT_EQ(NetworkList::parse("192.168.1.77/30").included(), (std::vector{range("192.168.1.76", "192.168.1.79")}));
    EXPECT_EQ(NetworkList::parse("2001:db8::1/64").included(),
              (std::vector{range("2001:db8::", "2001:db8::ffff:ffff:ffff:ffff")}));
    EXPECT_EQ(NetworkList::parse("2001:db8:1234:5678:9abc::1/36").included(),
              (std::vector{range("2001:db8:1000::", "2001:db8:1fff:ffff:ffff:ffff:ffff:ffff")}));
}

TEST(NetworkList, Ipv6CidrBoundaries) {
    const auto list = NetworkList::parse("2001:db8::/32");
    EXPECT_TRUE(list.contains(ip("2001:db8::")));
    EXPECT_TRUE(list.contains(ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
    EXPECT_FALSE(list.contains(ip("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff")));
    EXPECT_FALSE(list.contains(ip("2001:db9::")));
    EXPECT_FALSE(list.contains(ip("10.0.0.1")));
}

TEST(NetworkList, PrefixLengthExtremes) {
    const auto all_v4 = NetworkList::parse("0.0.0.0/0");
    EXPECT_TRUE(all_v4.contains(ip("0.0.0.0")));
    EXPECT_TRUE(all_v4.contains(ip("255.255.255.255")));
    EXPECT_FALSE(all_v4.contains(ip("2001:db8::1"))) << "an IPv4 /0 is every IPv4 address, not every address";
    EXPECT_FALSE(all_v4.contains(ip("::1")));

    const auto host = NetworkList::parse("192.0.2.1/32");
    EXPECT_TRUE(host.contains(ip("192.0.2.1")));
    EXPECT_FALSE(host.contains(ip("192.0.2.0")));
    EXPECT_FALSE(host.contains(ip("192.0.2.2")));

    const auto host6 = NetworkList::parse("2001:db8::1/128");
    EXPECT_TRUE(host6.contains(ip("2001:db8::1")));
    EXPECT_FALSE(host6.contains(ip("2001:db8::2")));
    EXPECT_FALSE(host6.contains(ip("2001:db8::")));

    const auto every = NetworkList::parse("::/0");
    EXPECT_TRUE(every.contains(ip("::")));
    EXPECT_TRUE(every.contains(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
}

TEST(NetworkList, SingleAddresses) {
    const auto list = NetworkList::parse("10.0.0.5 2001:db8::7");
    EXPECT_TRUE(list.contains(ip("10.0.0.5")));
    EXPECT_FALSE(list.contains(ip("10.0.0.4")));
    EXPECT_FALSE(list.contains(ip("10.0.0.6")));
    EXPECT_TRUE(list.contains(ip("2001:db8::7")));
    EXPECT_FALSE(list.contains(ip("2001:db8::6")));
}

TEST(NetworkList, RangesAreInclusive) {
    const auto list = NetworkList::parse("10.0.0.5-10.0.0.9,2001:db8::10-2001:db8::1:0");
    EXPECT_FALSE(list.contains(ip("10.0.0.4")));
    EXPECT_TRUE(list.contains(ip("10.0.0.5")));
    EXPECT_TRUE(list.contains(ip("10.0.0.9")));
    EXPECT_FALSE(list.contains(ip("10.0.0.10")));
    EXPECT_FALSE(list.contains(ip("2001:db8::f")));
    EXPECT_TRUE(list.contains(ip("2001:db8::10")));
    EXPECT_TRUE(list.contains(ip("2001:db8::ffff")));
    EXPECT_TRUE(list.contains(ip("2001:db8::1:0")));
    EXPECT_FALSE(list.contains(ip("2001:db8::1:1")));
    // A one-address range.
    EXPECT_EQ(NetworkList::parse("10.0.0.1-10.0.0.1").included(), (std::vector{range("10.0.0.1", "10.0.0.1")}));
}

TEST(NetworkList, PartialIpsAreIpauditPrefixes) {
    EXPECT_EQ(NetworkList::parse("137.99.11").included(), NetworkList::parse("137.99.11.0/24").included());
    EXPECT_EQ(NetworkList::parse("137.99").included(), NetworkList::parse("137.99.0.0/16").included());
    EXPECT_EQ(NetworkList::parse("10").included(), NetworkList::parse("10.0.0.0/8").included());
    const auto list = NetworkList::parse("137.99.11");
    EXPECT_TRUE(list.contains(ip("137.99.11.0")));
    EXPECT_TRUE(list.contains(ip("137.99.11.255")));
    EXPECT_FALSE(list.contains(ip("137.99.12.0")));
    EXPECT_FALSE(list.contains(ip("137.99.10.255")));
    EXPECT_EQ(NetworkList::parse("0").included(), NetworkList::parse("0.0.0.0/8").included());
    EXPECT_EQ(NetworkList::parse("255.255.255").included(), (std::vector{range("255.255.255.0", "255.255.255.255")}));
}

TEST(NetworkList, ExclusionsWinWhateverTheOrder) {
    for (const char* spec : {"10.0.0.0/8,!10.9.0.0/16", "!10.9.0.0/16 10.0.0.0/8"}) {
        const auto list = NetworkList::parse(spec);
        EXPECT_TRUE(list.contains(ip("10.8.255.255"))) << spec;
        EXPECT_FALSE(list.contains(ip("10.9.0.0"))) << spec;
        EXPECT_FALSE(list.contains(ip("10.9.128.1"))) << spec;
        EXPECT_FALSE(list.contains(ip("10.9.255.255"))) << spec;
        EXPECT_TRUE(list.contains(ip("10.10.0.0"))) << spec;
        EXPECT_EQ(list.excluded(), (std::vector{range("10.9.0.0", "10.9.255.255")})) << spec;
    }
    // Exclusions take every form: partial IP, range, single address.
    const auto list = NetworkList::parse("10 !10.1 !10.2.0.1-10.2.0.3 !10.3.0.7");
    EXPECT_FALSE(list.contains(ip("10.1.5.5")));
    EXPECT_TRUE(list.contains(ip("10.2.0.0")));
    EXPECT_FALSE(list.contains(ip("10.2.0.2")));
    EXPECT_TRUE(list.contains(ip("10.2.0.4")));
    EXPECT_FALSE(list.contains(ip("10.3.0.7")));
    EXPECT_TRUE(list.contains(ip("10.3.0.8")));
    // An exclusion alone includes nothing.
    const auto only = NetworkList::parse("!10.0.0.0/8");
    EXPECT_TRUE(only.empty());
    EXPECT_FALSE(only.contains(ip("11.0.0.1")));
}

TEST(NetworkList, OverlappingAndAdjacentRangesMerge) {
    EXPECT_EQ(NetworkList::parse("10.0.1.0/24,10.0.0.0/24").included(), (std::vector{range("10.0.0.0", "10.0.1.255")}));
    EXPECT_EQ(NetworkList::parse("10.0.0.0/16,10.0.5.0/24").included(), (std::vector{range("10.0.0.0", "10.0.255.255")}));
    EXPECT_EQ(NetworkList::parse("10.0.5.0/24,10.0.0.0/16").included(), (std::vector{range("10.0.0.0", "10.0.255.255")}));
    EXPECT_EQ(NetworkList::parse("10.0.0.1-10.0.0.5,10.0.0.3-10.0.0.9").included(), (std::vector{range("10.0.0.1", "10.0.0.9")}));
    // A gap of one address keeps them apart.
    EXPECT_EQ(NetworkList::parse("10.0.0.0/24,10.0.1.1-10.0.1.9").included(),
              (std::vector{range("10.0.0.0", "10.0.0.255"), range("10.0.1.1", "10.0.1.9")}));
    // Adjacent across the 64-bit halves of an IPv6 address.
    EXPECT_EQ(NetworkList::parse("2001:db8::/64 2001:db8:0:1::/64").included(),
              (std::vector{range("2001:db8::", "2001:db8:0:1:ffff:ffff:ffff:ffff")}));
    // Up to the very last address, and something after it.
    EXPECT_EQ(NetworkList::parse("::/0,10.0.0.0/8").included(), (std::vector{range("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")}));
    EXPECT_EQ(NetworkList::parse("ffff::/16,fffe::/16").included(), (std::vector{range("fffe::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")}));
    // Three pieces given out of order become sorted, disjoint ranges.
    const auto list = NetworkList::parse("192.168.0.0/16 10.0.0.0/8 172.16.0.0/12");
    ASSERT_EQ(list.included().size(), 3u);
    EXPECT_EQ(list.included()[0].first, ip("10.0.0.0"));
    EXPECT_EQ(list.included()[1].first, ip("172.16.0.0"));
    EXPECT_EQ(list.included()[2].first, ip("192.168.0.0"));
    EXPECT_TRUE(list.contains(ip("172.31.255.255")));
    EXPECT_FALSE(list.contains(ip("172.32.0.0")));
}

TEST(NetworkList, V4MappedIsTheIpv4AddressNotAnIpv6One) {
    // IPv4 is held as ::ffff:a.b.c.d: the v6 spelling of a v4 address is the same address.
    EXPECT_EQ(ip("::ffff:10.0.0.1"), ip("10.0.0.1"));
    const auto v4 = NetworkList::parse("10.0.0.0/8");
    EXPECT_TRUE(v4.contains(ip("::ffff:10.1.2.3")));
    // IPv6 networks do not swallow IPv4 addresses by accident.
    const auto v6 = NetworkList::parse("::/96 2001:db8::/32 ::ffff:0:0:0/96");  // the last is SIIT, not mapped
    EXPECT_FALSE(v6.contains(ip("10.0.0.1")));
    EXPECT_TRUE(v6.contains(ip("::10.0.0.1")));
    // An IPv6-written prefix over the mapped space is IPv6 notation: its length counts 128 bits.
    EXPECT_EQ(NetworkList::parse("::ffff:10.0.0.0/104").included(), v4.included());
    EXPECT_EQ(NetworkList::parse("::ffff:0:0/96").included(), NetworkList::parse("0.0.0.0/0").included());
}

TEST(NetworkList, TextKeepsTheItemsAsGiven) {
    EXPECT_EQ(NetworkList::parse("10.0.0.0/8, !10.9.0.0/16\t137.99").text(), "10.0.0.0/8,!10.9.0.0/16,137.99");
    EXPECT_EQ(NetworkList::parse("").text(), "");
    EXPECT_TRUE(NetworkList::parse(" , ,").empty());
    NetworkList list;
    list.add("10.0.0.0/8");
    list.add("!10.1.0.0/16");
    EXPECT_EQ(list.text(), "10.0.0.0/8,!10.1.0.0/16");
    EXPECT_FALSE(list.contains(ip("10.1.0.1")));
}

TEST(NetworkList, ErrorsNameTheOffendingText) {
    const std::vector<std::string> bad = {
        "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "10.0.0.0/8x", "10.0.0.0/-1", "/8",  "foo/8",
        "1.2.3.4-1.2.3", "1.2.3.4-", "-1.2.3.4", "10.0.0.1-2001:db8::1", "2001:db8::1-10.0.0.1",
        "10.0.0.9-10.0.0.1", "foo", "!", "10..1", "10.", ".10", "256.1", "1.2.3.4.5", "1.2.3.", "1234",
        "10.0.0.0/8/8", "!foo",
    };
    for (const std::string& item : bad) {
        try {
            (void)NetworkList::parse("192.168.0.0/16," + item);
            ADD_FAILURE() << "accepted '" << item << "'";
        } catch (const NetworkSpecError& e) {
            // An excluded item is named without its '!' when the network itself is wrong.
            const std::string named = item.size() > 1 && item[0] == '!' ? item.substr(1) : item;
            EXPECT_NE(std::string(e.what()).find("'" + named + "'"), std::string::npos) << e.what();
        }
    }
    try {
        (void)NetworkList::parse("10.0.0.1-2001:db8::1");
        ADD_FAILURE();
    } catch (const NetworkSpecError& e) {
        EXPECT_NE(std::string(e.what()).find("IPv4 and IPv6"), std::string::npos) << e.what();
    }
}

TEST(NetworkList, AFailedAddLeavesTheListAsItWas) {
    NetworkList list = NetworkList::parse("10.0.0.0/8");
    EXPECT_THROW(list.add("bogus"), NetworkSpecError);
    EXPECT_EQ(list.text(), "10.0.0.0/8");
    EXPECT_EQ(list.included().size(), 1u);
}

TEST(LocalNetworks, ClassifyWithOtherNetworksFirst) {
    const LocalNetworks nets(NetworkList::parse("10.0.0.0/8,2001:db8::/32"), LocalNetworks::default_other());
    EXPECT_EQ(nets.classify(ip("10.1.1.1")), HostClass::kLocal);
    EXPECT_EQ(nets.classify(ip("2001:db8::5")), HostClass::kLocal);
    EXPECT_EQ(nets.classify(ip("8.8.8.8")), HostClass::kRemote);
    EXPECT_EQ(nets.classify(ip("2001:4860::8888")), HostClass::kRemote);
    EXPECT_EQ(nets.classify(ip("224.0.0.251")), HostClass::kOther);
    EXPECT_EQ(nets.classify(ip("239.255.255.255")), HostClass::kOther);
    EXPECT_EQ(nets.classify(ip("255.255.255.255")), HostClass::kOther);
    EXPECT_EQ(nets.classify(ip("ff02::1")), HostClass::kOther);
    EXPECT_EQ(nets.classify(ip("223.255.255.255")), HostClass::kRemote);
    EXPECT_EQ(nets.classify(ip("240.0.0.0")), HostClass::kRemote);
    EXPECT_EQ(nets.classify(ip("255.255.255.254")), HostClass::kRemote);

    // Other networks win over local ones that include them.
    const LocalNetworks everything(NetworkList::parse("0.0.0.0/0,::/0"), LocalNetworks::default_other());
    EXPECT_EQ(everything.classify(ip("224.0.0.1")), HostClass::kOther);
    EXPECT_EQ(everything.classify(ip("ff05::2")), HostClass::kOther);
    EXPECT_EQ(everything.classify(ip("250.1.1.1")), HostClass::kLocal);
    // Local exclusions do not make an address "other".
    const LocalNetworks carved(NetworkList::parse("10.0.0.0/8,!10.5.0.0/16"), LocalNetworks::default_other());
    EXPECT_EQ(carved.classify(ip("10.5.0.1")), HostClass::kRemote);
    // With nothing configured, everything is remote.
    const LocalNetworks none;
    EXPECT_EQ(none.classify(ip("10.0.0.1")), HostClass::kRemote);
    EXPECT_EQ(none.classify(ip("224.0.0.1")), HostClass::kRemote);
}

// classify() answers from a precomputed table; the rule it must equal is the one in the header:
// "other" wins, then local (with its exclusions), else remote.
HostClass by_the_rule(const LocalNetworks& nets, const IpAddress& a) {
    if (nets.other().contains(a)) return HostClass::kOther;
    return nets.local().contains(a) ? HostClass::kLocal : HostClass::kRemote;
}

TEST(LocalNetworks, ClassifyAgreesWithTheListsEverywhere) {
    std::mt19937_64 rng(7);
    // Few distinct prefixes so that random items overlap, nest and touch.
    auto v4 = [&] { return IpAddress::from_v4(static_cast<std::uint32_t>(0x0A000000u | ((rng() % 4) << 22) | (rng() % 4) << 8)); };
    auto v6 = [&] { return IpAddress{0x20010DB800000000ULL | (rng() % 3), (rng() % 3) << 62 | (rng() % 5)}; };
    auto item = [&]() -> std::string {
        const bool six = rng() % 3 == 0;
        const IpAddress a = six ? v6() : v4();
        switch (rng() % 4) {
            case 0: return a.to_string() + "/" + std::to_string(six ? 56 + rng() % 73 : 8 + rng() % 25);
            case 1: return a.to_string();
            case 2: {
                const IpAddress b = six ? v6() : v4();
                return (a < b ? a : b).to_string() + "-" + (a < b ? b : a).to_string();
            }
            default: return six ? "ff00::/8" : "10.1";
        }
    };
    for (int round = 0; round < 300; ++round) {
        std::string local_spec, other_spec;
        for (int i = 0, n = 1 + static_cast<int>(rng() % 6); i < n; ++i) local_spec += (rng() % 4 == 0 ? "!" : "") + item() + ",";
        for (int i = 0, n = static_cast<int>(rng() % 3); i < n; ++i) other_spec += (rng() % 5 == 0 ? "!" : "") + item() + ",";
        if (rng() % 8 == 0) local_spec += "::/0,";
        const LocalNetworks nets(NetworkList::parse(local_spec), NetworkList::parse(other_spec));

        std::vector<IpAddress> probes = {IpAddress{0, 0}, IpAddress{~0ULL, ~0ULL}, ip("0.0.0.0"), ip("255.255.255.255")};
        for (const auto* list : {&nets.local(), &nets.other()})
            for (const auto* ranges : {&list->included(), &list->excluded()})
                for (const auto& r : *ranges)
                    for (const IpAddress& edge : {r.first, r.last}) {
                        probes.push_back(edge);
                        probes.push_back(IpAddress{edge.hi + (edge.lo == ~0ULL ? 1 : 0), edge.lo + 1});
                        probes.push_back(IpAddress{edge.hi - (edge.lo == 0 ? 1 : 0), edge.lo - 1});
                    }
        for (int i = 0; i < 50; ++i) probes.push_back(rng() % 2 ? v4() : v6());
        for (const IpAddress& a : probes)
            ASSERT_EQ(nets.classify(a), by_the_rule(nets, a)) << a.to_string() << " local=" << local_spec << " other=" << other_spec;
    }
}

}  // namespace
}  // namespace ipaudit
