// Search field parsers (strict, clear errors) and the CSV/JSON escaping of the outputs.
#include <gtest/gtest.h>

#include "report/escape.hpp"
#include "report/search_filter.hpp"
#include "report/search_output.hpp"

namespace ipaudit::report {
namespace {

IpAddress ip(std::string_view text) {
    const auto a = IpAddress::parse(text);
    if (!a) throw std::invalid_argument("test address");
    return *a;
}

template <typename F>
std::string error_of(F f) {
    try {
        f();
    } catch (const FilterError& e) {
        return e.what();
    }
    return "no error";
}

TEST(SearchFilter, IpAndCidr) {
    EXPECT_EQ(parse_ip_range("10.1.2.3"), (IpRange{ip("10.1.2.3"), ip("10.1.2.3")}));
    EXPECT_EQ(parse_ip_range(" 10.1.2.3/16"), (IpRange{ip("10.1.0.0"), ip("10.1.255.255")}));
    EXPECT_EQ(parse_ip_range("10.1.2.3/0"), (IpRange{ip("0.0.0.0"), ip("255.255.255.255")}));
    EXPECT_EQ(parse_ip_range("2001:db8::/32"), (IpRange{ip("2001:db8::"), ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")}));
    EXPECT_EQ(parse_ip_range("2001:db8::1/128"), (IpRange{ip("2001:db8::1"), ip("2001:db8::1")}));
    EXPECT_EQ(parse_ip_range("::ffff:10.0.0.0/104"), (IpRange{ip("10.0.0.0"), ip("10.255.255.255")}));
    EXPECT_TRUE(parse_ip_range("10.1.0.0/16").contains(ip("10.1.200.1")));
    EXPECT_FALSE(parse_ip_range("10.1.0.0/16").contains(ip("10.2.0.0")));
    for (const char* bad : {"", "10.1.2", "10.1.2.3/33", "10.1.2.3/", "10.1.2.3/-1", "10.1.2.3/+8", "2001:db8::/129",
                            "1.2.3.4' OR 1=1--", "1.2.3.4; DROP TABLE session", "localhost", "1.2.3.4/16/8",
                            "010.1.2.3x", "<script>alert(1)</script>"}) {
        const std::string e = error_of([&] { (void)parse_ip_range(bad); });
        EXPECT_NE(e.find("is not an IP address or CIDR block"), std::string::npos) << bad << ": " << e;
    }
}

TEST(SearchFilter, PortLists) {
    EXPECT_EQ(parse_port_list("80"), (std::vector<PortRange>{{80, 80}}));
    EXPECT_EQ(parse_port_list("80, 443,8000-8099"), (std::vector<PortRange>{{80, 80}, {443, 443}, {8000, 8099}}));
    EXPECT_EQ(parse_port_list("0,65535"), (std::vector<PortRange>{{0, 0}, {65535, 65535}}));
    for (const char* bad : {"", "80,", ",80", "65536", "-1", "80-", "90-80", "http", "80;443", "1 2", "0x50"}) {
        const std::string e = error_of([&] { (void)parse_port_list(bad); });
        EXPECT_NE(e.find("port"), std::string::npos) << bad << ": " << e;
        EXPECT_NE(e, "no error") << bad;
    }
    std::string many;
    for (int i = 0; i < 65; ++i) many += std::to_string(i) + ",";
    many += "1";
    EXPECT_NE(error_of([&] { (void)parse_port_list(many); }).find("more than 64"), std::string::npos);
}

TEST(SearchFilter, Protocols) {
    EXPECT_TRUE(parse_protocol("any").empty());
    EXPECT_EQ(parse_protocol("tcp"), (std::vector<std::uint8_t>{6}));
    EXPECT_EQ(parse_protocol("UDP"), (std::vector<std::uint8_t>{17}));
    EXPECT_EQ(parse_protocol("icmp"), (std::vector<std::uint8_t>{1, 58}));
    EXPECT_EQ(parse_protocol("icmp6"), (std::vector<std::uint8_t>{58}));
    EXPECT_EQ(parse_protocol("0"), (std::vector<std::uint8_t>{0}));
    EXPECT_EQ(parse_protocol("255"), (std::vector<std::uint8_t>{255}));
    for (const char* bad : {"256", "-6", "tcp,udp", "gre", "6 OR 1=1"})
        EXPECT_NE(error_of([&] { (void)parse_protocol(bad); }).find("bad protocol"), std::string::npos) << bad;
}

TEST(SearchFilter, SizesUse1024) {
    EXPECT_EQ(parse_size("0"), 0u);
    EXPECT_EQ(parse_size("1500"), 1500u);
    EXPECT_EQ(parse_size("64k"), 65536u);
    EXPECT_EQ(parse_size("64K"), 65536u);
    EXPECT_EQ(parse_size("2m"), 2u * 1024 * 1024);
    EXPECT_EQ(parse_size("1g"), 1024u * 1024 * 1024);
    EXPECT_EQ(parse_size("1t"), 1024ULL * 1024 * 1024 * 1024);
    EXPECT_EQ(parse_size("9223372036854775807"), 9223372036854775807ULL);
    for (const char* bad : {"", "k", "1.5m", "-1", "1e3", "10kb", "9223372036854775808", "9000000000000000t", "1 k"})
        EXPECT_NE(error_of([&] { (void)parse_size(bad); }).find("bad size"), std::string::npos) << bad;
}

TEST(SearchFilter, TalkersAndCounts) {
    EXPECT_EQ(parse_talker("local"), Talker::kLocal);
    EXPECT_EQ(parse_talker("Remote"), Talker::kRemote);
    EXPECT_EQ(parse_talker("any"), Talker::kAny);
    EXPECT_NE(error_of([] { (void)parse_talker("L"); }).find("expected any, local or remote"), std::string::npos);
    EXPECT_EQ(parse_count("100", 1, 1000), 100);
    for (const char* bad : {"0", "1001", "-5", "1e2", "", "99999999999999999999999"})
        EXPECT_NE(error_of([&] { (void)parse_count(bad, 1, 1000); }).find("expected a whole number 1..1000"),
                  std::string::npos)
            << bad;
}

TEST(SearchFilter, OutputFormats) {
    EXPECT_EQ(parse_output_format("csv"), OutputFormat::kCsv);
    EXPECT_EQ(parse_output_format("json"), OutputFormat::kJson);
    EXPECT_EQ(parse_output_format("text"), OutputFormat::kText);
    EXPECT_NE(error_of([] { (void)parse_output_format("html"); }).find("expected text, csv or json"), std::string::npos);
}

TEST(Escape, CsvFieldsFollowRfc4180) {
    EXPECT_EQ(csv_field("10.1.2.3"), "10.1.2.3");
    EXPECT_EQ(csv_field("2001:db8::1"), "2001:db8::1");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
    EXPECT_EQ(csv_field(""), "");
}

TEST(Escape, JsonStringsAreAlwaysValid) {
    EXPECT_EQ(json_string("plain"), "\"plain\"");
    EXPECT_EQ(json_string("q\"b\\"), "\"q\\\"b\\\\\"");
    EXPECT_EQ(json_string("a\nb\tc\x01"), "\"a\\nb\\tc\\u0001\"");
    EXPECT_EQ(json_string("</script>"), "\"</script>\"");
    EXPECT_EQ(json_string("caf\xc3\xa9"), "\"caf\xc3\xa9\"");                // valid UTF-8 kept
    EXPECT_EQ(json_string("bad\xff\xc3"), "\"bad\\ufffd\\ufffd\"");          // invalid bytes replaced
    EXPECT_EQ(json_string("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");     // a surrogate is not UTF-8
    EXPECT_EQ(json_string("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");      // U+1F600
}

}  // namespace
}  // namespace ipaudit::report
