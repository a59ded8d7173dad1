// The dump format: a header line, then one tab-separated line per session in key order.
#include "cli/dump_command.hpp"

#include <string>

#include "core/ip_address.hpp"
#include "store/interval_reader.hpp"

namespace ipaudit::cli {

namespace {

std::string ip_text(std::span<const std::uint8_t> blob, const std::filesystem::path& path) {
    if (blob.size() != 16) throw store::NotAnIntervalFile(path.string() + ": corrupt row (IP is not 16 bytes)");
    return IpAddress::from_v6_bytes(blob.first<16>()).to_string();
}

void dump_meta(sqlite::Database& db, std::ostream& out) {
    // The software column is left out so a version bump does not rewrite every golden file.
    sqlite::Statement meta(db,
        "SELECT start_time, end_time, covered_from_us, covered_to_us, partial, sensor, interfaces,"
        " local_networks, other_networks, packets, wire_bytes, ip_packets, ip_bytes, sessions,"
        " first_packet_us, last_packet_us, overflow_packets, overflow_bytes, pcap_received,"
        " pcap_dropped, pcap_if_dropped FROM interval");
    static constexpr const char* kNames[] = {
        "start_time", "end_time", "covered_from_us", "covered_to_us", "partial", "sensor", "interfaces",
        "local_networks", "other_networks", "packets", "wire_bytes", "ip_packets", "ip_bytes", "sessions",
        "first_packet_us", "last_packet_us", "overflow_packets", "overflow_bytes", "pcap_received",
        "pcap_dropped", "pcap_if_dropped"};
    while (meta.step()) {
        for (int i = 0; i < static_cast<int>(std::size(kNames)); ++i)
            out << "# " << kNames[i] << '=' << (meta.column_is_null(i) ? "NULL" : std::string(meta.column_text(i))) << '\n';
    }
    // Only non-zero counts: a new counter must not rewrite every golden file.
    sqlite::Statement counts(db, "SELECT kind, name, packets FROM decode_count WHERE packets <> 0 ORDER BY kind DESC, name");
    while (counts.step())
        out << "# " << counts.column_text(0) << ' ' << counts.column_text(1) << '=' << counts.column_int(2) << '\n';
}

}  // namespace

std::string tcp_flag_letters(unsigned flags) {
    static constexpr char kLetters[] = "FSRPAUEC";
    std::string s;
    for (unsigned bit = 0; bit < 8; ++bit)
        if (flags & (1u << bit)) s += kLetters[bit];
    return s.empty() ? "-" : s;
}

void dump_interval_file(const std::filesystem::path& path, const DumpOptions& options, std::ostream& out) {
    sqlite::Database db = store::open_interval_file(path);
    if (options.meta) dump_meta(db, out);
    out << "ip_a\tip_b\tproto\tport_a\tport_b\tpkts_ab\tpkts_ba\tbytes_ab\tbytes_ba\tfirst_us\tlast_us"
           "\tfirst_talker\tlast_talker\tfirst_by\tflags_ab\tflags_ba\tclass_a\tclass_b\n";
    sqlite::Statement rows(db,
        "SELECT ip_a, ip_b, proto, port_a, port_b, packets_ab, packets_ba, bytes_ab, bytes_ba, first_us, last_us,"
        " first_talker, last_talker, first_by, flags_ab, flags_ba, class_a, class_b"
        " FROM session ORDER BY ip_a, ip_b, proto, port_a, port_b");
    while (rows.step()) {
        out << ip_text(rows.column_blob(0), path) << '\t' << ip_text(rows.column_blob(1), path);
        for (int col = 2; col <= 10; ++col) out << '\t' << rows.column_int(col);
        out << '\t' << rows.column_text(11) << '\t' << rows.column_text(12) << '\t' << rows.column_text(13);
        out << '\t' << tcp_flag_letters(static_cast<unsigned>(rows.column_int(14)));
        out << '\t' << tcp_flag_letters(static_cast<unsigned>(rows.column_int(15)));
        out << '\t' << rows.column_text(16) << '\t' << rows.column_text(17) << '\n';
    }
}

}  // namespace ipaudit::cli
