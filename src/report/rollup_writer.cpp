// RollupWriter: one interval file merged into its day's rollup with INSERT ... SELECT over the
// attached file, in one transaction. Incremental merges and rebuilds run the same statements.
#include <unistd.h>

#include <algorithm>
#include <map>
#include <cstdio>
#include <set>
#include <system_error>

#include "report/interval_catalog.hpp"
#include "report/rollup.hpp"
#include "report/session_rules.hpp"
#include "store/file_sync.hpp"
#include "store/interval_reader.hpp"
#include "store/schema.hpp"

namespace ipaudit::report {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kMicros = 1'000'000;
// From this many files missing from a rollup on (four hours of 30-minute intervals), update()
// rebuilds the day in bulk.
constexpr std::ptrdiff_t kBulkThreshold = 8;

// The interval row in short: a file replaced by another import differs in one of these.
std::string fingerprint_of(sqlite::Database& iv) {
    sqlite::Statement st(iv,
                         "SELECT start_time, end_time, covered_from_us, covered_to_us, packets, wire_bytes, sessions,"
                         " coalesce(first_packet_us, -1), coalesce(last_packet_us, -1), ip_bytes,"
                         " local_networks, other_networks FROM interval");
    if (!st.step()) throw store::NotAnIntervalFile(iv.path().string() + ": no interval row");
    std::string out;
    for (int i = 0; i < 10; ++i) out += (i ? ":" : "") + std::to_string(st.column_int(i));
    // Other networks classify the same packets differently (a re-import with another -l).
    const std::string nets = std::string(st.column_text(10)) + "|" + std::string(st.column_text(11));
    std::uint64_t h = 1469598103934665603ULL;
    for (const unsigned char c : nets) h = (h ^ c) * 1099511628211ULL;
    return out + ":" + std::to_string(h);
}

// Creates an empty rollup at `path` (tables and the rollup row; the indexes come after the bulk
// load, see finish_bulk), synced.
void create_rollup_file(const fs::path& path, const LocalDay& day, const std::string& labels) {
    sqlite::Database db(path, sqlite::Database::Mode::kCreate);
    // Small pages: a merge upserts rows at random keys, and the journal holds a copy of every
    // page it touches.
    db.exec("PRAGMA page_size = 4096;");
    sqlite::Transaction tx(db);
    db.exec(store::kRollupSchemaSql);
    {
        sqlite::Statement st(db,
                             "INSERT INTO rollup (schema_version, day, from_us, to_us, time_zone, labels, software)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        st.bind(1, std::int64_t{store::kRollupSchemaVersion}).bind(2, std::string_view(day.name));
        st.bind(3, day.from_us).bind(4, day.to_us).bind(5, std::string_view(time_zone_name()));
        st.bind(6, std::string_view(labels)).bind(7, std::string_view("ipaudit " IPAUDIT_REPORT_VERSION));
        st.run();
    }
    tx.commit();
    db.close();
    store::sync_path(path, false);
}

// The merge, statement by statement; `iv` is the attached interval file. Temporary tables
// hold this interval's groups so each is computed once.
const char* const kMergeInterval = R"sql(
INSERT INTO interval (file, fingerprint, start_time, end_time, covered_from_us, covered_to_us, partial, packets,
    wire_bytes, ip_packets, ip_bytes, sessions, overflow_packets, dropped, decode_errors, bytes_in, bytes_out,
    bytes_internal, bytes_external)
SELECT ?1, ?2, start_time, end_time, covered_from_us, covered_to_us, partial, packets, wire_bytes, ip_packets,
    ip_bytes, sessions, overflow_packets, coalesce(pcap_dropped, 0) + coalesce(pcap_if_dropped, 0),
    (SELECT coalesce(sum(packets), 0) FROM iv.decode_count WHERE kind = 'outcome' AND name NOT IN ('ip', 'non_ip')),
    d.bin, d.bout, d.bint, d.bext
FROM iv.interval,
    (SELECT coalesce(sum(CASE WHEN class_a = 'L' AND class_b <> 'L' THEN bytes_ba END), 0) AS bin,
            coalesce(sum(CASE WHEN class_a = 'L' AND class_b <> 'L' THEN bytes_ab END), 0) AS bout,
            coalesce(sum(CASE WHEN class_a = 'L' AND class_b = 'L' THEN bytes_ab + bytes_ba END), 0) AS bint,
            coalesce(sum(CASE WHEN class_a <> 'L' THEN bytes_ab + bytes_ba END), 0) AS bext
     FROM iv.session) AS d;
)sql";

// An interval file's sessions per host pair (the columns of table pair). Classes are the
// greatest seen ('R' over 'O' over 'L') here and in every merge, so that the incremental and
// bulk paths agree when a host's class changed during the day.
const char* const kFilePairs =
    "SELECT ip_a, ip_b, max(class_a) AS class_a, max(class_b) AS class_b, sum(bytes_ab) AS bytes_ab,"
    " sum(bytes_ba) AS bytes_ba, sum(packets_ab) AS packets_ab, sum(packets_ba) AS packets_ba, count(*) AS sessions,"
    " max(bytes_ab + bytes_ba) AS largest, min(first_us) AS first_us, max(last_us) AS last_us"
    " FROM iv.session GROUP BY ip_a, ip_b";

// The same, one group per session (sessions = 1), for the bulk build (see stage_file).
const char* const kFileSessionsAsPairs =
    "SELECT ip_a, ip_b, class_a, class_b, bytes_ab, bytes_ba, packets_ab, packets_ba, 1, bytes_ab + bytes_ba,"
    " first_us, last_us FROM iv.session";

const char* const kMergePairsAndHosts = R"sql(
CREATE TEMP TABLE p AS
SELECT f.*, NOT EXISTS (SELECT 1 FROM main.pair m WHERE m.ip_a = f.ip_a AND m.ip_b = f.ip_b) AS new
FROM (@FILE_PAIRS@) AS f;

INSERT INTO host (ip, class, bytes_in, bytes_out, packets_in, packets_out, sessions, peers)
SELECT ip, max(class), sum(bin), sum(bout), sum(pin), sum(pout), sum(sessions), sum(new) FROM (
    SELECT ip_a AS ip, class_a AS class, bytes_ba AS bin, bytes_ab AS bout, packets_ba AS pin, packets_ab AS pout,
        sessions, new FROM temp.p
    UNION ALL
    SELECT ip_b, class_b, bytes_ab, bytes_ba, packets_ab, packets_ba, sessions, new FROM temp.p WHERE ip_b <> ip_a)
WHERE true GROUP BY ip
ON CONFLICT (ip) DO UPDATE SET class = max(class, excluded.class), bytes_in = bytes_in + excluded.bytes_in,
    bytes_out = bytes_out + excluded.bytes_out, packets_in = packets_in + excluded.packets_in,
    packets_out = packets_out + excluded.packets_out, sessions = sessions + excluded.sessions,
    peers = peers + excluded.peers;

INSERT INTO pair (ip_a, ip_b, class_a, class_b, bytes_ab, bytes_ba, packets_ab, packets_ba, sessions, largest,
    first_us, last_us)
SELECT ip_a, ip_b, class_a, class_b, bytes_ab, bytes_ba, packets_ab, packets_ba, sessions, largest, first_us, last_us
FROM temp.p WHERE true
ON CONFLICT (ip_a, ip_b) DO UPDATE SET class_a = max(class_a, excluded.class_a), class_b = max(class_b, excluded.class_b),
    bytes_ab = bytes_ab + excluded.bytes_ab, bytes_ba = bytes_ba + excluded.bytes_ba,
    packets_ab = packets_ab + excluded.packets_ab, packets_ba = packets_ba + excluded.packets_ba,
    sessions = sessions + excluded.sessions, largest = max(largest, excluded.largest),
    first_us = min(first_us, excluded.first_us), last_us = max(last_us, excluded.last_us);

DROP TABLE temp.p;
)sql";

