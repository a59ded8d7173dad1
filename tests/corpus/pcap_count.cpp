// Counts the records libpcap reads from a capture file: the corpus test's independent count.
// Prints "<records> ok", "<records> stopped: <reason>" or "open-error: <reason>".
#include <pcap/pcap.h>

#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: pcap_count FILE\n");
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_open_offline(argv[1], errbuf);
    if (p == nullptr) {
        std::printf("open-error: %s\n", errbuf);
        return 0;
    }
    unsigned long long records = 0;
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    int rc = 0;
    while ((rc = pcap_next_ex(p, &header, &data)) == 1) ++records;
    if (rc == PCAP_ERROR_BREAK) {
        std::printf("%llu ok\n", records);
    } else {
        std::printf("%llu stopped: %s\n", records, pcap_geterr(p));
    }
    pcap_close(p);
    return 0;
}
