-- ipaudit interval file, schema version 1: the contract between ipauditd and every reader.
--
-- One SQLite file per interval, written by ipauditd under a temporary name in one transaction,
-- fsync'ed and renamed into place: DATA/intervals/YYYY/MM/DD/YYYYMMDD-HHMM.db (UTC), named after
-- the start of its coverage; YYYYMMDD-HHMMSS.db when that is not on a minute (live start, an
-- early close, the first packet of an import). A second interval of the same name in one run
-- is NAME-2.db, NAME-3.db, ...: readers take every *.db of a day and use the interval row, not
-- the name, for times. Readers open files read-only and may rely on everything below; new
-- columns may be added at the end of tables.
--
-- IP addresses are 16-byte BLOBs in network order, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d),
-- so one index serves exact and prefix (CIDR) searches of both families: a CIDR is the BLOB
-- range [first, last]. The session_text view shows them as text in the sqlite3 shell.

PRAGMA application_id = 1229996373;  -- 0x49504155, 'IPAU': tells our files from foreign ones
PRAGMA user_version = 1;             -- the schema version, also in interval.schema_version

-- Exactly one row: what the interval is and how healthy the capture was.
CREATE TABLE interval (
    schema_version   INTEGER NOT NULL,
    start_time       INTEGER NOT NULL,  -- nominal interval start, epoch seconds UTC (inclusive)
    end_time         INTEGER NOT NULL,  -- nominal interval end (exclusive)
    covered_from_us  INTEGER NOT NULL,  -- what the sensor observed, epoch microseconds
    covered_to_us    INTEGER NOT NULL,
    partial          INTEGER NOT NULL,  -- 1: the sensor did not observe the whole interval
    sensor           TEXT    NOT NULL,
    interfaces       TEXT    NOT NULL,  -- live interfaces, or the capture files read
    local_networks   TEXT    NOT NULL,  -- as configured, e.g. '10.0.0.0/8,!10.9.0.0/16'
    other_networks   TEXT    NOT NULL,  -- neither local nor remote (multicast, broadcast)
    packets          INTEGER NOT NULL,  -- frames read, whatever their decode outcome
    wire_bytes       INTEGER NOT NULL,  -- their lengths on the wire
    ip_packets       INTEGER NOT NULL,  -- frames decoded as IP (outcome 'ip')
    ip_bytes         INTEGER NOT NULL,  -- IP-layer bytes of those
    sessions         INTEGER NOT NULL,  -- rows in table session
    first_packet_us  INTEGER,           -- NULL when no packet was seen
    last_packet_us   INTEGER,
    overflow_packets INTEGER NOT NULL,  -- IP packets not in any session: session memory cap reached
    overflow_bytes   INTEGER NOT NULL,
    pcap_received    INTEGER,           -- libpcap counters for this interval; NULL for files
    pcap_dropped     INTEGER,
    pcap_if_dropped  INTEGER,
    software         TEXT    NOT NULL   -- 'ipaudit X.Y.Z'
);

-- Why packets were or were not accounted. kind 'outcome': exactly one per packet, so these add
-- up to interval.packets ('ip' is the accounted one). kind 'note': facts about IP packets that
-- may overlap (fragment, transport_truncated, ...). Every name is present, zeros included.
CREATE TABLE decode_count (
    kind    TEXT    NOT NULL CHECK (kind IN ('outcome', 'note')),
    name    TEXT    NOT NULL,
    packets INTEGER NOT NULL,
    PRIMARY KEY (kind, name)
) WITHOUT ROWID;

