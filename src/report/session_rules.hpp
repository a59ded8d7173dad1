// The rules that classify a session (DESIGN.md "Reports"), as SQL over the session table.
// One definition serves the reports that read interval files and the rollup merge, so both
// always count the same sessions.
#pragma once

#include <string>

namespace ipaudit::report {

// A WHERE condition true for a probe (see scanners_report): a session that one side started
// and whose target never answered or only rejected. The scanner is the first talker.
[[nodiscard]] std::string scanner_probe_condition();

// A WHERE condition true for a TCP or UDP session, one side local, in which the side that did
// not talk first (the server) answered: TCP, it sent SYN or payload; UDP, it sent packets.
[[nodiscard]] std::string server_answered_condition();

// SQL expressions over the session table: the server (responder) side's columns and the
// client's (the first talker), e.g. server_column("ip") is ip_b when side A talked first.
[[nodiscard]] std::string server_column(const std::string& column);
[[nodiscard]] std::string client_column(const std::string& column);
// bytes or packets sent by the server to the client ("bytes" -> bytes_ba when A talked first).
[[nodiscard]] std::string server_sent(const std::string& what);
[[nodiscard]] std::string client_sent(const std::string& what);

}  // namespace ipaudit::report
