-- ipaudit daily rollup, schema version 1: what the reports need over days, one file per day.
--
-- DATA/rollups/YYYY-MM-DD.db holds the interval files whose nominal start falls in that local
-- day (the time zone of the process that merged them, recorded below; a 23- or 25-hour day is
-- still one day). ipauditd's writer merges each interval file into its day right after writing
-- it, in one transaction; `ipaudit rollup` merges any it missed and `ipaudit rollup --rebuild
-- DAY` rebuilds a day from its interval files with the same statements, so both give the same
-- rows. Table `interval` records which files a rollup holds: merging a file twice changes
-- nothing, and a file replaced by a re-import (other content, same name) makes the day rebuild.
--
-- Sums are exact: a session split over two interval files counts as two sessions (its bytes are
-- split between them), as it does for reports that read the interval files. Distinct counts
-- (peers, targets, clients) are exact over the day: the evidence rows they count are kept.
-- IPs are 16-byte BLOBs as in interval files (IPv4 mapped). Readers open rollups read-only.

PRAGMA application_id = 1229996370;  -- 0x49504152, 'IPAR'
PRAGMA user_version = 1;

-- Exactly one row: the day and how it was built.
CREATE TABLE rollup (
    schema_version INTEGER NOT NULL,
    day            TEXT    NOT NULL,  -- YYYY-MM-DD, local
    from_us        INTEGER NOT NULL,  -- the local day [from_us, to_us), epoch microseconds
    to_us          INTEGER NOT NULL,
    time_zone      TEXT    NOT NULL,  -- TZ of the merging process ('' when unset)
    labels         TEXT    NOT NULL,  -- fingerprint of the labelled and watched ports used below
    software       TEXT    NOT NULL
);

-- One row per interval file merged, with its figures for charts and capture health.
CREATE TABLE interval (
    file             TEXT    PRIMARY KEY,  -- relative to the data directory
    fingerprint      TEXT    NOT NULL,     -- the file's interval row in short: a replaced file differs
    start_time       INTEGER NOT NULL,     -- as in the interval file
    end_time         INTEGER NOT NULL,
    covered_from_us  INTEGER NOT NULL,
    covered_to_us    INTEGER NOT NULL,
    partial          INTEGER NOT NULL,
    packets          INTEGER NOT NULL,
    wire_bytes       INTEGER NOT NULL,
    ip_packets       INTEGER NOT NULL,
    ip_bytes         INTEGER NOT NULL,
    sessions         INTEGER NOT NULL,
    overflow_packets INTEGER NOT NULL,
    dropped          INTEGER NOT NULL,     -- pcap dropped + interface dropped
    decode_errors    INTEGER NOT NULL,     -- packets whose outcome is neither ip nor non_ip
    bytes_in         INTEGER NOT NULL,     -- received by local hosts from non-local ones
    bytes_out        INTEGER NOT NULL,     -- sent by local hosts to non-local ones
    bytes_internal   INTEGER NOT NULL,     -- local to local
    bytes_external   INTEGER NOT NULL      -- no local side
) WITHOUT ROWID;

-- Per host pair, oriented as sessions are: ip_a is the local side when exactly one side is
-- local, otherwise the smaller address.
CREATE TABLE pair (
    ip_a        BLOB    NOT NULL,
    ip_b        BLOB    NOT NULL,
    class_a     TEXT    NOT NULL,  -- 'L', 'R' or 'O', as in the latest interval merged
    class_b     TEXT    NOT NULL,
    bytes_ab    INTEGER NOT NULL,
    bytes_ba    INTEGER NOT NULL,
    packets_ab  INTEGER NOT NULL,
    packets_ba  INTEGER NOT NULL,
    sessions    INTEGER NOT NULL,
    largest     INTEGER NOT NULL,  -- bytes both ways of the largest session (per interval file)
    first_us    INTEGER NOT NULL,
    last_us     INTEGER NOT NULL,
    PRIMARY KEY (ip_a, ip_b)
) WITHOUT ROWID;

