// The physical limit for offline ingest: libpcap reading every record of a file and touching
// its bytes, nothing else. ipauditd -r is measured against this loop in the same run.
#include <pcap/pcap.h>

#include <cstdint>
#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: pcap_read_loop FILE\n");
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_open_offline(argv[1], errbuf);
    if (p == nullptr) {
        std::fprintf(stderr, "%s\n", errbuf);
        return 1;
    }
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;     // wire lengths: the reference total for ipauditd's wire_bytes
    std::uint64_t checksum = 0;  // keeps the compiler from skipping the reads
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    while (pcap_next_ex(p, &header, &data) == 1) {
        ++packets;
        bytes += header->len;
        checksum += header->caplen > 0 ? data[header->caplen - 1] : 0;
    }
    pcap_close(p);
    std::printf("%llu packets %llu bytes (checksum %llu)\n", static_cast<unsigned long long>(packets),
                static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(checksum));
    return 0;
}
