-- Indexes of a daily rollup (sql/rollup_schema.sql), built after a rebuild has loaded the rows
-- (faster than row by row); a rollup created for incremental merges has them from the start.
-- Top-N reads walk pairs, hosts and scanners in order of bytes and targets; peers by either side.
CREATE INDEX pair_by_ip_b ON pair (ip_b);
CREATE INDEX pair_by_bytes ON pair (bytes_ab + bytes_ba DESC) WHERE class_a = 'L' AND class_b = 'R';
CREATE INDEX host_by_bytes ON host (class, bytes_in + bytes_out DESC);
CREATE INDEX scanner_by_targets ON scanner (outgoing, targets DESC);
CREATE INDEX service_peer_by_client ON service_peer (client, proto, port);
CREATE INDEX service_server_by_bytes ON service_server (port, proto, bytes_in + bytes_out DESC, server);
CREATE INDEX service_client_by_bytes ON service_client (port, proto, bytes_in + bytes_out DESC, client);