std::string merge_pairs_and_hosts_sql() {
    std::string sql = kMergePairsAndHosts;
    const std::string placeholder = "@FILE_PAIRS@";
    sql.replace(sql.find(placeholder), placeholder.size(), kFilePairs);
    return sql;
}

// Traffic groups as traffic_report forms them: responder and initiator port when labelled.
std::string merge_traffic_sql() {
    const std::string resp = "(CASE WHEN first_talker = 'a' THEN port_b ELSE port_a END)";
    const std::string init = "(CASE WHEN first_talker = 'a' THEN port_a ELSE port_b END)";
    return "INSERT INTO traffic (proto, responder_port, initiator_port, orientation, bytes_ab, bytes_ba, packets,"
           " sessions) SELECT proto, rp, ip, o, sum(bytes_ab), sum(bytes_ba), sum(packets_ab + packets_ba), count(*)"
           " FROM (SELECT proto, bytes_ab, bytes_ba, packets_ab, packets_ba,"
           " CASE WHEN proto IN (6, 17) AND " + resp + " IN (SELECT port FROM temp.labelled) THEN " + resp +
           " ELSE -1 END AS rp,"
           " CASE WHEN proto IN (6, 17) AND " + init + " IN (SELECT port FROM temp.labelled) THEN " + init +
           " ELSE -1 END AS ip,"
           " CASE WHEN class_a = 'L' AND class_b <> 'L' THEN 1 WHEN class_b = 'L' AND class_a <> 'L' THEN 2"
           " ELSE 0 END AS o FROM iv.session) WHERE true GROUP BY proto, rp, ip, o"
           " ON CONFLICT (proto, responder_port, initiator_port, orientation) DO UPDATE SET"
           " bytes_ab = bytes_ab + excluded.bytes_ab, bytes_ba = bytes_ba + excluded.bytes_ba,"
           " packets = packets + excluded.packets, sessions = sessions + excluded.sessions;";
}

