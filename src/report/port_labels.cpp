// Parsing conf/ports.conf.
#include "report/port_labels.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "report/search_output.hpp"

namespace ipaudit::report {

namespace {

// Keep in step with conf/ports.conf (a test compares them).
constexpr const char* kDefaultPortsConf = R"(
20/tcp FTP-data service
21/tcp FTP service
22/tcp SSH service
23/tcp Telnet service risk
25/tcp SMTP service
53/udp DNS service
53/tcp DNS service
67/udp DHCP
69/udp TFTP risk
80/tcp HTTP service
110/tcp POP3 service
123/udp NTP service
135/tcp MSRPC risk
137/udp NetBIOS-NS risk
139/tcp NetBIOS risk
143/tcp IMAP service
161/udp SNMP risk
389/tcp LDAP service
443/tcp HTTPS service
443/udp QUIC
445/tcp SMB risk
465/tcp SMTPS service
514/udp Syslog
587/tcp Submission service
993/tcp IMAPS service
995/tcp POP3S service
1433/tcp MSSQL risk
1900/udp SSDP
3306/tcp MySQL risk
3389/tcp RDP risk
4444/tcp Metasploit risk
5060/udp SIP
5432/tcp PostgreSQL risk
5900/tcp VNC risk
6346/tcp Gnutella p2p
6667/tcp IRC risk
6881/tcp BitTorrent p2p
8080/tcp HTTP-alt service
)";

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool printable_word(std::string_view w) {
    return std::all_of(w.begin(), w.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f;
    });
}

}  // namespace

PortLabels PortLabels::parse(std::string_view text, const std::string& source) {
    PortLabels result;
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t end = std::min(text.find('\n', pos), text.size());
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
        std::vector<std::string_view> words;
        std::size_t i = 0;
        while (i < line.size()) {
            while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
            std::size_t j = i;
            while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
            if (j > i) words.push_back(line.substr(i, j - i));
            i = j;
        }
        if (words.empty()) {
            if (end == text.size()) break;
            continue;
        }
        const auto fail = [&](const std::string& what) {
            throw PortLabelsError(source + ":" + std::to_string(line_no) + ": " + what);
        };
        if (words.size() < 2) fail("expected 'PORT[/PROTO] LABEL [service] [risk] [p2p]'");
        std::string_view port_text = words[0];
        std::vector<int> protos = {6, 17};
        if (const auto slash = port_text.find('/'); slash != std::string_view::npos) {
            const std::string proto = lower(port_text.substr(slash + 1));
            if (proto == "tcp") {
                protos = {6};
            } else if (proto == "udp") {
                protos = {17};
            } else {
                fail("protocol '" + std::string(port_text.substr(slash + 1)) + "' is not tcp or udp");
            }
            port_text = port_text.substr(0, slash);
        }
        int port = -1;
        const auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc{} || ptr != port_text.data() + port_text.size() || port < 0 || port > 65535)
            fail("port '" + std::string(port_text) + "' is not 0..65535");
        if (!printable_word(words[1]) || words[1].size() > 64) fail("bad label");
        PortLabel entry;
        entry.port = port;
        entry.label = std::string(words[1]);
        for (std::size_t k = 2; k < words.size(); ++k) {
            const std::string w = lower(words[k]);
            if (w == "service") {
                entry.service = true;
            } else if (w == "risk") {
                entry.risk = true;
            } else if (w == "p2p") {
                entry.p2p = true;
            } else {
                fail("unknown keyword '" + std::string(words[k]) + "' (service, risk or p2p)");
            }
        }
        for (const int proto : protos) {
            entry.proto = proto;
            result.by_port_[{port, proto}] = entry;
        }
        if (end == text.size()) break;
    }
    return result;
}

PortLabels PortLabels::load(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw PortLabelsError(path.string() + ": cannot be read");
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) throw PortLabelsError(path.string() + ": read error");
    return parse(s.str(), path.string());
}

PortLabels PortLabels::defaults() { return parse(kDefaultPortsConf, "built-in ports.conf"); }

PortLabels PortLabels::configured(const std::optional<std::filesystem::path>& file) {
    if (file) return load(*file);
    std::error_code ec;
    const std::filesystem::path system_file = "/etc/ipaudit/ports.conf";
    return std::filesystem::exists(system_file, ec) ? load(system_file) : defaults();
}

const PortLabel* PortLabels::find(int proto, int port) const {
    const auto it = by_port_.find({port, proto});
    return it == by_port_.end() ? nullptr : &it->second;
}

std::string PortLabels::label(int proto, int port) const {
    const PortLabel* p = find(proto, port);
    return p ? p->label : std::string();
}

std::vector<PortLabel> PortLabels::entries() const {
    std::vector<PortLabel> out;
    out.reserve(by_port_.size());
    for (const auto& [key, entry] : by_port_) out.push_back(entry);
    return out;
}

std::vector<PortLabel> PortLabels::watched() const {
    std::vector<PortLabel> out;
    for (const auto& [key, entry] : by_port_)
        if (entry.service || entry.risk) out.push_back(entry);
    return out;
}

std::string port_text(int proto, int port, const PortLabels& labels) {
    std::string out = std::to_string(port) + "/" + protocol_name(proto);
    if (const PortLabel* p = labels.find(proto, port)) out += " " + p->label;
    return out;
}

}  // namespace ipaudit::report
