// Interval file writer.
#include "store/interval_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <numeric>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "core/interval_clock.hpp"
#include "store/file_sync.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"

namespace ipaudit::store {

namespace fs = std::filesystem;

namespace {

std::string utc_format(std::int64_t epoch_s, const char* format) {
    const auto t = static_cast<std::time_t>(epoch_s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    const std::size_t n = std::strftime(buf, sizeof buf, format, &tm);
    return std::string(buf, n);
}

char class_letter(HostClass c) noexcept {
    switch (c) {
        case HostClass::kLocal: return 'L';
        case HostClass::kOther: return 'O';
        case HostClass::kRemote: break;
    }
    return 'R';
}

std::string_view side_letter(Side s) noexcept { return s == Side::kA ? "a" : "b"; }

void insert_meta(sqlite::Database& db, const IntervalData& iv) {
    sqlite::Statement st(db,
        "INSERT INTO interval (schema_version, start_time, end_time, covered_from_us, covered_to_us, partial,"
        " sensor, interfaces, local_networks, other_networks, packets, wire_bytes, ip_packets, ip_bytes,"
        " sessions, first_packet_us, last_packet_us, overflow_packets, overflow_bytes, pcap_received,"
        " pcap_dropped, pcap_if_dropped, software)"
        " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23)");
    st.bind(1, std::int64_t{kSchemaVersion}).bind(2, iv.start_s).bind(3, iv.end_s);
    st.bind(4, iv.covered_from_us).bind(5, iv.covered_to_us).bind(6, std::int64_t{iv.partial ? 1 : 0});
    st.bind(7, std::string_view(iv.run ? iv.run->sensor : "")).bind(8, std::string_view(iv.run ? iv.run->interfaces : ""));
    st.bind(9, std::string_view(iv.networks ? iv.networks->local().text() : ""));
    st.bind(10, std::string_view(iv.networks ? iv.networks->other().text() : ""));
    st.bind(11, iv.packets).bind(12, iv.wire_bytes);
    st.bind(13, iv.outcomes[static_cast<std::size_t>(DecodeOutcome::kIp)]).bind(14, iv.ip_bytes);
    st.bind(15, std::uint64_t{iv.sessions.size()});
    if (iv.packets_with_time > 0) {
        st.bind(16, iv.first_packet_us).bind(17, iv.last_packet_us);
    } else {
        st.bind_null(16).bind_null(17);
    }
    st.bind(18, iv.overflow_packets).bind(19, iv.overflow_bytes);
    if (iv.capture.available) {
        st.bind(20, iv.capture.received).bind(21, iv.capture.dropped).bind(22, iv.capture.if_dropped);
    } else {
        st.bind_null(20).bind_null(21).bind_null(22);
    }
    st.bind(23, std::string_view(iv.run ? iv.run->version : ""));
    st.run();
}

void insert_decode_counts(sqlite::Database& db, const IntervalData& iv) {
    sqlite::Statement st(db, "INSERT INTO decode_count (kind, name, packets) VALUES (?1, ?2, ?3)");
    for (std::size_t i = 0; i < kOutcomeCount; ++i) {
        st.bind(1, std::string_view("outcome")).bind(2, outcome_name(static_cast<DecodeOutcome>(i))).bind(3, iv.outcomes[i]);
        st.run();
    }
    for (std::size_t i = 0; i < kNoteCount; ++i) {
        st.bind(1, std::string_view("note")).bind(2, note_name(static_cast<DecodeNote>(i))).bind(3, iv.notes[i]);
        st.run();
    }
}

void insert_sessions(sqlite::Database& db, const IntervalData& iv) {
    // Rows go in key order: the ip_a index then builds sequentially, and dumps are stable.
    std::vector<std::uint32_t> order(iv.sessions.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t x, std::uint32_t y) { return iv.sessions.at(x).key < iv.sessions.at(y).key; });

    sqlite::Statement st(db,
        "INSERT INTO session (ip_a, ip_b, proto, port_a, port_b, class_a, class_b, packets_ab, packets_ba,"
        " bytes_ab, bytes_ba, flags_ab, flags_ba, first_us, last_us, first_talker, first_by, last_talker)"
        " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)");
    const LocalNetworks empty;
    const LocalNetworks& nets = iv.networks ? *iv.networks : empty;
    for (const std::uint32_t i : order) {
        const Session& s = iv.sessions.at(i);
        const auto a = s.key.a.bytes();
        const auto b = s.key.b.bytes();
        const char ca = class_letter(nets.classify(s.key.a));
        const char cb = class_letter(nets.classify(s.key.b));
        st.bind_blob_static(1, a).bind_blob_static(2, b);
        st.bind(3, std::int64_t{s.key.proto}).bind(4, std::int64_t{s.key.port_a}).bind(5, std::int64_t{s.key.port_b});
        st.bind_text_static(6, std::string_view(&ca, 1)).bind_text_static(7, std::string_view(&cb, 1));
        st.bind(8, s.packets_ab).bind(9, s.packets_ba).bind(10, s.bytes_ab).bind(11, s.bytes_ba);
        st.bind(12, std::int64_t{s.flags_ab}).bind(13, std::int64_t{s.flags_ba});
        st.bind(14, s.first_us).bind(15, s.last_us);
        st.bind_text_static(16, side_letter(s.first_talker));
        st.bind_text_static(17, s.first_evidence == TalkerEvidence::kSyn ? std::string_view("syn") : std::string_view("guess"));
        st.bind_text_static(18, side_letter(s.last_talker));
        st.run_keep_bindings();  // every parameter is rebound for the next row
    }
    st.reset();  // drops the static bindings before the buffers they point to go away
}

void write_database(const fs::path& path, const IntervalData& iv) {
    sqlite::Database db(path, sqlite::Database::Mode::kCreate);
    // No journal: a failed write leaves only the temporary file, which is removed. 16 KiB pages
    // measured fastest; a 4 MiB cache is as fast as 64 MiB (docs/BENCHMARKS.md); sorts for the
    // index builds spill to a temporary file rather than to memory, which the session budget
    // does not see.
    db.exec("PRAGMA page_size = 16384; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;"
            " PRAGMA temp_store = FILE; PRAGMA cache_size = -4096;");
    sqlite::Transaction tx(db);
    db.exec(kIntervalSchemaSql);
    insert_meta(db, iv);
    insert_decode_counts(db, iv);
    insert_sessions(db, iv);
    db.exec(kIntervalIndexesSql);
    tx.commit();
    db.close();
}

}  // namespace

fs::path interval_relative_path(const IntervalData& iv) {
    const std::int64_t from_us = iv.covered_from_us;
    std::int64_t from_s = from_us / kMicrosPerSecond;
    if (from_us % kMicrosPerSecond < 0) --from_s;
    const bool on_minute = from_us == from_s * kMicrosPerSecond && from_s % 60 == 0;
    const std::string name = utc_format(from_s, on_minute ? "%Y%m%d-%H%M" : "%Y%m%d-%H%M%S") + ".db";
    return fs::path("intervals") / utc_format(from_s, "%Y") / utc_format(from_s, "%m") / utc_format(from_s, "%d") / name;
}

fs::path write_interval_file(const IntervalData& interval, const fs::path& data_dir) {
    return write_interval_file(interval, data_dir, interval_relative_path(interval));
}

fs::path write_interval_file(const IntervalData& interval, const fs::path& data_dir, const fs::path& relative_path) {
    const fs::path final_path = data_dir / relative_path;
    const fs::path dir = final_path.parent_path();
    fs::create_directories(dir);
    const std::string temp_prefix = "." + final_path.filename().string() + ".tmp-";
    // A writer killed while writing (kill -9, power loss) leaves its temporary file behind, named
    // after an interval no later writer writes again: remove every dead writer's temporary
    // interval file in this directory, not only this name's.
    std::set<std::string> dead_prefixes{temp_prefix};
    std::error_code listing;
    for (const auto& entry : fs::directory_iterator(dir, listing)) {
        const std::string name = entry.path().filename().string();
        const auto tmp = name.find(".db.tmp-");
        if (name.starts_with(".") && tmp != std::string::npos) dead_prefixes.insert(name.substr(0, tmp + 8));
    }
    for (const std::string& prefix : dead_prefixes) remove_dead_writers_temp_files(dir, prefix);
    const fs::path temp_path = dir / (temp_prefix + std::to_string(::getpid()));
    std::error_code ignored;
    fs::remove(temp_path, ignored);
    try {
        write_database(temp_path, interval);
        sync_path(temp_path, false);
        fs::rename(temp_path, final_path);
        sync_path(dir, true);
    } catch (...) {
        fs::remove(temp_path, ignored);
        throw;
    }
    return final_path;
}

}  // namespace ipaudit::store