// The probes of an interval file (the scanner is the first talker), one row per session.
std::string file_probe_rows() {
    const auto scanner = [](const std::string& col) { return client_column(col); };
    const auto target = [](const std::string& col) { return server_column(col); };
    return "SELECT " + scanner("ip") + " AS scanner, " + target("ip") + " AS target, proto, " + target("port") +
           " AS port, " + scanner("port") + " AS sport, " + scanner("class") + " = 'L' AS outgoing, " +
           server_sent("packets") + " > 0 AS rejected, first_us, last_us FROM iv.session WHERE " +
           scanner_probe_condition();
}

// Per target (the columns of table scan_target), from probe rows in `from`.
std::string probe_groups(const std::string& from) {
    return "SELECT scanner, target, proto, port, max(outgoing) AS outgoing, min(rejected) AS rejected, count(*) AS probes,"
           " min(first_us) AS first_us, max(last_us) AS last_us FROM (" + from + ") GROUP BY scanner, target, proto, port";
}

// The same as one group per probe (probes = 1), for the bulk build (see file_answered_ungrouped).
std::string probe_ungrouped(const std::string& from) {
    return "SELECT scanner, target, proto, port, outgoing, rejected, 1, first_us, last_us FROM (" + from + ")";
}

// Per scanner (the columns of table scanner), from scan_target rows that match `where`.
std::string scanner_summary(const std::string& where) {
    return "SELECT scanner, max(outgoing), count(*), sum(rejected), count(DISTINCT target),"
           " count(DISTINCT proto * 65536 + port), sum(probes), min(first_us), max(last_us) FROM scan_target WHERE " +
           where + " GROUP BY scanner";
}

std::string merge_scanners_sql() {
    return "CREATE TEMP TABLE probe AS " + file_probe_rows() +
           ";\n"
           "INSERT INTO scan_target (scanner, target, proto, port, outgoing, rejected, probes, first_us, last_us) " +
           probe_groups("SELECT * FROM temp.probe") +
           " ON CONFLICT (scanner, target, proto, port) DO UPDATE SET outgoing = max(outgoing, excluded.outgoing),"
           " rejected = rejected AND excluded.rejected, probes = probes + excluded.probes,"
           " first_us = min(first_us, excluded.first_us), last_us = max(last_us, excluded.last_us);\n"
           "INSERT OR IGNORE INTO scan_source (scanner, source_port, target)"
           " SELECT DISTINCT scanner, sport, target FROM temp.probe;\n"
           "INSERT OR REPLACE INTO scanner (ip, outgoing, targets, rejected, hosts, ports, probes, first_us, last_us) " +
           scanner_summary("scanner IN (SELECT scanner FROM temp.probe)") +
           ";\n"
           "DROP TABLE temp.probe;";
}

// Who answered whom on a watched port in an interval file, one row per session.
std::string file_answered_sessions() {
    return "SELECT " + server_column("ip") + " AS s, " + client_column("ip") + " AS c, proto, " +
           server_column("port") + " AS sport, " + client_sent("bytes") + " AS bin, " + server_sent("bytes") +
           " AS bout, " + server_column("class") + " AS sc, " + client_column("class") +
           " AS cc, packets_ab + packets_ba AS pk FROM iv.session WHERE " + server_answered_condition();
}

// The same grouped (the columns of table service_peer).
std::string file_answered_groups() {
    return "SELECT s AS server, proto, sport AS port, c AS client, max(sc) AS server_class, max(cc) AS client_class,"
           " count(*) AS sessions, sum(bin) AS bytes_in, sum(bout) AS bytes_out, sum(pk) AS packets"
           " FROM (" + file_answered_sessions() +
           ") WHERE (proto, sport) IN (SELECT proto, port FROM temp.watched) GROUP BY s, proto, sport, c";
}

// The same as one group per session (sessions = 1): the bulk build groups the staged rows once
// at the end, so grouping each file first only sorts the same rows twice.
std::string file_answered_ungrouped() {
    return "SELECT s, proto, sport, c, sc, cc, 1, bin, bout, pk FROM (" + file_answered_sessions() +
           ") WHERE (proto, sport) IN (SELECT proto, port FROM temp.watched)";
}

