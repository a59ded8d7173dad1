// Port labels from conf/ports.conf: names for ports, and which ones are services or risks.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ipaudit::report {

// Thrown for a bad ports.conf; what() is "FILE:LINE: what is wrong".
class PortLabelsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct PortLabel {
    int proto = 6;  // 6 tcp or 17 udp (a line without /PROTO gives one entry for each)
    int port = 0;
    std::string label;
    bool service = false;  // its local servers are listed by the servers report
    bool risk = false;     // worth watching; also listed by the servers report
    bool p2p = false;
    friend bool operator==(const PortLabel&, const PortLabel&) = default;
};

// Lines `PORT[/PROTO] LABEL [service] [risk] [p2p]` (keywords in any case and order), '#'
// comments, blank lines. A later line for the same (port, proto) replaces an earlier one.
class PortLabels {
public:
    PortLabels() = default;

    // Parses `text`; `source` names it in errors ("ports.conf:12: ...").
    [[nodiscard]] static PortLabels parse(std::string_view text, const std::string& source);
    // Reads and parses a file; PortLabelsError when it cannot be read or is bad.
    [[nodiscard]] static PortLabels load(const std::filesystem::path& path);
    // The labels compiled in, the same as the conf/ports.conf shipped with ipaudit.
    [[nodiscard]] static PortLabels defaults();
    // `file` when given, else /etc/ipaudit/ports.conf when it exists, else defaults(): what
    // the daemon, the CLI and the CGIs use. Throws PortLabelsError.
    [[nodiscard]] static PortLabels configured(const std::optional<std::filesystem::path>& file);

    // The entry for (proto, port), or nullptr. Only TCP (6) and UDP (17) have labels.
    [[nodiscard]] const PortLabel* find(int proto, int port) const;
    // Its label, or "" when there is none.
    [[nodiscard]] std::string label(int proto, int port) const;
    // Every entry, ordered by (port, proto).
    [[nodiscard]] std::vector<PortLabel> entries() const;
    // The entries marked service or risk, ordered by (port, proto).
    [[nodiscard]] std::vector<PortLabel> watched() const;

private:
    std::map<std::pair<int, int>, PortLabel> by_port_;  // key (port, proto)
};

// "445/tcp SMB", or "445/tcp" without a label; protocol names as protocol_name() gives them.
[[nodiscard]] std::string port_text(int proto, int port, const PortLabels& labels);

}  // namespace ipaudit::report
