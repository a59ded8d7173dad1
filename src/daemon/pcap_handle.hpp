// RAII ownership of libpcap handles, opened for files or live interfaces.
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/interval_data.hpp"

namespace ipaudit {

class CaptureError : public std::runtime_error {
public:
    // What went wrong, where the caller acts on it (reopening a vanished interface).
    enum class Kind { kOther, kNoSuchDevice, kPermission };
    explicit CaptureError(const std::string& what, Kind kind = Kind::kOther) : std::runtime_error(what), kind_(kind) {}
    [[nodiscard]] Kind kind() const noexcept { return kind_; }

private:
    Kind kind_;
};

// The largest kernel buffer libpcap can be asked for: its size in bytes must fit an int.
inline constexpr int kMaxBufferMib = 2047;
static_assert((std::int64_t{kMaxBufferMib} << 20) <= std::numeric_limits<int>::max());

struct LiveOptions {
    int snaplen = 256;
    bool promiscuous = true;
    int buffer_mib = 32;  // 1..kMaxBufferMib
    std::string filter;
};

// Whether a network interface exists and is up: empty if so, else why not ("no such interface",
// "interface is down"). A capture opened on a down interface fails at its first read, so a
// vanished interface is reopened only once this is empty.
[[nodiscard]] std::string interface_down_reason(const std::string& interface);

class PcapHandle {
public:
    // Throws CaptureError with libpcap's reason and the file name.
    [[nodiscard]] static PcapHandle open_file(const std::filesystem::path& path);
    // Opens, configures and activates a live capture (non-blocking, BPF filter applied).
    // `warning` receives libpcap's activation warning, if any.
    [[nodiscard]] static PcapHandle open_live(const std::string& interface, const LiveOptions& options, std::string& warning);

    [[nodiscard]] pcap_t* get() const noexcept { return handle_.get(); }
    [[nodiscard]] int link_type() const noexcept { return pcap_datalink(handle_.get()); }
    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] std::string last_error() const { return pcap_geterr(handle_.get()); }
    // Kernel counters since the handle was opened (live only).
    [[nodiscard]] CaptureCounters counters() const noexcept;
    // Byte offset in the file being read, for progress and error messages; -1 if unknown.
    [[nodiscard]] std::int64_t file_offset() const noexcept;

private:
    struct Closer {
        void operator()(pcap_t* p) const noexcept { pcap_close(p); }
    };
    PcapHandle(pcap_t* handle, std::string name) : handle_(handle), name_(std::move(name)) {}
    std::unique_ptr<pcap_t, Closer> handle_;
    std::string name_;
};

}  // namespace ipaudit