// Per local server and service (table service_server), per local client and service
// (service_client), from the service_peer rows that match `where`.
std::string service_server_summary(const std::string& where) {
    return "SELECT server, proto, port, count(*), sum(sessions), sum(bytes_in), sum(bytes_out), sum(packets)"
           " FROM service_peer WHERE server_class = 'L' AND " + where + " GROUP BY server, proto, port";
}
std::string service_client_summary(const std::string& where) {
    return "SELECT client, proto, port, count(*), sum(sessions), sum(bytes_out), sum(bytes_in), sum(packets)"
           " FROM service_peer WHERE client_class = 'L' AND " + where + " GROUP BY client, proto, port";
}

std::string merge_servers_sql() {
    return "CREATE TEMP TABLE answered AS " + file_answered_groups() +
           ";\n"
           "INSERT INTO service_peer (server, proto, port, client, server_class, client_class, sessions, bytes_in,"
           " bytes_out, packets) SELECT * FROM temp.answered WHERE true ON CONFLICT (server, proto, port, client)"
           " DO UPDATE SET server_class = max(server_class, excluded.server_class),"
           " client_class = max(client_class, excluded.client_class),"
           " sessions = sessions + excluded.sessions, bytes_in = bytes_in + excluded.bytes_in,"
           " bytes_out = bytes_out + excluded.bytes_out, packets = packets + excluded.packets;\n"
           "INSERT OR REPLACE INTO service_server (server, proto, port, clients, sessions, bytes_in, bytes_out, packets) " +
           service_server_summary("(server, proto, port) IN (SELECT server, proto, port FROM temp.answered)") +
           ";\n"
           "INSERT OR REPLACE INTO service_client (client, proto, port, servers, sessions, bytes_in, bytes_out, packets) " +
           service_client_summary("(client, proto, port) IN (SELECT client, proto, port FROM temp.answered)") +
           ";\n"
           "DROP TABLE temp.answered;";
}

// The ports the labels name (traffic) and watch (servers), as temporary tables of `db`.
void load_label_tables(sqlite::Database& db, const PortLabels& labels) {
    db.exec("CREATE TEMP TABLE IF NOT EXISTS labelled (port INTEGER PRIMARY KEY);"
            "CREATE TEMP TABLE IF NOT EXISTS watched (proto INTEGER, port INTEGER, PRIMARY KEY (proto, port));"
            "DELETE FROM temp.labelled; DELETE FROM temp.watched;");
    sqlite::Statement l(db, "INSERT OR IGNORE INTO temp.labelled (port) VALUES (?1)");
    for (const PortLabel& e : labels.entries()) {
        l.bind(1, std::int64_t{e.port});
        l.run();
    }
    sqlite::Statement w(db, "INSERT OR IGNORE INTO temp.watched (proto, port) VALUES (?1, ?2)");
    for (const PortLabel& e : labels.watched()) {
        w.bind(1, std::int64_t{e.proto}).bind(2, std::int64_t{e.port});
        w.run();
    }
}

struct RollupRow {
    LocalDay day;
    std::string time_zone;
    std::string labels;
};

std::optional<RollupRow> read_rollup_row(sqlite::Database& db) {
    sqlite::Statement st(db, "SELECT day, from_us, to_us, time_zone, labels FROM rollup");
    if (!st.step()) return std::nullopt;
    RollupRow r;
    r.day.name = std::string(st.column_text(0));
    r.day.from_us = st.column_int(1);
    r.day.to_us = st.column_int(2);
    r.time_zone = std::string(st.column_text(3));
    r.labels = std::string(st.column_text(4));
    return r;
}