-- Per host, over every session it took part in.
CREATE TABLE host (
    ip          BLOB    PRIMARY KEY,
    class       TEXT    NOT NULL,
    bytes_in    INTEGER NOT NULL,  -- received by this host
    bytes_out   INTEGER NOT NULL,
    packets_in  INTEGER NOT NULL,
    packets_out INTEGER NOT NULL,
    sessions    INTEGER NOT NULL,
    peers       INTEGER NOT NULL   -- distinct hosts on the other side (rows of pair)
) WITHOUT ROWID;

-- Per protocol, responder port and initiator port (each -1 unless labelled in ports.conf when
-- merged) and local orientation (1 side A local only, 2 side B local only, 0 both or neither).
CREATE TABLE traffic (
    proto          INTEGER NOT NULL,
    responder_port INTEGER NOT NULL,
    initiator_port INTEGER NOT NULL,
    orientation    INTEGER NOT NULL,
    bytes_ab       INTEGER NOT NULL,
    bytes_ba       INTEGER NOT NULL,
    packets        INTEGER NOT NULL,
    sessions       INTEGER NOT NULL,
    PRIMARY KEY (proto, responder_port, initiator_port, orientation)
) WITHOUT ROWID;

-- Scanner evidence: each target (host, protocol, port) a scanner probed that never answered or
-- only rejected (the rule of the scanners report).
CREATE TABLE scan_target (
    scanner   BLOB    NOT NULL,
    target    BLOB    NOT NULL,
    proto     INTEGER NOT NULL,
    port      INTEGER NOT NULL,
    outgoing  INTEGER NOT NULL,  -- 1: the scanner is local
    rejected  INTEGER NOT NULL,  -- 1: every probe got a reject (RST), none went unanswered
    probes    INTEGER NOT NULL,
    first_us  INTEGER NOT NULL,
    last_us   INTEGER NOT NULL,
    PRIMARY KEY (scanner, target, proto, port)
) WITHOUT ROWID;

-- The source ports of the probes, per target host (a worm sends from one port to many hosts).
CREATE TABLE scan_source (
    scanner     BLOB    NOT NULL,
    source_port INTEGER NOT NULL,
    target      BLOB    NOT NULL,
    PRIMARY KEY (scanner, source_port, target)
) WITHOUT ROWID;

-- Per scanner, from scan_target: kept current for the scanners merged.
CREATE TABLE scanner (
    ip       BLOB    PRIMARY KEY,
    outgoing INTEGER NOT NULL,
    targets  INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    hosts    INTEGER NOT NULL,
    ports    INTEGER NOT NULL,
    probes   INTEGER NOT NULL,
    first_us INTEGER NOT NULL,
    last_us  INTEGER NOT NULL
) WITHOUT ROWID;

-- Server evidence on the ports ports.conf watched (service or risk) when merged: who answered
-- whom (the rule of the servers report), with one side local.
CREATE TABLE service_peer (
    server       BLOB    NOT NULL,
    proto        INTEGER NOT NULL,
    port         INTEGER NOT NULL,
    client       BLOB    NOT NULL,
    server_class TEXT    NOT NULL,
    client_class TEXT    NOT NULL,
    sessions     INTEGER NOT NULL,
    bytes_in     INTEGER NOT NULL,  -- received by the server
    bytes_out    INTEGER NOT NULL,
    packets      INTEGER NOT NULL,
    PRIMARY KEY (server, proto, port, client)
) WITHOUT ROWID;

-- Per local server and service, from service_peer.
CREATE TABLE service_server (
    server    BLOB    NOT NULL,
    proto     INTEGER NOT NULL,
    port      INTEGER NOT NULL,
    clients   INTEGER NOT NULL,
    sessions  INTEGER NOT NULL,
    bytes_in  INTEGER NOT NULL,
    bytes_out INTEGER NOT NULL,
    packets   INTEGER NOT NULL,
    PRIMARY KEY (server, proto, port)
) WITHOUT ROWID;

-- Per local client and service, from service_peer.
CREATE TABLE service_client (
    client    BLOB    NOT NULL,
    proto     INTEGER NOT NULL,
    port      INTEGER NOT NULL,
    servers   INTEGER NOT NULL,
    sessions  INTEGER NOT NULL,
    bytes_in  INTEGER NOT NULL,  -- received by the client
    bytes_out INTEGER NOT NULL,
    packets   INTEGER NOT NULL,
    PRIMARY KEY (client, proto, port)
) WITHOUT ROWID;
