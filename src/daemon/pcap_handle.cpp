// Opening capture sources with libpcap.
#include "daemon/pcap_handle.hpp"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ipaudit {

std::string interface_down_reason(const std::string& interface) {
    if (interface.size() >= IFNAMSIZ) return "interface name too long";
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return {};  // cannot tell: let opening say
    ifreq req{};
    std::memcpy(req.ifr_name, interface.c_str(), interface.size() + 1);
    const int rc = ::ioctl(fd, SIOCGIFFLAGS, &req);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return err == ENODEV ? "no such interface" : std::string("cannot read its flags: ") + std::strerror(err);
    return (req.ifr_flags & IFF_UP) != 0 ? std::string{} : "interface is down";
}

PcapHandle PcapHandle::open_file(const std::filesystem::path& path) {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, errbuf);
    if (p == nullptr) {
        // libpcap usually names the file itself ("FILE: No such file or directory").
        const std::string why = errbuf;
        throw CaptureError(why.rfind(path.string(), 0) == 0 ? why : path.string() + ": " + why);
    }
    return PcapHandle(p, path.string());
}

PcapHandle PcapHandle::open_live(const std::string& interface, const LiveOptions& options, std::string& warning) {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* raw = pcap_create(interface.c_str(), errbuf);
    if (raw == nullptr) throw CaptureError(interface + ": " + errbuf);
    PcapHandle h(raw, interface);
    pcap_set_snaplen(raw, options.snaplen);
    pcap_set_promisc(raw, options.promiscuous ? 1 : 0);
    // Batches of packets per wakeup (no immediate mode): fewer syscalls, and a short timeout
    // keeps the interval clock and signal checks responsive.
    pcap_set_timeout(raw, 250);
    // libpcap takes bytes as an int, and silently keeps its default for a value <= 0 (as an
    // overflowed shift would give): refuse what does not fit rather than capture with 2 MiB.
    if (options.buffer_mib < 1 || options.buffer_mib > kMaxBufferMib)
        throw CaptureError(interface + ": buffer size " + std::to_string(options.buffer_mib) + " MiB is not 1.." +
                           std::to_string(kMaxBufferMib));
    if (pcap_set_buffer_size(raw, options.buffer_mib << 20) != 0)
        throw CaptureError(interface + ": cannot set the buffer size: " + pcap_geterr(raw));
    pcap_set_immediate_mode(raw, 0);
    pcap_set_tstamp_precision(raw, PCAP_TSTAMP_PRECISION_MICRO);
    const int rc = pcap_activate(raw);
    if (rc < 0) {
        std::string why = pcap_geterr(raw);
        auto kind = CaptureError::Kind::kOther;
        if (rc == PCAP_ERROR_PERM_DENIED) {
            why += " (capturing needs root or CAP_NET_RAW)";
            kind = CaptureError::Kind::kPermission;
        }
        if (rc == PCAP_ERROR_NO_SUCH_DEVICE) {
            why = "no such interface";
            kind = CaptureError::Kind::kNoSuchDevice;
        }
        throw CaptureError(interface + ": " + why, kind);
    }
    if (rc > 0) warning = interface + ": " + pcap_statustostr(rc) + ": " + pcap_geterr(raw);
    if (!options.filter.empty()) {
        bpf_program program{};
        if (pcap_compile(raw, &program, options.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
            throw CaptureError(interface + ": bad filter '" + options.filter + "': " + pcap_geterr(raw));
        const int set = pcap_setfilter(raw, &program);
        pcap_freecode(&program);
        if (set != 0) throw CaptureError(interface + ": cannot set filter: " + pcap_geterr(raw));
    }
    if (pcap_setnonblock(raw, 1, errbuf) != 0) throw CaptureError(interface + ": " + errbuf);
    return h;
}

CaptureCounters PcapHandle::counters() const noexcept {
    pcap_stat st{};
    if (pcap_stats(handle_.get(), &st) != 0) return {};
    return {true, st.ps_recv, st.ps_drop, st.ps_ifdrop};
}

std::int64_t PcapHandle::file_offset() const noexcept {
    FILE* f = pcap_file(handle_.get());
    return f ? static_cast<std::int64_t>(std::ftell(f)) : -1;
}

}  // namespace ipaudit