// Opens an existing rollup read-write after checking it is one; nullopt when it is not
// usable as it is (another schema, another day length, other labels): the caller rebuilds.
std::optional<sqlite::Database> open_for_merge(const fs::path& path, const LocalDay& day, const std::string& labels) {
    sqlite::Database db(path, sqlite::Database::Mode::kCreate);
    sqlite3_busy_timeout(db.get(), 60'000);
    // 64 MiB: the upserts revisit the pages of big tables. No fsync: the journal still makes a
    // merge all or nothing when the process dies (kill -9); only a power failure in the middle
    // of a merge can damage a rollup, which is derived data: `ipaudit rollup --rebuild DAY`
    // restores it from the interval files. With fsync, a merge into a big day costs seconds
    // of disk flushes (docs/BENCHMARKS.md).
    db.exec("PRAGMA cache_size = -65536; PRAGMA synchronous = OFF;");
    try {
        sqlite::Statement app(db, "PRAGMA application_id");
        sqlite::Statement ver(db, "PRAGMA user_version");
        if (!app.step() || !ver.step() || app.column_int(0) != store::kRollupApplicationId ||
            ver.column_int(0) != store::kRollupSchemaVersion)
            return std::nullopt;
        const auto row = read_rollup_row(db);
        if (!row || row->day != day || row->labels != labels) return std::nullopt;
    } catch (const sqlite::Error&) {
        return std::nullopt;  // corrupt: rebuilt from the interval files
    }
    return db;
}

struct IntervalIdentity {
    fs::path relative;
    std::string fingerprint;
    std::int64_t start_us = 0;
    bool empty = true;
};

IntervalIdentity identify(const fs::path& data_dir, const fs::path& file) {
    const fs::path relative = file.lexically_normal().lexically_relative(data_dir.lexically_normal());
    if (relative.empty() || *relative.begin() != "intervals")
        throw RollupError(file.string() + ": not an interval file under " + (data_dir / "intervals").string());
    sqlite::Database iv = store::open_interval_file(file);
    const IntervalInfo info = read_interval_info(iv);
    return {relative, fingerprint_of(iv), info.start_time * kMicros, !info.first_packet_us.has_value()};
}

// The merge proper: `db` is the day's rollup, open read-write.
// Attaches an interval file read-only as "iv" for the life of the object: the merge must never
// lock an interval file against its readers.
class AttachedInterval {
public:
    AttachedInterval(sqlite::Database& db, const fs::path& path) : db_(db) {
        sqlite::Statement attach(db, "ATTACH DATABASE ?1 AS iv");
        attach.bind(1, std::string_view(sqlite::read_only_uri(path)));
        attach.run();
    }
    AttachedInterval(const AttachedInterval&) = delete;
    AttachedInterval& operator=(const AttachedInterval&) = delete;
    ~AttachedInterval() {
        try {
            db_.exec("DETACH DATABASE iv");
        } catch (const sqlite::Error&) {
        }
    }

private:
    sqlite::Database& db_;
};

// Runs `body` in one transaction (BEGIN IMMEDIATE: concurrent mergers queue on the lock).
template <typename Body>
void in_transaction(sqlite::Database& db, Body body) {
    db.exec("BEGIN IMMEDIATE");
    try {
        body();
        db.exec("COMMIT");
    } catch (...) {
        try {
            db.exec("ROLLBACK");
        } catch (const sqlite::Error&) {
        }
        throw;
    }
}

void insert_interval_row(sqlite::Database& db, const IntervalIdentity& id) {
    sqlite::Statement interval(db, kMergeInterval);
    interval.bind(1, std::string_view(id.relative.generic_string())).bind(2, std::string_view(id.fingerprint));
    interval.run();
}

// Whether the rollup holds the file already (checked again inside the merge's transaction:
// the daemon and `ipaudit rollup` may both be merging).
bool holds(sqlite::Database& db, const IntervalIdentity& id) {
    sqlite::Statement st(db, "SELECT 1 FROM interval WHERE file = ?1");
    st.bind(1, std::string_view(id.relative.generic_string()));
    return st.step();
}

// The incremental merge: upserts into the rollup's tables. Returns false when another process
// merged the file first.
bool merge_into(sqlite::Database& db, const fs::path& data_dir, const IntervalIdentity& id, const PortLabels& labels) {
    const AttachedInterval attached(db, data_dir / id.relative);
    load_label_tables(db, labels);
    bool merged = false;
    in_transaction(db, [&] {
        if (holds(db, id)) return;
        insert_interval_row(db, id);
        db.exec(merge_pairs_and_hosts_sql());
        db.exec(merge_traffic_sql());
        db.exec(merge_scanners_sql());
        db.exec(merge_servers_sql());
        merged = true;
    });
    return merged;
}

// The bulk build (rebuild): each file's groups are appended to staging tables in the attached
// database "st"; finish_bulk then groups them once, in key order, into empty tables, which is
// far cheaper than upserting each file into ever larger B-trees.
const char* const kStageTables = R"sql(
CREATE TABLE st.pair AS SELECT * FROM main.pair WHERE 0;
CREATE TABLE st.probe AS SELECT * FROM main.scan_target WHERE 0;
CREATE TABLE st.source AS SELECT * FROM main.scan_source WHERE 0;
CREATE TABLE st.answered AS SELECT * FROM main.service_peer WHERE 0;
)sql";