-- One row per conversation (DESIGN.md "Sessions"). Side A is the local side when exactly one
-- side is local, otherwise the smaller (ip, port). Rows are unique on
-- (ip_a, ip_b, proto, port_a, port_b).
CREATE TABLE session (
    ip_a         BLOB    NOT NULL,
    ip_b         BLOB    NOT NULL,
    proto        INTEGER NOT NULL,  -- IP protocol (IPv6: upper layer after extension headers)
    port_a       INTEGER NOT NULL,  -- TCP/UDP port; ICMP: type*256+code of the request side; else 0
    port_b       INTEGER NOT NULL,
    class_a      TEXT    NOT NULL,  -- 'L' local, 'R' remote, 'O' other network
    class_b      TEXT    NOT NULL,
    packets_ab   INTEGER NOT NULL,  -- A to B
    packets_ba   INTEGER NOT NULL,
    bytes_ab     INTEGER NOT NULL,  -- IP-layer bytes (IPv4 total length, IPv6 payload + 40)
    bytes_ba     INTEGER NOT NULL,
    flags_ab     INTEGER NOT NULL,  -- OR of TCP flags sent A to B (FIN=1 SYN=2 RST=4 PSH=8 ACK=16 ...)
    flags_ba     INTEGER NOT NULL,
    first_us     INTEGER NOT NULL,  -- first and last packet, epoch microseconds UTC
    last_us      INTEGER NOT NULL,
    first_talker TEXT    NOT NULL CHECK (first_talker IN ('a', 'b')),
    first_by     TEXT    NOT NULL CHECK (first_by IN ('syn', 'guess')),  -- how first_talker is known
    last_talker  TEXT    NOT NULL CHECK (last_talker IN ('a', 'b'))
);

-- IPs as text for people in the sqlite3 shell (IPv6 unabbreviated, lower case).
CREATE VIEW session_text AS
SELECT
    CASE WHEN substr(ha, 1, 24) = '00000000000000000000FFFF' THEN
        ((instr('0123456789ABCDEF', substr(ha, 25, 1)) - 1) * 16 + instr('0123456789ABCDEF', substr(ha, 26, 1)) - 1) || '.' ||
        ((instr('0123456789ABCDEF', substr(ha, 27, 1)) - 1) * 16 + instr('0123456789ABCDEF', substr(ha, 28, 1)) - 1) || '.' ||
        ((instr('0123456789ABCDEF', substr(ha, 29, 1)) - 1) * 16 + instr('0123456789ABCDEF', substr(ha, 30, 1)) - 1) || '.' ||
        ((instr('0123456789ABCDEF', substr(ha, 31, 1)) - 1) * 16 + instr('0123456789ABCDEF', substr(ha, 32, 1)) - 1)
    ELSE lower(substr(ha, 1, 4) || ':' || substr(ha, 5, 4) || ':' || substr(ha, 9, 4) || ':' || substr(ha, 13, 4) || ':' ||
               substr(ha, 17, 4) || ':' || substr(ha, 21, 4) || ':' || substr(ha, 25, 4) || ':' || substr(ha, 29, 4))
    END AS ip_a,
    CASE WHEN substr(hb, 1, 24) = '00000000000000000000FFFF' THEN
        ((instr('0123456789ABCDEF', substr(hb, 25, 1)) - 1) * 16 + instr('0123456789ABCDEF', substr(hb, 26, 1)) - 1) || '.' ||
        ((instr('0123456789ABCDEF', substr(hb, 27, 1)) - 1) * 16 + instr('0123456789ABCDEF', substr(hb, 28, 1)) - 1) || '.' ||
        ((instr('0123456789ABCDEF', substr(hb, 29, 1)) - 1) * 16 + instr('0123456789ABCDEF', substr(hb, 30, 1)) - 1) || '.' ||
        ((instr('0123456789ABCDEF', substr(hb, 31, 1)) - 1) * 16 + instr('0123456789ABCDEF', substr(hb, 32, 1)) - 1)
    ELSE lower(substr(hb, 1, 4) || ':' || substr(hb, 5, 4) || ':' || substr(hb, 9, 4) || ':' || substr(hb, 13, 4) || ':' ||
               substr(hb, 17, 4) || ':' || substr(hb, 21, 4) || ':' || substr(hb, 25, 4) || ':' || substr(hb, 29, 4))
    END AS ip_b,
    proto, port_a, port_b, class_a, class_b, packets_ab, packets_ba, bytes_ab, bytes_ba,
    flags_ab, flags_ba,
    strftime('%Y-%m-%d %H:%M:%S', first_us / 1000000, 'unixepoch') || printf('.%06d', first_us % 1000000) AS first_time,
    strftime('%Y-%m-%d %H:%M:%S', last_us / 1000000, 'unixepoch') || printf('.%06d', last_us % 1000000) AS last_time,
    first_talker, first_by, last_talker
FROM (SELECT *, hex(ip_a) AS ha, hex(ip_b) AS hb FROM session);
