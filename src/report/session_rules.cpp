// Scanner and server rules as SQL text (fixed text, never user input).
#include "report/session_rules.hpp"

namespace ipaudit::report {

namespace {

constexpr const char* kV4Prefix = "x'00000000000000000000FFFF'";

// Bytes of bare headers for `packets` packets sent by side S: 40 per packet from an IPv4
// host, 60 from an IPv6 one (IP + TCP without options or payload).
std::string bare_headers(const std::string& packets, const std::string& ip) {
    return packets + " * (CASE WHEN substr(" + ip + ", 1, 12) = " + kV4Prefix + " THEN 40 ELSE 60 END)";
}

}  // namespace

std::string scanner_probe_condition() {
    // Side S probes side T: S talked first, neither side is 'O', S's packet is not an ICMP
    // error message, and T sent nothing, or (TCP) only RSTs without payload.
    const auto side = [](const std::string& S, const std::string& T) {
        return "(first_talker = '" + S + "' AND class_" + S + " IN ('L','R') AND class_" + T +
               " IN ('L','R') AND NOT (proto = 1 AND port_" + S + " / 256 IN (3,4,5,11,12))"
               " AND NOT (proto = 58 AND port_" + S + " / 256 IN (1,2,3,4)) AND (packets_" + T + S +
               " = 0 OR (proto = 6 AND (flags_" + T + S + " & 4) <> 0 AND bytes_" + T + S +
               " <= " + bare_headers("packets_" + T + S, "ip_" + T) + ")))";
    };
    return "(" + side("a", "b") + " OR " + side("b", "a") + ")";
}

std::string server_answered_condition() {
    // Side S is the server, C the client (the first talker).
    const auto side = [](const std::string& S, const std::string& C) {
        return "((class_" + S + " = 'L' OR class_" + C + " = 'L') AND first_talker = '" + C + "' AND packets_" + S + C +
               " > 0 AND (proto = 17 OR (proto = 6 AND ((flags_" + S + C + " & 2) <> 0 OR bytes_" + S + C + " > " +
               bare_headers("packets_" + S + C, "ip_" + S) + "))))";
    };
    return "(proto IN (6, 17) AND (" + side("a", "b") + " OR " + side("b", "a") + "))";
}

std::string server_column(const std::string& column) {
    return "(CASE WHEN first_talker = 'b' THEN " + column + "_a ELSE " + column + "_b END)";
}

std::string client_column(const std::string& column) {
    return "(CASE WHEN first_talker = 'b' THEN " + column + "_b ELSE " + column + "_a END)";
}

std::string server_sent(const std::string& what) {
    return "(CASE WHEN first_talker = 'b' THEN " + what + "_ab ELSE " + what + "_ba END)";
}

std::string client_sent(const std::string& what) {
    return "(CASE WHEN first_talker = 'b' THEN " + what + "_ba ELSE " + what + "_ab END)";
}

}  // namespace ipaudit::report