void stage_file(sqlite::Database& db, const fs::path& data_dir, const IntervalIdentity& id) {
    const AttachedInterval attached(db, data_dir / id.relative);
    in_transaction(db, [&] {
        insert_interval_row(db, id);
        // Sessions staged as they are, one group each: finish_bulk groups every file's rows
        // once (the same sums, counts, minima and maxima as grouping each file first).
        db.exec(std::string("INSERT INTO st.pair ") + kFileSessionsAsPairs + ";");
        db.exec(merge_traffic_sql());
        db.exec("INSERT INTO st.probe " + probe_ungrouped(file_probe_rows()) + ";");
        db.exec("INSERT INTO st.source SELECT DISTINCT scanner, sport, target FROM (" + file_probe_rows() + ");");
        db.exec("INSERT INTO st.answered " + file_answered_ungrouped() + ";");
    });
}

// A day's rollup as an input of a span: its rows are groups already, staged as they are.
void stage_rollup(sqlite::Database& db, const fs::path& rollup) {
    {
        sqlite::Statement attach(db, "ATTACH DATABASE ?1 AS rv");
        attach.bind(1, std::string_view(sqlite::read_only_uri(rollup)));
        attach.run();
    }
    struct Detach {
        sqlite::Database& db;
        ~Detach() {
            try {
                db.exec("DETACH DATABASE rv");
            } catch (const sqlite::Error&) {
            }
        }
    } detach{db};
    in_transaction(db, [&] {
        db.exec("INSERT INTO interval SELECT * FROM rv.interval;"
                "INSERT INTO st.pair SELECT * FROM rv.pair;"
                "INSERT INTO traffic SELECT * FROM rv.traffic WHERE true"
                " ON CONFLICT (proto, responder_port, initiator_port, orientation) DO UPDATE SET"
                " bytes_ab = bytes_ab + excluded.bytes_ab, bytes_ba = bytes_ba + excluded.bytes_ba,"
                " packets = packets + excluded.packets, sessions = sessions + excluded.sessions;"
                "INSERT INTO st.probe SELECT * FROM rv.scan_target;"
                "INSERT INTO st.source SELECT * FROM rv.scan_source;"
                "INSERT INTO st.answered SELECT * FROM rv.service_peer;");
    });
}

const char* const kFinishBulk = R"sql(
INSERT INTO pair SELECT ip_a, ip_b, max(class_a), max(class_b), sum(bytes_ab), sum(bytes_ba), sum(packets_ab),
    sum(packets_ba), sum(sessions), max(largest), min(first_us), max(last_us) FROM st.pair GROUP BY ip_a, ip_b;
INSERT INTO host SELECT ip, max(class), sum(bin), sum(bout), sum(pin), sum(pout), sum(sessions), count(*) FROM (
    SELECT ip_a AS ip, class_a AS class, bytes_ba AS bin, bytes_ab AS bout, packets_ba AS pin, packets_ab AS pout, sessions
    FROM pair
    UNION ALL
    SELECT ip_b, class_b, bytes_ab, bytes_ba, packets_ab, packets_ba, sessions FROM pair WHERE ip_b <> ip_a)
GROUP BY ip;
INSERT INTO scan_target SELECT scanner, target, proto, port, max(outgoing), min(rejected), sum(probes), min(first_us),
    max(last_us) FROM st.probe GROUP BY scanner, target, proto, port;
INSERT INTO scan_source SELECT DISTINCT scanner, source_port, target FROM st.source ORDER BY 1, 2, 3;
INSERT INTO service_peer SELECT server, proto, port, client, max(server_class), max(client_class), sum(sessions),
    sum(bytes_in), sum(bytes_out), sum(packets) FROM st.answered GROUP BY server, proto, port, client;
)sql";

void finish_bulk(sqlite::Database& db) {
    in_transaction(db, [&] {
        db.exec(kFinishBulk);
        db.exec("INSERT INTO scanner " + scanner_summary("1") + ";");
        db.exec("INSERT INTO service_server " + service_server_summary("1") + ";");
        db.exec("INSERT INTO service_client " + service_client_summary("1") + ";");
        db.exec(store::kRollupIndexesSql);
    });
}

// Whether an interval file fails SQLite's quick check (damaged pages behind a readable header).
bool interval_file_damaged(const fs::path& path) {
    try {
        sqlite::Database db = store::open_interval_file(path);
        sqlite::Statement st(db, "PRAGMA quick_check");
        return !st.step() || st.column_text(0) != "ok";
    } catch (const std::exception&) {
        return true;
    }
}

// What the rollup holds: file -> fingerprint.
std::map<std::string, std::string> merged_files(sqlite::Database& db) {
    std::map<std::string, std::string> out;
    sqlite::Statement st(db, "SELECT file, fingerprint FROM interval");
    while (st.step()) out.emplace(std::string(st.column_text(0)), std::string(st.column_text(1)));
    return out;
}

}  // namespace

