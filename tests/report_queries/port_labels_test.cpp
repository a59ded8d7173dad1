// conf/ports.conf parsing: entries, keywords, protocols, errors naming FILE:LINE.
#include <gtest/gtest.h>

#include "report/port_labels.hpp"

namespace ipaudit::report {
namespace {

TEST(PortLabels, ParsesEntriesKeywordsAndComments) {
    const PortLabels l = PortLabels::parse(
        "# comment\n\n25/tcp SMTP service\n445/TCP SMB Risk  # trailing\n6881/tcp BitTorrent P2P\n"
        "53 DNS service\n23/tcp Telnet service risk",
        "t.conf");
    ASSERT_NE(l.find(6, 25), nullptr);
    EXPECT_EQ(l.find(6, 25)->label, "SMTP");
    EXPECT_TRUE(l.find(6, 25)->service);
    EXPECT_FALSE(l.find(6, 25)->risk);
    EXPECT_EQ(l.find(17, 25), nullptr);
    EXPECT_TRUE(l.find(6, 445)->risk);
    EXPECT_TRUE(l.find(6, 6881)->p2p);
    EXPECT_EQ(l.label(6, 53), "DNS");
    EXPECT_EQ(l.label(17, 53), "DNS");
    EXPECT_EQ(l.label(6, 80), "");
    EXPECT_TRUE(l.find(6, 23)->service && l.find(6, 23)->risk);
    EXPECT_EQ(l.entries().size(), 6u);
    EXPECT_EQ(l.watched().size(), 5u);  // not BitTorrent
    EXPECT_EQ(port_text(6, 445, l), "445/tcp SMB");
    EXPECT_EQ(port_text(6, 446, l), "446/tcp");
}

TEST(PortLabels, LaterLineReplacesEarlier) {
    const PortLabels l = PortLabels::parse("80/tcp HTTP service\n80/tcp Web risk\n", "t.conf");
    EXPECT_EQ(l.label(6, 80), "Web");
    EXPECT_FALSE(l.find(6, 80)->service);
    EXPECT_TRUE(l.find(6, 80)->risk);
}

TEST(PortLabels, ErrorsNameFileAndLine) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"25/tcp SMTP\n70000/tcp X\n", "t.conf:2: port '70000'"},
        {"\n\n25/icmp X\n", "t.conf:3: protocol 'icmp'"},
        {"25/tcp\n", "t.conf:1: expected"},
        {"# c\n25/tcp SMTP server\n", "t.conf:2: unknown keyword 'server'"},
        {"x/tcp SMTP\n", "t.conf:1: port 'x'"},
        {"-1 SMTP\n", "t.conf:1: port '-1'"},
    };
    for (const auto& [text, expect] : cases) {
        try {
            (void)PortLabels::parse(text, "t.conf");
            ADD_FAILURE() << "accepted: " << text;
        } catch (const PortLabelsError& e) {
            EXPECT_EQ(std::string(e.what()).rfind(expect, 0), 0u) << e.what();
        }
    }
}

TEST(PortLabels, MissingFileIsAnError) {
    EXPECT_THROW((void)PortLabels::load("/nonexistent/ports.conf"), PortLabelsError);
}

TEST(PortLabels, ShippedFileEqualsBuiltInDefaults) {
    const PortLabels shipped = PortLabels::load(IPAUDIT_PORTS_CONF);
    EXPECT_EQ(shipped.entries(), PortLabels::defaults().entries());
    for (const auto& [proto, port, label] : std::vector<std::tuple<int, int, std::string>>{
             {6, 25, "SMTP"}, {6, 445, "SMB"}, {6, 6667, "IRC"}, {6, 6881, "BitTorrent"}, {6, 6346, "Gnutella"},
             {6, 80, "HTTP"}, {6, 443, "HTTPS"}, {6, 22, "SSH"}, {6, 23, "Telnet"}, {17, 53, "DNS"}})
        EXPECT_EQ(shipped.label(proto, port), label) << port;
    EXPECT_TRUE(shipped.find(6, 445)->risk);
    EXPECT_TRUE(shipped.find(6, 6667)->risk);
    EXPECT_TRUE(shipped.find(6, 25)->service);
    EXPECT_TRUE(shipped.find(6, 6346)->p2p);
}

}  // namespace
}  // namespace ipaudit::report