std::vector<fs::path> day_interval_files(const fs::path& data_dir, const LocalDay& day, std::vector<std::string>& notes) {
    const IntervalCatalog catalog(data_dir);
    std::vector<fs::path> out;
    // A file belongs to the day of its nominal start, but its packets may all fall after
    // midnight (an interval that straddles it: a zone like UTC+05:45, or a long --interval):
    // look a day either side and keep the files that start in the day.
    constexpr std::int64_t kDayUs = 86'400'000'000LL;
    for (const IntervalFile& f : catalog.files(Period{day.from_us - kDayUs, day.to_us + kDayUs}, notes)) {
        const std::int64_t start_us = f.info.start_time * kMicros;
        if (start_us < day.from_us || start_us >= day.to_us) continue;
        out.push_back(f.path.lexically_normal().lexically_relative(data_dir.lexically_normal()));
    }
    std::sort(out.begin(), out.end());
    return out;
}

RollupWriter::RollupWriter(fs::path data_dir, PortLabels labels)
    : data_dir_(std::move(data_dir)), labels_(std::move(labels)), labels_fingerprint_(labels_fingerprint(labels_)) {}

RollupWriter::Outcome RollupWriter::merge(const fs::path& interval_file) {
    const IntervalIdentity id = identify(data_dir_, interval_file);
    if (id.empty) return Outcome::kEmpty;
    // The whole day is brought up to date, not just this file: an earlier merge that was
    // interrupted (kill -9, full disk) is completed by the next one.
    const DayResult day = update(local_day_of(id.start_us));
    if (day.rebuilt) return Outcome::kRebuilt;
    return day.merged > 0 ? Outcome::kMerged : Outcome::kAlreadyMerged;
}

// Builds the rollup `target` at `path` in bulk: `stage_inputs` appends every input to the
// staging tables, then the groups are formed once; written under a temporary name, renamed.
void RollupWriter::bulk_build(const LocalDay& target, const fs::path& path,
                              const std::function<void(sqlite::Database&)>& stage_inputs) {
    const fs::path dir = path.parent_path();
    std::error_code ec;
    fs::create_directories(dir);
    const std::string prefix = "." + path.filename().string() + ".tmp-";
    store::remove_dead_writers_temp_files(dir, prefix);
    store::remove_dead_writers_temp_files(dir, prefix + "stage-");
    const fs::path temp = dir / (prefix + std::to_string(::getpid()));
    const fs::path stage = dir / (prefix + "stage-" + std::to_string(::getpid()));
    fs::remove(temp, ec);
    fs::remove(stage, ec);
    try {
        create_rollup_file(temp, target, labels_fingerprint_);
        sqlite::Database db(temp, sqlite::Database::Mode::kCreate);
        // Nobody else sees these files until the rename: no disk journal, no fsync until
        // the end. The journal in memory still lets an input that fails half way roll back.
        // A 16 MiB cache (it also bounds the sorter's memory) is as fast as 64 MiB and keeps an
        // import's peak memory at its session table: 1M sessions imported peak at 100 MB
        // instead of 160, a day of 4.8M sessions rebuilds in 96 s with 43 MB instead of
        // 114 s with 160 MB (docs/BENCHMARKS.md).
        db.exec("PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA cache_size = -16384;");
        {
            sqlite::Statement attach(db, "ATTACH DATABASE ?1 AS st");
            attach.bind(1, std::string_view(stage.string()));
            attach.run();
        }
        db.exec("PRAGMA st.journal_mode = MEMORY; PRAGMA st.synchronous = OFF;");
        db.exec(kStageTables);
        load_label_tables(db, labels_);
        stage_inputs(db);
        finish_bulk(db);
        db.exec("DETACH DATABASE st");
        fs::remove(stage, ec);
        db.exec("PRAGMA journal_mode = DELETE;");
        db.close();
        store::sync_path(temp, false);
        fs::rename(temp, path);
        store::sync_path(dir, true);
    } catch (...) {
        fs::remove(temp, ec);
        fs::remove(stage, ec);
        throw;
    }
}

RollupWriter::DayResult RollupWriter::rebuild(const LocalDay& day) {
    DayResult result;
    result.day = day;
    result.rebuilt = true;
    const fs::path path = rollup_path(data_dir_, day);
    const auto files = day_interval_files(data_dir_, day, result.notes);
    std::error_code ec;
    try {
        if (files.empty()) {
            fs::remove(path, ec);
            return result;
        }
        bulk_build(day, path, [&](sqlite::Database& db) {
            for (const fs::path& rel : files) {
                try {
                    const IntervalIdentity id = identify(data_dir_, data_dir_ / rel);
                    if (id.empty) continue;
                    stage_file(db, data_dir_, id);
                    ++result.merged;
                } catch (const store::NotAnIntervalFile& e) {
                    result.notes.push_back(std::string("skipped ") + e.what());
                } catch (const sqlite::Error& e) {  // damaged pages in one file: the others still count
                    result.notes.push_back("skipped " + rel.string() + ": " + e.what());
                }
            }
        });
    } catch (const sqlite::Error& e) {
        throw RollupError("cannot rebuild " + path.string() + ": " + e.what());
    } catch (const fs::filesystem_error& e) {
        throw RollupError("cannot rebuild " + path.string() + ": " + e.what());
    }
    return result;
}

RollupWriter::DayResult RollupWriter::build_span(const LocalDay& first, const LocalDay& last) {
    DayResult result;
    result.day = span_of(first, last);
    result.rebuilt = true;
    const fs::path path = rollup_path(data_dir_, result.day);
    std::vector<fs::path> days;
    for (std::int64_t at = first.from_us; at < last.to_us;) {
        const LocalDay day = local_day_of(at);
        at = day.to_us;
        const DayResult d = update(day);  // the span is only as complete as its days
        for (const std::string& note : d.notes) result.notes.push_back(day.name + ": " + note);
        std::error_code ec;
        if (fs::exists(rollup_path(data_dir_, day), ec)) days.push_back(rollup_path(data_dir_, day));
    }
    std::error_code ec;
    try {
        if (days.empty()) {
            fs::remove(path, ec);
            return result;
        }
        bulk_build(result.day, path, [&](sqlite::Database& db) {
            for (const fs::path& day : days) {
                stage_rollup(db, day);
                ++result.merged;
            }
        });
    } catch (const sqlite::Error& e) {
        throw RollupError("cannot build " + path.string() + ": " + e.what());
    } catch (const fs::filesystem_error& e) {
        throw RollupError("cannot build " + path.string() + ": " + e.what());
    }
    return result;
}

RollupWriter::DayResult RollupWriter::update(const LocalDay& day) {
    DayResult result;
    result.day = day;
    const fs::path path = rollup_path(data_dir_, day);
    const auto files = day_interval_files(data_dir_, day, result.notes);
    std::error_code ec;
    if (!fs::exists(path, ec)) return files.empty() ? result : rebuild(day);
    try {
        auto db = open_for_merge(path, day, labels_fingerprint_);
        if (!db) return rebuild(day);
        const auto held = merged_files(*db);
        // Many files to add (an import, a day the daemon could not merge): one bulk build is
        // much cheaper than that many upserts into the day's tables.
        const auto missing = std::count_if(files.begin(), files.end(),
                                           [&](const fs::path& rel) { return !held.contains(rel.generic_string()); });
        if (missing >= kBulkThreshold) {
            db.reset();
            return rebuild(day);
        }
        for (const fs::path& rel : files) {
            const IntervalIdentity id = identify(data_dir_, data_dir_ / rel);
            const auto it = held.find(rel.generic_string());
            if (it != held.end() && it->second == id.fingerprint) {
                ++result.already;
                continue;
            }
            if (it != held.end()) {
                db.reset();
                return rebuild(day);
            }
            if (id.empty) continue;
            try {
                if (merge_into(*db, data_dir_, id, labels_)) {
                    ++result.merged;
                } else {
                    ++result.already;
                }
            } catch (const sqlite::Error& e) {
                // The merge rolled back. A damaged interval file is a note and the rest of the
                // day still merges; a damaged rollup is rebuilt (below).
                if (!interval_file_damaged(data_dir_ / rel)) throw;
                result.notes.push_back("skipped " + rel.string() + ": " + e.what());
            }
        }
        db->close();
    } catch (const sqlite::Error& e) {
        // A damaged rollup (a power failure mid-merge, a disk error) is rebuilt from the files.
        const int primary = e.code() & 0xff;
        if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) return rebuild(day);
        throw RollupError("cannot update " + path.string() + ": " + e.what());
    }
    return result;
}

std::vector<LocalDay> RollupWriter::days_with_intervals() const {
    std::set<std::string> names;
    std::vector<LocalDay> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(data_dir_ / "intervals", ec), end; !ec && it != end; it.increment(ec)) {
        const auto start = parse_interval_file_name(it->path().filename().string());
        if (!start || it->path().filename().string().starts_with('.')) continue;
        // The nominal start is at or before the coverage start the name states: the file belongs
        // to that day or, when its interval straddles midnight, to the day before.
        LocalDay day = local_day_of(*start * kMicros);
        LocalDay before = local_day_of(day.from_us - 1);
        if (names.insert(day.name).second) out.push_back(std::move(day));
        if (names.insert(before.name).second) out.push_back(std::move(before));
    }
    std::sort(out.begin(), out.end(), [](const LocalDay& a, const LocalDay& b) { return a.from_us < b.from_us; });
    return out;
}

}  // namespace ipaudit::report
